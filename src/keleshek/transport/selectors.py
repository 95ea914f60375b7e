"""Reads for the transport pages: scoped to the user's districts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from keleshek.core.scoping import scope_for, scope_queryset
from keleshek.territory.models import Territory

from .models import Plan, Rider, Stop

ROLES = frozenset(
    {"regional_admin", "regional_analyst", "auditor", "district_officer", "transport_coordinator"}
)


def can_use(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") in ROLES)


def can_change(user: Any) -> bool:
    role = getattr(user, "role", "")
    return bool(
        getattr(user, "is_superuser", False) or role in ("regional_admin", "transport_coordinator")
    )


def districts_for(user: Any) -> QuerySet[Territory]:
    qs = Territory.objects.filter(
        level__in=(Territory.Level.DISTRICT, Territory.Level.CITY), valid_to__isnull=True
    )
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
            riders.values("school__name_ru").annotate(n=Count("pk")).order_by("-n")[:50]
        ),
    }


def plans_for(district: Territory) -> QuerySet[Plan]:
    return Plan.objects.filter(territory=district).select_related("job", "base")
