"""Reads for the KATO tree and population."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet, Sum

from .models import PopulationRecord, Territory


def oblast_kato() -> str:
    """The configured oblast's KATO code (``KELESHEK["OBLAST_KATO"]``), read in one place."""
    return str(settings.KELESHEK["OBLAST_KATO"])


def oblast() -> Territory:
    return Territory.objects.get(kato=oblast_kato())


def current(qs: QuerySet[Territory] | None = None) -> QuerySet[Territory]:
    """Units in force today (no valid_to)."""
    return (qs if qs is not None else Territory.objects.all()).filter(valid_to__isnull=True)


Span = tuple[dt.date | None, dt.date | None]


def in_force(kato: str, on: dt.date) -> Territory | None:
    """The unit carrying ``kato`` in the classifier on a date (valid_from <= on < valid_to),
    or None when the code does not exist on that date."""
    return (
        Territory.objects.filter(kato=kato)
        .exclude(valid_from__gt=on)
        .exclude(valid_to__lte=on)
        .first()
    )


def validity(
    katos: Iterable[str] | None = None,
) -> dict[str, Span]:
    """{kato: (valid_from, valid_to)} of the classifier, for checking many records at once."""
    qs = Territory.objects.all()
    if katos is not None:
        qs = qs.filter(kato__in=list(katos))
    return {k: (f, t) for k, f, t in qs.values_list("kato", "valid_from", "valid_to")}


def in_force_between(span: Span, on: dt.date) -> bool:
    valid_from, valid_to = span
    return (valid_from is None or valid_from <= on) and (valid_to is None or on < valid_to)


def oblast_units(*, on: dt.date | None = None) -> QuerySet[Territory]:
    """The districts and city administrations of the configured oblast in force today (or on a
    date): what pickers and plans of East Kazakhstan list. Units transferred to another region
    (Abai, 2022) are history under this oblast and current under theirs: neither is listed."""
    qs = Territory.objects.filter(
        level__in=(Territory.Level.DISTRICT, Territory.Level.CITY),
        path__startswith=f"/{oblast_kato()}/",
    )
    if on is None:
        return qs.filter(valid_to__isnull=True).order_by("kato")
    return qs.exclude(valid_from__gt=on).exclude(valid_to__lte=on).order_by("kato")


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
