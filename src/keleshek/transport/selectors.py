"""Reads for the transport pages: scoped to the user's districts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from keleshek.accounts import access
from keleshek.core.names import name_expr
from keleshek.core.scoping import scope_for, scope_queryset
from keleshek.institutions.models import Institution
from keleshek.territory import selectors as territory_selectors
from keleshek.territory.models import Territory

from .models import Plan, Rider, SchoolSchedule, Stop, Vehicle

ROLES = access.roles_for("transport")


def can_use(user: Any) -> bool:
    return access.may_use(user, "transport")


def can_change(user: Any) -> bool:
    role = getattr(user, "role", "")
    return bool(
        getattr(user, "is_superuser", False) or role in ("regional_admin", "transport_coordinator")
    )


def districts_for(user: Any) -> QuerySet[Territory]:
    qs = territory_selectors.oblast_units()
    scope = scope_for(user)
    if scope.everything:
        return qs
    if scope.territory_path:
        return qs.filter(path__startswith=scope.territory_path)
    return qs.none()


def riders_for(user: Any) -> QuerySet[Rider]:
    return scope_queryset(
        Rider.objects.select_related("pupil", "school", "settlement", "stop"),
        user,
        territory="school__settlement",
        institution="school",
    )


def district_summary(district: Territory) -> dict[str, Any]:
    riders = Rider.objects.filter(school__settlement__path__startswith=district.path)
    return {
        "riders": riders.count(),
        "with_stop": riders.filter(stop__isnull=False).count(),
        "stops": Stop.objects.filter(school__settlement__path__startswith=district.path).count(),
        "by_school": list(
            riders.values("school_id")
            .annotate(name=name_expr("school__"), n=Count("pk"))
            .order_by("-n", "name")[:50]
        ),
    }


def plans_for(district: Territory) -> QuerySet[Plan]:
    return Plan.objects.filter(territory=district).select_related("job", "base")


def fleet_for(district: Territory) -> QuerySet[Vehicle]:
    """The vehicles the optimiser may use in a district (those marked available)."""
    return (
        Vehicle.objects.filter(territory__path__startswith=district.path)
        .select_related("home_school")
        .order_by("code")
    )


def bell_schools(district: Territory) -> QuerySet[Institution]:
    """The district's schools, and any institution of the district that riders or stops name."""
    inside = {"school__settlement__path__startswith": district.path}
    return (
        Institution.objects.filter(settlement__path__startswith=district.path)
        .filter(
            Q(kind=Institution.Kind.SCHOOL)
            | Q(pk__in=Rider.objects.filter(**inside).values("school"))
            | Q(pk__in=Stop.objects.filter(**inside).values("school"))
        )
        .select_related("settlement")
        .order_by("name_ru", "pk")
    )


def second_shift_grades(school_ids: Any) -> dict[int, frozenset[int]]:
    """Per school with a second shift, the grades brought for it (ADR 0065); a rider of any
    other grade, or of a school not listed, comes for the first shift."""
    rows = SchoolSchedule.objects.filter(school__in=school_ids, shift2_bell__isnull=False)
    return {s.school_id: s.second_shift_grades() for s in rows}


def riders_per_school(district: Territory) -> dict[int, int]:
    rows = (
        Rider.objects.filter(school__settlement__path__startswith=district.path)
        .values("school")
        .annotate(n=Count("pk"))
    )
    return {r["school"]: r["n"] for r in rows}


def fleet_per_school(district: Territory) -> list[dict[str, Any]]:
    """Per school with riders or buses: its buses, their seats and its riders (ADR 0170);
    then the carriers' garages (buses without a home school) as one line each."""
    vehicles = fleet_for(district).filter(available=True)
    buses: dict[int | None, list[Vehicle]] = {}
    for v in vehicles:
        buses.setdefault(v.home_school_id, []).append(v)
    riders = riders_per_school(district)
    schools = Institution.objects.filter(pk__in={*riders, *(k for k in buses if k)}).order_by(
        "name_ru", "pk"
    )
    rows: list[dict[str, Any]] = []
    for school in schools:
        own = buses.get(school.pk, [])
        rows.append(
            {
                "school": school,
                "buses": len(own),
                "seats": sum(v.capacity for v in own),
                "riders": riders.get(school.pk, 0),
            }
        )
    garages: dict[str, list[Vehicle]] = {}
    for v in buses.get(None, []):
        garages.setdefault(v.carrier or v.depot_name, []).append(v)
    for name, own in sorted(garages.items()):
        rows.append(
            {
                "garage": name,
                "buses": len(own),
                "seats": sum(v.capacity for v in own),
                "riders": None,
            }
        )
    return rows
