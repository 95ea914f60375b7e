"""The transport API (mounted at /api/v1/transport/): a district's plans and a plan's routes.

Read-only. Every endpoint needs an authenticated user (bearer token or session) with a
transport role, and answers only districts in the user's scope
(``selectors.districts_for``): a district or plan outside it is a 404, as if it did not exist.
Routes show stops, arrival times and loads, in the morning and on the runs home after the
last lesson; never a pupil's name or id (the plan's lists of pupils not served and not taken
home are summarised by reason).

No ``from __future__ import annotations`` here: django-ninja reads the annotations at runtime.
"""

from collections import Counter
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from keleshek.accounts import privacy
from keleshek.core.api import Kato, ObjectId, Page

from . import selectors
from .models import Plan, Route

# Authentication is the mount's: ``keleshek.api.main`` mounts this router with ``staff_auth``
# (a bearer token or a session); ``_user`` below refuses anyone without a transport role.
router = Router(tags=["transport"])


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if not selectors.can_use(user):
        raise HttpError(403, "your role has no access to transport plans")
    return user


class PlanOut(Schema):
    id: int
    district_kato: str
    name: str
    status: str
    is_current: bool
    base_id: int | None = Field(None, description="the plan this what-if is compared with")
    scenario: dict[str, Any] = Field(description="the what-if's changes; empty for a base plan")
    created_at: str
    buses: int
    distance_km: float = Field(description="bus-km per morning, depot to depot")
    longest_ride_min: float
    pupils_needing: int
    pupils_served: int
    unserved_by_reason: dict[str, int] = Field(
        description="pupils not served, counted by reason code"
    )
    feasibility_problems: int = Field(description="0 when the independent check passed")
    afternoon_distance_km: float = Field(description="bus-km of the runs home, school to depot")
    pupils_home: int = Field(description="pupils brought in the morning and taken home")
    not_home_by_reason: dict[str, int] = Field(
        description="pupils brought in the morning but not taken home, counted by reason code"
    )


def _by_reason(rows: list[dict[str, Any]] | None) -> dict[str, int]:
    return dict(sorted(Counter(str(u.get("code", "")) for u in rows or []).items()))


def _plan_out(plan: Plan, kato: str) -> PlanOut:
    return PlanOut(
        id=plan.pk,
        district_kato=kato,
        name=plan.name,
        status=plan.status,
        is_current=plan.is_current,
        base_id=plan.base_id,
        scenario=plan.scenario or {},
        created_at=plan.created_at.isoformat(),
        buses=plan.buses,
        distance_km=plan.distance_km,
        longest_ride_min=plan.longest_ride_min,
        pupils_needing=plan.pupils_total,
        pupils_served=plan.pupils_served,
        unserved_by_reason=_by_reason(plan.unserved),
        feasibility_problems=len(plan.problems or []),
        afternoon_distance_km=plan.afternoon_km,
        pupils_home=plan.pupils_home,
        not_home_by_reason=_by_reason(plan.afternoon_unserved),
    )


SHIFT_NOTE = "; a second shift's copy ends in /2 (e.g. 12/2)"


class _AtStop(Schema):
    """What a morning visit and an afternoon drop-off share (``_stop_fields`` fills it)."""

    stop_id: str = Field(description="the stop's id" + SHIFT_NOTE)
    stop_name: str
    lon: float
    lat: float


class VisitOut(_AtStop):
    arrival: str = Field(description="HH:MM, boarding starts")
    boarded: int
    load: int = Field(description="pupils aboard after the stop")
    to_school_id: str = Field(description="the school these pupils ride to" + SHIFT_NOTE)


class _SchoolCall(Schema):
    """A further school on a shared trip or run (ADR 0066; ``_call_fields`` fills it)."""

    school_id: str = Field(description="the school's id" + SHIFT_NOTE)
    school_name: str
    lon: float
    lat: float


class SchoolDropOut(_SchoolCall):
    """A school a shared trip reaches before its last one: its pupils get off there."""

    arrival: str = Field(description="HH:MM at this school")
    alighted: int


class DropOffOut(_AtStop):
    arrival: str = Field(description="HH:MM, pupils get off")
    alighted: int
    load: int = Field(description="pupils still aboard after the stop")
    from_school_id: str = Field(description="the school these pupils come from" + SHIFT_NOTE)


class _AtSchool(Schema):
    """What a morning trip and a run home share (``_trip_fields`` fills it)."""

    school_id: str = Field(description="the school's id" + SHIFT_NOTE)
    school_name: str
    load: int
    km: float
    longest_ride_min: float


class TripOut(_AtSchool):
    arrival: str = Field(description="HH:MM at the (last) school")
    drops: list[SchoolDropOut] = Field(
        description="a shared trip carries pupils of two schools: the schools it reaches "
        "before the last, in order; empty for a trip to one school"
    )
    stops: list[VisitOut]


class SchoolPickupOut(_SchoolCall):
    """A second school a shared run home calls at: its pupils board there."""

    arrival: str = Field(description="HH:MM, boarding starts at this school")
    departure: str = Field(description="HH:MM, the bus leaves this school")
    boarded: int


class HomeTripOut(_AtSchool):
    boarding: str = Field(description="HH:MM, boarding starts at the (first) school")
    departure: str = Field(description="HH:MM, the bus leaves the (first) school")
    pickups: list[SchoolPickupOut] = Field(
        description="a shared run carries pupils of two schools: the schools it calls at "
        "after the first, in order; empty for a run from one school"
    )
    stops: list[DropOffOut]


class RouteOut(Schema):
    number: int
    vehicle_code: str | None
    capacity: int | None
    distance_km: float = Field(description="morning bus-km, depot to depot")
    longest_ride_min: float
    load: int
    trips: list[TripOut] = Field(description="morning: stops to school")
    afternoon_distance_km: float
    afternoon: list[HomeTripOut] = Field(description="after the last lesson: school to stops")


class PlanRoutesOut(PlanOut):
    routes: list[RouteOut]


def _trip_fields(trip: dict[str, Any]) -> dict[str, Any]:
    """The fields a morning trip and a run home share, read from the stored trip."""
    return {
        "school_id": str(trip.get("school", "")),
        "school_name": str(trip.get("school_name", "")),
        "load": int(trip.get("load", 0)),
        "km": float(trip.get("km", 0)),
        "longest_ride_min": float(trip.get("ride_min", 0)),
    }


def _call_fields(call: dict[str, Any]) -> dict[str, Any]:
    """A stored drop or pickup's school, place and arrival."""
    return {
        "school_id": str(call.get("school", "")),
        "school_name": str(call.get("school_name", "")),
        "lon": float(call.get("x", 0)),
        "lat": float(call.get("y", 0)),
        "arrival": str(call.get("arrival", "")),
    }


def _stop_fields(visit: dict[str, Any], places: int = 6) -> dict[str, Any]:
    """Only these fields of a stored visit: it may carry more; pupils never leave. A stop made
    for one child stands at the child's home: to a role that may not read home coordinates
    its place is given to ``places`` decimals (2: about a kilometre; ADR 0132)."""
    return {
        "stop_id": str(visit.get("stop", "")),
        "stop_name": str(visit.get("name", "")),
        "lon": round(float(visit.get("x", 0)), places),
        "lat": round(float(visit.get("y", 0)), places),
        "arrival": str(visit.get("arrival", "")),
        "load": int(visit.get("load", 0)),
    }


def _route_out(route: Route, places: int = 6) -> RouteOut:
    vehicle = route.vehicle
    return RouteOut(
        number=route.number,
        vehicle_code=vehicle.code if vehicle else None,
        capacity=vehicle.capacity if vehicle else None,
        distance_km=route.distance_km,
        longest_ride_min=route.longest_ride_min,
        load=route.load,
        trips=[
            TripOut(
                **_trip_fields(t),
                arrival=str(t.get("arrival", "")),
                drops=[
                    SchoolDropOut(**_call_fields(d), alighted=int(d.get("alighted", 0)))
                    for d in t.get("drops", [])
                ],
                stops=[
                    VisitOut(
                        **_stop_fields(v, places),
                        boarded=int(v.get("boarded", 0)),
                        # plans stored before shared trips name no school per visit
                        to_school_id=str(v.get("to_school", t.get("school", ""))),
                    )
                    for v in t.get("visits", [])
                ],
            )
            for t in route.trips or []
        ],
        afternoon_distance_km=route.afternoon_km,
        afternoon=[
            HomeTripOut(
                **_trip_fields(t),
                boarding=str(t.get("boarding", "")),
                departure=str(t.get("departure", "")),
                pickups=[
                    SchoolPickupOut(
                        **_call_fields(p),
                        departure=str(p.get("departure", "")),
                        boarded=int(p.get("boarded", 0)),
                    )
                    for p in t.get("pickups", [])
                ],
                stops=[
                    DropOffOut(
                        **_stop_fields(v, places),
                        alighted=int(v.get("alighted", 0)),
                        from_school_id=str(v.get("from_school", t.get("school", ""))),
                    )
                    for v in t.get("visits", [])
                ],
            )
            for t in route.afternoon or []
        ],
    )


@router.get(
    "/districts/{kato}/plans",
    response=list[PlanOut],
    summary="Transport plans of a district in your scope",
)
@paginate(Page)
def district_plans(request: HttpRequest, kato: Kato) -> Any:
    user = _user(request)
    district = get_object_or_404(selectors.districts_for(user), kato=kato)
    plans = Plan.objects.filter(territory=district).order_by("-is_current", "-created_at", "-pk")
    return _Plans(plans, district.kato)


class _Plans:
    """A lazily sliced list: pagination counts and slices the queryset, then serialises."""

    def __init__(self, qs: Any, kato: str) -> None:
        self.qs, self.kato = qs, kato

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, item: slice) -> list[PlanOut]:
        return [_plan_out(p, self.kato) for p in self.qs[item]]


@router.get(
    "/plans/{plan_id}",
    response=PlanRoutesOut,
    summary="A plan's routes: stops in order with arrival times and loads",
)
def plan_routes(request: HttpRequest, plan_id: ObjectId) -> Any:
    user = _user(request)
    plan = get_object_or_404(
        Plan.objects.select_related("territory").filter(
            territory__in=selectors.districts_for(user)
        ),
        pk=plan_id,
    )
    routes = Route.objects.filter(plan=plan).select_related("vehicle").order_by("number")
    out = _plan_out(plan, plan.territory.kato)
    places = 6 if privacy.clear(user, privacy.Field.HOME) else 2
    return PlanRoutesOut(**out.dict(), routes=[_route_out(r, places) for r in routes])
