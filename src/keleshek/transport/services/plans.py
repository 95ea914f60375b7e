"""Plans: the routing problem of a district built from the records, solved by the pure
routing core (``keleshek.routing``), checked, stored; what-ifs; the current plan's seats."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core import audit, hooks, schoolyear
from keleshek.institutions.models import Institution
from keleshek.routing import explain as route_explain
from keleshek.routing.check import check_plan, walking_distance_m
from keleshek.routing.model import (
    Depot,
    DistanceOverride,
    Rules,
    School,
    VehicleType,
)
from keleshek.routing.model import Plan as RoutePlan
from keleshek.routing.model import Stop as RouteStop
from keleshek.routing.solver import build_problem, solve
from keleshek.territory import selectors as territory_selectors
from keleshek.territory.models import Territory

from ..models import Plan, Rider, Route, SchoolSchedule, Stop, Vehicle
from . import crew, roads
from .fleet import DEFAULT_BELL, DEFAULT_MARGIN_MIN, DEFAULT_WINDOW_MIN
from .riders import TRANSPORT_PROGRAMME, max_ride_min, school_day_min, walking_limit_m
from .stops import _walk


@dataclass
class Built:
    problem: Any
    vehicles_by_type: dict[str, list[int]]
    stop_names: dict[str, str]
    school_names: dict[str, str]
    without_stop: list[int]
    distances: str = ""  # where the matrix came from (ADR 0172)


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60


SECOND_SHIFT = "/2"  # suffix of a second shift's routing school and stop ids


def _depot_id(vehicle: Vehicle) -> str:
    """A depot's id in the routing problem (and in ``depot:<id>`` of a closed road)."""
    return f"{vehicle.depot_lat:.4f},{vehicle.depot_lon:.4f}"


def _shift2(place: str) -> str:
    """``stop:12`` as ``stop:12/2``; depots have no second shift."""
    return place if place.startswith("depot:") else f"{place}{SECOND_SHIFT}"


def build(territory: Territory, params: dict[str, Any]) -> Built:
    """The routing problem of a district under ``params`` (a what-if changes only these)."""
    scope = {"school__settlement__path__startswith": territory.path}
    vehicles = list(
        Vehicle.objects.filter(territory__path__startswith=territory.path, available=True).order_by(
            "-capacity", "code"
        )
    )
    remove = int(params.get("remove_buses", 0))  # plans made before "max_buses"
    if remove:
        vehicles = vehicles[: max(0, len(vehicles) - remove)]
    if params.get("max_buses") is not None:
        vehicles = vehicles[: int(params["max_buses"])]  # the largest buses stay
    depots: dict[str, Depot] = {}
    types: dict[str, list[Vehicle]] = defaultdict(list)
    for v in vehicles:
        depot_id = _depot_id(v)
        depots.setdefault(depot_id, Depot(depot_id, v.depot_lon, v.depot_lat))
        home = f"@s{v.home_school_id}" if v.home_school_id else ""
        types[f"{v.capacity}@{depot_id}@{v.cost_per_km}{home}"].append(v)
    shift = int(params.get("bell_shift_min", 0)) * 60
    riders = list(
        Rider.objects.filter(**scope).values_list(
            "pupil_id", "school_id", "stop_id", "pupil__grade"
        )
    )
    school_ids = sorted({s for _, s, _, _ in riders})
    schedules = {s.school_id: s for s in SchoolSchedule.objects.filter(school_id__in=school_ids)}
    institutions = {i.pk: i for i in Institution.objects.filter(pk__in=school_ids)}
    school_day = school_day_min() * 60
    # the schedules are at hand: no second query (selectors.second_shift_grades is the same)
    shift2 = {sid: sch.second_shift_grades() for sid, sch in schedules.items()}

    def routed_school(school_id: int, grade: int) -> str:
        """The routing school of a rider: ``<id>`` or, in the second shift, ``<id>/2``."""
        return (
            f"{school_id}{SECOND_SHIFT}" if grade in shift2.get(school_id, ()) else str(school_id)
        )

    used = {routed_school(s, g) for _, s, _, g in riders}
    schools = []
    school_names = {}
    for sid in school_ids:
        inst = institutions[sid]
        sch = schedules.get(sid)
        margin = (sch.margin_min if sch else DEFAULT_MARGIN_MIN) * 60
        window = (sch.window_min if sch else DEFAULT_WINDOW_MIN) * 60
        bell = _seconds(sch.bell if sch else DEFAULT_BELL) + shift
        # A later bell (what-if) moves the whole school day, the dismissal with it.
        dismissal = _seconds(sch.dismissal) + shift if sch and sch.dismissal else bell + school_day
        shifts = [(str(sid), bell, dismissal, inst.name)]
        if sch is not None and sch.shift2_bell is not None:
            bell2 = _seconds(sch.shift2_bell) + shift
            end2 = _seconds(sch.shift2_dismissal) + shift if sch.shift2_dismissal else None
            name2 = _("%(school)s, second shift") % {"school": inst.name}
            shifts.append((f"{sid}{SECOND_SHIFT}", bell2, end2 or bell2 + school_day, name2))
        for key, bell_s, end_s, name in shifts:
            if key not in used:
                continue
            schools.append(
                School.from_bell(
                    key, inst.lon or 0.0, inst.lat or 0.0, bell_s, margin, window, 0, end_s
                )
            )
            school_names[key] = str(name)
    bound = _bound_schools(vehicles, institutions, float(params.get("neighbour_km", 0)))
    vehicle_types = [
        VehicleType(
            key,
            vs[0].capacity,
            len(vs),
            key.split("@")[1],
            cost_per_km=float(vs[0].cost_per_km),
            fixed_cost=100_000.0,  # buses first, then kilometres
            schools=bound.get(vs[0].home_school_id or 0, frozenset()),
        )
        for key, vs in types.items()
    ]
    per_stop: dict[tuple[int, str], list[str]] = defaultdict(list)
    without_stop: list[int] = []
    for pupil_id, school_id, stop_id, grade in riders:
        if stop_id is None:
            without_stop.append(pupil_id)
        else:
            per_stop[(stop_id, routed_school(school_id, grade))].append(str(pupil_id))
    stops_db = {s.pk: s for s in Stop.objects.filter(pk__in=[k for k, _ in per_stop])}
    extra = params.get("extra_stop")
    route_stops = []
    stop_names = {}
    for (pk, school_key), pupils in sorted(per_stop.items()):
        s = stops_db[pk]
        # A stop used by both shifts is two routing stops: the second is ``<id>/2``.
        key = f"{pk}{SECOND_SHIFT}" if school_key.endswith(SECOND_SHIFT) else str(pk)
        route_stops.append(RouteStop(key, s.lon, s.lat, school_key, len(pupils), tuple(pupils)))
        stop_names[key] = s.name
    if extra:
        route_stops, stop_names = _with_extra_stop(route_stops, stop_names, extra)
    overrides = []
    places = {f"stop:{s.id}" for s in route_stops} | {f"school:{s.id}" for s in schools}
    depot_places = {f"depot:{d}" for d in depots}
    known = places | depot_places
    for road in params.get("closed_roads", []):
        # A closed road closes for both shifts: between every copy of its two ends (the page
        # shows a second-shift place as ``stop:12/2``; its first-shift copy is ``stop:12``).
        ends = []
        for place in (str(road["a"]), str(road["b"])):
            base = place.removesuffix(SECOND_SHIFT)
            ends.append([p for p in dict.fromkeys((base, _shift2(base))) if p in known])
        if not ends[0] or not ends[1]:
            raise ValidationError(
                _("a closed road names a place that is not in the plan: %(a)s – %(b)s")
                % {"a": road["a"], "b": road["b"]}
            )
        metres, seconds = int(road["distance_m"]), int(road["duration_s"])
        for a in ends[0]:
            for b in ends[1]:
                overrides.append(DistanceOverride(a, b, metres, seconds))
    rules = Rules(
        max_ride_s=int(params.get("max_ride_min", max_ride_min())) * 60,
        dwell_fixed_s=float(params.get("dwell_fixed_s", 30)),
        dwell_per_pupil_s=float(params.get("dwell_per_pupil_s", 5)),
    )
    points = [(d.x, d.y) for d in depots.values()] + [(sc.x, sc.y) for sc in schools]
    provider, distances = roads.provider_for(points + [(st.x, st.y) for st in route_stops])
    problem = build_problem(
        list(depots.values()), vehicle_types, schools, route_stops, rules, provider, overrides
    )
    return Built(
        problem,
        {k: [v.pk for v in vs] for k, vs in types.items()},
        stop_names,
        school_names,
        without_stop,
        distances,
    )


def _bound_schools(
    vehicles: list[Vehicle], institutions: dict[int, Institution], neighbour_km: float
) -> dict[int, frozenset[str]]:
    """Per home school of the fleet, the routing schools its buses may serve (ADR 0170): its
    own (both shifts) and, where the plan allows (``neighbour_km``), the schools with riders
    that lie within that straight-line distance of it. Carriers' buses are not bound."""
    homes = {v.home_school_id for v in vehicles if v.home_school_id}
    located = {
        pk: (float(i.lon), float(i.lat))
        for pk, i in institutions.items()
        if i.lat is not None and i.lon is not None
    }
    where = {
        i.pk: (float(i.lon), float(i.lat))
        for i in Institution.objects.filter(pk__in=homes)
        if i.lat is not None and i.lon is not None
    }
    bound: dict[int, frozenset[str]] = {}
    for home in homes:
        served = {home}
        if neighbour_km > 0 and home in where:
            served |= {
                pk for pk, xy in located.items() if _walk(where[home], xy) <= neighbour_km * 1000
            }
        bound[home] = frozenset(key for pk in served for key in (str(pk), f"{pk}{SECOND_SHIFT}"))
    return bound


def _with_extra_stop(
    stops: list[RouteStop], names: dict[str, str], extra: dict[str, Any]
) -> tuple[list[RouteStop], dict[str, str]]:
    """A hypothetical stop: riders of its school nearer to it than to theirs (and within the
    walking limit) move to it."""
    limit = walking_limit_m()
    point = (float(extra["lon"]), float(extra["lat"]))
    school = str(extra["school"])
    rows = Rider.objects.filter(school_id=int(school))
    homes = {
        pid: (lon, lat)
        for pid, lon, lat in rows.values_list("pupil_id", "pupil__home_lon", "pupil__home_lat")
    }
    moved: dict[str, list[str]] = defaultdict(list)  # by routing school: either shift
    out = []
    for s in stops:
        if s.school_id.removesuffix(SECOND_SHIFT) != school:
            out.append(s)
            continue
        keep = []
        for pid in s.pupil_ids:
            home = homes[int(pid)]
            to_new = _walk(home, point)
            if to_new <= limit and to_new < _walk(home, (s.x, s.y)):
                moved[s.school_id].append(pid)
            else:
                keep.append(pid)
        if keep:
            out.append(RouteStop(s.id, s.x, s.y, s.school_id, len(keep), tuple(keep)))
    name = str(extra.get("name") or _("new stop"))
    names = dict(names)
    for school_key, pids in sorted(moved.items()):
        key = "new" if school_key == school else f"new{SECOND_SHIFT}"
        out.append(RouteStop(key, point[0], point[1], school_key, len(pids), tuple(pids)))
        names[key] = name
    return out, names


# --- optimise ------------------------------------------------------------------------------


def plan_create(
    *,
    territory: Territory,
    name: str,
    params: dict[str, Any],
    user: Any | None,
    base: Plan | None = None,
    scenario: dict[str, Any] | None = None,
) -> Plan:
    from keleshek.jobs.services import enqueue

    if territory.level not in (Territory.Level.DISTRICT, Territory.Level.CITY):
        raise ValidationError(_("plans are made per district"))
    if not territory_selectors.oblast_units().filter(pk=territory.pk).exists():
        raise ValidationError(_("plans are made for current districts of the region"))
    with transaction.atomic():
        plan = Plan.objects.create(
            territory=territory,
            name=name,
            params=params,
            base=base,
            scenario=scenario or {},
            created_by=user if getattr(user, "pk", None) else None,
        )
        plan.job = enqueue(kind="transport.optimise", params={"plan": plan.pk}, user=user)
        plan.save(update_fields=["job"])
        audit.record("create", plan, summary=f"transport plan {name}", changes={"params": params})
    return plan


# What a what-if may ask (ADR 0138): a bell moved by at most four hours in all, a closed road
# of at most 1,000 km and a day's drive, a new stop within this distance of its school.
WHATIF_BELL_SHIFT_MIN = 240
WHATIF_ROAD_M = (1, 1_000_000)
WHATIF_ROAD_S = (1, 86_400)
WHATIF_STOP_KM = 60.0


def _whole(scenario: dict[str, Any], key: str, default: int | None, lo: int, hi: int) -> int:
    raw = scenario.get(key)
    if raw in (None, "") and default is not None:
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationError(
            _("%(field)s must be a whole number between %(lo)s and %(hi)s")
            % {"field": key, "lo": lo, "hi": hi}
        ) from None
    if not lo <= value <= hi:
        raise ValidationError(
            _("%(field)s must be a whole number between %(lo)s and %(hi)s")
            % {"field": key, "lo": lo, "hi": hi}
        )
    return value


def _coordinate(scenario: dict[str, Any], key: str, limit: float) -> float:
    try:
        value = float(str(scenario.get(key, "")).strip().replace(",", "."))
    except ValueError:
        value = float("nan")
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise ValidationError(
            _("%(field)s must be a number between %(lo)s and %(hi)s")
            % {"field": key, "lo": -limit, "hi": limit}
        )
    return value


def _district_school(territory: Territory, raw: Any) -> Institution:
    ident = str(raw or "").strip()
    school = (
        Institution.objects.filter(
            pk=int(ident),
            kind=Institution.Kind.SCHOOL,
            settlement__path__startswith=territory.path,
        ).first()
        if ident.isascii() and ident.isdigit() and len(ident) < 19
        else None
    )
    if school is None:
        raise ValidationError(_("the school is not a school of this district"))
    return school


def whatif_params(base: Plan, scenario: dict[str, Any]) -> dict[str, Any]:
    """The parameters of a what-if variant of ``base``; every input is checked against the
    plan's district and sensible ranges (ValidationError with a translated message)."""
    params = dict(base.params)
    # A plan made before shared trips existed (ADR 0066) ran without them: so does its what-if,
    # or the comparison would show two changes at once.
    params.setdefault("shared_trips", False)
    kind = scenario.get("kind")
    if kind == "one_bus_fewer":
        # one bus fewer than the plan USES (a fleet with spare buses would otherwise give the
        # same plan again): the plan must do with the rest, or say whom it cannot carry
        used = min(base.buses, int(params.get("max_buses", base.buses)))
        params["max_buses"] = max(0, used - 1)
    elif kind == "later_bell":
        shift = int(params.get("bell_shift_min", 0))
        limit = WHATIF_BELL_SHIFT_MIN
        minutes = _whole(scenario, "minutes", 15, -limit - shift, limit - shift)
        params["bell_shift_min"] = shift + minutes
    elif kind == "new_stop":
        lat, lon = _coordinate(scenario, "lat", 90.0), _coordinate(scenario, "lon", 180.0)
        school = _district_school(base.territory, scenario.get("school"))
        if school.lat is not None and school.lon is not None:
            km = walking_distance_m((school.lon, school.lat), (lon, lat)) / 1000
            if km > WHATIF_STOP_KM:
                raise ValidationError(
                    _("the new stop is %(km)s km from its school; at most %(max)s km")
                    % {"km": round(km), "max": round(WHATIF_STOP_KM)}
                )
        name = str(scenario.get("name", "")).strip()
        if len(name) > 100 or any(ord(c) < 32 for c in name):
            raise ValidationError(_("the stop's name is at most 100 characters of text"))
        params["extra_stop"] = {"lat": lat, "lon": lon, "school": school.pk, "name": name}
    elif kind == "closed_road":
        for end in (scenario.get("a", ""), scenario.get("b", "")):
            if not _place_in_district(base.territory, str(end)):
                raise ValidationError(
                    _("%(place)s is not a depot, school or stop of this district's plan")
                    % {"place": end}
                )
        roads = list(params.get("closed_roads", []))
        roads.append(
            {
                "a": str(scenario["a"]),
                "b": str(scenario["b"]),
                "distance_m": _whole(scenario, "distance_m", None, *WHATIF_ROAD_M),
                "duration_s": _whole(scenario, "duration_s", None, *WHATIF_ROAD_S),
            }
        )
        params["closed_roads"] = roads
    else:
        raise ValidationError(_("unknown what-if"))
    return params


def _place_in_district(territory: Territory, place: str) -> bool:
    """``depot:<lat>,<lon>``, ``school:<id>`` or ``stop:<id>`` (``/2``: its second shift) of
    the district: what a closed road may join."""
    kind, _sep, ident = place.partition(":")
    ident = ident.removesuffix(SECOND_SHIFT)
    inside = {"settlement__path__startswith": territory.path}
    if kind == "depot":
        vehicles = Vehicle.objects.filter(territory__path__startswith=territory.path)
        return any(_depot_id(v) == ident for v in vehicles)
    if not ident.isdigit():
        return False
    if kind == "stop":
        return Stop.objects.filter(pk=int(ident), **inside).exists()
    if kind == "school":
        return Institution.objects.filter(pk=int(ident), **inside).exists()
    return False


def optimise(plan: Plan, progress: Any = None) -> Plan:
    """Build, solve, check and store a plan (the body of the background job).

    The plan's ``params`` bound the search: ``seconds`` of wall-clock time (default 10), or
    ``iterations`` PyVRP iterations per search when given (the same plan on every machine;
    ``routing.solver.solve``)."""
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RUNNING)
    built = build(plan.territory, plan.params)
    seconds = float(plan.params.get("seconds", 10))
    iterations = plan.params.get("iterations")

    def report(fraction: float, what: str) -> None:
        if progress is not None:
            progress(100 * fraction, what)

    result: RoutePlan = solve(
        built.problem,
        seconds=seconds,
        seed=0,
        workers=1,
        progress=report,
        shared_trips=bool(plan.params.get("shared_trips", True)),
        iterations=None if iterations is None else int(iterations),
    )
    problems = check_plan(built.problem, result)
    _store(plan, built, result, problems)
    return plan


@transaction.atomic
def _store(plan: Plan, built: Built, result: RoutePlan, problems: list[str]) -> None:
    Route.objects.filter(plan=plan).delete()
    pool = {k: list(v) for k, v in built.vehicles_by_type.items()}
    routes = []
    clock = route_explain.clock
    stop_xy = {st.id: (st.x, st.y) for st in built.problem.stops}
    school_xy = {sc.id: (sc.x, sc.y) for sc in built.problem.schools}

    def school_name(school_id: str) -> str:
        return built.school_names.get(school_id, school_id)

    def at_school(school_id: str) -> dict[str, Any]:
        """The school's part of a stored trip, morning or afternoon."""
        x, y = school_xy[school_id]
        return {"school": school_id, "x": x, "y": y, "school_name": school_name(school_id)}

    def at_stop(stop_id: str) -> dict[str, Any]:
        """The stop's part of a stored visit, morning or afternoon."""
        x, y = stop_xy[stop_id]
        return {"stop": stop_id, "name": built.stop_names.get(stop_id, stop_id), "x": x, "y": y}

    for n, bus in enumerate(result.buses, start=1):
        free = pool.get(bus.vehicle_type_id) or []
        vehicle_id = free.pop(0) if free else None
        trips = [
            {
                **at_school(t.school_id),
                "arrival": clock(t.school_arrival),
                "ride_min": round(t.longest_ride_s / 60, 1),
                "load": t.load,
                "km": round(t.distance_m / 1000, 1),
                "alighted": t.load - sum(d.alighted for d in t.drops),  # at the last school
                # A shared trip (ADR 0066) reaches these schools first; its pupils get off.
                "drops": [
                    {**at_school(d.school_id), "arrival": clock(d.arrival), "alighted": d.alighted}
                    for d in t.drops
                ],
                "visits": [
                    {
                        **at_stop(v.stop_id),
                        "arrival": clock(v.arrival),
                        "boarded": v.boarded,
                        "load": v.load_after,
                        "to_school": t.school_of(v),
                        "to_school_name": school_name(t.school_of(v)),
                    }
                    for v in t.visits
                ],
            }
            for t in bus.trips
        ]
        afternoon = [
            {
                **at_school(t.school_id),
                "boarding": clock(t.boarding),
                "departure": clock(t.school_departure),
                "ride_min": round(t.longest_ride_s / 60, 1),
                "load": t.load,
                "km": round(t.distance_m / 1000, 1),
                "boarded": t.load - sum(p.boarded for p in t.pickups),  # at the first school
                # A shared run (ADR 0066) calls at these schools next; their pupils board.
                "pickups": [
                    {
                        **at_school(p.school_id),
                        "arrival": clock(p.arrival),
                        "departure": clock(p.departure),
                        "boarded": p.boarded,
                    }
                    for p in t.pickups
                ],
                "visits": [
                    {
                        **at_stop(v.stop_id),
                        "arrival": clock(v.arrival),
                        "alighted": v.alighted,
                        "load": v.load_after,
                        "from_school": t.school_of(v),
                        "from_school_name": school_name(t.school_of(v)),
                    }
                    for v in t.visits
                ],
            }
            for t in bus.afternoon
        ]
        routes.append(
            Route(
                plan=plan,
                number=n,
                vehicle_id=vehicle_id,
                distance_km=round(bus.distance_m / 1000, 2),
                longest_ride_min=round(bus.longest_ride_s / 60, 1),
                load=bus.load,
                trips=trips,
                afternoon=afternoon,
                afternoon_km=round(bus.afternoon_distance_m / 1000, 2),
            )
        )
    Route.objects.bulk_create(routes)
    unserved = [
        {"pupil": pid, "code": code, "reason": reason}
        for pid, code, reason in route_explain.per_pupil(list(result.unserved))
    ]
    afternoon_unserved = [
        {"pupil": pid, "code": code, "reason": reason}
        for pid, code, reason in route_explain.per_pupil(list(result.afternoon_unserved))
    ]
    unserved += [
        {
            "pupil": str(pid),
            "code": "no_stop_in_reach",
            "reason": _("no stop within the walking limit"),
        }
        for pid in built.without_stop
    ]
    plan.buses = result.buses_used
    plan.distance_km = round(result.distance_m / 1000, 2)
    plan.longest_ride_min = round(result.longest_ride_s / 60, 1)
    plan.pupils_total = result.pupils_total + len(built.without_stop)
    plan.pupils_served = result.pupils_served
    plan.unserved = unserved
    plan.afternoon_km = round(result.afternoon_distance_m / 1000, 2)
    plan.pupils_home = result.pupils_home
    plan.afternoon_unserved = afternoon_unserved
    plan.problems = problems
    plan.distances = built.distances
    plan.status = Plan.Status.DONE if not problems else Plan.Status.FAILED
    plan.save()
    plan.document_issues = crew.plan_issues(plan, dt.date.today())
    Plan.objects.filter(pk=plan.pk).update(document_issues=plan.document_issues)
    if plan.base_id is None and plan.status == Plan.Status.DONE:
        Plan.objects.filter(territory=plan.territory, base__isnull=True).exclude(pk=plan.pk).update(
            is_current=False
        )
        Plan.objects.filter(pk=plan.pk).update(is_current=True)
        plan.is_current = True
        _record_assignments(plan, result)
        expired = crew.blocking(plan.document_issues)
        if expired:
            # Made current all the same (the pupils must ride), but it says so: the page lists
            # the expired documents first, and the audit names them.
            audit.record(
                "update",
                plan,
                summary=f"plan {plan.pk} made current with {len(expired)} expired documents",
                changes={"expired": [f"{i['code']}:{i['vehicle']}" for i in expired]},
            )
        hooks.publish_on_commit(hooks.RECORDS_CHANGED, source="transport")
    if plan.status == Plan.Status.DONE:
        # Its route sheets (and the scheme, for the current plan) rendered in the background.
        from keleshek.jobs.documents import prepare_on_commit
        from keleshek.transport.documents import for_plan

        plan_id = plan.pk
        prepare_on_commit(lambda: for_plan(plan_id))


def _record_assignments(plan: Plan, result: RoutePlan) -> int:
    """The current plan's seats are the rural-transport programme's deliveries: each served
    pupil's enrolled membership gets one "transport assignment" (route, stop, arrival, and the
    run home: its route, departure from school and drop-off time); the district's previous
    assignments for those memberships are replaced."""
    from keleshek.support.models import Delivery, Membership, MembershipState

    seats: dict[int, dict[str, Any]] = {}
    for n, bus in enumerate(result.buses, start=1):
        for trip in bus.trips:
            for visit in trip.visits:
                for pid in visit.pupil_ids:
                    seats[int(pid)] = {
                        "route": n,
                        "stop": visit.stop_id,
                        "boarding": route_explain.clock(visit.arrival),
                        "school_arrival": route_explain.clock(
                            trip.arrival_at(trip.school_of(visit))
                        ),
                        "plan": plan.pk,
                    }
    for n, bus in enumerate(result.buses, start=1):
        for home in bus.afternoon:
            for drop in home.visits:
                for pid in drop.pupil_ids:
                    if int(pid) in seats:  # taken home: only pupils brought in the morning
                        seats[int(pid)] |= {
                            "home_route": n,
                            "home_departure": route_explain.clock(
                                home.departure_from(home.school_of(drop))
                            ),
                            "home_drop_off": route_explain.clock(drop.arrival),
                        }
    memberships = Membership.objects.filter(
        programme__code=TRANSPORT_PROGRAMME,
        school__settlement__path__startswith=plan.territory.path,
        state=MembershipState.ENROLLED,
    )
    latest: dict[int, tuple[int, int]] = {}
    for pk, pupil_id, year in memberships.values_list("pk", "pupil_id", "year"):
        if pupil_id not in latest or year > latest[pupil_id][1]:
            latest[pupil_id] = (pk, year)
    Delivery.objects.filter(membership__in=memberships, items__has_key="route").delete()
    today = dt.date.today()
    rows = []
    for pupil_id, items in seats.items():
        if pupil_id not in latest:
            continue
        membership_id, year = latest[pupil_id]
        start, end = schoolyear.span(year)
        rows.append(
            Delivery(
                membership_id=membership_id,
                delivered_on=min(max(today, start), end),
                items=items,
                budget="local budget: school transport",
            )
        )
    Delivery.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
