"""The KATO tree (oblast -> district/city -> rural okrug -> settlement) and population."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core.ids import IdentifierError, parse_kato
from keleshek.core.models import Multilingual, Synthetic, TimeStamped


def validate_kato(value: str) -> None:
    try:
        parse_kato(value)
    except IdentifierError as exc:
        raise ValidationError(_("KATO code must be exactly 9 digits"), code="kato") from exc


# Words a territory's name may already carry for its level, in any of the three languages
# (the names are the classifier's: "... район", "... ауданы", "... district", "г.а. ...").
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "oblast": ("область", "облыс", "oblast", "region"),
    "district": ("район", "аудан", "district"),
    "city": ("г.а.", "қ.ә.", "city", "город", "қаласы"),
    "rural_okrug": ("округ", "okrug", "rural district"),
    "settlement": (),
}


class Territory(Multilingual, Synthetic, TimeStamped):
    class Level(models.TextChoices):
        OBLAST = "oblast", _("oblast")
        DISTRICT = "district", _("district")
        CITY = "city", _("city of regional significance")
        RURAL_OKRUG = "rural_okrug", _("rural okrug")
        SETTLEMENT = "settlement", _("settlement")

    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[validate_kato])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    # "/630000000/631000000/631010000/" - ancestors' KATO codes; scoping is a prefix match.
    path = models.CharField(_("path"), max_length=200, db_index=True, editable=False)
    is_urban = models.BooleanField(_("urban"), default=False)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("where this unit went when it was abolished or transferred"),
    )

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["kato"]
        indexes = [models.Index(fields=["level", "kato"])]

    def compute_path(self) -> str:
        parent_path = self.parent.path if self.parent_id and self.parent else "/"
        return f"{parent_path}{self.kato}/"

    def save(self, *args: object, **kwargs: object) -> None:
        # Derived, not business logic: the path always mirrors the parent chain.
        self.path = self.compute_path()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def level_note(self) -> str:
        """The level's label to print beside the name, or "" when the name already says it:
        "Глубоковский район", "Шығыс Қазақстан облысы" and "Glubokoe district" are not followed
        by "район", "облыс" or "district" again."""
        name = str(self.name).lower()
        label = str(self.get_level_display())
        words = (label.lower(), *LEVEL_WORDS.get(self.level, ()))
        return "" if any(w in name for w in words) else label


class PopulationRecord(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.CASCADE, related_name="population"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    age = models.PositiveSmallIntegerField(_("age"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("population record")
        verbose_name_plural = _("population")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "year", "age", "sex"], name="population_natural_key"
            )
        ]
        indexes = [models.Index(fields=["year", "age"])]

    def __str__(self) -> str:
        return f"{self.territory_id} {self.year} {self.age}{self.sex}: {self.count}"
