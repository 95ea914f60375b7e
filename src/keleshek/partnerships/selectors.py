"""Reads for partnerships: international students by country, donations in KZT, agreements."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from keleshek.core import schoolyear
from keleshek.institutions.models import Institution

from .models import Agreement, InternationalStudents


@dataclass(frozen=True)
class CountryRow:
    country: str
    count: int


def international_students(year: int, institution: Institution | None = None) -> list[CountryRow]:
    """International students by country in a year, most first (B16: 400 from 8 countries)."""
    qs = InternationalStudents.objects.filter(year=year)
    if institution is not None:
        qs = qs.filter(institution=institution)
    rows = qs.values("country").annotate(total=Sum("count")).order_by("-total", "country")
    return [CountryRow(r["country"], r["total"]) for r in rows]


@dataclass(frozen=True)
class StudentsTotal:
    students: int
    countries: int


def international_students_total(
    year: int, institution: Institution | None = None
) -> StudentsTotal:
    rows = international_students(year, institution)
    return StudentsTotal(sum(r.count for r in rows), sum(1 for r in rows if r.count))


@dataclass(frozen=True)
class DonationRow:
    agreement: Agreement
    amount: Decimal
    currency: str
    amount_kzt: Decimal | None


def donations(year: int | None = None) -> list[DonationRow]:
    """Equipment donations with their amount, currency and KZT value at the rate's date (B15)."""
    qs = Agreement.objects.filter(kind=Agreement.Kind.EQUIPMENT_DONATION, amount__isnull=False)
    if year is not None:
        qs = qs.filter(signed_on__range=schoolyear.span(year))
    qs = (
        qs.select_related("institution").prefetch_related("partners").order_by("-signed_on", "code")
    )
    return [
        DonationRow(a, a.amount, a.currency or "KZT", a.amount_kzt)
        for a in qs
        if a.amount is not None
    ]


def agreements(kind: str | None = None) -> list[Agreement]:
    qs = Agreement.objects.select_related("institution", "parent").prefetch_related("partners")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("kind", "code"))


def agreement_with_children(code: str) -> tuple[Agreement, list[Agreement]]:
    """A consortium or memorandum and the research groups formed under it (B14)."""
    parent = Agreement.objects.prefetch_related("partners").get(code=code)
    children = list(
        Agreement.objects.filter(parent=parent).prefetch_related("partners").order_by("code")
    )
    return parent, children


# --- International students as every public path publishes them (ADR 0133) ------------------


@dataclass(frozen=True)
class PublishedInternational:
    """Which records of international students to hide (ids), and which territory cells of
    the indicators' ``foreign_students`` ({(kato, dimension, category)}): the portal's home
    page reads the region's cells by country from here too."""

    records: set[int]
    hidden: set[tuple[str, str, str]]


def published_international(year: int | None) -> PublishedInternational:
    """One protection (``core.suppression.protect``) of the students of each institution and
    country — published per record by the open data — with the totals the indicators and the
    portal publish from them: per territory, and per country at the upper levels."""
    from keleshek.core.suppression import BREAKDOWN_LEVELS, protect, threshold, tree_sums
    from keleshek.territory.models import Territory

    upper = set(Territory.objects.filter(level__in=BREAKDOWN_LEVELS).values_list("kato", flat=True))
    rows = InternationalStudents.objects.filter(year=year or 0).values_list(
        "id", "institution__settlement__path", "country", "count"
    )
    leaves = [
        (("rec", str(rid)), float(n), path.strip("/").split("/"), {"country": country})
        for rid, path, country, n in rows
    ]
    values, sums = tree_sums("foreign_students", leaves, upper=upper)
    all_values: dict[tuple[str, ...], float | None] = {k: v for k, v, _p, _c in leaves}
    all_values.update(values.items())
    hidden = protect(all_values, sums, threshold())
    return PublishedInternational(
        records={int(k[1]) for k in hidden if k[0] == "rec"},
        hidden={(k[2], k[3], k[4]) for k in hidden if k[0] == "T"},
    )
