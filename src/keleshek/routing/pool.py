"""The worker pool: many schools' routing shared by the cores.

``route_all`` routes a list of jobs (a school's visits, or a pair's for shared trips) with
``morning.route_school``. One job, or one core: the jobs run here one after the other, each
PyVRP search on all the cores. Many jobs on several cores: each job is a one-core search in a
process of a pool, the cores working on different schools at once.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence

from keleshek.routing.cvrp import start_pool
from keleshek.routing.model import Problem
from keleshek.routing.morning import route_school
from keleshek.routing.routes import Job, Route, Visit

_JOB_PROBLEM: Problem | None = None


def _set_job_problem(problem: Problem) -> None:
    global _JOB_PROBLEM  # one problem per worker process, set once by the pool
    _JOB_PROBLEM = problem


def _route_school_job(
    args: tuple[int, int | None, list[Visit], float, int, int, bool, int | None],
) -> list[Route]:
    # The problem reaches the workers once, through the pool's initializer: pickling its
    # matrices with every school's job cost more than the routing itself on 2,000 stops.
    assert _JOB_PROBLEM is not None
    school_index, then, visits, seconds, seed, cap, from_depot, iterations = args
    return route_school(
        _JOB_PROBLEM, school_index, visits, seconds, seed, 1, cap, from_depot, then, iterations
    )


def route_all(
    problem: Problem,
    jobs: Sequence[Job],
    cap: int,
    from_depot: bool,
    budget: float,
    seed: int,
    workers: int,
    report: Callable[[float, str], None],
    iterations: int | None = None,
) -> list[list[Route]]:
    """The routes of every job, in the order of ``jobs``: ``budget`` seconds in all, shared in
    proportion to the jobs' visits, or ``iterations`` per PyVRP search."""
    total_visits = sum(len(v) for _, _, v in jobs) or 1
    out: list[list[Route]] = []
    if len(jobs) == 1 or workers == 1:
        done = 0
        for k, then, visits in jobs:
            share = budget * len(visits) / total_visits
            out.append(
                route_school(
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
