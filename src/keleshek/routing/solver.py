"""School-bus routing on PyVRP: routes per school, then trips chained into bus days.

``solve`` is the entry point; it orchestrates the modules of the routing core:

- ``routes.py`` — the route types (``Route``, ``Visit``) and their arithmetic;
- ``split.py`` — a stop becomes one visit, or several when its whole boarding does not fit
  one: a stop may appear in more than one trip, never twice in one (ADR 0063);
- ``morning.py`` — stage 1: capacitated routes per school with PyVRP, every first pupil's
  ride within the limit;
- ``shared.py`` — pairs of nearby schools whose pupils may share a trip (ADR 0066);
- ``pool.py`` — many schools' routing spread over the cores;
- ``variants.py`` — route-length variants and pairs routed, then chosen school by school;
- ``chaining.py`` — stage 2: trips chained into bus days, the morning's ``Plan``;
- ``afternoon.py`` — the runs home after the last lesson (ADR 0064).

Trips that no bus of the fleet can reach inside their window are reported, not dropped.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence

from keleshek.routing import afternoon, explain
from keleshek.routing.chaining import Chained, morning_plan, timed_trip
from keleshek.routing.cvrp import default_workers
from keleshek.routing.distances import DistanceProvider, apply_overrides
from keleshek.routing.model import (
    Depot,
    DistanceOverride,
    Plan,
    Problem,
    Rules,
    School,
    Stop,
    Unserved,
    VehicleType,
)
from keleshek.routing.routes import Route, Visit, hop, span, visits_for
from keleshek.routing.shared import shared_pairs
from keleshek.routing.variants import Budget, route_variants, select

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
    budget = Budget(began, began + (seconds * 0.9 if home_runs else seconds), iterations)
    workers = default_workers() if workers is None else max(1, workers)

    def report(fraction: float, what: str) -> None:
        if progress is not None:
            progress(min(1.0, fraction), what)

    report(0.0, "checking the input")
    unserved: list[Unserved] = list(explain.explain_input(problem))
    notes: list[str] = []
    jobs = _school_visits(problem, unserved, notes)
    pairs = shared_pairs(problem, jobs) if shared_trips else []
    caps = _caps(problem, ride_caps)
    found = route_variants(problem, jobs, pairs, caps, budget, seed, workers, report)
    report(0.8, "chaining trips into bus days")
    chosen = select(problem, jobs, found, budget, report)

    def day(chained: Chained, seconds_left: float) -> Plan:
        """The plan of a chained morning, and its runs home when there are any."""
        plan = morning_plan(problem, chained, unserved, notes)
        if not home_runs:
            return plan
        return afternoon.plan_afternoon(
            problem,
            plan,
            seconds=max(0.1, seconds_left),
            seed=seed,
            workers=workers,
            progress=lambda f, what: report(0.95 + 0.05 * f, what),
            iterations=iterations,
        )

    if not (home_runs and chosen.shared):
        plan = day(chosen.best, began + seconds - time.monotonic())
    else:
        # Pairs were kept on the morning's score; the runs home may cost what the morning
        # saved. Both days are planned (half the time left each) and the better day is kept.
        half = (began + seconds - time.monotonic()) / 2
        plan = _better_day(day(chosen.best, half), day(chosen.plain, half))
    report(1.0, "done")
    return plan


def _caps(problem: Problem, ride_caps: Sequence[float]) -> list[int]:
    """The route-length variants in seconds, longest first (at least the ride limit)."""
    caps = sorted({max(1, round(problem.rules.max_ride_s * c)) for c in ride_caps if c > 0})[::-1]
    return caps or [problem.rules.max_ride_s]


def _school_visits(
    problem: Problem, unserved: Sequence[Unserved], notes: list[str]
) -> list[tuple[int, list[Visit]]]:
    """(school, its visits) for every school with pupils to bring, but the stops that the
    input check already reported (``unserved``)."""
    excluded = {u.stop_id for u in unserved}
    school_ids = [s.id for s in problem.schools]
    by_school: dict[int, list[int]] = {}
    for i, stop in enumerate(problem.stops):
        if stop.id in excluded or stop.pupils <= 0:
            continue
        by_school.setdefault(school_ids.index(stop.school_id), []).append(i)
    return [(k, visits_for(problem, idx, notes)) for k, idx in sorted(by_school.items())]


def _better_day(with_pairs: Plan, without: Plan) -> Plan:
    """The better day: fewer pupils left (morning or home), then fewer buses, then fewer km;
    shared trips win ties."""

    def score(p: Plan) -> tuple[int, int, int]:
        left = sum(u.pupils for u in (*p.unserved, *p.afternoon_unserved))
        return left, p.buses_used, p.distance_m + p.afternoon_distance_m

    if score(with_pairs) <= score(without):
        return with_pairs
    note = (
        "shared trips saved in the morning but cost more on the way home; "
        "the day without them is planned"
    )
    return dataclasses.replace(without, notes=(*without.notes, note))


# The names the routing tests used before the core was split into modules (issue 13): kept so
# that those tests prove the split changed nothing; new code imports the public names.
_Route, _Visit, _visits_for, _span, _hop = Route, Visit, visits_for, span, hop
_shared_pairs, _trip = shared_pairs, timed_trip

__all__ = ["Progress", "build_problem", "solve"]
