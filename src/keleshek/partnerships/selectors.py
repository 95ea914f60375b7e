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
