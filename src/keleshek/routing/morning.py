"""Stage 1 of the morning: capacitated routes for one school, with PyVRP.

Every route's first pupil rides no longer than the limit (dwell included). The school is the
route's depot and the leg from the school to the first stop costs no time, so a PyVRP route
*is* a trip from its first stop to the school and its duration is the longest ride. A fixed
cost per route makes fewer routes win first.

The same engine routes the runs home (``afternoon.py``, on the transposed matrix) and the
pupils of two schools that may share a trip (``then``, ADR 0066, ``shared.py``). Stage 2,
trips chained into bus days, is ``chaining.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyvrp

from keleshek.routing.cvrp import parallel_search
from keleshek.routing.model import Problem
from keleshek.routing.routes import Route, Visit, feasible_route, hop
from keleshek.routing.shared import shared_routes


def start_depot(problem: Problem, school_loc: int) -> int | None:
    """The matrix index of the depot (of a bus of the fleet that may serve the school) nearest
    the school: the school's own garage when its buses stand there."""
    school_id = problem.schools[school_loc - len(problem.depots)].id
    used = {vt.depot_id for vt in problem.vehicle_types if vt.count > 0 and vt.may_serve(school_id)}
    options = [problem.depot_index(d) for d in sorted(used)]
    if not options:
        return None
    return min(options, key=lambda d: int(problem.matrix.distance_m[d, school_loc]))


def school_data(
    problem: Problem,
    school_index: int,
    visits: Sequence[Visit],
    cap: int,
    start_from_depot: bool = True,
) -> pyvrp.ProblemData:
    """The PyVRP problem of one school's ``visits``, no route longer than ``cap`` seconds."""
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
    depot = start_depot(problem, school_loc)
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


def route_school(
    problem: Problem,
    school_index: int,
    visits: list[Visit],
    seconds: float,
    seed: int,
    workers: int,
    cap: int,
    start_from_depot: bool,
    then: int | None = None,
    iterations: int | None = None,
) -> list[Route]:
    """Routes for one school, none longer than ``cap`` seconds (at most the ride limit),
    searched for ``seconds`` or, with ``iterations``, that many PyVRP iterations.

    With ``then``, the visits are of two schools and the routes end at ``school_index`` and
    go on to ``then`` (ADR 0066): the cap leaves room for that last hop for every pupil, and
    each route comes back as the plain or shared trip it stands for (``shared_routes``).
    The routes hold the ``visits`` objects given, so a caller may know them by identity.
    """
    if then is not None:
        cap = min(cap, problem.rules.max_ride_s - hop(problem, school_index, then))
    if len(visits) == 1 or cap <= 0:
        if then is not None:
            return [r for v in visits for r in shared_routes(problem, school_index, then, [v])]
        return [Route(school_index, (v,)) for v in visits]
    data = school_data(problem, school_index, visits, cap, start_from_depot)
    routes, _, _ = parallel_search(
        data,
        seconds,
        seed=seed,
        workers=workers,
        epochs=1 if workers == 1 else 2,
        iterations=iterations,
    )
    out: list[Route] = []
    for r in routes:
        chosen = tuple(visits[c] for c in r)
        if then is not None:
            out.extend(shared_routes(problem, school_index, then, chosen))
        elif feasible_route(problem, school_index, chosen):
            out.append(Route(school_index, chosen))
        else:
            # PyVRP returned its least-bad solution, not a feasible one: fall back to direct
            # trips for these visits, each of which split.py made feasible alone.
            out.extend(Route(school_index, (v,)) for v in chosen)
    return out
