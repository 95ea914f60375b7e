"""An independent feasibility check of a Plan, recomputed from the problem's matrix.

It shares no code with the solver on purpose: a bug in the solver's bookkeeping should be
caught here, not repeated. An empty list means the plan is feasible.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from keleshek.routing.model import Plan, Problem

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
            if trip.school_id not in schools or not trip.visits:
                errors.append(f"{where}: unknown school or no stops")
                continue
            school_loc, school = schools[trip.school_id]
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
                if stops[v.stop_id].school_id != trip.school_id:
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
                prev, prev_departure = loc, v.departure
            if prev is None or prev_departure is None:
                continue
            trip_km += int(dist[prev, school_loc])
            day_km += trip_km
            if trip.distance_m != trip_km:
                errors.append(f"{where}: reports {trip.distance_m} m, the roads give {trip_km} m")
            if trip.school_arrival < prev_departure + int(dur[prev, school_loc]):
                errors.append(f"{where}: reaches the school faster than the road allows")
            if not school.earliest_arrival <= trip.school_arrival <= school.latest_arrival:
                errors.append(f"{where}: arrives at {trip.school_arrival}, outside the window")
            if load != trip.load or load > vt.capacity:
                errors.append(
                    f"{where}: load {load} (reported {trip.load}), capacity {vt.capacity}"
                )
            for v in trip.visits:
                ride = trip.school_arrival - v.arrival
                if ride > rules.max_ride_s:
                    errors.append(
                        f"{where}: pupils of {v.stop_id} ride {ride} s > {rules.max_ride_s} s"
                    )
            at, free = school_loc, trip.school_arrival + school.unload_s
        if bus.trips:
            day_km += int(dist[at, depots[bus.depot_id]])
        if day_km != bus.distance_m:
            errors.append(
                f"{name}: reports {bus.distance_m} m for the day, the roads give {day_km} m"
            )

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
