"""Row-level scope: which records a user may see, along the KATO tree or to one institution.

Every read path (pages, admin, API, exports, reports, jobs) filters through ``scope_queryset``
so that a district user never sees another district's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)

REGIONAL = frozenset({"regional_admin", "regional_analyst", "auditor"})
TERRITORIAL = frozenset({"district_officer", "support_officer", "transport_coordinator"})


@dataclass(frozen=True)
class Scope:
    """``everything`` for regional roles; otherwise a territory path prefix and/or an
    institution id. ``nothing`` for anonymous users or users without a role."""

    everything: bool = False
    territory_path: str | None = None
    institution_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and not self.territory_path and not self.institution_id


def scope_for(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope()
    if getattr(user, "is_superuser", False):
        return Scope(everything=True)
    role = getattr(user, "role", "")
    if role in REGIONAL:
        return Scope(everything=True)
    if role in TERRITORIAL and user.territory_id:
        return Scope(territory_path=user.territory.path)
    if role == "institution_operator" and user.institution_id:
        return Scope(institution_id=user.institution_id)
    if role == "integrator":
        if user.territory_id:
            return Scope(territory_path=user.territory.path)
        return Scope(everything=True)
    return Scope()


def scope_queryset(
    qs: QuerySet[M],
    user: Any,
    *,
    territory: str | None = None,
    institution: str | None = None,
) -> QuerySet[M]:
    """Filter ``qs`` to the user's scope.

    ``territory`` is the lookup path from the model to a Territory (e.g. ``"settlement"`` or
    ``"institution__settlement"``); ``institution`` the path to an Institution (``""`` when the
    model is the Institution itself, ``None`` when the model has none).
    """
    scope = scope_for(user)
    if scope.everything:
        return qs
    if scope.nothing:
        return qs.none()
    cond = Q()
    if scope.territory_path:
        if territory is None:
            return qs.none()
        cond = Q(**{f"{territory}__path__startswith": scope.territory_path})
    if scope.institution_id:
        if institution is None:
            return qs.none()
        key = f"{institution}__pk" if institution else "pk"
        # An operator also sees the units hosted by their institution (labs, centres).
        cond = Q(**{key: scope.institution_id})
        if institution == "":
            cond |= Q(parent_id=scope.institution_id)
    return qs.filter(cond)
