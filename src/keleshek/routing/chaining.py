"""Stage 2 of the morning: trips chained into bus days, and the morning's plan.

A bus drops pupils at one school inside its arrival window, drives empty to the first stop of
a trip for another (later) school, and so on. ``chain_best`` keeps the best of a minimum path
cover (``chain_matching``: exact when every school has a fixed arrival time and the fleet one
bus size) and a few greedy orders (``chain``): the fewest pupils left, then the fewest buses,
then the fewest km. Trips that no bus of the fleet can reach inside their window are reported,
not dropped. ``morning_plan`` times every trip and writes the ``Plan``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from keleshek.routing import explain
from keleshek.routing.model import BusPlan, Plan, Problem, SchoolDrop, StopVisit, Trip, Unserved
from keleshek.routing.routes import Route, hop, riders, route_school_ids, span, trip_distance

Score = tuple[int, int, int]  # (pupils left without a bus, buses, metres)


@dataclass
class Bus:
    type_index: int
    depot_loc: int
    free_at: int  # when it has dropped its last pupils
    at: int  # where (a location index), the depot before the first trip
    trips: list[tuple[Route, int]]  # (route, school arrival)


Chained = tuple[Score, list[Bus], list[Route]]
"""A morning chained into bus days: its score, the buses, the trips no bus could take."""


def chain(
    problem: Problem, routes: Sequence[Route], order_key: str, best_fit: bool
) -> tuple[list[Bus], list[Route]]:
    """Greedy chaining: the routes in one order (``latest`` window, ``earliest_start``,
    ``earliest`` or most ``pupils`` first), each onto the bus that idles least before it
    (``best_fit``) or the one free earliest, else onto a bus not used yet (the smallest that
    seats its pupils)."""
    dur, dist = problem.matrix.duration_s, problem.matrix.distance_m
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    info = []
    for r in routes:
        early, late, unload, duration = span(problem, r)
        info.append(
            (
                r,
                (early, late, unload),
                duration,
                n_dep + n_sch + r.visits[0].stop_index,
                sum(v.pupils for v in r.visits),
            )
        )
    if order_key == "pupils":
        # the fullest trips take the buses first: when they run out, the fewest pupils wait
        info.sort(key=lambda t: (-t[4], t[1][1], -t[2]))
    elif order_key == "latest":
        info.sort(key=lambda t: (t[1][1], -t[2]))
    elif order_key == "earliest_start":
        info.sort(key=lambda t: (t[1][1] - t[2], t[1][1]))
    else:
        info.sort(key=lambda t: (t[1][0], -t[2]))
    left = {i: vt.count for i, vt in enumerate(problem.vehicle_types)}
    by_capacity = sorted(
        range(len(problem.vehicle_types)), key=lambda i: problem.vehicle_types[i].capacity
    )
    buses: list[Bus] = []
    failed: list[Route] = []
    for route, (early, late, unload), duration, first, load in info:
        school_loc = n_dep + route.end
        served = route_school_ids(problem, route)
        best: tuple[float, Bus, int] | None = None
        for bus in buses:
            vt = problem.vehicle_types[bus.type_index]
            if vt.capacity < load or not vt.may_serve(*served):
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
        # A bus not used yet: of those that may serve the schools, the one whose home (depot)
        # is nearest the first stop, then the smallest that seats the pupils. With one depot
        # (a pooled fleet) this is the smallest, as before homes existed.
        candidates = [
            i
            for i in by_capacity
            if left[i] > 0
            and problem.vehicle_types[i].capacity >= load
            and problem.vehicle_types[i].may_serve(*served)
        ]
        homes = [
            (int(dist[problem.depot_index(problem.vehicle_types[i].depot_id), first]), n, i)
            for n, i in enumerate(candidates)
        ]
        fresh = min(homes)[2] if homes else None
        if fresh is None:
            failed.append(route)
            continue
        left[fresh] -= 1
        vt = problem.vehicle_types[fresh]
        depot_loc = problem.depot_index(vt.depot_id)
        buses.append(Bus(fresh, depot_loc, early + unload, school_loc, [(route, early)]))
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


def chain_matching(
    problem: Problem, routes: Sequence[Route]
) -> tuple[list[Bus], list[Route]] | None:
    """Fewest buses as a minimum path cover: n routes minus a maximum matching of
    "a bus can do route j after route i". Exact when every school has a fixed arrival time;
    with wider windows, chains are re-timed and split where a window would be missed.
    Needs one bus size (a chain may then go to any bus); returns None otherwise.
    """
    active = [i for i, vt in enumerate(problem.vehicle_types) if vt.count > 0]
    if not routes or not active or len({problem.vehicle_types[i].capacity for i in active}) > 1:
        return None
    if any(problem.vehicle_types[i].schools for i in active):
        return None  # buses bound to their schools: a chain may not go to any bus
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    n = len(routes)
    spans = np.array([span(problem, r) for r in routes], dtype=np.int64).reshape(n, 4)
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
    buses: list[Bus] = []
    failed: list[Route] = []
    for part in sorted(timed, key=len, reverse=True):
        kind = next((i for i in cheapest if left[i] > 0), None)
        if kind is None:
            failed.extend(routes[j] for j, _ in part)
            continue
        left[kind] -= 1
        depot_loc = problem.depot_index(problem.vehicle_types[kind].depot_id)
        last_j, last_a = part[-1]
        buses.append(
            Bus(
                kind,
                depot_loc,
                last_a + int(unload[last_j]),
                int(school_loc[last_j]),
                [(routes[j], a) for j, a in part],
            )
        )
    return buses, failed


def day_distance(problem: Problem, bus: Bus) -> int:
    """Metres of a bus's morning: from its depot, its trips and the empty runs between them,
    back to the depot."""
    dist = problem.matrix.distance_m
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    total, at = 0, bus.depot_loc
    for route, _ in bus.trips:
        locs = [n_dep + n_sch + v.stop_index for v in route.visits]
        total += int(dist[at, locs[0]]) + trip_distance(problem, route)
        at = n_dep + route.end
    return total + int(dist[at, bus.depot_loc])


def timed_trip(problem: Problem, route: Route, arrival: int) -> Trip:
    """Times are set backwards from the (last) school arrival, so nobody waits aboard."""
    dur = problem.matrix.duration_s
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    locs = [n_dep + n_sch + v.stop_index for v in route.visits]
    school_loc = n_dep + route.school_index
    drops: tuple[SchoolDrop, ...] = ()
    t = arrival
    if route.then is not None:
        t = arrival - hop(problem, route.school_index, route.then)
        first = problem.schools[route.school_index]
        off = riders(problem, route.visits, route.school_index)
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
    km = trip_distance(problem, route)
    return Trip(last, tuple(visits), arrival, km, load, drops)


def chain_best(problem: Problem, routes: Sequence[Route], thorough: bool = True) -> Chained:
    """The best of the chaining methods: matching (exact for fixed bells) and greedy orders."""
    candidates: list[tuple[list[Bus], list[Route]]] = []
    matched = chain_matching(problem, routes)
    if matched is not None:
        candidates.append(matched)
    if thorough or matched is None:
        for order_key in ("latest", "earliest_start", "earliest"):
            for best_fit in (True, False):
                candidates.append(chain(problem, routes, order_key, best_fit))
                if not thorough:
                    break
            if not thorough:
                break
    if all(failed for _buses, failed in candidates):
        # The fleet ran out in every order: chain the fullest trips first, so that the trips
        # left without a bus carry the fewest pupils (ADR 0178).
        candidates.append(chain(problem, routes, "pupils", True))
    best: Chained | None = None
    for buses, failed in candidates:
        score = (
            sum(v.pupils for r in failed for v in r.visits),
            len(buses),
            sum(day_distance(problem, b) for b in buses),
        )
        if best is None or score < best[0]:
            best = (score, buses, failed)
    assert best is not None
    return best


def morning_plan(
    problem: Problem, chained: Chained, unserved: Sequence[Unserved], notes: Sequence[str]
) -> Plan:
    """The plan of a chained morning: every bus's trips timed, the pupils no bus could take
    added to ``unserved`` (those the input check already excluded)."""
    _, buses, failed = chained
    plans: list[BusPlan] = []
    counters: dict[str, int] = {}
    for bus in buses:
        vt = problem.vehicle_types[bus.type_index]
        counters[vt.id] = counters.get(vt.id, 0) + 1
        trips = tuple(timed_trip(problem, r, a) for r, a in bus.trips)
        km = day_distance(problem, bus)
        plans.append(BusPlan(f"{vt.id}-{counters[vt.id]}", vt.id, vt.depot_id, trips, km))
    left = list(unserved)
    for route in failed:
        for visit in route.visits:
            stop = problem.stops[visit.stop_index]
            left.append(explain.no_bus_in_window(problem, stop, visit.pupils, visit.pupil_ids))
    total = sum(max(0, s.pupils) for s in problem.stops)
    return Plan(tuple(plans), tuple(left), total, tuple(notes))
