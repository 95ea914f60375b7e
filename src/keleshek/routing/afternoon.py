"""Afternoon runs home: the morning mirrored, after the last lesson (ADR 0064).

Every school with a dismissal time gets runs from the school to its stops. Each morning trip to
one school is first tried backwards: the same stops in reverse order, the same pupils, the
times from the matrix in the school-to-stop direction (roads may be one-way or a provider may
answer asymmetric times, so nothing assumes the way home equals the way in). Pupils board at
the school from the dismissal on, the bus leaves when they are aboard (``Rules.dwell`` of the
whole load) and stands at every stop as long as the same rule says for the pupils getting off.
A pupil's ride runs from the school departure to the end of the alighting at their stop, the
mirror of the morning (boarding at the stop counts, unloading at the school does not), and
stays within ``Rules.max_ride_s``.

A reversed trip that breaks the ride limit is not output: its visits are routed again with
the morning's engine (``morning.route_school``) on the transposed matrix, where a morning route
from its first stop to the school *is* the afternoon run read backwards. A visit too heavy for
the way home is divided first, by the rule of ``split.py`` on the same transposed problem.

The pupils of shared morning trips (two schools, ADR 0066) are routed again per pair the same
way: a route read backwards boards at the school where the morning ended, calls at the other
school and boards its pupils, then drops everyone. It is kept when both schools let out in time
for it with nobody waiting aboard and every pupil's ride, from leaving their own school, keeps
the limit (``_home_timing``); otherwise those pupils go home with the rest of their school.

The runs are then put on buses in order of dismissal. A run goes preferably to the bus that
brought its pupils in the morning, else to the bus with the shortest empty drive to the school
among those free in time (a bus's trips never overlap: it can drive from the end of one to the
start of the next), else to a bus of the fleet not used yet. Because morning trips keep their
times, a bus may do a first-shift run home between a first-shift and a second-shift morning
trip, and a second-shift run home later. Pupils no run can take home are named with a reason.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from keleshek.routing.explain import REASONS, clock
from keleshek.routing.model import (
    AfternoonTrip,
    BusPlan,
    DropOff,
    Matrix,
    Plan,
    Problem,
    School,
    SchoolPickup,
    StopVisit,
    Unserved,
)
from keleshek.routing.morning import route_school
from keleshek.routing.routes import Route, Visit, feasible_route, riders, route_school_ids
from keleshek.routing.split import visit_limit

Progress = Callable[[float, str], None]


def transposed(problem: Problem) -> Problem:
    """The problem with every road driven the other way: a morning route (stops, then the
    school) on it has the times of the afternoon run (the school, then the stops backwards)."""
    m = problem.matrix
    return dataclasses.replace(problem, matrix=Matrix(m.distance_m.T.copy(), m.duration_s.T.copy()))


@dataclass
class _Leg:
    """A stretch of a bus's day it is busy: from where and when it starts to where it ends."""

    start: int
    end: int
    start_loc: int
    end_loc: int


@dataclass
class _Day:
    bus_id: str
    type_index: int
    depot_loc: int
    legs: list[_Leg]
    morning: BusPlan | None
    runs: list[tuple[Route, int]]  # (route in morning order, boarding time)


def _school_loc(problem: Problem, route: Route) -> int:
    """Where the run home starts: the school, or for a shared run the school the morning
    trip ended at (``route.end``); the run then calls at ``route.school_index``."""
    return len(problem.depots) + route.end


def _stop_loc(problem: Problem, visit: Visit) -> int:
    return len(problem.depots) + len(problem.schools) + visit.stop_index


def _home_window(problem: Problem, route: Route, n_start: int) -> tuple[int, int] | None:
    """(earliest, latest) boarding at ``route.then`` for a shared run home that reaches
    ``route.school_index`` inside its window with nobody waiting aboard, ``n_start`` pupils
    boarding first; None when the windows do not allow it or a school has no dismissal."""
    assert route.then is not None
    start, call = problem.schools[route.then], problem.schools[route.school_index]
    if start.dismissal is None or call.dismissal is None:
        return None
    n_dep = len(problem.depots)
    drive = int(problem.matrix.duration_s[n_dep + route.then, n_dep + route.school_index])
    to_call = problem.rules.dwell(n_start) + drive
    opens = max(start.dismissal, call.dismissal - to_call)
    closes = min(
        start.dismissal + start.dismissal_window_s,
        call.dismissal + call.dismissal_window_s - to_call,
    )
    return (opens, closes) if opens <= closes else None


def _home_timing(problem: Problem, route: Route) -> tuple[int, int, int, int] | None:
    """(earliest and latest boarding at the first school, load, seconds from that boarding to
    the last stop's alighting done) of the run home of ``route``, or None when no boarding
    time works. A shared run (``route.then``) boards at ``route.then``, drives to
    ``route.school_index`` and boards there as that school lets out (no waiting aboard), then
    drops everyone at the stops; every pupil's ride, from leaving their school to getting off,
    stays within the limit."""
    rules, dur = problem.rules, problem.matrix.duration_s
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    load = sum(v.pupils for v in route.visits)
    call = problem.schools[route.school_index]
    assert call.dismissal is not None
    # From leaving route.school_index to each stop's alighting done, in the order driven.
    rides, t, at = [], 0, n_dep + route.school_index
    for v in reversed(route.visits):
        loc = n_dep + n_sch + v.stop_index
        t += int(dur[at, loc]) + rules.dwell(v.pupils)
        rides.append((problem.stops[v.stop_index].school_id, t))
        at = loc
    if route.then is None:
        return call.dismissal, call.dismissal + call.dismissal_window_s, load, rules.dwell(load) + t
    n_start = riders(problem, route.visits, route.then)
    window = _home_window(problem, route, n_start)
    drive = int(dur[n_dep + route.then, n_dep + route.school_index])
    # The starting school's pupils also ride to the second school and wait while it boards.
    extra = drive + rules.dwell(load - n_start)
    start_id = problem.schools[route.then].id
    if window is None or any(
        ride + (extra if school_id == start_id else 0) > rules.max_ride_s
        for school_id, ride in rides
    ):
        return None
    length = rules.dwell(n_start) + drive + rules.dwell(load - n_start) + t
    return window[0], window[1], load, length


def _run(problem: Problem, route: Route, boarding: int) -> AfternoonTrip:
    """The afternoon trip of ``route`` (visits in morning order) boarding at ``boarding``; a
    shared run boards at ``route.then`` first and calls at ``route.school_index``."""
    dur, dist, rules = problem.matrix.duration_s, problem.matrix.distance_m, problem.rules
    n_dep = len(problem.depots)
    load = sum(v.pupils for v in route.visits)
    first = problem.schools[route.end]
    n_first = load if route.then is None else riders(problem, route.visits, route.then)
    departure = boarding + rules.dwell(n_first)
    t, at, km = departure, n_dep + route.end, 0
    pickups: tuple[SchoolPickup, ...] = ()
    if route.then is not None:
        call = n_dep + route.school_index
        t += int(dur[at, call])
        km += int(dist[at, call])
        arrival = t
        t += rules.dwell(load - n_first)
        pickups = (
            SchoolPickup(problem.schools[route.school_index].id, arrival, t, load - n_first),
        )
        at = call
    left = load
    drops = []
    for v in reversed(route.visits):
        loc = _stop_loc(problem, v)
        t += int(dur[at, loc])
        km += int(dist[at, loc])
        arrival = t
        t += rules.dwell(v.pupils)
        left -= v.pupils
        stop = problem.stops[v.stop_index]
        drops.append(DropOff(stop.id, arrival, t, v.pupils, left, v.pupil_ids, stop.school_id))
        at = loc
    return AfternoonTrip(first.id, boarding, departure, tuple(drops), km, load, pickups)


def _may_share_home(problem: Problem, first: int, last: int) -> bool:
    """Whether a run home could board at ``last`` and then at ``first`` (the morning's order
    reversed) inside both schools' windows, with one pupil boarding at each."""
    return _home_window(problem, Route(first, (), last), 1) is not None


def _too_far(problem: Problem, visit: Visit) -> Unserved:
    stop = problem.stops[visit.stop_index]
    home = problem.rules.dwell(1) + int(
        problem.matrix.duration_s[problem.school_index(stop.school_id), problem.stop_index(stop.id)]
    )
    detail = (
        f"the direct trip home from school {stop.school_id} takes {home // 60} min "
        f"{home % 60} s with one pupil getting off, the limit is "
        f"{problem.rules.max_ride_s // 60} min"
    )
    return Unserved(
        stop.id,
        visit.pupils,
        "too_far_for_ride_limit",
        f"{REASONS['too_far_for_ride_limit']} home: {detail}",
        visit.pupil_ids,
    )


def _no_bus(problem: Problem, visit: Visit) -> Unserved:
    stop = problem.stops[visit.stop_index]
    school = problem.school(stop.school_id)
    assert school is not None
    assert school.dismissal is not None
    fleet = sum(v.count for v in problem.vehicle_types if v.may_serve(school.id))
    detail = (
        f"all {fleet} buses are busy between {clock(school.dismissal)} and "
        f"{clock(school.dismissal + school.dismissal_window_s)} at school {school.id} "
        "after the last lesson; add a bus or widen the window"
    )
    return Unserved(
        stop.id,
        visit.pupils,
        "no_bus_in_window",
        f"not enough buses to take the pupils home: {detail}",
        visit.pupil_ids,
    )


def _after_arrival(school: School, arrival: int) -> bool:
    """Whether the runs home can start after these pupils arrived in the morning."""
    assert school.dismissal is not None
    return school.dismissal + school.dismissal_window_s >= arrival + school.unload_s


def _before_arrival(school: School, arrival: int, visit: StopVisit) -> Unserved:
    assert school.dismissal is not None
    detail = (
        f"school {school.id}: the runs home start by "
        f"{clock(school.dismissal + school.dismissal_window_s)}, the pupils arrive at "
        f"{clock(arrival)}; check the dismissal time"
    )
    return Unserved(
        visit.stop_id,
        visit.boarded,
        "school_window_impossible",
        f"the school's dismissal is before its pupils arrive: {detail}",
        visit.pupil_ids,
    )


def _shares(back: Problem, visit: Visit) -> list[Visit]:
    """The visit as it is when one afternoon visit can drop all its pupils within the ride
    limit, else divided (``split.visit_limit`` on the transposed problem); [] if nobody fits."""
    limit = visit_limit(back, back.stops[visit.stop_index])
    if limit <= 0:
        return []
    if visit.pupils <= limit:
        return [visit]
    ids = visit.pupil_ids
    return [
        Visit(
            visit.stop_index,
            min(limit, visit.pupils - start),
            ids[start : start + limit] if ids else (),
        )
        for start in range(0, visit.pupils, limit)
    ]


def _fit(
    problem: Problem, day: _Day, school_loc: int, end_loc: int, window: tuple[int, int], length: int
) -> tuple[int, int] | None:
    """(boarding time, empty metres to the school) of the earliest slot in ``day`` where a run
    of ``length`` seconds from ``school_loc`` to ``end_loc`` fits, or None."""
    dur, dist = problem.matrix.duration_s, problem.matrix.distance_m
    opens, closes = window
    best: tuple[int, int] | None = None
    for i in range(len(day.legs) + 1):
        prev = day.legs[i - 1] if i > 0 else None
        nxt = day.legs[i] if i < len(day.legs) else None
        boarding = (
            opens if prev is None else max(opens, prev.end + int(dur[prev.end_loc, school_loc]))
        )
        if boarding > closes:
            continue
        if nxt is not None and boarding + length + int(dur[end_loc, nxt.start_loc]) > nxt.start:
            continue
        empty = int(dist[prev.end_loc if prev else day.depot_loc, school_loc])
        if best is None or (boarding, empty) < best:
            best = (boarding, empty)
    return best


def plan_afternoon(
    problem: Problem,
    morning: Plan,
    seconds: float = 1.0,
    seed: int = 0,
    workers: int = 1,
    progress: Progress | None = None,
    iterations: int | None = None,
) -> Plan:
    """``morning`` with the runs home of every school that has a dismissal time added.

    The runs that are routed again search for ``seconds`` in all or, with ``iterations``,
    that many PyVRP iterations each (``seconds`` ignored; see ``solver.solve``)."""

    def report(fraction: float, what: str) -> None:
        if progress is not None:
            progress(min(1.0, fraction), what)

    began = time.monotonic()
    back = transposed(problem)
    rules = problem.rules
    stop_pos = {s.id: i for i, s in enumerate(problem.stops)}
    school_pos = {s.id: k for k, s in enumerate(problem.schools)}
    unserved: list[Unserved] = []
    notes: list[str] = []
    routes: list[tuple[Route, str]] = []  # (route, the bus that brought its pupils)
    broken: dict[int, list[Visit]] = defaultdict(list)
    brought_by: dict[int, str] = {}  # id(visit) -> the morning bus, for re-routed visits
    reversed_broken: Counter[int] = Counter()
    # The pupils of shared morning trips, per pair (first school, last school): they go home
    # on shared runs routed again for the pair (step 2), or with the rest of their school.
    pairs: dict[tuple[int, int], list[Visit]] = defaultdict(list)
    # A school of a pair (kept in the morning, ADR 0066) sends all its pupils to the pair's
    # routing, the plain trips' too: the morning routed the two schools together.
    pair_of: dict[int, tuple[int, int]] = {}
    for trip in (t for bus in morning.buses for t in bus.trips if t.drops):
        pair = (school_pos[trip.drops[0].school_id], school_pos[trip.school_id])
        pair_of.setdefault(pair[0], pair)
        pair_of.setdefault(pair[1], pair)

    # 1. Each morning trip backwards, when the way home keeps the ride limit; the pupils of a
    # pair's schools are routed again (step 2): a shared trip's halves alone would be many
    # short runs at one time.
    for bus in morning.buses:
        for trip, school_id in ((t, k) for t in bus.trips for k in t.school_ids):
            k = school_pos.get(school_id)
            if k is None or problem.schools[k].dismissal is None:
                continue
            part = [v for v in trip.visits if trip.school_of(v) == school_id]
            arrival = trip.arrival_at(school_id)
            if not _after_arrival(problem.schools[k], arrival):
                school = problem.schools[k]
                unserved.extend(_before_arrival(school, arrival, v) for v in part)
                continue
            visits: list[Visit] = []
            whole = True
            for v in part:
                visit = Visit(stop_pos[v.stop_id], v.boarded, v.pupil_ids)
                shares = _shares(back, visit)
                if not shares:
                    unserved.append(_too_far(problem, visit))
                whole = whole and shares == [visit]
                visits.extend(shares)
            if not visits:
                continue
            if k in pair_of:
                pairs[pair_of[k]].extend(visits)
                for visit in visits:
                    brought_by[id(visit)] = bus.bus_id
                continue
            if whole and feasible_route(back, k, visits):
                routes.append((Route(k, tuple(visits)), bus.bus_id))
                continue
            reversed_broken[k] += 1
            for visit in visits:
                broken[k].append(visit)
                brought_by[id(visit)] = bus.bus_id

    # 2. Broken runs are routed again with the morning's engine on the way home: first the
    # shared trips' pupils per pair, as shared runs where both schools let out in time for one
    # (ADR 0066); whatever does not fit one goes with the rest of its school.
    budget = max(0.1, seconds - (time.monotonic() - began)) * 0.8
    total = sum(len(v) for v in broken.values()) + sum(len(v) for v in pairs.values()) or 1
    shared_runs = 0
    unshared: Counter[int] = Counter()  # visits of shared mornings going home per school

    def brought_in(route: Route) -> str:
        """The morning bus that brought most of the route's pupils (``route_school`` hands
        back the visits it was given, so they are known by identity)."""
        votes: Counter[str] = Counter()
        for share in route.visits:
            votes[brought_by[id(share)]] += share.pupils
        return votes.most_common(1)[0][0]

    def own_school(visits: Sequence[Visit]) -> None:
        for visit in visits:
            k = school_pos[problem.stops[visit.stop_index].school_id]
            broken[k].append(visit)
            unshared[k] += 1

    for (a, b), visits in sorted(pairs.items()):
        if not _may_share_home(problem, a, b):
            own_school(visits)
            continue
        found = route_school(
            back,
            a,
            visits,
            budget * len(visits) / total,
            seed,
            workers,
            rules.max_ride_s,
            False,
            b,
            iterations,
        )
        for route in found:
            if route.then is not None and _home_timing(problem, route) is None:
                own_school(route.visits)
                continue
            shared_runs += route.then is not None
            routes.append((route, brought_in(route)))
    for k, visits in sorted(broken.items()):
        # The leg after the last drop-off stays free (as before ADR 0010's addendum): the bus
        # may go on to another run rather than back to the depot.
        found = route_school(
            back,
            k,
            visits,
            budget * len(visits) / total,
            seed,
            workers,
            rules.max_ride_s,
            False,
            None,
            iterations,
        )
        routes.extend((route, brought_in(route)) for route in found)
        why = []
        if reversed_broken[k]:
            why.append(
                f"{reversed_broken[k]} morning trips reversed break the ride limit on the way home"
            )
        if unshared[k]:
            why.append(f"{unshared[k]} stops of shared morning trips found no shared run home")
        notes.append(
            f"school {problem.schools[k].id}: {' and '.join(why)}; their stops were routed "
            f"again into {len(found)} afternoon trips"
        )
    if pairs:
        notes.append(
            f"pupils of shared morning trips: {shared_runs} shared runs home, the rest with "
            "their schools' other pupils"
        )
    report(0.5, "afternoon runs routed")

    # 3. Runs onto buses, in order of dismissal: the morning bus first, then the nearest free.
    types = {vt.id: i for i, vt in enumerate(problem.vehicle_types)}
    left = {i: vt.count for i, vt in enumerate(problem.vehicle_types)}
    days: list[_Day] = []
    for bus in morning.buses:
        t_index = types[bus.vehicle_type_id]
        left[t_index] -= 1
        legs = []
        for trip in bus.trips:
            school = problem.schools[school_pos[trip.school_id]]
            legs.append(
                _Leg(
                    trip.visits[0].arrival,
                    trip.school_arrival + school.unload_s,
                    len(problem.depots) + len(problem.schools) + stop_pos[trip.visits[0].stop_id],
                    len(problem.depots) + school_pos[trip.school_id],
                )
            )
        depot = problem.depot_index(bus.depot_id)
        days.append(_Day(bus.bus_id, t_index, depot, sorted(legs, key=lambda g: g.start), bus, []))
    used = Counter(b.vehicle_type_id for b in morning.buses)
    by_capacity = sorted(
        range(len(problem.vehicle_types)),
        key=lambda i: (problem.vehicle_types[i].capacity, problem.vehicle_types[i].cost_per_km),
    )

    timing: dict[int, tuple[int, int, int, int, int]] = {}

    def info(route: Route) -> tuple[int, int, int, int, int]:
        """(boarding opens, window width, load, length, starting school) of a run home."""
        if id(route) not in timing:
            found = _home_timing(problem, route)
            assert found is not None  # shared runs without a timing went to their schools
            opens, closes, load, length = found
            timing[id(route)] = (opens, closes - opens, load, length, route.end)
        return timing[id(route)]

    # Two passes: first every run that fits the bus that brought its pupils, so that a run
    # placed early does not take the slot another run needs on its own morning bus; then the
    # rest on the nearest free bus or a bus not used yet.
    ordered = sorted(routes, key=lambda r: (info(r[0])[0], -info(r[0])[3]))
    pending: list[tuple[Route, str]] = []
    own = {day.bus_id: day for day in days}
    for route, origin in ordered:
        opens, width, _, length, _ = info(route)
        end_loc = _stop_loc(problem, route.visits[0])  # the last stop of the way home
        day = own[origin]
        window = (opens, opens + width)
        vt = problem.vehicle_types[day.type_index]
        if vt.capacity < info(route)[2] or not vt.may_serve(*route_school_ids(problem, route)):
            pending.append((route, origin))  # a re-routed run may outgrow the morning bus
            continue
        slot = _fit(problem, day, _school_loc(problem, route), end_loc, window, length)
        if slot is None:
            pending.append((route, origin))
            continue
        day.runs.append((route, slot[0]))
        day.legs.append(_Leg(slot[0], slot[0] + length, _school_loc(problem, route), end_loc))
        day.legs.sort(key=lambda g: g.start)
    far = problem.matrix.distance_m
    for route, _origin in pending:
        opens, width, load, length, _ = info(route)
        school_loc = _school_loc(problem, route)
        end_loc = _stop_loc(problem, route.visits[0])
        window = (opens, opens + width)
        served = route_school_ids(problem, route)
        chosen: tuple[tuple[int, int], _Day] | None = None
        for day in days:
            vt = problem.vehicle_types[day.type_index]
            if vt.capacity < load or not vt.may_serve(*served):
                continue
            slot = _fit(problem, day, school_loc, end_loc, window, length)
            if slot is None:
                continue
            key = (slot[1], slot[0])  # the shortest empty drive, then the earliest
            if chosen is None or key < chosen[0]:
                chosen = (key, day)
        if chosen is None:
            # A bus not used yet, that may serve the schools: the home nearest the school.
            homes = [
                (int(far[problem.depot_index(problem.vehicle_types[i].depot_id), school_loc]), n, i)
                for n, i in enumerate(by_capacity)
                if left[i] > 0
                and problem.vehicle_types[i].capacity >= load
                and problem.vehicle_types[i].may_serve(*served)
            ]
            fresh = min(homes)[2] if homes else None
            if fresh is None:
                unserved.extend(_no_bus(problem, v) for v in route.visits)
                continue
            left[fresh] -= 1
            vt = problem.vehicle_types[fresh]
            used[vt.id] += 1
            day = _Day(
                f"{vt.id}-{used[vt.id]}", fresh, problem.depot_index(vt.depot_id), [], None, []
            )
            days.append(day)
        else:
            day = chosen[1]
        slot = _fit(problem, day, school_loc, end_loc, window, length)
        assert slot is not None
        boarding = slot[0]
        day.runs.append((route, boarding))
        day.legs.append(_Leg(boarding, boarding + length, school_loc, end_loc))
        day.legs.sort(key=lambda g: g.start)
    report(0.9, "afternoon runs on buses")

    # 4. The plan: each bus's runs home in time order, with their kilometres.
    dist = problem.matrix.distance_m
    buses: list[BusPlan] = []
    for day in days:
        runs = [_run(problem, r, b) for r, b in sorted(day.runs, key=lambda rb: rb[1])]
        km, at = 0, day.depot_loc
        for route, run in zip(
            (r for r, _ in sorted(day.runs, key=lambda rb: rb[1])), runs, strict=True
        ):
            km += int(dist[at, _school_loc(problem, route)]) + run.distance_m
            at = _stop_loc(problem, route.visits[0])
        if runs:
            km += int(dist[at, day.depot_loc])
        if day.morning is not None:
            buses.append(
                dataclasses.replace(day.morning, afternoon=tuple(runs), afternoon_distance_m=km)
            )
        else:
            vt = problem.vehicle_types[day.type_index]
            buses.append(BusPlan(day.bus_id, vt.id, vt.depot_id, (), 0, tuple(runs), km))
    report(1.0, "afternoon done")
    return dataclasses.replace(
        morning,
        buses=tuple(buses),
        notes=(*morning.notes, *notes),
        afternoon_unserved=tuple(unserved),
    )


__all__ = ["plan_afternoon", "transposed"]
