"""Construction projects for schools and other social facilities, with mixed funding."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core.models import Multilingual, Synthetic, TimeStamped
from keleshek.institutions.models import Institution
from keleshek.partnerships.models import Partner
from keleshek.territory.models import Territory


class FundingSource(models.TextChoices):
    # One national project under its new and old names: «Келешек мектептері / мектебі»,
    # formerly «Комфортная школа» (ADR 0163). The code is the seed's name.
    KELESHEK_MEKTEBI = (
        "keleshek_mektebi",
        _("national project «Keleshek mektepteri» (formerly «Comfortable school»)"),
    )
    REPUBLICAN_BUDGET = "republican_budget", _("republican budget")
    LOCAL_BUDGET = "local_budget", _("local budget")
    CORPORATE_PARTNER = "corporate_partner", _("corporate social partnership")


NATIONAL_PROJECT_SOURCES = (FundingSource.KELESHEK_MEKTEBI,)
# an old code that files and links may still carry -> the source it now is
SOURCE_ALIASES = {"comfortable_school": FundingSource.KELESHEK_MEKTEBI.value}


class Project(Multilingual, Synthetic, TimeStamped):
    class Kind(models.TextChoices):
        NEW_SCHOOL = "new_school", _("new school")
        EXTENSION = "extension", _("extension")
        RECONSTRUCTION = "reconstruction", _("reconstruction")
        SPORTS_GROUND = "sports_ground", _("sports ground")
        CHILDREN_GROUND = "children_ground", _("children's playground")
        CLINIC = "clinic", _("health facility")
        PUBLIC_SPACE = "public_space", _("public space")
        OTHER = "other", _("other social facility")

    class Stage(models.TextChoices):
        PLANNED = "planned", _("planned")
        DESIGN = "design", _("design")
        UNDER_CONSTRUCTION = "under_construction", _("under construction")
        COMMISSIONED = "commissioned", _("commissioned")
        CANCELLED = "cancelled", _("cancelled")

    SCHOOL_KINDS = (Kind.NEW_SCHOOL, Kind.EXTENSION, Kind.RECONSTRUCTION)

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    settlement = models.ForeignKey(
        Territory, verbose_name=_("settlement"), on_delete=models.PROTECT, related_name="projects"
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNED, db_index=True
    )
    places = models.PositiveIntegerField(_("places"), default=0)
    planned_cost = models.DecimalField(
        _("planned cost, KZT"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    actual_cost = models.DecimalField(
        _("actual cost, KZT"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    readiness = models.PositiveSmallIntegerField(
        _("readiness, %"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    start_date = models.DateField(_("construction start"), null=True, blank=True)
    planned_commissioning = models.DateField(_("planned commissioning"), null=True, blank=True)
    actual_commissioning = models.DateField(_("actual commissioning"), null=True, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text=_("the school it creates (new school) or enlarges (extension)"),
    )
    relieves = models.ManyToManyField(
        Institution,
        verbose_name=_("relieves"),
        blank=True,
        related_name="relieved_by",
        help_text=_("overcrowded schools whose pupils the new places take"),
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("corporate partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")
        ordering = ["-planned_commissioning", "code"]

    def clean(self) -> None:
        if self.stage == self.Stage.COMMISSIONED and not self.actual_commissioning:
            raise ValidationError(
                {"actual_commissioning": _("a commissioned project needs its commissioning date")}
            )
        if self.actual_commissioning and self.stage != self.Stage.COMMISSIONED:
            raise ValidationError({"stage": _("has a commissioning date but is not commissioned")})

    @property
    def is_school(self) -> bool:
        return self.kind in self.SCHOOL_KINDS

    @property
    def main_source(self) -> str | None:
        """The funding source with the largest share (ties: the first in FundingSource order)."""
        shares = list(self.funding.all())
        if not shares:
            return None
        order = {v: i for i, v in enumerate(FundingSource.values)}
        return max(shares, key=lambda f: (f.share, -order[f.source])).source


class ProjectFunding(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="funding"
    )
    source = models.CharField(_("funding source"), max_length=30, choices=FundingSource.choices)
    share = models.DecimalField(
        _("share"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
    )
    amount = models.DecimalField(
        _("amount, KZT"), max_digits=18, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("funding share")
        verbose_name_plural = _("funding")
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="project_funding_key")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.share}"
