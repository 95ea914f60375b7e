"""Formatting of indicator values in templates."""

from __future__ import annotations

from django import template

from keleshek.indicators.charts import fmt
from keleshek.indicators.models import Indicator

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
    return max(0.0, school.pupils - school.capacity)  # type: ignore[attr-defined]
