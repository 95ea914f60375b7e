"""Searches bounded by PyVRP iterations instead of the clock: the same answer on any machine.

Tests and the demo call the solver with ``iterations=``: every PyVRP run then stops on
``MaxIterations`` (never on ``MaxRuntime``) and the plan depends only on the problem, the seed,
the workers and the iterations, not on how busy the machine is.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest
from pyvrp.stop import MaxIterations

from keleshek.routing import cvrp
from keleshek.routing.check import check_plan
from keleshek.routing.cli import main
from keleshek.routing.cvrp import load_instance, solve_cvrp
from keleshek.routing.distances import ManhattanProvider
from keleshek.routing.model import Depot, Problem, Rules, School, Stop, VehicleType
from keleshek.routing.solver import build_problem, solve

DATA = Path(__file__).parent / "data"
H = 3600


def district() -> Problem:
    """Two schools 1 km apart with a dismissal, twelve stops each side of them."""
    schools = [
        School.from_bell("A", 10_000, 10_000, 8 * H, dismissal=14 * H),
        School.from_bell("B", 11_000, 10_000, 8 * H, dismissal=14 * H),
    ]
    stops = [
        Stop(f"{s.id}{i}", s.x + 700 * (i - 6), s.y + 900 * (i % 4), s.id, 3 + i % 5)
        for s in schools
        for i in range(12)
    ]
    return build_problem(
        [Depot("yard", 0, 0)],
        [VehicleType("bus", capacity=30, count=6, depot_id="yard")],
        schools,
        stops,
        Rules(max_ride_s=1800),
        ManhattanProvider(metres_per_unit=1.0, speed_kmh=36.0),
    )


@pytest.fixture
def stops_seen(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The stopping criterion of every PyVRP run (in this process), and ``runs``: the
    iterations each run made."""
    seen: list[Any] = []
    real = cvrp.pyvrp.solve

    def spy(data: Any, stop: Any, **kwargs: Any) -> Any:
        seen.append(stop)
        result = real(data, stop, **kwargs)
        runs.append(result.num_iterations)
        return result

    runs: list[int] = []
    monkeypatch.setattr(cvrp, "runs", runs, raising=False)

    monkeypatch.setattr(cvrp.pyvrp, "solve", spy)
    return seen


def test_solve_with_iterations_stops_on_iterations_and_repeats_itself(
    stops_seen: list[Any],
) -> None:
    problem = district()
    # A budget of no time at all: the iterations decide, not the clock.
    first = solve(problem, seconds=0.0, seed=4, workers=1, iterations=150)
    assert stops_seen
    assert all(isinstance(s, MaxIterations) for s in stops_seen)
    assert check_plan(problem, first) == []
    assert first.pupils_served == first.pupils_total > 0
    assert first.afternoon_trips  # the runs home were planned too
    again = solve(problem, seconds=30.0, seed=4, workers=1, iterations=150)
    assert again == first


def test_the_plan_does_not_depend_on_a_slow_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """With iterations, a clock that jumps (a loaded machine) changes nothing: no decision
    reads it."""
    problem = district()
    steady = solve(problem, seed=2, workers=1, iterations=100)
    real = time.monotonic
    calls = [0]

    def jumpy() -> float:
        calls[0] += 1
        return real() + 3600.0 * calls[0]  # an hour passes between any two readings

    monkeypatch.setattr(time, "monotonic", jumpy)
    assert solve(problem, seed=2, workers=1, iterations=100) == steady


def test_cvrp_iterations_are_spread_over_the_epochs(stops_seen: list[Any]) -> None:
    inst = load_instance(DATA / "A-n32-k5.vrp")
    solution = solve_cvrp(inst, 0.0, seed=1, workers=1, epochs=3, iterations=500)
    assert len(stops_seen) == 3
    assert cvrp.runs == [166, 167, 167]  # type: ignore[attr-defined]
    assert solution.iterations == 500
    again = solve_cvrp(inst, 0.0, seed=1, workers=1, epochs=3, iterations=500)
    assert again.routes == solution.routes
    assert cvrp.check_routes(inst, solution.routes) == []


def test_solve_vrp_takes_iterations_instead_of_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "A-n32-k5.vrp")
    assert main([path, "--iterations", "300", "--seed", "2"]) == 0
    first = capsys.readouterr().out
    assert main([path, "--iterations", "300", "--seed", "2"]) == 0
    assert capsys.readouterr().out == first
    assert "Cost " in first
    assert main([path, "--iterations", "0"]) == 2
    with pytest.raises(SystemExit):
        main([path, "--iterations", "10", "--seconds", "1"])  # one budget or the other
    with pytest.raises(SystemExit):
        main([path])


def test_the_afternoon_alone_takes_iterations(stops_seen: list[Any]) -> None:
    from keleshek.routing.afternoon import plan_afternoon

    problem = district()
    morning = solve(
        dataclasses.replace(
            problem, schools=tuple(dataclasses.replace(s, dismissal=None) for s in problem.schools)
        ),
        seed=1,
        workers=1,
        iterations=100,
    )
    stops_seen.clear()
    # A ride limit that every reversed trip breaks on the way home: all is routed again.
    tight = dataclasses.replace(problem, rules=dataclasses.replace(problem.rules, max_ride_s=700))
    plan = plan_afternoon(tight, morning, seconds=0.0, seed=1, iterations=80)
    assert stops_seen
    assert all(isinstance(s, MaxIterations) for s in stops_seen)
    assert set(cvrp.runs[-len(stops_seen) :]) == {80}  # type: ignore[attr-defined]
    assert plan.afternoon_trips or plan.afternoon_unserved
