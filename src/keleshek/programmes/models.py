"""The specialty classifier, offerings per institution and year, labour-market demand."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core.models import Multilingual, Synthetic, TimeStamped
from keleshek.institutions.models import Institution, Language
from keleshek.partnerships.models import Partner
from keleshek.territory.models import Territory


class Industry(Multilingual):
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]


class Specialty(Multilingual, Synthetic, TimeStamped):
    class Level(models.IntegerChoices):
        # ISCED 2011 levels used by TVET and higher education
        UPPER_SECONDARY = 3, _("ISCED 3 — upper secondary vocational")
        POST_SECONDARY = 4, _("ISCED 4 — post-secondary")
        SHORT_TERTIARY = 5, _("ISCED 5 — short-cycle tertiary")
        BACHELOR = 6, _("ISCED 6 — bachelor")
        MASTER = 7, _("ISCED 7 — master")
        DOCTORATE = 8, _("ISCED 8 — doctorate")

    code = models.CharField(_("code"), max_length=20, unique=True)
    isced_level = models.PositiveSmallIntegerField(_("ISCED level"), choices=Level.choices)
    qualification_ru = models.CharField(_("qualification (Russian)"), max_length=300, blank=True)
    qualification_kk = models.CharField(_("qualification (Kazakh)"), max_length=300, blank=True)
    qualification_en = models.CharField(_("qualification (English)"), max_length=300, blank=True)
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), on_delete=models.PROTECT, related_name="specialties"
    )

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ["code"]


class Offering(Synthetic, TimeStamped):
    """A specialty taught at an institution in a school year, in one language."""

    class StudyForm(models.TextChoices):
        FULL_TIME = "full_time", _("full-time")
        PART_TIME = "part_time", _("part-time")
        EVENING = "evening", _("evening")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="offerings",
    )
    specialty = models.ForeignKey(
        Specialty, verbose_name=_("specialty"), on_delete=models.PROTECT, related_name="offerings"
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    launch_year = models.PositiveSmallIntegerField(_("launched in"))
    study_form = models.CharField(
        _("study form"), max_length=20, choices=StudyForm.choices, default=StudyForm.FULL_TIME
    )
    duration_months = models.PositiveSmallIntegerField(_("duration, months"), default=34)
    state_seats = models.PositiveIntegerField(_("state-funded seats"), default=0)
    paid_seats = models.PositiveIntegerField(_("paid seats"), default=0)
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0)
    graduates_expected = models.PositiveIntegerField(_("expected graduates"), default=0)
    dual_training = models.BooleanField(_("dual training"), default=False)
    dual_employer = models.ForeignKey(
        Partner,
        verbose_name=_("dual-training employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dual_offerings",
    )
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["-year", "institution", "specialty"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "specialty", "year", "language"],
                name="offering_natural_key",
            )
        ]
        indexes = [models.Index(fields=["year", "launch_year"])]

    def __str__(self) -> str:
        return f"{self.specialty} — {self.institution} ({self.year})"

    @property
    def is_new(self) -> bool:
        """New this year: launched in the school year it is offered."""
        return self.launch_year == self.year

    def clean(self) -> None:
        if self.launch_year and self.year and self.launch_year > self.year:
            raise ValidationError({"launch_year": _("launched after the year it is offered")})
        if self.dual_employer_id and not self.dual_training:
            raise ValidationError({"dual_employer": _("an employer is set but not dual training")})


class LabourDemand(Synthetic, models.Model):
    """Projected demand for a specialty's graduates in a territory and year."""

    specialty = models.ForeignKey(
        Specialty, verbose_name=_("specialty"), on_delete=models.CASCADE, related_name="demand"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    demand = models.PositiveIntegerField(_("jobs demanded"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("labour-market demand")
        verbose_name_plural = _("labour-market demand")
        constraints = [
            models.UniqueConstraint(
                fields=["specialty", "territory", "year"], name="labour_demand_natural_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.specialty_id} {self.year}: {self.demand}"
