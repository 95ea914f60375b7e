"""An independent feasibility check of a Plan, recomputed from the problem's matrix.

It shares no code with the solver on purpose: a bug in the solver's bookkeeping should be
caught here, not repeated. An empty list means the plan is feasible.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable

from keleshek.routing.model import BusPlan, Plan, Problem

EARTH_RADIUS_M = 6_371_008.8


def check_plan(problem: Problem, plan: Plan) -> list[str]:
    errors: list[str] = []
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    stop_pos = {s.id: n_dep + n_sch + i for i, s in enumerate(problem.stops)}
    stops = {s.id: s for s in problem.stops}
    schools = {s.id: (n_dep + i, s) for i, s in enumerate(problem.schools)}
    depots = {d.id: i for i, d in enumerate(problem.depots)}
    types = {v.id: v for v in problem.vehicle_types}
    dur, dist = problem.matrix.duration_s, problem.matrix.distance_m
    rules = problem.rules
    boarded: Counter[str] = Counter()
    per_type: Counter[str] = Counter()
    seen_pupils: Counter[str] = Counter()
    home: Counter[str] = Counter()  # pupils dropped off per stop in the afternoon
    home_pupils: Counter[str] = Counter()
    morning_pupils: dict[str, str] = {}  # pupil -> stop, of those brought in the morning
    arrived: dict[str, int] = {}  # pupil -> when the morning bus reached the school
    leaves: dict[str, int] = {}  # pupil -> when boarding for home starts

    for bus in plan.buses:
        name = f"bus {bus.bus_id}"
        vt = types.get(bus.vehicle_type_id)
        if vt is None:
            errors.append(f"{name}: unknown vehicle type {bus.vehicle_type_id}")
            continue
        per_type[vt.id] += 1
        if bus.depot_id != vt.depot_id or bus.depot_id not in depots:
            errors.append(f"{name}: depot {bus.depot_id} is not its type's depot")
            continue
        at, free, day_km = depots[bus.depot_id], None, 0
        for t_no, trip in enumerate(bus.trips, start=1):
            where = f"{name} trip {t_no}"
            if any(k not in schools for k in trip.school_ids) or not trip.visits:
                errors.append(f"{where}: unknown school or no stops")
                continue
            if len(set(trip.school_ids)) != len(trip.school_ids):
                errors.append(f"{where}: reaches a school twice")
                continue
            if not vt.may_serve(*trip.school_ids):
                errors.append(f"{where}: serves a school its bus is not bound to")
            first = stop_pos.get(trip.visits[0].stop_id)
            if first is None:
                errors.append(f"{where}: unknown stop {trip.visits[0].stop_id}")
                continue
            # The bus must be able to reach the first stop after its previous drop-off.
            if free is not None and trip.visits[0].arrival < free + int(dur[at, first]):
                errors.append(f"{where}: cannot reach the first stop after the previous trip")
            day_km += int(dist[at, first])
            load, prev, prev_departure, trip_km = 0, None, None, 0
            for v in trip.visits:
                loc = stop_pos.get(v.stop_id)
                if loc is None:
                    errors.append(f"{where}: unknown stop {v.stop_id}")
                    break
                own = stops[v.stop_id].school_id
                if own != trip.school_of(v) or own not in trip.school_ids:
                    errors.append(f"{where}: stop {v.stop_id} belongs to another school")
                if v.boarded <= 0:
                    errors.append(f"{where}: nobody boards at stop {v.stop_id}")
                if prev is not None and prev_departure is not None:
                    trip_km += int(dist[prev, loc])
                    if v.arrival < prev_departure + int(dur[prev, loc]):
                        errors.append(
                            f"{where}: arrives at {v.stop_id} faster than the road allows"
                        )
                if v.departure - v.arrival < rules.dwell(v.boarded):
                    errors.append(f"{where}: dwell at {v.stop_id} shorter than boarding takes")
                load += v.boarded
                if v.load_after != load:
                    errors.append(f"{where}: load after {v.stop_id} is {v.load_after}, not {load}")
                boarded[v.stop_id] += v.boarded
                seen_pupils.update(v.pupil_ids)
                morning_pupils.update(dict.fromkeys(v.pupil_ids, v.stop_id))
                prev, prev_departure = loc, v.departure
            if prev is None or prev_departure is None:
                continue
            # The schools in turn: a shared trip drops its first school's pupils on the way.
            calls: list[tuple[str, int, int | None, int]] = [
                (d.school_id, d.arrival, d.departure, d.alighted) for d in trip.drops
            ]
            rest = load - sum(d.alighted for d in trip.drops)
            calls.append((trip.school_id, trip.school_arrival, None, rest))
            last = schools[trip.school_id][1]
            for school_id, arrival, departure, alighted in calls:
                school_loc, school = schools[school_id]
                trip_km += int(dist[prev, school_loc])
                if arrival < prev_departure + int(dur[prev, school_loc]):
                    errors.append(
                        f"{where}: reaches school {school_id} faster than the road allows"
                    )
                if not school.earliest_arrival <= arrival <= school.latest_arrival:
                    errors.append(
                        f"{where}: arrives at school {school_id} at {arrival}, outside the window"
                    )
                riders = sum(v.boarded for v in trip.visits if trip.school_of(v) == school_id)
                if alighted != riders or alighted <= 0:
                    errors.append(
                        f"{where}: {alighted} get off at school {school_id}, {riders} ride to it"
                    )
                if departure is not None and departure - arrival < school.unload_s:
                    errors.append(f"{where}: leaves school {school_id} before unloading")
                prev, prev_departure = school_loc, departure if departure is not None else arrival
            day_km += trip_km
            if trip.distance_m != trip_km:
                errors.append(f"{where}: reports {trip.distance_m} m, the roads give {trip_km} m")
            if load != trip.load or load > vt.capacity:
                errors.append(
                    f"{where}: load {load} (reported {trip.load}), capacity {vt.capacity}"
                )
            for v in trip.visits:
                reached = trip.arrival_at(trip.school_of(v))
                arrived.update(dict.fromkeys(v.pupil_ids, reached))
                ride = reached - v.arrival
                if ride > rules.max_ride_s:
                    errors.append(
                        f"{where}: pupils of {v.stop_id} ride {ride} s > {rules.max_ride_s} s"
                    )
            at, free = schools[trip.school_id][0], trip.school_arrival + last.unload_s
        if bus.trips:
            day_km += int(dist[at, depots[bus.depot_id]])
        if day_km != bus.distance_m:
            errors.append(
                f"{name}: reports {bus.distance_m} m for the day, the roads give {day_km} m"
            )
        errors += _check_afternoon(problem, bus, vt.capacity, home, home_pupils, leaves)
        errors += _check_overlaps(problem, bus)

    for type_id, used in per_type.items():
        if type_id in types and used > types[type_id].count:
            errors.append(f"{used} buses of type {type_id}, only {types[type_id].count} exist")
    # Every pupil exactly once: on a bus or in the unserved list.
    left_out: Counter[str] = Counter()
    for u in plan.unserved:
        left_out[u.stop_id] += u.pupils
        seen_pupils.update(u.pupil_ids)
    for stop in problem.stops:
        accounted = boarded[stop.id] + left_out[stop.id]
        if accounted != max(stop.pupils, 0):
            errors.append(f"stop {stop.id}: {stop.pupils} pupils, {accounted} accounted for")
    for pupil, times in seen_pupils.items():
        if times != 1:
            errors.append(f"pupil {pupil} appears {times} times")
    errors += _check_home_pupils(problem, plan, boarded, home, home_pupils, morning_pupils)
    for pupil, boarding in leaves.items():
        if pupil in arrived and boarding < arrived[pupil]:
            errors.append(
                f"pupil {pupil} boards for home at {boarding}, before arriving at {arrived[pupil]}"
            )
    return errors


def _check_afternoon(
    problem: Problem,
    bus: BusPlan,
    capacity: int,
    home: Counter[str],
    pupils: Counter[str],
    leaves: dict[str, int],
) -> list[str]:
    """The runs home of one bus: dismissal, boarding and alighting times, roads in the
    school-to-stop direction, load, ride time, kilometres."""
    errors: list[str] = []
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    stop_pos = {s.id: n_dep + n_sch + i for i, s in enumerate(problem.stops)}
    stops = {s.id: s for s in problem.stops}
    schools = {s.id: (n_dep + i, s) for i, s in enumerate(problem.schools)}
    dur, dist, rules = problem.matrix.duration_s, problem.matrix.distance_m, problem.rules
    depot = [d.id for d in problem.depots].index(bus.depot_id)
    at, day_km = depot, 0
    for t_no, trip in enumerate(bus.afternoon, start=1):
        where = f"bus {bus.bus_id} afternoon trip {t_no}"
        if any(k not in schools for k in trip.school_ids) or not trip.visits:
            errors.append(f"{where}: unknown school or no stops")
            continue
        if len(set(trip.school_ids)) != len(trip.school_ids):
            errors.append(f"{where}: calls at a school twice")
            continue
        if not problem.vehicle_type(bus.vehicle_type_id).may_serve(*trip.school_ids):
            errors.append(f"{where}: serves a school its bus is not bound to")
        # The schools in turn: a shared run (ADR 0066) boards at a second school on its way.
        first_boarded = trip.load - sum(p.boarded for p in trip.pickups)
        calls = [(trip.school_id, trip.boarding, trip.school_departure, first_boarded)]
        calls += [(p.school_id, p.arrival, p.departure, p.boarded) for p in trip.pickups]
        prev: int | None = None
        prev_departure, aboard, trip_km = 0, 0, 0
        for school_id, start, departure, boarded in calls:
            school_loc, school = schools[school_id]
            if school.dismissal is None:
                errors.append(f"{where}: school {school.id} has no dismissal time")
                continue
            if prev is None:
                day_km += int(dist[at, school_loc])
            else:
                trip_km += int(dist[prev, school_loc])
                if start < prev_departure + int(dur[prev, school_loc]):
                    errors.append(
                        f"{where}: reaches school {school_id} faster than the road allows"
                    )
            if start < school.dismissal:
                errors.append(
                    f"{where}: boards at {start}, before the dismissal at {school.dismissal}"
                )
            if start > school.dismissal + school.dismissal_window_s:
                errors.append(f"{where}: boards at {start}, after its window")
            if departure - start < rules.dwell(boarded):
                errors.append(
                    f"{where}: leaves school {school_id} before {boarded} pupils can board"
                )
            riders = sum(v.alighted for v in trip.visits if trip.school_of(v) == school_id)
            if boarded != riders or boarded <= 0:
                errors.append(
                    f"{where}: {boarded} board at school {school_id}, {riders} ride from it"
                )
            aboard += boarded
            prev, prev_departure = school_loc, departure
        if prev is None:
            continue
        load = aboard
        for v in trip.visits:
            loc = stop_pos.get(v.stop_id)
            if loc is None:
                errors.append(f"{where}: unknown stop {v.stop_id}")
                break
            own = stops[v.stop_id].school_id
            if own != trip.school_of(v) or own not in trip.school_ids:
                errors.append(f"{where}: stop {v.stop_id} belongs to another school")
            if v.alighted <= 0:
                errors.append(f"{where}: nobody gets off at stop {v.stop_id}")
            # From the previous place to this stop: this direction of the matrix.
            trip_km += int(dist[prev, loc])
            if v.arrival < prev_departure + int(dur[prev, loc]):
                errors.append(f"{where}: arrives at {v.stop_id} faster than the road allows")
            if v.departure - v.arrival < rules.dwell(v.alighted):
                errors.append(f"{where}: dwell at {v.stop_id} shorter than alighting takes")
            load -= v.alighted
            if v.load_after != load:
                errors.append(f"{where}: load after {v.stop_id} is {v.load_after}, not {load}")
            ride = v.departure - trip.departure_from(trip.school_of(v))
            if ride > rules.max_ride_s:
                errors.append(
                    f"{where}: pupils of {v.stop_id} ride {ride} s > {rules.max_ride_s} s"
                )
            home[v.stop_id] += v.alighted
            pupils.update(v.pupil_ids)
            leaves.update(dict.fromkeys(v.pupil_ids, trip.boarding_at(trip.school_of(v))))
            prev, prev_departure = loc, v.departure
        alighted = sum(v.alighted for v in trip.visits)
        if load != 0 or alighted != trip.load or trip.load > capacity:
            errors.append(f"{where}: load {trip.load}, {alighted} get off, capacity {capacity}")
        if trip.distance_m != trip_km:
            errors.append(f"{where}: reports {trip.distance_m} m, the roads give {trip_km} m")
        day_km += trip_km
        at = prev
    if bus.afternoon:
        day_km += int(dist[at, depot])
    if day_km != bus.afternoon_distance_m:
        errors.append(
            f"bus {bus.bus_id}: reports {bus.afternoon_distance_m} m for the afternoon, "
            f"the roads give {day_km} m"
        )
    return errors


def _check_overlaps(problem: Problem, bus: BusPlan) -> list[str]:
    """A bus does one trip at a time: every trip, morning or afternoon, starts no earlier than
    the bus can get there from the end of the one before."""
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    stop_pos = {s.id: n_dep + n_sch + i for i, s in enumerate(problem.stops)}
    schools = {s.id: (n_dep + i, s) for i, s in enumerate(problem.schools)}
    # (start, end, where it starts, where it ends, name)
    legs: list[tuple[int, int, int, int, str]] = []
    for n, t in enumerate(bus.trips, start=1):
        if t.school_id in schools and t.visits and t.visits[0].stop_id in stop_pos:
            loc, school = schools[t.school_id]
            end = t.school_arrival + school.unload_s
            legs.append((t.visits[0].arrival, end, stop_pos[t.visits[0].stop_id], loc, f"trip {n}"))
    for n, a in enumerate(bus.afternoon, start=1):
        if a.school_id in schools and a.visits and a.visits[-1].stop_id in stop_pos:
            loc = schools[a.school_id][0]
            legs.append(
                (
                    a.boarding,
                    a.visits[-1].departure,
                    loc,
                    stop_pos[a.visits[-1].stop_id],
                    f"afternoon trip {n}",
                )
            )
    legs.sort()
    dur = problem.matrix.duration_s
    errors = []
    for before, after in itertools.pairwise(legs):
        if after[0] < before[1] + int(dur[before[3], after[2]]):
            errors.append(
                f"bus {bus.bus_id}: {after[4]} starts at {after[0]}, before the bus can come "
                f"from {before[4]} (ends at {before[1]})"
            )
    return errors


def _check_home_pupils(
    problem: Problem,
    plan: Plan,
    boarded: Counter[str],
    home: Counter[str],
    home_pupils: Counter[str],
    morning_pupils: dict[str, str],
) -> list[str]:
    """Everyone brought in the morning to a school with a dismissal time goes home once, on a
    run or named in ``afternoon_unserved``; nobody else rides home."""
    errors = []
    left: Counter[str] = Counter()
    for u in plan.afternoon_unserved:
        left[u.stop_id] += u.pupils
        home_pupils.update(u.pupil_ids)
    with_dismissal = {s.id for s in problem.schools if s.dismissal is not None}
    for stop in problem.stops:
        expected = boarded[stop.id] if stop.school_id in with_dismissal else 0
        accounted = home[stop.id] + left[stop.id]
        if accounted != expected:
            errors.append(
                f"stop {stop.id}: {expected} pupils to take home, {accounted} accounted for"
            )
    stops = {s.id: s for s in problem.stops}
    for pupil, times in home_pupils.items():
        if times != 1:
            errors.append(f"pupil {pupil} goes home {times} times")
        if pupil not in morning_pupils:
            errors.append(f"pupil {pupil} goes home but came by no morning bus")
    for pupil, stop_id in morning_pupils.items():
        if stops[stop_id].school_id in with_dismissal and pupil not in home_pupils:
            errors.append(f"pupil {pupil} came in the morning and is not taken home")
    return errors


def walking_distance_m(
    home: tuple[float, float], stop: tuple[float, float], circuity: float = 1.0
) -> float:
    """Great-circle metres between (longitude, latitude) points, times a footpath circuity."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*home, *stop))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h))) * circuity


def walking_violations(
    assignments: Iterable[tuple[str, tuple[float, float], tuple[float, float]]],
    limit_m: float,
    circuity: float = 1.0,
) -> list[str]:
    """Pupils whose home is farther than ``limit_m`` from their stop.

    ``assignments`` holds (pupil id, home (lon, lat), stop (lon, lat)); the stops themselves
    are the Django side's, so it passes the coordinates.
    """
    out = []
    for pid, home, stop in assignments:
        metres = walking_distance_m(home, stop, circuity)
        if metres > limit_m:
            out.append(f"pupil {pid}: {metres:.0f} m to the stop > {limit_m:.0f} m")
    return out
