"""Reads for the KATO tree and population."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet, Sum

from .models import PopulationRecord, Territory


def oblast() -> Territory:
    return Territory.objects.get(kato=settings.KELESHEK["OBLAST_KATO"])


def current(qs: QuerySet[Territory] | None = None) -> QuerySet[Territory]:
    """Units in force today (no valid_to)."""
    return (qs if qs is not None else Territory.objects.all()).filter(valid_to__isnull=True)


def children(territory: Territory, *, include_historic: bool = False) -> list[Territory]:
    qs = Territory.objects.filter(parent=territory)
    if not include_historic:
        qs = qs.filter(valid_to__isnull=True)
    return list(qs.order_by("kato"))


def subtree(territory: Territory, *, level: str | None = None) -> QuerySet[Territory]:
    qs = current(Territory.objects.filter(path__startswith=territory.path))
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("kato")


def resolve(kato: str, on: dt.date | None = None) -> Territory | None:
    """The unit a code stands for on a date, following successors of abolished units (so that
    an old Semey code resolves to the Abai region unit after 2022-06-08)."""
    unit = Territory.objects.filter(kato=kato).first()
    seen = set()
    while unit is not None and unit.valid_to is not None and unit.pk not in seen:
        if on is not None and on < unit.valid_to:
            return unit
        seen.add(unit.pk)
        if unit.successor_id is None:
            return unit
        unit = unit.successor
    return unit


def population(
    territory: Territory,
    year: int,
    *,
    ages: Iterable[int] | None = None,
    sex: str | None = None,
) -> int:
    """People living in a territory (its whole subtree) in a year, optionally of some ages."""
    qs = PopulationRecord.objects.filter(year=year, territory__path__startswith=territory.path)
    if ages is not None:
        qs = qs.filter(age__in=list(ages))
    if sex:
        qs = qs.filter(sex=sex)
    return int(qs.aggregate(n=Sum("count"))["n"] or 0)


def population_by_age(territory: Territory, year: int) -> dict[tuple[int, str], int]:
    """{(age, sex): people} for a territory's subtree: the pyramid."""
    rows = (
        PopulationRecord.objects.filter(year=year, territory__path__startswith=territory.path)
        .values("age", "sex")
        .annotate(n=Sum("count"))
        .order_by("age", "sex")
    )
    return {(r["age"], r["sex"]): r["n"] for r in rows}


def birth_cohorts(territory: Territory, year: int, *, ages: range = range(0, 7)) -> dict[int, int]:
    """Children by birth year (year - age) counted in ``year``: inputs for a school forecast."""
    pyramid = population_by_age(territory, year)
    out: dict[int, int] = {}
    for age in ages:
        out[year - age] = pyramid.get((age, "M"), 0) + pyramid.get((age, "F"), 0)
    return out
