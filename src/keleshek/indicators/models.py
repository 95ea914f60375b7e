"""Indicator definitions as data (DHIS2-style) and their materialised values.

An :class:`Indicator` names a numerator and (optionally) a denominator: both are codes of
*data elements* registered in :mod:`keleshek.indicators.elements` (set-based aggregations over
the registries). ``value = numerator / denominator × factor`` (or ``numerator × factor``).

:class:`IndicatorValue` holds the computed values per territory (every level of the KATO tree)
or per institution, per school year and per disaggregation (``dimension``/``category``; both
empty for the total). Dashboards read only this table.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core.models import Multilingual
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory


class Indicator(Multilingual):
    class Unit(models.TextChoices):
        COUNT = "count", _("count")
        PERCENT = "percent", _("per cent")
        RATIO = "ratio", _("ratio")
        PLACES = "places", _("places")
        KZT = "kzt", _("KZT")

    class Theme(models.TextChoices):
        CAPACITY = "capacity", _("places and shifts")
        CONSTRUCTION = "construction", _("construction")
        ENROLMENT = "enrolment", _("enrolment")
        SUPPORT = "support", _("social support")
        TVET = "tvet", _("vocational and higher education")
        PARTNERSHIPS = "partnerships", _("partnerships")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    numerator = models.CharField(_("numerator (data element)"), max_length=60)
    denominator = models.CharField(_("denominator (data element)"), max_length=60, blank=True)
    factor = models.FloatField(_("factor"), default=1.0)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=0)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    disaggregations = models.JSONField(
        _("disaggregations"),
        default=list,
        blank=True,
        help_text=_('dimensions materialised besides the total, e.g. ["sex", "area"]'),
    )
    higher_is_better = models.BooleanField(_("higher is better"), null=True, blank=True)
    headline = models.BooleanField(_("headline figure"), default=False)
    public = models.BooleanField(_("published as open data"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]

    @property
    def description(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "ru")[:2]
        return getattr(self, f"description_{lang}", "") or self.description_en

    def clean(self) -> None:
        from .elements import REGISTRY

        for field in ("numerator", "denominator"):
            code = getattr(self, field)
            if code and code not in REGISTRY:
                raise ValidationError({field: _("unknown data element %(c)s") % {"c": code}})


class IndicatorValue(models.Model):
    # Derived rows, rewritten whole by each refresh from the registries' current records: the
    # three foreign keys have no index of their own (each leads one of the composite indexes
    # below) and no database constraint (checking ~800,000 rows at each commit took as long
    # as writing them). Deleting a referenced record still deletes its rows (Django's
    # CASCADE); a row left behind by a raw delete is gone at the next refresh (ADR 0202).
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="values",
        db_index=False,
        db_constraint=False,
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
        help_text=_("set for institution-level values; territory is then its settlement"),
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    dimension = models.CharField(_("dimension"), max_length=20, blank=True, default="")
    category = models.CharField(_("category"), max_length=60, blank=True, default="")
    numerator = models.FloatField(_("numerator"))
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [
            models.Index(fields=["indicator", "year", "territory"], name="indval_ind_year_terr"),
            models.Index(fields=["territory", "year"], name="indval_terr_year"),
            models.Index(fields=["institution", "year"], name="indval_inst_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.territory_id} {self.year} {self.dimension}: {self.value}"


class RefreshRun(models.Model):
    """One refresh of the materialised values: when, how long, how many rows."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    years = models.JSONField(_("years"), default=list, blank=True)
    current_year = models.PositiveSmallIntegerField(_("current school year"), null=True)
    trigger = models.CharField(_("trigger"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("indicator refresh")
        verbose_name_plural = _("indicator refreshes")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.rows} rows"
