"""School-bus routing on PyVRP: routes per school, then trips chained into bus days.

Before stage 1 each stop becomes one visit, or several when its whole boarding does not fit one
(``split.py``): a stop may appear in more than one trip, never twice in one.

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

import dataclasses
import itertools
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyvrp

from keleshek.routing import explain
from keleshek.routing.cvrp import default_workers, parallel_search, start_pool
from keleshek.routing.distances import DistanceProvider, apply_overrides
from keleshek.routing.model import (
    BusPlan,
    Depot,
    DistanceOverride,
    Plan,
    Problem,
    Rules,
    School,
    SchoolDrop,
    Stop,
    StopVisit,
    Trip,
    Unserved,
    VehicleType,
)
from keleshek.routing.split import split_note, split_stop

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
    school_index: int  # into problem.schools: the (first) school the bus reaches
    visits: tuple[_Visit, ...]
    then: int | None = None  # a shared trip (ADR 0066) goes on to this school

    @property
    def end(self) -> int:
        """The school where the trip ends."""
        return self.school_index if self.then is None else self.then


def _visits_for(
    problem: Problem, stop_indices: Sequence[int], notes: list[str] | None = None
) -> list[_Visit]:
    """One visit per share of each stop: one share, or several when the whole stop does not
    fit one visit (the largest bus, or boarding them all breaks the ride limit); see
    ``split.split_stop``. A line per divided stop goes to ``notes``."""
    out: list[_Visit] = []
    for i in stop_indices:
        stop = problem.stops[i]
        shares = split_stop(problem, stop)
        out.extend(_Visit(i, s.pupils, s.pupil_ids) for s in shares)
        if notes is not None and (note := split_note(problem, stop, shares)) is not None:
            notes.append(note)
    return out


def _route_duration(problem: Problem, school_index: int, visits: Sequence[_Visit]) -> int:
    m = problem.matrix.duration_s
    loc = [len(problem.depots) + len(problem.schools) + v.stop_index for v in visits]
    total = sum(problem.rules.dwell(v.pupils) for v in visits)
    total += sum(int(m[a, b]) for a, b in itertools.pairwise(loc))
    return total + int(m[loc[-1], len(problem.depots) + school_index])


def _riders(problem: Problem, visits: Sequence[_Visit], k: int) -> int:
    """Pupils of ``visits`` whose stop belongs to school ``k``."""
    school_id = problem.schools[k].id
    return sum(v.pupils for v in visits if problem.stops[v.stop_index].school_id == school_id)


def _hop(problem: Problem, a: int, b: int) -> int:
    """Seconds from the arrival at school ``a`` to the arrival at school ``b``."""
    n_dep = len(problem.depots)
    return problem.schools[a].unload_s + int(problem.matrix.duration_s[n_dep + a, n_dep + b])


def _span(problem: Problem, route: _Route) -> tuple[int, int, int, int]:
    """(earliest and latest arrival at the route's last school, the unloading there, seconds
    from the first stop to that arrival). A shared trip must also reach its first school
    inside that school's window, which narrows the last school's."""
    length = _route_duration(problem, route.school_index, route.visits)
    end = problem.schools[route.end]
    if route.then is None:
        return end.earliest_arrival, end.latest_arrival, end.unload_s, length
    first = problem.schools[route.school_index]
    hop = _hop(problem, route.school_index, route.then)
    early = max(end.earliest_arrival, first.earliest_arrival + hop)
    late = min(end.latest_arrival, first.latest_arrival + hop)
    return early, late, end.unload_s, length + hop


def _start_depot(problem: Problem, school_loc: int) -> int | None:
    """The matrix index of the depot (of a bus of the fleet) nearest the school."""
    used = {vt.depot_id for vt in problem.vehicle_types if vt.count > 0}
    options = [problem.depot_index(d) for d in sorted(used)]
    if not options:
        return None
    return min(options, key=lambda d: int(problem.matrix.distance_m[d, school_loc]))


def _school_data(
    problem: Problem,
    school_index: int,
    visits: Sequence[_Visit],
    cap: int,
    start_from_depot: bool = True,
) -> pyvrp.ProblemData:
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    school_loc = n_dep + school_index
    locs = [school_loc] + [n_dep + n_sch + v.stop_index for v in visits]
    dist = problem.matrix.distance_m[np.ix_(locs, locs)].astype(np.int64)
    dur = problem.matrix.duration_s[np.ix_(locs, locs)].astype(np.int64)
    # The bus appears at its first stop: the leg from the school (the PyVRP depot) takes no
    # time. With ``start_from_depot`` its length is the run from the bus depot nearest the
    # school, what a bus starting its day with this trip drives first, so routes begin where
    # the buses come from; otherwise it is free, which suits trips chained after another.
    dur[0, :] = 0
    depot = _start_depot(problem, school_loc)
    if start_from_depot and depot is not None:
        dist[0, :] = problem.matrix.distance_m[depot, locs]
    else:
        dist[0, :] = 0
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
                shift_duration=cap,
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


def _feasible_shared(problem: Problem, route: _Route) -> bool:
    """A shared trip: seats, both schools' windows, and every pupil's ride to their own school
    (the second school's pupils ride on past the first)."""
    assert route.then is not None
    if sum(v.pupils for v in route.visits) > problem.largest_capacity:
        return False
    early, late, _, _ = _span(problem, route)
    if early > late:
        return False
    hop = _hop(problem, route.school_index, route.then)
    second = problem.schools[route.then].id
    for i, v in enumerate(route.visits):
        ride = _route_duration(problem, route.school_index, route.visits[i:])
        if problem.stops[v.stop_index].school_id == second:
            ride += hop
        if ride > problem.rules.max_ride_s:
            return False
    return True


def _shared_routes(problem: Problem, a: int, b: int, visits: Sequence[_Visit]) -> list[_Route]:
    """A route found for the pair (``a`` then ``b``) as the trips it stands for: one school's
    pupils only make a plain trip to that school; both, a shared trip. A route that turns out
    infeasible falls back to direct trips (each visit is feasible alone, ``split.py``)."""
    second = problem.schools[b].id
    mine = tuple(v for v in visits if problem.stops[v.stop_index].school_id != second)
    if len(mine) == len(visits):
        route = _Route(a, tuple(visits))
        if _feasible_route(problem, a, visits):
            return [route]
    elif not mine:
        route = _Route(b, tuple(visits))
        if _feasible_route(problem, b, visits):
            return [route]
    else:
        route = _Route(a, tuple(visits), b)
        if _feasible_shared(problem, route):
            return [route]
    return [_Route(a if v in mine else b, (v,)) for v in visits]


def _route_school(
    problem: Problem,
    school_index: int,
    visits: list[_Visit],
    seconds: float,
    seed: int,
    workers: int,
    cap: int,
    start_from_depot: bool,
    then: int | None = None,
    iterations: int | None = None,
) -> list[_Route]:
    """Routes for one school, none longer than ``cap`` seconds (at most the ride limit),
    searched for ``seconds`` or, with ``iterations``, that many PyVRP iterations.

    With ``then``, the visits are of two schools and the routes end at ``school_index`` and
    go on to ``then`` (ADR 0066): the cap leaves room for that last hop for every pupil, and
    each route comes back as the plain or shared trip it stands for (``_shared_routes``).
    """
    if then is not None:
        cap = min(cap, problem.rules.max_ride_s - _hop(problem, school_index, then))
    if len(visits) == 1 or cap <= 0:
        if then is not None:
            return [r for v in visits for r in _shared_routes(problem, school_index, then, [v])]
        return [_Route(school_index, (v,)) for v in visits]
    data = _school_data(problem, school_index, visits, cap, start_from_depot)
    routes, _, _ = parallel_search(
        data,
        seconds,
        seed=seed,
        workers=workers,
        epochs=1 if workers == 1 else 2,
        iterations=iterations,
    )
    out: list[_Route] = []
    for r in routes:
        chosen = tuple(visits[c] for c in r)
        if then is not None:
            out.extend(_shared_routes(problem, school_index, then, chosen))
        elif _feasible_route(problem, school_index, chosen):
            out.append(_Route(school_index, chosen))
        else:
            # PyVRP returned its least-bad solution, not a feasible one: fall back to direct
            # trips for these visits, each of which split.py made feasible alone.
            out.extend(_Route(school_index, (v,)) for v in chosen)
    return out


_JOB_PROBLEM: Problem | None = None


def _set_job_problem(problem: Problem) -> None:
    global _JOB_PROBLEM  # one problem per worker process, set once by the pool
    _JOB_PROBLEM = problem


_Job = tuple[int, int | None, list[_Visit]]  # (school, the shared trips' second school, visits)


def _route_school_job(
    args: tuple[int, int | None, list[_Visit], float, int, int, bool, int | None],
) -> list[_Route]:
    # The problem reaches the workers once, through the pool's initializer: pickling its
    # matrices with every school's job cost more than the routing itself on 2,000 stops.
    assert _JOB_PROBLEM is not None
    school_index, then, visits, seconds, seed, cap, from_depot, iterations = args
    return _route_school(
        _JOB_PROBLEM, school_index, visits, seconds, seed, 1, cap, from_depot, then, iterations
    )


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
        early, late, unload, duration = _span(problem, r)
        info.append(
            (
                r,
                (early, late, unload),
                duration,
                n_dep + n_sch + r.visits[0].stop_index,
                sum(v.pupils for v in r.visits),
            )
        )
    if order_key == "latest":
        info.sort(key=lambda t: (t[1][1], -t[2]))
    elif order_key == "earliest_start":
        info.sort(key=lambda t: (t[1][1] - t[2], t[1][1]))
    else:
        info.sort(key=lambda t: (t[1][0], -t[2]))
    left = {i: vt.count for i, vt in enumerate(problem.vehicle_types)}
    by_capacity = sorted(
        range(len(problem.vehicle_types)), key=lambda i: problem.vehicle_types[i].capacity
    )
    buses: list[_Bus] = []
    failed: list[_Route] = []
    for route, (early, late, unload), duration, first, load in info:
        school_loc = n_dep + route.end
        best: tuple[float, _Bus, int] | None = None
        for bus in buses:
            if problem.vehicle_types[bus.type_index].capacity < load:
                continue
            arrive = max(early, bus.free_at + int(dur[bus.at, first]) + duration)
            if arrive > late:
                continue
            # best fit: the bus that would otherwise idle least; else the one free earliest.
            score = (arrive - bus.free_at - duration) if best_fit else bus.free_at
            if best is None or score < best[0]:
                best = (score, bus, arrive)
        if best is not None:
            _, bus, arrive = best
            bus.trips.append((route, arrive))
            bus.free_at, bus.at = arrive + unload, school_loc
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
        buses.append(_Bus(fresh, depot_loc, early + unload, school_loc, [(route, early)]))
    return buses, failed


def _max_matching(adj: list[list[int]], n_right: int) -> list[int]:
    """Hopcroft-Karp maximum bipartite matching; returns the right partner of each left node."""
    infinite = 1 << 30
    n = len(adj)
    match_l, match_r = [-1] * n, [-1] * n_right
    for u in range(n):  # a greedy start leaves few augmenting paths to find
        for v in adj[u]:
            if match_r[v] == -1:
                match_l[u], match_r[v] = v, u
                break
    while True:
        dist = [infinite] * n
        queue = deque(u for u in range(n) if match_l[u] == -1)
        for u in queue:
            dist[u] = 0
        found = False
        while queue:
            u = queue.popleft()
            for v in adj[u]:
                w = match_r[v]
                if w == -1:
                    found = True
                elif dist[w] == infinite:
                    dist[w] = dist[u] + 1
                    queue.append(w)
        if not found:
            return match_l
        cursor = [0] * n
        for root in range(n):
            if match_l[root] != -1:
                continue
            stack = [root]
            while stack:
                u = stack[-1]
                if cursor[u] < len(adj[u]):
                    v = adj[u][cursor[u]]
                    cursor[u] += 1
                    w = match_r[v]
                    if w == -1:
                        for x in stack:  # flip the augmenting path
                            y = adj[x][cursor[x] - 1]
                            match_l[x], match_r[y] = y, x
                        break
                    if dist[w] == dist[u] + 1:
                        stack.append(w)
                else:
                    dist[u] = infinite
                    stack.pop()


def _chain_matching(
    problem: Problem, routes: Sequence[_Route]
) -> tuple[list[_Bus], list[_Route]] | None:
    """Fewest buses as a minimum path cover: n routes minus a maximum matching of
    "a bus can do route j after route i". Exact when every school has a fixed arrival time;
    with wider windows, chains are re-timed and split where a window would be missed.
    Needs one bus size (a chain may then go to any bus); returns None otherwise.
    """
    active = [i for i, vt in enumerate(problem.vehicle_types) if vt.count > 0]
    if not routes or not active or len({problem.vehicle_types[i].capacity for i in active}) > 1:
        return None
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    n = len(routes)
    spans = np.array([_span(problem, r) for r in routes], dtype=np.int64).reshape(n, 4)
    early, late, unload, length = spans[:, 0], spans[:, 1], spans[:, 2], spans[:, 3]
    order = sorted(range(n), key=lambda i: (int(late[i]), i))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    school_loc = np.array([n_dep + r.end for r in routes])
    first = np.array([n_dep + n_sch + r.visits[0].stop_index for r in routes])
    empty_run = problem.matrix.duration_s[np.ix_(school_loc, first)]
    ok = (early + unload)[:, None] + empty_run + length[None, :] <= late[None, :]
    # Edges only forward in bell order: the graph stays acyclic, so chains are paths.
    ok &= rank[:, None] < rank[None, :]
    deadhead = problem.matrix.distance_m[np.ix_(school_loc, first)]
    adj = []
    for i in range(n):
        succ = np.flatnonzero(ok[i])
        adj.append(succ[np.argsort(deadhead[i, succ], kind="stable")].tolist())
    match = _max_matching(adj, n)
    has_pred = set(match) - {-1}
    chains: list[list[int]] = []
    for head in order:
        if head in has_pred:
            continue
        chain, cur = [head], match[head]
        while cur != -1:
            chain.append(cur)
            cur = match[cur]
        chains.append(chain)
    # Re-time each chain; split where a (flexible) window would be missed.
    timed: list[list[tuple[int, int]]] = []
    for chain in chains:
        part: list[tuple[int, int]] = []
        free, at = 0, -1
        for j in chain:
            arrive = int(early[j])
            if part:
                arrive = max(
                    arrive, free + int(problem.matrix.duration_s[at, first[j]]) + int(length[j])
                )
                if arrive > late[j]:
                    timed.append(part)
                    part, arrive = [], int(early[j])
            part.append((j, arrive))
            free, at = arrive + int(unload[j]), int(school_loc[j])
        timed.append(part)
    left = {i: problem.vehicle_types[i].count for i in active}
    cheapest = sorted(active, key=lambda i: problem.vehicle_types[i].cost_per_km)
    buses: list[_Bus] = []
    failed: list[_Route] = []
    for part in sorted(timed, key=len, reverse=True):
        kind = next((i for i in cheapest if left[i] > 0), None)
        if kind is None:
            failed.extend(routes[j] for j, _ in part)
            continue
        left[kind] -= 1
        depot_loc = problem.depot_index(problem.vehicle_types[kind].depot_id)
        last_j, last_a = part[-1]
        buses.append(
            _Bus(
                kind,
                depot_loc,
                last_a + int(unload[last_j]),
                int(school_loc[last_j]),
                [(routes[j], a) for j, a in part],
            )
        )
    return buses, failed


def _day_distance(problem: Problem, bus: _Bus) -> int:
    dist = problem.matrix.distance_m
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    total, at = 0, bus.depot_loc
    for route, _ in bus.trips:
        locs = [n_dep + n_sch + v.stop_index for v in route.visits]
        total += int(dist[at, locs[0]]) + _trip_distance(problem, route)
        at = n_dep + route.end
    return total + int(dist[at, bus.depot_loc])


def _trip_distance(problem: Problem, route: _Route) -> int:
    """Metres from the first stop to the last school (through the first, on a shared trip)."""
    dist = problem.matrix.distance_m
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    locs = [n_dep + n_sch + v.stop_index for v in route.visits] + [n_dep + route.school_index]
    if route.then is not None:
        locs.append(n_dep + route.then)
    return sum(int(dist[a, b]) for a, b in itertools.pairwise(locs))


def _trip(problem: Problem, route: _Route, arrival: int) -> Trip:
    """Times are set backwards from the (last) school arrival, so nobody waits aboard."""
    dur = problem.matrix.duration_s
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    locs = [n_dep + n_sch + v.stop_index for v in route.visits]
    school_loc = n_dep + route.school_index
    drops: tuple[SchoolDrop, ...] = ()
    t = arrival
    if route.then is not None:
        t = arrival - _hop(problem, route.school_index, route.then)
        first = problem.schools[route.school_index]
        off = _riders(problem, route.visits, route.school_index)
        drops = (SchoolDrop(first.id, t, t + first.unload_s, off),)
    departures: list[int] = []
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
        arrive = dep - problem.rules.dwell(v.pupils)
        visits.append(StopVisit(stop.id, arrive, dep, v.pupils, load, v.pupil_ids, stop.school_id))
    last = problem.schools[route.end].id
    km = _trip_distance(problem, route)
    return Trip(last, tuple(visits), arrival, km, load, drops)


# --- the entry point --------------------------------------------------------------------------


Score = tuple[int, int, int]  # (pupils left without a bus, buses, metres)


def _chain_best(
    problem: Problem, routes: Sequence[_Route], thorough: bool = True
) -> tuple[Score, list[_Bus], list[_Route]]:
    """The best of the chaining methods: matching (exact for fixed bells) and greedy orders."""
    candidates: list[tuple[list[_Bus], list[_Route]]] = []
    matched = _chain_matching(problem, routes)
    if matched is not None:
        candidates.append(matched)
    if thorough or matched is None:
        for order_key in ("latest", "earliest_start", "earliest"):
            for best_fit in (True, False):
                candidates.append(_chain(problem, routes, order_key, best_fit))
                if not thorough:
                    break
            if not thorough:
                break
    best: tuple[Score, list[_Bus], list[_Route]] | None = None
    for buses, failed in candidates:
        score = (
            sum(v.pupils for r in failed for v in r.visits),
            len(buses),
            sum(_day_distance(problem, b) for b in buses),
        )
        if best is None or score < best[0]:
            best = (score, buses, failed)
    assert best is not None
    return best


def _route_all(
    problem: Problem,
    jobs: Sequence[_Job],
    cap: int,
    from_depot: bool,
    budget: float,
    seed: int,
    workers: int,
    report: Callable[[float, str], None],
    iterations: int | None = None,
) -> list[list[_Route]]:
    """The routes of every job, in the order of ``jobs``."""
    total_visits = sum(len(v) for _, _, v in jobs) or 1
    out: list[list[_Route]] = []
    if len(jobs) == 1 or workers == 1:
        done = 0
        for k, then, visits in jobs:
            share = budget * len(visits) / total_visits
            out.append(
                _route_school(
                    problem, k, visits, share, seed, workers, cap, from_depot, then, iterations
                )
            )
            done += len(visits)
            report(done / total_visits, f"routes for school {problem.schools[k].id}")
    elif jobs:
        # Many schools: the cores share the schools, each school a one-core PyVRP run with a
        # budget in proportion to its stops (the cores run in parallel, hence x workers).
        args = [
            (
                k,
                then,
                visits,
                budget * workers * len(visits) / total_visits,
                seed,
                cap,
                from_depot,
                iterations,
            )
            for k, then, visits in jobs
        ]
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        ctx = multiprocessing.get_context(method)
        with start_pool(ctx, workers, _set_job_problem, problem) as pool:
            done = 0
            for (_, _, visits), found in zip(jobs, pool.imap(_route_school_job, args), strict=True):
                out.append(found)
                done += len(visits)
                report(done / total_visits, "routing schools")
    return out


# The pairs' weight in the routing budget (beside 1.5 + 1 + 1 + 1 for the schools' variants)
# when every school is in two pairs; fewer pairs, less (in proportion to their stops).
SHARED_WEIGHT = 1.0
JOB_OVERHEAD_S = 0.05  # a PyVRP run costs this beyond its budget (12 stops, 1 ms budget: 0.052 s)
# A shared trip's second school is at most this share of the ride limit past its first.
SHARED_HOP_SHARE = 0.25
SHARED_PARTNERS = 2  # candidate pairs per school: its nearest partners


def _shared_pairs(problem: Problem, jobs: Sequence[tuple[int, list[_Visit]]]) -> list[_Job]:
    """Pairs of schools whose pupils may share a trip (ADR 0066): the second school near the
    first (``SHARED_HOP_SHARE``), both windows reachable in one trip; each school with its
    ``SHARED_PARTNERS`` nearest partners (a school may also be among another's nearest, so it
    can end in more pairs). The bus reaches first the school nearer the pair's stops on
    average, so it passes that school on its way to the other — or the other way round when
    only that order meets both windows."""
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    dur = problem.matrix.duration_s
    limit = problem.rules.max_ride_s * SHARED_HOP_SHARE
    visits = dict(jobs)
    near: dict[int, list[tuple[int, _Job]]] = {}
    for a, b in itertools.combinations(sorted(visits), 2):
        both = visits[a] + visits[b]
        locs = [n_dep + n_sch + v.stop_index for v in both]
        lean = float(np.mean(dur[locs, n_dep + a]) - np.mean(dur[locs, n_dep + b]))
        # The nearer school first; the other way round if only that meets both windows.
        for first, second in ((a, b), (b, a)) if lean <= 0 else ((b, a), (a, b)):
            hop = _hop(problem, first, second)
            early, late, _, _ = _span(problem, _Route(first, (both[0],), second))
            if hop <= limit and early <= late:
                near.setdefault(a, []).append((hop, (first, second, both)))
                near.setdefault(b, []).append((hop, (first, second, both)))
                break
    chosen: dict[frozenset[int | None], tuple[int, _Job]] = {}
    for partners in near.values():
        for hop, job in sorted(partners, key=lambda p: p[0])[:SHARED_PARTNERS]:
            chosen[frozenset(job[:2])] = (hop, job)
    return [job for _, job in sorted(chosen.values(), key=lambda p: (p[0], p[1][:2]))]


def solve(
    problem: Problem,
    seconds: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
    ride_caps: Sequence[float] = (1.0, 0.75, 0.5),
    shared_trips: bool = True,
    iterations: int | None = None,
) -> Plan:
    """Plan the morning: every pupil on a bus or listed in ``Plan.unserved`` with a reason;
    then, for the schools with a dismissal time, the runs home (``afternoon.py``): every pupil
    brought in the morning on an afternoon trip or listed in ``Plan.afternoon_unserved``.

    ``ride_caps`` are the route-length variants tried per school, as fractions of the ride
    limit: the longest routes need the fewest trips, shorter ones chain into more trips per
    bus; the selection keeps, school by school, the variant that needs fewer buses.

    With ``shared_trips`` pupils of two nearby schools may ride one bus, dropped at both
    (ADR 0066); without, every trip serves one school.

    The search runs for ``seconds`` of wall-clock time (production). With ``iterations`` it is
    bounded by work instead and ``seconds`` is ignored: every PyVRP search (each school, each
    route-length variant, each pair of schools, each re-routing of the runs home) stops after
    that many iterations per worker, and the choice of variants and shared trips runs until
    it improves no more. The same problem, seed, workers and iterations then give the same
    plan on any machine (tests, the demo).
    """
    began = time.monotonic()
    home_runs = any(s.dismissal is not None for s in problem.schools)
    # The afternoon keeps a tenth of the budget: it re-routes only the runs home that break
    # the ride limit when the morning trips are driven backwards.
    deadline = began + (seconds * 0.9 if home_runs else seconds)
    workers = default_workers() if workers is None else max(1, workers)

    def out_of_time() -> bool:
        return iterations is None and time.monotonic() >= deadline

    caps = sorted({max(1, round(problem.rules.max_ride_s * c)) for c in ride_caps if c > 0})[::-1]
    caps = caps or [problem.rules.max_ride_s]

    def report(fraction: float, what: str) -> None:
        if progress is not None:
            progress(min(1.0, fraction), what)

    report(0.0, "checking the input")
    unserved: list[Unserved] = list(explain.explain_input(problem))
    excluded = {u.stop_id for u in unserved}
    school_ids = [s.id for s in problem.schools]
    by_school: dict[int, list[int]] = {}
    for i, stop in enumerate(problem.stops):
        if stop.id in excluded or stop.pupils <= 0:
            continue
        by_school.setdefault(school_ids.index(stop.school_id), []).append(i)
    notes: list[str] = []
    jobs = [(k, _visits_for(problem, idx, notes)) for k, idx in sorted(by_school.items())]
    singles: list[_Job] = [(k, None, visits) for k, visits in jobs]
    pairs = _shared_pairs(problem, jobs) if shared_trips else []

    # 80 % of the budget routes the schools; the rest chains and selects. The full-length
    # routes are built twice: once costing the run from the depot to the first stop (a bus
    # whose day is this one trip: fewer km), once with that run free (trips that follow
    # another on the same bus: they chain more easily); shorter caps only the latter.
    # Last, the pairs of nearby schools whose pupils may share a trip (ADR 0066).
    recipe = [(caps[0], True, 1.5), (caps[0], False, 1.0)] + [(c, False, 1.0) for c in caps[1:]]
    stages: list[tuple[Sequence[_Job], int, bool, float]] = [
        (singles, cap, from_depot, weight) for cap, from_depot, weight in recipe
    ]
    if pairs:
        in_pairs = sum(len(v) for *_, v in pairs) / (2 * max(1, sum(len(v) for _, v in jobs)))
        stages.append((pairs, caps[0], True, SHARED_WEIGHT * min(1.0, in_pairs)))
    weights = [w for *_, w in stages]
    routing_total = max(0.1, (deadline - began) * 0.8 - (time.monotonic() - began))
    routing_end = time.monotonic() + routing_total
    found: list[list[list[_Route]]] = []
    done_weight = 0.0
    for stage_jobs, cap, from_depot, weight in stages:
        budget = routing_total * weight / sum(weights)
        # A PyVRP run costs some JOB_OVERHEAD_S whatever its budget: when the pairs would
        # overrun the routing time (a short budget, many schools) they are left out, so the
        # selection keeps its time.
        if (
            stage_jobs is pairs
            and iterations is None
            and (time.monotonic() + JOB_OVERHEAD_S * len(pairs) / workers > routing_end)
        ):
            pairs = []
            break
        base = 0.8 * done_weight / sum(weights)

        def sub(f: float, what: str, base: float = base, weight: float = weight) -> None:
            report(base + 0.8 * f * weight / sum(weights), what)

        found.append(
            _route_all(problem, stage_jobs, cap, from_depot, budget, seed, workers, sub, iterations)
        )
        done_weight += weight
    keys = [k for k, _ in jobs]
    variants = [dict(zip(keys, routes, strict=True)) for routes in found[: len(recipe)]]
    pair_routes = found[len(recipe)] if pairs else []

    report(0.8, "chaining trips into bus days")
    choice = {k: 0 for k, _ in jobs}
    shared: list[int] = []  # the pairs whose routes replace their two schools' own

    def paired(on: Sequence[int]) -> set[int | None]:
        """The schools of the pairs ``on``."""
        return {k for p in on for k in (pairs[p][0], pairs[p][1])}

    def assemble(sel: dict[int, int], pairs_on: Sequence[int] | None = None) -> list[_Route]:
        on = shared if pairs_on is None else pairs_on
        covered = paired(on)
        own = [r for k, v in sel.items() if k not in covered for r in variants[v][k]]
        return own + [r for p in on for r in pair_routes[p]]

    plain = best = _chain_best(problem, assemble(choice))  # plain: the best without pairs
    # The greedy orders cost O(trips x buses) each; on big plans only the matching runs
    # when the budget is short.
    thorough = sum(len(r) for r in variants[0].values()) <= 300
    for v in range(1, len(variants)):  # every school on the same variant
        if out_of_time():
            break
        trial = _chain_best(problem, assemble(dict.fromkeys(choice, v)), thorough)
        if trial[0] < best[0]:
            plain = best = trial
            choice = dict.fromkeys(choice, v)
    # A local search over the choices: school by school, try the other variants; then each
    # pair of schools sharing trips, on (dropping any pair it overlaps) or off. Keep a change
    # that saves a bus (or km); stop when a round changes nothing. Pairs come second in a
    # round, so they are weighed against the schools' best variants, not instead of them.
    improved = len(variants) > 1 or bool(pairs)
    while improved and not out_of_time():
        improved = False
        covered = paired(shared)
        for k, _ in sorted(jobs, key=lambda j: -len(j[1])):
            for v in range(len(variants)):
                if k in covered or v == choice[k] or out_of_time():
                    continue
                sel = {**choice, k: v}
                trial = _chain_best(problem, assemble(sel), thorough=False)
                if trial[0] < best[0]:
                    best, choice, improved = trial, sel, True
                    if not shared:
                        plain = best
        for p, (a, b, _) in enumerate(pairs):
            if out_of_time():
                break
            if p in shared:
                on = [q for q in shared if q != p]
            else:
                on = [q for q in shared if not {a, b} & paired([q])] + [p]
            trial = _chain_best(problem, assemble(choice, on), thorough=False)
            if trial[0] < best[0]:
                best, shared, improved = trial, on, True
                if not shared:
                    plain = best
        report(0.9, "choosing route lengths and shared trips")

    total = sum(max(0, s.pupils) for s in problem.stops)

    def day(state: tuple[Score, list[_Bus], list[_Route]], seconds_left: float) -> Plan:
        """The plan of a chained state: the morning, and the runs home when there are any."""
        _, buses, failed = state
        plans: list[BusPlan] = []
        counters: dict[str, int] = {}
        for bus in buses:
            vt = problem.vehicle_types[bus.type_index]
            counters[vt.id] = counters.get(vt.id, 0) + 1
            trips = tuple(_trip(problem, r, a) for r, a in bus.trips)
            km = _day_distance(problem, bus)
            plans.append(BusPlan(f"{vt.id}-{counters[vt.id]}", vt.id, vt.depot_id, trips, km))
        left = list(unserved)
        for route in failed:
            for visit in route.visits:
                stop = problem.stops[visit.stop_index]
                left.append(explain.no_bus_in_window(problem, stop, visit.pupils, visit.pupil_ids))
        plan = Plan(tuple(plans), tuple(left), total, tuple(notes))
        if not home_runs:
            return plan
        from keleshek.routing.afternoon import plan_afternoon  # it builds on this module

        return plan_afternoon(
            problem,
            plan,
            seconds=max(0.1, seconds_left),
            seed=seed,
            workers=workers,
            progress=lambda f, what: report(0.95 + 0.05 * f, what),
            iterations=iterations,
        )

    if not (home_runs and shared):
        plan = day(best, began + seconds - time.monotonic())
    else:
        # Pairs were kept on the morning's score; the runs home may cost what the morning
        # saved. Both days are planned (half the time left each) and the better day is kept:
        # fewer pupils left (morning or home), then fewer buses, then fewer km.
        half = (began + seconds - time.monotonic()) / 2
        with_pairs, without = day(best, half), day(plain, half)

        def score(p: Plan) -> tuple[int, int, int]:
            left = sum(u.pupils for u in (*p.unserved, *p.afternoon_unserved))
            return left, p.buses_used, p.distance_m + p.afternoon_distance_m

        if score(with_pairs) <= score(without):
            plan = with_pairs
        else:
            note = (
                "shared trips saved in the morning but cost more on the way home; "
                "the day without them is planned"
            )
            plan = dataclasses.replace(without, notes=(*without.notes, note))
    report(1.0, "done")
    return plan


__all__ = ["Progress", "build_problem", "solve"]
