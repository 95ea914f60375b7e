"""Route-length variants and shared trips: routed for every school, then chosen.

``route_variants`` spends most of the budget on routes: every school's pupils are routed
once per variant — full-length routes costing the run from the depot to the first stop (a
bus whose day is this one trip: fewer km), full-length routes with that run free (trips
that follow another on the same bus: they chain more easily), and shorter caps (more trips
per bus) — and, last, the pairs of nearby schools whose pupils may share a trip (ADR 0066).

``select`` then chains the trips into bus days (``chaining.chain_best``) for choices of
variant per school and of pairs on or off, keeping what saves a bus (or km).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from keleshek.routing.chaining import Chained, chain_best
from keleshek.routing.model import Problem
from keleshek.routing.pool import route_all
from keleshek.routing.routes import Job, Route, Visit

Report = Callable[[float, str], None]

# The pairs' weight in the routing budget (beside 1.5 + 1 + 1 + 1 for the schools' variants)
# when every school is in two pairs; fewer pairs, less (in proportion to their stops).
SHARED_WEIGHT = 1.0
JOB_OVERHEAD_S = 0.05  # a PyVRP run costs this beyond its budget (12 stops, 1 ms budget: 0.052 s)


@dataclass(frozen=True)
class Budget:
    """What bounds the morning's search: the clock until ``deadline`` (``time.monotonic``,
    production) or, with ``iterations``, that many PyVRP iterations per search and no clock
    (the choice then runs until it improves no more: the same plan on any machine)."""

    began: float
    deadline: float
    iterations: int | None = None

    def over(self) -> bool:
        return self.iterations is None and time.monotonic() >= self.deadline


@dataclass(frozen=True)
class Variants:
    schools: list[dict[int, list[Route]]]  # per variant, each school's routes
    pairs: list[Job]  # the pairs of schools routed together (``shared.shared_pairs``)
    pair_routes: list[list[Route]]  # per pair, its routes (plain or shared trips)


@dataclass(frozen=True)
class Selection:
    best: Chained
    plain: Chained  # the best found with no shared trips
    shared: list[int]  # the pairs (indices into ``Variants.pairs``) whose trips ``best`` uses


def route_variants(
    problem: Problem,
    jobs: Sequence[tuple[int, list[Visit]]],
    pairs: list[Job],
    caps: Sequence[int],
    budget: Budget,
    seed: int,
    workers: int,
    report: Report,
) -> Variants:
    """Every school's routes for each variant (``caps``: route lengths, longest first), then
    each pair's. 80 % of the budget routes; the rest is the choice's. Progress 0..0.8."""
    singles: list[Job] = [(k, None, visits) for k, visits in jobs]
    recipe = [(caps[0], True, 1.5), (caps[0], False, 1.0)] + [(c, False, 1.0) for c in caps[1:]]
    stages: list[tuple[Sequence[Job], int, bool, float]] = [
        (singles, cap, from_depot, weight) for cap, from_depot, weight in recipe
    ]
    if pairs:
        in_pairs = sum(len(v) for *_, v in pairs) / (2 * max(1, sum(len(v) for _, v in jobs)))
        stages.append((pairs, caps[0], True, SHARED_WEIGHT * min(1.0, in_pairs)))
    weights = [w for *_, w in stages]
    began = budget.began
    routing_total = max(0.1, (budget.deadline - began) * 0.8 - (time.monotonic() - began))
    routing_end = time.monotonic() + routing_total
    found: list[list[list[Route]]] = []
    done_weight = 0.0
    for stage_jobs, cap, from_depot, weight in stages:
        seconds = routing_total * weight / sum(weights)
        # A PyVRP run costs some JOB_OVERHEAD_S whatever its budget: when the pairs would
        # overrun the routing time (a short budget, many schools) they are left out, so the
        # selection keeps its time.
        if (
            stage_jobs is pairs
            and budget.iterations is None
            and (time.monotonic() + JOB_OVERHEAD_S * len(pairs) / workers > routing_end)
        ):
            pairs = []
            break
        base = 0.8 * done_weight / sum(weights)

        def sub(f: float, what: str, base: float = base, weight: float = weight) -> None:
            report(base + 0.8 * f * weight / sum(weights), what)

        found.append(
            route_all(
                problem, stage_jobs, cap, from_depot, seconds, seed, workers, sub, budget.iterations
            )
        )
        done_weight += weight
    keys = [k for k, _ in jobs]
    schools = [dict(zip(keys, routes, strict=True)) for routes in found[: len(recipe)]]
    return Variants(schools, pairs, found[len(recipe)] if pairs else [])


def select(
    problem: Problem,
    jobs: Sequence[tuple[int, list[Visit]]],
    found: Variants,
    budget: Budget,
    report: Report,
) -> Selection:
    """The variant of each school and the pairs sharing trips that chain into the fewest
    pupils left, then buses, then km; and the best without pairs, for the runs home."""
    variants, pairs, pair_routes = found.schools, found.pairs, found.pair_routes
    choice = {k: 0 for k, _ in jobs}
    shared: list[int] = []  # the pairs whose routes replace their two schools' own

    def paired(on: Sequence[int]) -> set[int | None]:
        """The schools of the pairs ``on``."""
        return {k for p in on for k in (pairs[p][0], pairs[p][1])}

    def assemble(sel: dict[int, int], pairs_on: Sequence[int] | None = None) -> list[Route]:
        on = shared if pairs_on is None else pairs_on
        covered = paired(on)
        own = [r for k, v in sel.items() if k not in covered for r in variants[v][k]]
        return own + [r for p in on for r in pair_routes[p]]

    plain = best = chain_best(problem, assemble(choice))  # plain: the best without pairs
    # The greedy orders cost O(trips x buses) each; on big plans only the matching runs
    # when the budget is short.
    thorough = sum(len(r) for r in variants[0].values()) <= 300
    for v in range(1, len(variants)):  # every school on the same variant
        if budget.over():
            break
        trial = chain_best(problem, assemble(dict.fromkeys(choice, v)), thorough)
        if trial[0] < best[0]:
            plain = best = trial
            choice = dict.fromkeys(choice, v)
    # A local search over the choices: school by school, try the other variants; then each
    # pair of schools sharing trips, on (dropping any pair it overlaps) or off. Keep a change
    # that saves a bus (or km); stop when a round changes nothing. Pairs come second in a
    # round, so they are weighed against the schools' best variants, not instead of them.
    improved = len(variants) > 1 or bool(pairs)
    while improved and not budget.over():
        improved = False
        covered = paired(shared)
        for k, _ in sorted(jobs, key=lambda j: -len(j[1])):
            for v in range(len(variants)):
                if k in covered or v == choice[k] or budget.over():
                    continue
                sel = {**choice, k: v}
                trial = chain_best(problem, assemble(sel), thorough=False)
                if trial[0] < best[0]:
                    best, choice, improved = trial, sel, True
                    if not shared:
                        plain = best
        for p, (a, b, _) in enumerate(pairs):
            if budget.over():
                break
            if p in shared:
                on = [q for q in shared if q != p]
            else:
                on = [q for q in shared if not {a, b} & paired([q])] + [p]
            trial = chain_best(problem, assemble(choice, on), thorough=False)
            if trial[0] < best[0]:
                best, shared, improved = trial, on, True
                if not shared:
                    plain = best
        report(0.9, "choosing route lengths and shared trips")
    return Selection(best, plain, shared)
