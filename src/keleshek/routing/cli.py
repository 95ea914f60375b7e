"""``keleshek solve-vrp FILE.vrp --seconds N [--seed S]``: the benchmarking contract.

``--iterations N`` bounds the search by PyVRP iterations per worker instead of the clock (the
same routes for the same seed on any machine); ``--seconds`` is then not needed.
"""

from __future__ import annotations

import argparse
import sys

from keleshek.routing.cvrp import check_routes, format_solution, load_instance, solve_cvrp


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keleshek solve-vrp",
        description="Solve a CVRPLIB instance and print the routes in CVRPLIB .sol format.",
    )
    parser.add_argument("instance", help="a CVRPLIB .vrp file")
    budget = parser.add_mutually_exclusive_group(required=True)
    budget.add_argument("--seconds", type=float, help="wall-clock time budget")
    budget.add_argument(
        "--iterations",
        type=int,
        help="PyVRP iterations per worker instead of a time budget (deterministic)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--workers", type=int, default=None, help="processes to use (default: up to 2 cores)"
    )
    parser.add_argument(
        "--rounding",
        choices=("auto", "round", "exact"),
        default="auto",
        help="distance convention; auto = unrounded for CMT instances, TSPLIB rounding otherwise",
    )
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.seconds is not None and args.seconds <= 0:
        print("--seconds must be positive", file=sys.stderr)
        return 2
    if args.iterations is not None and args.iterations <= 0:
        print("--iterations must be positive", file=sys.stderr)
        return 2
    try:
        inst = load_instance(args.instance, args.rounding)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot read {args.instance}: {exc}", file=sys.stderr)
        return 2
    solution = solve_cvrp(
        inst, args.seconds or 0.0, seed=args.seed, workers=args.workers, iterations=args.iterations
    )
    problems = check_routes(inst, solution.routes)
    print(format_solution(inst, solution))
    if problems:
        # A solution that breaks a constraint is still printed for diagnosis, but the exit
        # status tells a script not to trust it.
        for problem in problems:
            print(f"infeasible: {problem}", file=sys.stderr)
        return 1
    return 0
