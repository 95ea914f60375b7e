"""The demo-region routing benchmark: Keleshek's school-bus solver against OR-Tools, district
by district, on the same problem and the same time budget (issue 8).

    .venv/bin/python benchmarks/routing/region.py [--seconds 5] [--database-url URL] [--write]

Without ``--database-url`` a fresh SQLite database is migrated in a temporary folder and the
demo region is loaded into it (``keleshek demo``: several minutes). For every district the
routing problem is built by ``keleshek.transport.services.build(district, {"max_ride_min":
60})`` and solved (a) by ``keleshek.routing.solver.solve`` and (b) by the OR-Tools routing
library. Both answers are checked independently of the solver that produced them before a
figure is counted: ours with ``keleshek.routing.check.check_plan``, OR-Tools' with
``check_ortools`` below (recomputed from the problem's matrix).

The OR-Tools model (a pickup-and-delivery model, the natural way to state school-bus routing
in OR-Tools): every stop is a pickup node and has its own delivery node at its school; a
vehicle per bus of the fleet, starting and ending at its depot, with its capacity; a time
dimension whose transit is the stop's dwell (boarding) plus the drive, i.e. dwell folded into
the matrix; the delivery node's time window is the school's arrival window; the ride time
(delivery minus pickup arrival, dwell included) is at most the limit; a fixed cost per vehicle
(larger than any detour) so buses are minimised first, then metres; each pickup is optional at
a penalty larger than a bus per pupil, so unserved pupils are allowed and counted. Stops with
more pupils than the largest bus are split into pieces (ours also splits a stop whose whole
boarding would break the ride limit, ADR 0063; OR-Tools' optional pickups and its own search
may serve such a stop only in part by dropping pieces). Buses are bound to their schools
(ADR 0170): an OR-Tools vehicle may carry only pupils of the schools its bus may serve
(``VehicleVar`` restricted per pickup and delivery), as ours; within those, OR-Tools may mix
schools on one bus, ours puts pupils of at most two nearby schools on one trip (ADR 0066).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "### Demo region"

VEHICLE_FIXED_COST = 1_000_000  # metres: a bus costs more than any detour
UNSERVED_PENALTY = 100_000_000  # per pupil: serving beats saving a bus


@dataclass
class Figures:
    solver: str
    buses: int
    metres: int
    longest_ride_s: int
    served: int
    needing: int
    problems: list[str]
    seconds: float
    unexplained: int = 0  # pupils neither served nor given a reason
    reasons: dict[str, int] = field(default_factory=dict)  # pupils not served, by reason code

    @property
    def km(self) -> float:
        return self.metres / 1000


@dataclass
class Row:
    district: str
    kato: str
    stops: int
    ours: Figures
    ortools: Figures


# --- OR-Tools ---------------------------------------------------------------------------------


@dataclass
class _Node:
    kind: str  # "depot", "pickup", "delivery"
    loc: int  # index into the problem's matrix
    pupils: int = 0
    school: str = ""
    dwell: int = 0
    pair: int = -1  # the delivery of a pickup, the pickup of a delivery


def _nodes(
    problem: Any,
) -> tuple[list[_Node], list[tuple[int, int, int, frozenset[str]]]]:
    """Nodes of the OR-Tools model and the vehicles as (depot node, capacity, cost/km, the
    schools it may serve: empty for any)."""
    nodes: list[_Node] = []
    depot_node: dict[str, int] = {}
    for i, d in enumerate(problem.depots):
        depot_node[d.id] = len(nodes)
        nodes.append(_Node("depot", i))
    vehicles = [
        (depot_node[vt.depot_id], vt.capacity, int(vt.cost_per_km), frozenset(vt.schools))
        for vt in problem.vehicle_types
        for _ in range(vt.count)
    ]
    largest = problem.largest_capacity
    rules = problem.rules
    for stop in problem.stops:
        left = stop.pupils
        while left > 0:
            piece = min(left, largest) if largest > 0 else left
            left -= piece
            p = len(nodes)
            nodes.append(
                _Node(
                    "pickup",
                    problem.stop_index(stop.id),
                    piece,
                    stop.school_id,
                    rules.dwell(piece),
                    p + 1,
                )
            )
            school = problem.school(stop.school_id)
            unload = school.unload_s if school else 0
            nodes.append(
                _Node(
                    "delivery",
                    problem.school_index(stop.school_id),
                    -piece,
                    stop.school_id,
                    unload,
                    p,
                )
            )
    return nodes, vehicles


def _limit(seconds: int) -> Any:
    return lambda _pickup, _delivery: seconds


def solve_ortools(problem: Any, seconds: float, seed: int = 0) -> dict[str, Any]:
    """OR-Tools' answer as plain data: per vehicle the visited nodes and their times."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    nodes, vehicles = _nodes(problem)
    if not vehicles or not any(n.kind == "pickup" for n in nodes):
        return {"nodes": nodes, "vehicles": vehicles, "routes": [], "status": "empty"}
    dist, dur = problem.matrix.distance_m, problem.matrix.duration_s
    loc = [n.loc for n in nodes]
    manager = pywrapcp.RoutingIndexManager(
        len(nodes), len(vehicles), [v[0] for v in vehicles], [v[0] for v in vehicles]
    )
    routing = pywrapcp.RoutingModel(manager)
    # Native matrices, not Python callbacks: callbacks cost OR-Tools most of its search speed.
    at = np.array(loc)
    dwell = np.array([n.dwell for n in nodes], dtype=np.int64)
    dist_cb = routing.RegisterTransitMatrix(dist[np.ix_(at, at)].astype(np.int64).tolist())
    time_cb = routing.RegisterTransitMatrix(
        (dur[np.ix_(at, at)].astype(np.int64) + dwell[:, None]).tolist()
    )
    routing.SetArcCostEvaluatorOfAllVehicles(dist_cb)
    routing.SetFixedCostOfAllVehicles(VEHICLE_FIXED_COST)
    demand_cb = routing.RegisterUnaryTransitVector([n.pupils for n in nodes])
    routing.AddDimensionWithVehicleCapacity(demand_cb, 0, [v[1] for v in vehicles], True, "load")
    day = 24 * 3600
    routing.AddDimension(time_cb, day, day, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    solver = routing.solver()
    max_ride = problem.rules.max_ride_s
    pairs = 0
    for n, node in enumerate(nodes):
        if node.kind != "pickup":
            continue
        p, d = manager.NodeToIndex(n), manager.NodeToIndex(node.pair)
        routing.AddPickupAndDelivery(p, d)
        # Also as a pickup-to-delivery limit, which OR-Tools' search filters know about (a
        # constraint alone is only checked on complete solutions: the search would stall).
        time_dim.SetPickupToDeliveryLimitFunctionForPair(_limit(max_ride), pairs)
        pairs += 1
        solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
        solver.Add(time_dim.CumulVar(p) <= time_dim.CumulVar(d))
        solver.Add(time_dim.CumulVar(d) - time_dim.CumulVar(p) <= max_ride)
        school = problem.school(node.school)
        time_dim.CumulVar(d).SetRange(school.earliest_arrival, school.latest_arrival)
        routing.AddDisjunction([p], UNSERVED_PENALTY * node.pupils)
        routing.AddDisjunction([d], 0)
        # Buses bound to their schools (ADR 0170): only the vehicles that may serve the school
        allowed = [v for v, veh in enumerate(vehicles) if not veh[3] or node.school in veh[3]]
        if len(allowed) < len(vehicles):
            routing.VehicleVar(p).SetValues([-1, *allowed])
            routing.VehicleVar(d).SetValues([-1, *allowed])
        # Board as late as the plan allows: the reported rides are not inflated by waiting.
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(p))
    for v in range(len(vehicles)):
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy,
        os.environ.get("REGION_FIRST", "PARALLEL_CHEAPEST_INSERTION"),
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    del seed  # OR-Tools' routing search is deterministic
    solution = routing.SolveWithParameters(params)
    if os.environ.get("REGION_DEBUG"):
        print("ortools status", routing.status(), file=sys.stderr)
    routes: list[list[tuple[int, int]]] = []
    if solution is not None:
        for v in range(len(vehicles)):
            index = routing.Start(v)
            visits = []
            while not routing.IsEnd(index):
                visits.append(
                    (manager.IndexToNode(index), solution.Value(time_dim.CumulVar(index)))
                )
                index = solution.Value(routing.NextVar(index))
            visits.append((manager.IndexToNode(index), solution.Value(time_dim.CumulVar(index))))
            if len(visits) > 2:
                routes.append([(v, -1), *visits])
    return {
        "nodes": nodes,
        "vehicles": vehicles,
        "routes": routes,
        "status": "ok" if solution is not None else "none",
    }


def check_ortools(problem: Any, answer: dict[str, Any]) -> tuple[list[str], dict[str, int]]:
    """Recompute OR-Tools' routes from the problem's matrix: drive times, dwell, capacity,
    school windows, ride limit, every pupil at most once and delivered to their own school."""
    nodes: list[_Node] = answer["nodes"]
    vehicles = answer["vehicles"]
    dist, dur = problem.matrix.distance_m, problem.matrix.duration_s
    errors: list[str] = []
    metres = longest = served = 0
    seen: set[int] = set()
    for route in answer["routes"]:
        v = route[0][0]
        visits = route[1:]
        depot, capacity, _cost, bound = vehicles[v]
        if visits[0][0] != depot or visits[-1][0] != depot:
            errors.append(f"vehicle {v}: does not start and end at its depot")
        load = 0
        boarded_at: dict[int, int] = {}
        for (a, ta), (b, tb) in itertools.pairwise(visits):
            na, nb = nodes[a], nodes[b]
            metres += int(dist[na.loc, nb.loc])
            if tb < ta + na.dwell + int(dur[na.loc, nb.loc]):
                errors.append(f"vehicle {v}: reaches node {b} faster than the road allows")
        for n, t in visits[1:-1]:
            node = nodes[n]
            if n in seen:
                errors.append(f"node {n} visited twice")
            seen.add(n)
            if node.kind == "pickup":
                load += node.pupils
                boarded_at[n] = t
            elif node.kind == "delivery":
                if node.pair not in boarded_at:
                    errors.append(f"vehicle {v}: delivers pupils it did not pick up")
                    continue
                school = problem.school(node.school)
                if bound and node.school not in bound:
                    errors.append(f"vehicle {v}: serves {node.school}, not one of its schools")
                if problem.school_index(node.school) != node.loc:
                    errors.append(f"vehicle {v}: delivers to the wrong school")
                if not school.earliest_arrival <= t <= school.latest_arrival:
                    errors.append(f"vehicle {v}: arrives at {node.school} outside the window")
                ride = t - boarded_at.pop(node.pair)
                if ride > problem.rules.max_ride_s:
                    errors.append(f"vehicle {v}: a ride of {ride} s > {problem.rules.max_ride_s}")
                longest = max(longest, ride)
                load += node.pupils
                served -= node.pupils  # a delivery's pupils are negative
            if load > capacity:
                errors.append(f"vehicle {v}: load {load} > capacity {capacity}")
        if boarded_at:
            errors.append(f"vehicle {v}: pupils picked up and never delivered")
    return errors, {
        "buses": len(answer["routes"]),
        "metres": metres,
        "longest_ride_s": longest,
        "served": served,
    }


# --- the run ----------------------------------------------------------------------------------


def _setup(database_url: str | None, workdir: Path) -> str:
    if database_url is None:
        database_url = f"sqlite:///{workdir / 'region.sqlite3'}"
        # The demo's own plans are not what is measured here: a short budget for them.
        env = {"KELESHEK_DEMO_ROUTING_SECONDS": "1", **os.environ, "DATABASE_URL": database_url}
        keleshek = str(Path(sys.executable).with_name("keleshek"))
        print(f"migrating and loading the demo region into {database_url} …", flush=True)
        began = time.monotonic()
        subprocess.run([keleshek, "migrate", "-v0"], env=env, check=True)
        subprocess.run([keleshek, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"demo loaded in {time.monotonic() - began:.0f} s", flush=True)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keleshek.settings.dev")
    import django

    django.setup()
    return database_url


def run_district(district: Any, seconds: float, seed: int, workers: int | None) -> Row | None:
    from keleshek.routing.check import check_plan
    from keleshek.routing.solver import solve
    from keleshek.transport.services.plans import build

    built = build(district, {"max_ride_min": 60})
    # The morning is compared (OR-Tools' model here has no runs home): dismissals dropped.
    problem = dataclasses.replace(
        built.problem,
        schools=tuple(dataclasses.replace(s, dismissal=None) for s in built.problem.schools),
    )
    without_stop = len(built.without_stop)
    needing = sum(s.pupils for s in problem.stops) + without_stop
    if needing == 0:
        return None

    began = time.monotonic()
    plan = solve(problem, seconds=seconds, seed=seed, workers=workers)
    ours_s = time.monotonic() - began
    unexplained = sum(u.pupils for u in plan.unserved if not u.reason)
    reasons: Counter[str] = Counter()
    for u in plan.unserved:
        reasons[u.code] += u.pupils
    if without_stop:
        reasons["no_stop_in_reach"] += without_stop
    ours = Figures(
        "keleshek",
        plan.buses_used,
        plan.distance_m,
        plan.longest_ride_s,
        plan.pupils_served,
        needing,
        check_plan(problem, plan),
        ours_s,
        unexplained,
        dict(reasons),
    )

    began = time.monotonic()
    answer = solve_ortools(problem, seconds, seed)
    ort_s = time.monotonic() - began
    problems, figures = check_ortools(problem, answer)
    if answer["status"] == "none":
        problems.append("OR-Tools returned no solution")
    ort = Figures(
        "ortools",
        figures["buses"],
        figures["metres"],
        figures["longest_ride_s"],
        figures["served"],
        needing,
        problems,
        ort_s,
        needing - figures["served"],  # OR-Tools drops pupils without a reason
    )
    return Row(district.name_en or district.name_ru, district.kato, len(problem.stops), ours, ort)


def _ride(s: int) -> str:
    return f"{s / 60:.1f}"


def _per_pupil(km: float, served: int) -> str:
    return f"{km / served:.2f}" if served else "—"


def previous(text: str) -> dict[str, tuple[float, float, int, int]]:
    """The last run's figures per district from the section being replaced: (bus-km K, OR,
    served K, OR), for the "before" of bus-km per pupil."""
    out: dict[str, tuple[float, float, int, int]] = {}
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == HEADING), None)
    if start is None:
        return out
    for line in lines[start + 1 :]:
        if line.startswith(("# ", "## ", "### ")):
            break
        cells = [c.strip().strip("*") for c in line.strip().strip("|").split("|")]
        if len(cells) < 6 or not line.startswith("| ") or "/" not in cells[3]:
            continue
        try:
            k_km, t_km = (float(x.replace(",", "")) for x in cells[3].split("/"))
            served = [int(x.replace(",", "")) for x in cells[5].split("/")]
        except ValueError:
            continue
        out[cells[0]] = (k_km, t_km, served[0], served[1])
    return out


def table(rows: list[Row], before: dict[str, tuple[float, float, int, int]]) -> list[str]:
    out = [
        "| district | stops | buses K / OR | bus-km K / OR | longest ride, min K / OR "
        "| served K / OR / needing | checks K / OR "
        "| bus-km per pupil K before → now | bus-km per pupil OR before → now |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]

    def was(name: str, solver: int) -> str:
        b = before.get(name)
        return _per_pupil(b[solver], b[solver + 2]) if b else "—"

    for r in rows:
        o, t = r.ours, r.ortools
        out.append(
            f"| {r.district} | {r.stops} | {o.buses} / {t.buses} | {o.km:.1f} / {t.km:.1f} "
            f"| {_ride(o.longest_ride_s)} / {_ride(t.longest_ride_s)} "
            f"| {o.served} / {t.served} / {o.needing} "
            f"| {'ok' if not o.problems else len(o.problems)} / "
            f"{'ok' if not t.problems else len(t.problems)} "
            f"| {was(r.district, 0)} → {_per_pupil(o.km, o.served)} "
            f"| {was(r.district, 1)} → {_per_pupil(t.km, t.served)} |"
        )
    o_bus = sum(r.ours.buses for r in rows)
    t_bus = sum(r.ortools.buses for r in rows)
    o_km = sum(r.ours.km for r in rows)
    t_km = sum(r.ortools.km for r in rows)
    o_ride = max((r.ours.longest_ride_s for r in rows), default=0)
    t_ride = max((r.ortools.longest_ride_s for r in rows), default=0)
    o_srv = sum(r.ours.served for r in rows)
    t_srv = sum(r.ortools.served for r in rows)
    need = sum(r.ours.needing for r in rows)
    o_bad = sum(len(r.ours.problems) for r in rows)
    t_bad = sum(len(r.ortools.problems) for r in rows)
    total = before.get("total")
    o_was = _per_pupil(total[0], total[2]) if total else "—"
    t_was = _per_pupil(total[1], total[3]) if total else "—"
    out.append(
        f"| **total** | {sum(r.stops for r in rows)} | **{o_bus} / {t_bus}** "
        f"| **{o_km:.1f} / {t_km:.1f}** | **{_ride(o_ride)} / {_ride(t_ride)}** "
        f"| **{o_srv} / {t_srv} / {need}** | {o_bad or 'ok'} / {t_bad or 'ok'} "
        f"| **{o_was} → {_per_pupil(o_km, o_srv)}** | **{t_was} → {_per_pupil(t_km, t_srv)}** |"
    )
    return out


def _ahead(o: Figures, t: Figures) -> bool:
    """Ours is at least as good lexicographically: pupils served, then buses, then km."""
    return (-o.served, o.buses, o.metres) <= (-t.served, t.buses, t.metres)


def verdict(rows: list[Row]) -> list[str]:
    o_ride = max((r.ours.longest_ride_s for r in rows), default=0)
    t_ride = max((r.ortools.longest_ride_s for r in rows), default=0)
    unexplained = sum(r.ours.unexplained for r in rows)
    served = sum(r.ours.served for r in rows)
    need = sum(r.ours.needing for r in rows)
    checks = sum(len(r.ours.problems) for r in rows)
    # Kilometres compare only between plans that carry the same pupils: where OR-Tools leaves
    # pupils behind, its kilometres are those of a smaller task.
    same = [r for r in rows if r.ortools.served == r.ours.served]
    fewer = [r for r in same if r.ours.metres < r.ortools.metres]
    ahead = [r for r in rows if _ahead(r.ours, r.ortools)]
    behind = sum(r.ortools.served < r.ours.served for r in rows)
    reasons: Counter[str] = Counter()
    for r in rows:
        reasons.update(r.ours.reasons)

    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return [
        f"- Fewer bus-km than OR-Tools: {mark(len(fewer) == len(same) and bool(same))} on the "
        f"districts where both serve the same pupils (fewer on {len(fewer)} of {len(same)}; "
        + ", ".join(
            f"{r.district} {r.ours.km:.1f} vs {r.ortools.km:.1f} km"
            + (" ✓" if r in fewer else " ✗")
            for r in same
        )
        + f"); OR-Tools serves fewer pupils in {behind}"
        f" of {len(rows)} districts. Ahead or equal on (pupils served, buses, km) in "
        f"{len(ahead)} of {len(rows)} districts.",
        f"- No longer worst ride: {mark(o_ride <= t_ride)} ({_ride(o_ride)} vs "
        f"{_ride(t_ride)} min).",
        f"- Every pupil served or explained: {mark(unexplained == 0)} ({served} of {need} "
        f"served; {need - served - unexplained} not served, each with a reason ("
        + ", ".join(f"{code} {n}" for code, n in sorted(reasons.items()))
        + f"); {unexplained} without one).",
        f"- Every route passes the independent check: {mark(checks == 0)} "
        f"({checks} problems in ours, "
        f"{sum(len(r.ortools.problems) for r in rows)} in OR-Tools').",
    ]


def notes(rows: list[Row]) -> list[str]:
    empty = [f"{r.district} ({r.stops} stops)" for r in rows if r.ortools.served == 0]
    if not empty:
        return []
    return [
        "- OR-Tools carried nobody within the budget in " + ", ".join(empty) + ": it "
        "returned a solution that drops every pupil (its pickup-and-delivery model has two "
        "nodes per stop; within this budget its search did not get past that start)."
    ]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def write_doc(lines: list[str]) -> None:
    """Replace the ``### Demo region`` subsection (it ends at the next heading of level ≤ 3)."""
    text = DOC.read_text() if DOC.exists() else ""
    doc = text.splitlines()
    start = next((i for i, line in enumerate(doc) if line.strip() == HEADING), None)
    if start is None:
        routing = next((i for i, line in enumerate(doc) if line.strip() == "## Routing"), None)
        if routing is None:
            doc += ["", "## Routing", ""]
            start = end = len(doc)
        else:
            start = end = next(
                (
                    i
                    for i in range(routing + 1, len(doc))
                    if doc[i].startswith("## ") or doc[i].startswith("# ")
                ),
                len(doc),
            )
    else:
        end = next(
            (i for i in range(start + 1, len(doc)) if doc[i].startswith(("# ", "## ", "### "))),
            len(doc),
        )
    block = [*lines, ""] if end < len(doc) else lines
    DOC.write_text("\n".join([*doc[:start], *block, *doc[end:]]).rstrip("\n") + "\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=5.0, help="budget per district and solver")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--workers", type=int, help="Keleshek's search processes (default: its own, up to 2)"
    )
    p.add_argument("--database-url", help="reuse a database that holds the demo region")
    p.add_argument("--district", action="append", help="only these KATO codes")
    p.add_argument("--write", action="store_true", help=f"write the {HEADING} subsection")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="keleshek-region-") as tmp:
        _setup(args.database_url, Path(tmp))
        from keleshek.territory.models import Territory

        districts = Territory.objects.filter(
            level__in=(Territory.Level.DISTRICT, Territory.Level.CITY),
            kato__startswith="63",
            valid_to__isnull=True,
        ).order_by("kato")
        if args.district:
            districts = districts.filter(kato__in=args.district)
        rows = []
        began = time.monotonic()
        for district in districts:
            row = run_district(district, args.seconds, args.seed, args.workers)
            if row is None:
                continue
            rows.append(row)
            o, t = row.ours, row.ortools
            print(
                f"{row.district:<28} stops {row.stops:>4}  K {o.buses:>3} buses {o.km:>8.1f} km "
                f"ride {_ride(o.longest_ride_s):>5}  served {o.served}/{o.needing}  "
                f"| OR {t.buses:>3} buses {t.km:>8.1f} km ride {_ride(t.longest_ride_s):>5} "
                f"served {t.served}  checks {len(o.problems)}/{len(t.problems)}",
                flush=True,
            )
            for problem in (o.problems + t.problems)[:5]:
                print(f"    ! {problem}", flush=True)
        elapsed = time.monotonic() - began
    load_end = os.getloadavg()
    before = previous(DOC.read_text()) if DOC.exists() else {}
    workers = "its default workers" if args.workers is None else f"{args.workers} worker(s)"
    command = ".venv/bin/python benchmarks/routing/region.py" + "".join(f" {a}" for a in argv)
    lines = [
        HEADING,
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; load average "
        f"{load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end; {elapsed:.0f} s. "
        f"Command: `{command}`. Budget {args.seconds:g} s per district for each solver, the "
        "same problem for both (`transport.services.build(district, "
        '{"max_ride_min": 60})`); K = Keleshek (`routing.solver.solve`, '
        f"{workers}), "
        "OR = OR-Tools (pickup-and-delivery model: capacities, school windows, 60 min ride with "
        "dwell folded into the transit times, a fixed cost per bus, a drop penalty per pupil; "
        "guided local search, one thread). Both with buses bound to their schools (ADR 0170): "
        "each bus starts and ends at its depot (its school, or a carrier's garage) and carries "
        "only pupils of the schools it may serve; within those OR-Tools may mix schools on one "
        "bus, ours puts pupils of at most two nearby schools on a trip (ADR 0066). "
        "Every route of both was re-checked from the matrix (`routing.check.check_plan` for "
        "ours, `check_ortools` in the script for OR-Tools'); bus-km include the runs from and "
        "back to the depot. Needing = pupils assessed as riders, including those with no stop "
        "within the walking limit (not served, explained). Bus-km per pupil: the morning's "
        "bus-km over the pupils served; before = the previous run of this section (the demo's "
        "pooled fleet, one yard per district, any bus at any school).",
        "",
        *table(rows, before),
        "",
        *verdict(rows),
        *notes(rows),
        "",
        "Run it: `.venv/bin/python benchmarks/routing/region.py [--seconds N] [--workers N] "
        "[--district KATO] [--write]`; without `--database-url` it migrates a fresh SQLite "
        "database in a temporary folder and loads the demo region into it first (about 8 "
        "minutes on this machine under load).",
    ]
    print("\n".join(lines))
    if args.write:
        write_doc(lines)
        print(f"written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
