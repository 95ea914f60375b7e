"""Schools, colleges, universities, competence centres, workshops and their labs, other
social facilities; capacity, pupils, shifts and teachers by year."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core.ids import IdentifierError, parse_bin
from keleshek.core.links import validate_web_link
from keleshek.core.models import Multilingual, Synthetic, TimeStamped
from keleshek.territory.models import Territory


def validate_bin(value: str) -> None:
    try:
        parse_bin(value)
    except IdentifierError as exc:
        raise ValidationError(
            _("invalid BIN %(value)s: %(reason)s"),
            code="bin",
            params={"value": value, "reason": str(exc).split(": ", 1)[-1]},
        ) from exc


class Language(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


class Institution(Multilingual, Synthetic, TimeStamped):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("school")
        COLLEGE = "college", _("college")
        UNIVERSITY = "university", _("university")
        COMPETENCE_CENTRE = "competence_centre", _("competence centre")
        WORKSHOP = "workshop", _("workshop")
        ENGINEERING_CENTRE = "engineering_centre", _("engineering centre")
        SOCIAL_FACILITY = "social_facility", _("other social facility")

    class Ownership(models.TextChoices):
        STATE = "state", _("state")
        PRIVATE = "private", _("private")
        CORPORATE = "corporate", _("corporate")

    class Status(models.TextChoices):
        OPERATING = "operating", _("operating")
        PLANNED = "planned", _("planned")
        UNDER_CONSTRUCTION = "under_construction", _("under construction")
        CLOSED = "closed", _("closed")

    bin = models.CharField(
        _("BIN"), max_length=12, unique=True, null=True, blank=True, validators=[validate_bin]
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    settlement = models.ForeignKey(
        Territory,
        verbose_name=_("settlement"),
        on_delete=models.PROTECT,
        related_name="institutions",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("host institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("e.g. the college that hosts a competence centre"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    design_capacity = models.PositiveIntegerField(_("design capacity (places)"), default=0)
    shifts = models.PositiveSmallIntegerField(_("shifts"), default=1)
    # two independent flags (ADR 0162): a building in emergency condition may also be crowded
    # into three shifts
    is_emergency = models.BooleanField(_("emergency condition"), default=False)
    is_three_shift = models.BooleanField(_("three-shift"), default=False)
    languages = models.JSONField(_("languages of instruction"), default=list, blank=True)
    ownership = models.CharField(
        _("ownership"), max_length=20, choices=Ownership.choices, default=Ownership.STATE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPERATING
    )
    opened_year = models.PositiveSmallIntegerField(_("opened in"), null=True, blank=True)
    grade_from = models.PositiveSmallIntegerField(_("first grade"), null=True, blank=True)
    grade_to = models.PositiveSmallIntegerField(_("last grade"), null=True, blank=True)
    maintenance_budget = models.DecimalField(
        _("maintenance budget, KZT"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    website = models.URLField(_("website"), blank=True, validators=[validate_web_link])
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["kind", "name_ru"]
        indexes = [models.Index(fields=["kind", "status"])]

    def clean(self) -> None:
        for lang in self.languages or []:
            if lang not in Language.values:
                raise ValidationError({"languages": _("unknown language %(l)s") % {"l": lang}})
        if self.grade_from and self.grade_to and self.grade_from > self.grade_to:
            raise ValidationError({"grade_to": _("last grade is before the first")})


class Laboratory(Multilingual, Synthetic, TimeStamped):
    """A lab or workshop room that belongs to an institution (e.g. the Lu Ban Workshop's four
    electric-vehicle labs)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="laboratories",
    )
    specialisation = models.CharField(_("specialisation"), max_length=200, blank=True)
    standard = models.CharField(_("equipped to standard"), max_length=200, blank=True)
    opened_year = models.PositiveSmallIntegerField(_("opened in"), null=True, blank=True)

    class Meta:
        verbose_name = _("laboratory")
        verbose_name_plural = _("laboratories")
        ordering = ["institution", "name_ru"]


class InstitutionYear(Synthetic, models.Model):
    """Capacity, shifts and staff of one institution in one school year (the year it starts)."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    design_capacity = models.PositiveIntegerField(_("design capacity (places)"))
    shifts = models.PositiveSmallIntegerField(_("shifts"), default=1)
    is_emergency = models.BooleanField(_("emergency condition"), default=False)
    is_three_shift = models.BooleanField(_("three-shift"), default=False)
    pupils_shift1 = models.PositiveIntegerField(_("pupils in shift 1"), default=0)
    pupils_shift2 = models.PositiveIntegerField(_("pupils in shift 2"), default=0)
    pupils_shift3 = models.PositiveIntegerField(_("pupils in shift 3"), default=0)
    teachers_headcount = models.PositiveIntegerField(_("teachers (headcount)"), default=0)
    teachers_fte = models.DecimalField(
        _("teachers (FTE)"), max_digits=8, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("institution year")
        verbose_name_plural = _("capacity and staff by year")
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="institution_year_key")
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.year}"

    @property
    def pupils(self) -> int:
        return self.pupils_shift1 + self.pupils_shift2 + self.pupils_shift3

    @property
    def works_three_shifts(self) -> bool:
        """Flagged three-shift, or pupils in a third shift (the one test, ADR 0162)."""
        return self.is_three_shift or self.shifts >= 3 or self.pupils_shift3 > 0


class Enrolment(Synthetic, models.Model):
    """Pupils (schools: grades 0-11) or students (colleges, universities: course 1-6) by year,
    grade and sex. For schools, the total per year equals the shifts' total in InstitutionYear."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    grade = models.PositiveSmallIntegerField(_("grade or course"))
    sex = models.CharField(_("sex"), max_length=1, choices=[("M", _("male")), ("F", _("female"))])
    count = models.PositiveIntegerField(_("pupils"))

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("pupils by grade and sex")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "grade", "sex"], name="enrolment_natural_key"
            )
        ]
        indexes = [models.Index(fields=["year", "grade"])]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.year} g{self.grade}{self.sex}: {self.count}"
