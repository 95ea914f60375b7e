"""Shared trips (ADR 0066): pupils of two nearby schools on one bus, dropped at both.

``shared_pairs`` proposes the pairs of schools whose pupils may share a trip; the morning's
engine routes each pair's pupils together (``morning.route_school`` with ``then``) and
``shared_routes`` reads every route found back as the trip it stands for: a plain trip when
its pupils are of one school, a shared trip when of both, direct trips when it breaks a rule.
Whether a pair is kept is decided with the whole day (``variants.select``, ``solver.solve``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from keleshek.routing.model import Problem
from keleshek.routing.routes import Job, Route, Visit, feasible_route, feasible_shared, hop, span

# A shared trip's second school is at most this share of the ride limit past its first.
SHARED_HOP_SHARE = 0.25
SHARED_PARTNERS = 2  # candidate pairs per school: its nearest partners


def shared_pairs(problem: Problem, jobs: Sequence[tuple[int, list[Visit]]]) -> list[Job]:
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
    near: dict[int, list[tuple[int, Job]]] = {}
    for a, b in itertools.combinations(sorted(visits), 2):
        both = visits[a] + visits[b]
        locs = [n_dep + n_sch + v.stop_index for v in both]
        lean = float(np.mean(dur[locs, n_dep + a]) - np.mean(dur[locs, n_dep + b]))
        # The nearer school first; the other way round if only that meets both windows.
        for first, second in ((a, b), (b, a)) if lean <= 0 else ((b, a), (a, b)):
            seconds = hop(problem, first, second)
            early, late, _, _ = span(problem, Route(first, (both[0],), second))
            if seconds <= limit and early <= late:
                near.setdefault(a, []).append((seconds, (first, second, both)))
                near.setdefault(b, []).append((seconds, (first, second, both)))
                break
    chosen: dict[frozenset[int | None], tuple[int, Job]] = {}
    for partners in near.values():
        for seconds, job in sorted(partners, key=lambda p: p[0])[:SHARED_PARTNERS]:
            chosen[frozenset(job[:2])] = (seconds, job)
    return [job for _, job in sorted(chosen.values(), key=lambda p: (p[0], p[1][:2]))]


def shared_routes(problem: Problem, a: int, b: int, visits: Sequence[Visit]) -> list[Route]:
    """A route found for the pair (``a`` then ``b``) as the trips it stands for: one school's
    pupils only make a plain trip to that school; both, a shared trip. A route that turns out
    infeasible falls back to direct trips (each visit is feasible alone, ``split.py``)."""
    second = problem.schools[b].id
    mine = tuple(v for v in visits if problem.stops[v.stop_index].school_id != second)
    if len(mine) == len(visits):
        route = Route(a, tuple(visits))
        if feasible_route(problem, a, visits):
            return [route]
    elif not mine:
        route = Route(b, tuple(visits))
        if feasible_route(problem, b, visits):
            return [route]
    else:
        route = Route(a, tuple(visits), b)
        if feasible_shared(problem, route):
            return [route]
    return [Route(a if v in mine else b, (v,)) for v in visits]
