"""Reads for institutions: schools with their year's figures, pupils, shifts, condition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet, Sum

from keleshek.core.scoping import scope_queryset
from keleshek.territory.models import Territory

from .models import Enrolment, Institution, InstitutionYear


def institutions(
    *, user: Any = None, kind: str | None = None, territory: Territory | None = None
) -> QuerySet[Institution]:
    """Institutions, scoped to the user when one is given (every staff read path passes one)."""
    qs = Institution.objects.select_related("settlement", "parent")
    if user is not None:
        qs = scope_queryset(qs, user, territory="settlement", institution="")
    if kind:
        qs = qs.filter(kind=kind)
    if territory is not None:
        qs = qs.filter(settlement__path__startswith=territory.path)
    return qs.order_by("kind", "name_ru")


def school_years(
    year: int, *, territory: Territory | None = None, user: Any = None
) -> QuerySet[InstitutionYear]:
    qs = InstitutionYear.objects.filter(
        year=year, institution__kind=Institution.Kind.SCHOOL
    ).select_related("institution", "institution__settlement")
    if user is not None:
        qs = scope_queryset(
            qs, user, territory="institution__settlement", institution="institution"
        )
    if territory is not None:
        qs = qs.filter(institution__settlement__path__startswith=territory.path)
    return qs


@dataclass(frozen=True)
class SchoolTotals:
    schools: int
    pupils: int
    capacity: int
    second_shift: int
    third_shift: int
    three_shift_schools: int
    emergency_schools: int
    teachers_fte: float

    @property
    def utilisation(self) -> float:
        return 100.0 * self.pupils / self.capacity if self.capacity else 0.0


def school_totals(year: int, *, territory: Territory | None = None) -> SchoolTotals:
    qs = school_years(year, territory=territory)
    agg = qs.aggregate(
        pupils=Sum(F("pupils_shift1") + F("pupils_shift2") + F("pupils_shift3")),
        capacity=Sum("design_capacity"),
        s2=Sum("pupils_shift2"),
        s3=Sum("pupils_shift3"),
        fte=Sum("teachers_fte"),
    )
    return SchoolTotals(
        schools=qs.count(),
        pupils=int(agg["pupils"] or 0),
        capacity=int(agg["capacity"] or 0),
        second_shift=int(agg["s2"] or 0),
        third_shift=int(agg["s3"] or 0),
        three_shift_schools=qs.filter(
            Q(condition=Institution.Condition.THREE_SHIFT) | Q(pupils_shift3__gt=0)
        ).count(),
        emergency_schools=qs.filter(condition=Institution.Condition.EMERGENCY).count(),
        teachers_fte=float(agg["fte"] or 0),
    )


def overcrowded_schools(year: int, *, territory: Territory | None = None) -> list[InstitutionYear]:
    """Schools with more pupils than places, most overcrowded first."""
    qs = school_years(year, territory=territory).annotate(
        over=F("pupils_shift1") + F("pupils_shift2") + F("pupils_shift3") - F("design_capacity")
    )
    return list(qs.filter(over__gt=0).order_by("-over", "institution__name_ru"))


def enrolment_by_grade(
    year: int, *, territory: Territory | None = None
) -> dict[tuple[int, str], int]:
    """{(grade, sex): pupils} in schools."""
    qs = Enrolment.objects.filter(year=year, institution__kind=Institution.Kind.SCHOOL)
    if territory is not None:
        qs = qs.filter(institution__settlement__path__startswith=territory.path)
    rows = qs.values("grade", "sex").annotate(n=Sum("count")).order_by("grade", "sex")
    return {(r["grade"], r["sex"]): r["n"] for r in rows}
