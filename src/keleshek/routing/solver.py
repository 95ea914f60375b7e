"""School-bus routing on PyVRP: routes per school, then trips chained into bus days.

Stage 1 builds, for every school, capacitated routes whose first pupil rides no longer than the
limit (dwell included), with PyVRP. The school is the route's depot and the leg from the school
to the first stop costs nothing, so a PyVRP route *is* a trip from its first stop to the school
and its duration is the longest ride. A fixed cost per route makes fewer routes win first.

Stage 2 chains the trips into bus days: a bus drops pupils at one school inside its arrival
window, drives empty to the first stop of a trip for another (later) school, and so on. The
chaining tries a few greedy orders and keeps the one with the fewest buses, then the fewest
km. Trips that no bus of the fleet can reach inside their window are reported, not dropped.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyvrp

from keleshek.routing import explain
from keleshek.routing.cvrp import default_workers, parallel_search
from keleshek.routing.distances import DistanceProvider, apply_overrides
from keleshek.routing.model import (
    BusPlan,
    Depot,
    DistanceOverride,
    Plan,
    Problem,
    Rules,
    School,
    Stop,
    StopVisit,
    Trip,
    Unserved,
    VehicleType,
)

Progress = Callable[[float, str], None]
"""Called with (fraction done 0..1, what is happening) as the solve advances."""


def build_problem(
    depots: Sequence[Depot],
    vehicle_types: Sequence[VehicleType],
    schools: Sequence[School],
    stops: Sequence[Stop],
    rules: Rules,
    provider: DistanceProvider,
    overrides: Sequence[DistanceOverride] = (),
) -> Problem:
    """Collect the inputs and compute the matrix over depots, schools and stops, in that order."""
    points = [(d.x, d.y) for d in depots] + [(s.x, s.y) for s in schools]
    points += [(s.x, s.y) for s in stops]
    matrix = provider.matrix(points)
    problem = Problem(
        tuple(depots), tuple(vehicle_types), tuple(schools), tuple(stops), rules, matrix
    )
    if overrides:
        matrix = apply_overrides(matrix, problem.place_keys(), overrides)
        problem = Problem(
            problem.depots, problem.vehicle_types, problem.schools, problem.stops, rules, matrix
        )
    return problem


# --- stage 1: routes per school ---------------------------------------------------------------


@dataclass(frozen=True)
class _Visit:
    stop_index: int  # into problem.stops
    pupils: int
    pupil_ids: tuple[str, ...]


@dataclass(frozen=True)
class _Route:
    school_index: int  # into problem.schools
    visits: tuple[_Visit, ...]


def _visits_for(problem: Problem, stop_indices: Sequence[int]) -> list[_Visit]:
    """One visit per stop, or several when a stop has more pupils than the largest bus."""
    cap = problem.largest_capacity
    out: list[_Visit] = []
    for i in stop_indices:
        stop = problem.stops[i]
        ids = stop.pupil_ids
        left, start = stop.pupils, 0
        while left > 0:
            take = min(left, cap)
            out.append(_Visit(i, take, ids[start : start + take] if ids else ()))
            left -= take
            start += take
    return out


def _route_duration(problem: Problem, school_index: int, visits: Sequence[_Visit]) -> int:
    m = problem.matrix.duration_s
    loc = [len(problem.depots) + len(problem.schools) + v.stop_index for v in visits]
    total = sum(problem.rules.dwell(v.pupils) for v in visits)
    total += sum(int(m[a, b]) for a, b in itertools.pairwise(loc))
    return total + int(m[loc[-1], len(problem.depots) + school_index])


def _school_data(
    problem: Problem, school_index: int, visits: Sequence[_Visit]
) -> pyvrp.ProblemData:
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    school_loc = n_dep + school_index
    locs = [school_loc] + [n_dep + n_sch + v.stop_index for v in visits]
    dist = problem.matrix.distance_m[np.ix_(locs, locs)].astype(np.int64)
    dur = problem.matrix.duration_s[np.ix_(locs, locs)].astype(np.int64)
    # The bus appears at its first stop: the leg from the school (the PyVRP depot) is free.
    dist[0, :] = 0
    dur[0, :] = 0
    np.fill_diagonal(dist, 0)
    np.fill_diagonal(dur, 0)
    cheapest = min(v.cost_per_km for v in problem.vehicle_types if v.count > 0) or 1.0
    # A route more must cost more than the km any merge of two routes can add: twice the
    # farthest stop-to-school leg bounds that. Much larger fixed costs dwarf PyVRP's penalties
    # and leave it unable to find feasible solutions (measured on the Park-Tae-Kim sets).
    per_route = 2 * int(dist[1:, 0].max()) + 1
    vtypes = []
    for vt in problem.vehicle_types:
        if vt.count <= 0:
            continue
        unit = max(1, round(10 * vt.cost_per_km / cheapest))
        vtypes.append(
            pyvrp.VehicleType(
                num_available=len(visits),
                capacity=[vt.capacity],
                fixed_cost=per_route * unit + round(vt.fixed_cost),
                unit_distance_cost=unit,
                shift_duration=problem.rules.max_ride_s,
                name=vt.id,
            )
        )
    dist_any: Any = dist  # PyVRP's stubs spell the matrix type in a way numpy never matches
    dur_any: Any = dur
    return pyvrp.ProblemData(
        locations=[pyvrp.Location(x=0.0, y=0.0) for _ in locs],
        clients=[
            pyvrp.Client(
                location=k + 1,
                pickup=[v.pupils],
                service_duration=problem.rules.dwell(v.pupils),
            )
            for k, v in enumerate(visits)
        ],
        depots=[pyvrp.Depot(location=0)],
        vehicle_types=vtypes,
        distance_matrices=[dist_any],
        duration_matrices=[dur_any],
    )


def _feasible_route(problem: Problem, school_index: int, visits: Sequence[_Visit]) -> bool:
    load = sum(v.pupils for v in visits)
    return (
        load <= problem.largest_capacity
        and _route_duration(problem, school_index, visits) <= problem.rules.max_ride_s
    )


def _route_school(
    problem: Problem,
    school_index: int,
    visits: list[_Visit],
    seconds: float,
    seed: int,
    workers: int,
) -> list[_Route]:
    if len(visits) == 1:
        return [_Route(school_index, (visits[0],))]
    data = _school_data(problem, school_index, visits)
    routes, _, _ = parallel_search(
        data, seconds, seed=seed, workers=workers, epochs=1 if workers == 1 else 2
    )
    out: list[_Route] = []
    for r in routes:
        chosen = tuple(visits[c] for c in r)
        if _feasible_route(problem, school_index, chosen):
            out.append(_Route(school_index, chosen))
        else:
            # PyVRP returned its least-bad solution, not a feasible one: fall back to direct
            # trips for these stops, each of which explain.py has shown to be feasible alone.
            out.extend(_Route(school_index, (v,)) for v in chosen)
    return out


def _route_school_job(args: tuple[Problem, int, list[_Visit], float, int]) -> list[_Route]:
    problem, school_index, visits, seconds, seed = args
    return _route_school(problem, school_index, visits, seconds, seed, workers=1)


# --- stage 2: chaining trips into bus days ----------------------------------------------------


@dataclass
class _Bus:
    type_index: int
    depot_loc: int
    free_at: int  # when it has dropped its last pupils
    at: int  # where (a location index), the depot before the first trip
    trips: list[tuple[_Route, int]]  # (route, school arrival)


def _chain(
    problem: Problem, routes: Sequence[_Route], order_key: str, best_fit: bool
) -> tuple[list[_Bus], list[_Route]]:
    dur = problem.matrix.duration_s
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    info = []
    for r in routes:
        school = problem.schools[r.school_index]
        info.append(
            (
                r,
                school,
                _route_duration(problem, r.school_index, r.visits),
                n_dep + n_sch + r.visits[0].stop_index,
                sum(v.pupils for v in r.visits),
            )
        )
    if order_key == "latest":
        info.sort(key=lambda t: (t[1].latest_arrival, -t[2]))
    elif order_key == "earliest_start":
        info.sort(key=lambda t: (t[1].latest_arrival - t[2], t[1].latest_arrival))
    else:
        info.sort(key=lambda t: (t[1].earliest_arrival, -t[2]))
    left = {i: vt.count for i, vt in enumerate(problem.vehicle_types)}
    by_capacity = sorted(
        range(len(problem.vehicle_types)), key=lambda i: problem.vehicle_types[i].capacity
    )
    buses: list[_Bus] = []
    failed: list[_Route] = []
    for route, school, duration, first, load in info:
        school_loc = n_dep + route.school_index
        best: tuple[float, _Bus, int] | None = None
        for bus in buses:
            if problem.vehicle_types[bus.type_index].capacity < load:
                continue
            arrive = max(school.earliest_arrival, bus.free_at + int(dur[bus.at, first]) + duration)
            if arrive > school.latest_arrival:
                continue
            # best fit: the bus that would otherwise idle least; else the one free earliest.
            score = (arrive - bus.free_at - duration) if best_fit else bus.free_at
            if best is None or score < best[0]:
                best = (score, bus, arrive)
        if best is not None:
            _, bus, arrive = best
            bus.trips.append((route, arrive))
            bus.free_at, bus.at = arrive + school.unload_s, school_loc
            continue
        fresh = None
        for i in by_capacity:
            vt = problem.vehicle_types[i]
            if vt.capacity >= load and left[i] > 0:
                fresh = i
                break
        if fresh is None:
            failed.append(route)
            continue
        left[fresh] -= 1
        vt = problem.vehicle_types[fresh]
        depot_loc = problem.depot_index(vt.depot_id)
        arrive = school.earliest_arrival
        buses.append(
            _Bus(fresh, depot_loc, arrive + school.unload_s, school_loc, [(route, arrive)])
        )
    return buses, failed


def _day_distance(problem: Problem, bus: _Bus) -> int:
    dist = problem.matrix.distance_m
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    total, at = 0, bus.depot_loc
    for route, _ in bus.trips:
        locs = [n_dep + n_sch + v.stop_index for v in route.visits]
        total += int(dist[at, locs[0]])
        total += sum(int(dist[a, b]) for a, b in itertools.pairwise(locs))
        at = n_dep + route.school_index
        total += int(dist[locs[-1], at])
    return total + int(dist[at, bus.depot_loc])


def _trip(problem: Problem, route: _Route, arrival: int) -> Trip:
    """Times are set backwards from the school arrival, so nobody waits aboard."""
    dur = problem.matrix.duration_s
    dist = problem.matrix.distance_m
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    locs = [n_dep + n_sch + v.stop_index for v in route.visits]
    school_loc = n_dep + route.school_index
    departures: list[int] = []
    t = arrival
    nxt = school_loc
    for v, loc in zip(reversed(route.visits), reversed(locs), strict=True):
        t -= int(dur[loc, nxt])
        departures.append(t)
        t -= problem.rules.dwell(v.pupils)
        nxt = loc
    departures.reverse()
    visits, load = [], 0
    for v, dep in zip(route.visits, departures, strict=True):
        load += v.pupils
        stop = problem.stops[v.stop_index]
        visits.append(
            StopVisit(
                stop.id, dep - problem.rules.dwell(v.pupils), dep, v.pupils, load, v.pupil_ids
            )
        )
    km = sum(int(dist[a, b]) for a, b in itertools.pairwise(locs)) + int(dist[locs[-1], school_loc])
    return Trip(problem.schools[route.school_index].id, tuple(visits), arrival, km, load)


# --- the entry point --------------------------------------------------------------------------


def solve(
    problem: Problem,
    seconds: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Plan the morning: every pupil on a bus or listed in ``Plan.unserved`` with a reason."""
    began = time.monotonic()
    workers = default_workers() if workers is None else max(1, workers)

    def report(fraction: float, what: str) -> None:
        if progress is not None:
            progress(min(1.0, fraction), what)

    report(0.0, "checking the input")
    unserved: list[Unserved] = list(explain.explain_input(problem))
    excluded = {u.stop_id for u in unserved}
    by_school: dict[int, list[int]] = {}
    for i, stop in enumerate(problem.stops):
        if stop.id in excluded or stop.pupils <= 0:
            continue
        by_school.setdefault([s.id for s in problem.schools].index(stop.school_id), []).append(i)

    jobs = [(k, _visits_for(problem, idx)) for k, idx in sorted(by_school.items())]
    total_visits = sum(len(v) for _, v in jobs) or 1
    # Most of the budget goes to routing; chaining takes well under a second.
    routing_budget = max(0.1, seconds * 0.9 - (time.monotonic() - began))
    routes: list[_Route] = []
    if len(jobs) == 1 or workers == 1:
        done = 0
        for k, visits in jobs:
            share = routing_budget * len(visits) / total_visits
            routes += _route_school(problem, k, visits, share, seed, workers)
            done += len(visits)
            report(0.9 * done / total_visits, f"routes for school {problem.schools[k].id}")
    elif jobs:
        # Many schools: the cores share the schools, each school a one-core PyVRP run with a
        # budget in proportion to its stops (the cores run in parallel, hence x workers).
        args = [
            (problem, k, visits, routing_budget * workers * len(visits) / total_visits, seed)
            for k, visits in jobs
        ]
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with multiprocessing.get_context(method).Pool(workers) as pool:
            done = 0
            for (_, visits), found in zip(jobs, pool.imap(_route_school_job, args), strict=True):
                routes += found
                done += len(visits)
                report(0.9 * done / total_visits, "routing schools")

    report(0.9, "chaining trips into bus days")
    best: tuple[tuple[int, int, int], list[_Bus], list[_Route]] | None = None
    for order_key in ("latest", "earliest_start", "earliest"):
        for best_fit in (True, False):
            buses, failed = _chain(problem, routes, order_key, best_fit)
            score = (
                sum(sum(v.pupils for v in r.visits) for r in failed),
                len(buses),
                sum(_day_distance(problem, b) for b in buses),
            )
            if best is None or score < best[0]:
                best = (score, buses, failed)
    plans: list[BusPlan] = []
    if best is not None:
        _, buses, failed = best
        counters: dict[str, int] = {}
        for bus in buses:
            vt = problem.vehicle_types[bus.type_index]
            counters[vt.id] = counters.get(vt.id, 0) + 1
            trips = tuple(_trip(problem, r, a) for r, a in bus.trips)
            plans.append(
                BusPlan(
                    f"{vt.id}-{counters[vt.id]}",
                    vt.id,
                    vt.depot_id,
                    trips,
                    _day_distance(problem, bus),
                )
            )
        for route in failed:
            for v in route.visits:
                unserved.append(
                    explain.no_bus_in_window(
                        problem, problem.stops[v.stop_index], v.pupils, v.pupil_ids
                    )
                )
    report(1.0, "done")
    total = sum(max(0, s.pupils) for s in problem.stops)
    return Plan(tuple(plans), tuple(unserved), total)


__all__ = ["Progress", "build_problem", "solve"]
