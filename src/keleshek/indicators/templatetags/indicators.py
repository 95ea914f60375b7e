"""Formatting of indicator values in templates."""

from __future__ import annotations

from django import template

from keleshek.core.charts import local_number as fmt  # grouping and decimal sign by locale
from keleshek.indicators.models import Indicator
from keleshek.institutions.capacity import places_short

register = template.Library()

_SUFFIX = {"percent": "\u202f%", "kzt": "\u202f₸"}


@register.filter
def ind(value: float | None, indicator: Indicator) -> str:
    if value is None:
        return "—"
    return fmt(value, indicator.decimals) + _SUFFIX.get(indicator.unit, "")


@register.filter
def num(value: float | None) -> str:
    if value is None:
        return "—"
    v = float(value)
    return fmt(v, 0 if v.is_integer() or abs(v) >= 100 else 1)


@register.filter
def signed(value: float | None, indicator: Indicator | None = None) -> str:
    if value is None:
        return "—"
    decimals = indicator.decimals if indicator is not None else 0
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + fmt(abs(value), decimals)


@register.filter
def get(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None


@register.filter
def sum_values(values: object) -> float:
    return float(sum(values))  # type: ignore[call-overload]


@register.filter
def school_deficit(school: object) -> float:
    """A planned school's deficit of places: the one rule (ADR 0128)."""
    return places_short(float(school.pupils), float(school.capacity))  # type: ignore[attr-defined]
