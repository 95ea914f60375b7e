"""Fingerprints of the routing core's answers at fixed seeds and iterations: a refactoring of
``keleshek.routing`` that keeps behaviour prints the same lines before and after.

    .venv/bin/python benchmarks/routing/fingerprint.py > before.txt
    ... change the code ...
    .venv/bin/python benchmarks/routing/fingerprint.py > after.txt && diff before.txt after.txt

Each line is one solve bounded by PyVRP iterations (``iterations=``, no wall clock): the
instance and settings, the objective figures (buses, km, pupils left) and a hash of the whole
plan (every bus, trip, time, note), so that any change of the answer shows. School-bus
problems come from the Park-Tae-Kim sets (``sbrp.py``), with and without shared trips, on one
and two workers, and with a dismissal time added to every school so that the runs home are
planned too; a synthetic district (``district``: schools in pairs a kilometre apart, two bus
sizes, a short fleet, first and second shifts) exercises shared trips, the greedy chaining and
pupils left without a bus; CVRP instances go through ``solve_cvrp``.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sbrp  # noqa: E402  (the benchmark's own loader, next to this file)

from keleshek.routing.cvrp import load_instance, solve_cvrp  # noqa: E402
from keleshek.routing.distances import ManhattanProvider  # noqa: E402
from keleshek.routing.model import (  # noqa: E402
    Depot,
    Problem,
    Rules,
    School,
    Stop,
    VehicleType,
)
from keleshek.routing.solver import build_problem, solve  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
# Six hours after the latest arrival: every school lets out once, after a school day.
SCHOOL_DAY_S = 6 * 3600


def with_dismissal(problem: Problem) -> Problem:
    schools = tuple(
        dataclasses.replace(s, dismissal=s.latest_arrival + SCHOOL_DAY_S) for s in problem.schools
    )
    return dataclasses.replace(problem, schools=schools)


def district(seed: int) -> Problem:
    """Eight schools in four pairs 1 km apart on a 40 x 40 km district (Manhattan metres at
    36 km/h), 160 stops of 1-30 pupils, a second shift at half of the schools, a fleet of two
    bus sizes too small for everyone."""
    rng = random.Random(seed)
    h = 3600
    schools, stops = [], []
    for pair in range(4):
        x, y = rng.uniform(5_000, 35_000), rng.uniform(5_000, 35_000)
        for k in range(2):
            bell = 8 * h + rng.choice((0, 900, 1800))
            sid = f"s{pair}{k}"
            schools.append(School.from_bell(sid, x + 1000 * k, y, bell, dismissal=bell + 6 * h))
            if k == 1:
                schools.append(
                    School.from_bell(f"{sid}/2", x + 1000 * k, y, 13 * h, dismissal=18 * h)
                )
    for i in range(160):
        school = rng.choice(schools)
        stops.append(
            Stop(
                f"p{i}",
                min(40_000.0, max(0.0, school.x + rng.gauss(0, 6_000))),
                min(40_000.0, max(0.0, school.y + rng.gauss(0, 6_000))),
                school.id,
                rng.randint(1, 30),
                tuple(f"p{i}-{j}" for j in range(3)),
            )
        )
    fleet = [
        VehicleType("big", 40, 22, "yard", cost_per_km=1.2),
        VehicleType("small", 22, 10, "yard", cost_per_km=1.0, fixed_cost=50.0),
    ]
    rules = Rules(max_ride_s=2400, dwell_fixed_s=30, dwell_per_pupil_s=5)
    return build_problem(
        [Depot("yard", 20_000, 20_000)],
        fleet,
        schools,
        stops,
        rules,
        ManhattanProvider(metres_per_unit=1.0, speed_kmh=36.0),
    )


def fingerprint(plan: object) -> str:
    return hashlib.sha256(repr(plan).encode()).hexdigest()[:16]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--sbrp", default="RSRB01,CSCB01")
    parser.add_argument("--cvrp", default="A-n32-k5,X-n101-k25")
    parser.add_argument("--districts", default="1,2,3")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    cases: list[tuple[str, list[tuple[str, Problem]]]] = []
    for name in [n for n in args.sbrp.split(",") if n]:
        base = sbrp.load(DATA / "sbrp" / name, 2700)
        cases.append((name, [("morning", base), ("with runs home", with_dismissal(base))]))
    for number in [n for n in args.districts.split(",") if n]:
        whole = district(int(number))
        first = whole.schools[0]
        alone = build_problem(
            whole.depots,
            whole.vehicle_types,
            [first],
            [st for st in whole.stops if st.school_id == first.id],
            whole.rules,
            ManhattanProvider(metres_per_unit=1.0, speed_kmh=36.0),
        )
        cases.append((f"district-{number}", [("two shifts", whole), ("one school", alone)]))
    for name, variants in cases:
        for label, problem in variants:
            for shared in (False, True):
                for workers in (1, 2):
                    began = time.monotonic()
                    plan = solve(
                        problem,
                        seed=args.seed,
                        workers=workers,
                        shared_trips=shared,
                        iterations=args.iterations,
                    )
                    elapsed = time.monotonic() - began
                    left = sum(u.pupils for u in (*plan.unserved, *plan.afternoon_unserved))
                    print(
                        f"{name} {label:<14} shared={shared!s:<5} workers={workers} "
                        f"buses={plan.buses_used} km={plan.distance_m / 1000:.3f} "
                        f"home_km={plan.afternoon_distance_m / 1000:.3f} left={left} "
                        f"plan={fingerprint(plan)}",
                        flush=True,
                    )
                    print(f"  ({elapsed:.1f} s)", file=sys.stderr, flush=True)
    for name in [n for n in args.cvrp.split(",") if n]:
        inst = load_instance(DATA / "cvrplib" / f"{name}.vrp")
        for workers in (1, 2):
            solution = solve_cvrp(
                inst, 0.0, seed=args.seed, workers=workers, iterations=args.iterations * 10
            )
            print(
                f"{name} workers={workers} cost={solution.cost:.2f} "
                f"routes={fingerprint(solution.routes)}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
