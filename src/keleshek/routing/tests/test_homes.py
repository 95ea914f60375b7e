"""Buses with a home (ADR 0170): each bus serves the schools it is bound to, starts its day at
its depot (the school or a carrier's garage) and comes back there; the checker holds plans to it.

Manhattan distance at 36 km/h (10 m/s), as in ``test_solver``; searches bounded by iterations.
"""

from __future__ import annotations

import dataclasses

from keleshek.routing.check import check_plan
from keleshek.routing.distances import ManhattanProvider
from keleshek.routing.explain import per_pupil
from keleshek.routing.model import Depot, Plan, Problem, Rules, School, Stop, VehicleType
from keleshek.routing.solver import build_problem, solve

H = 3600
PROVIDER = ManhattanProvider(metres_per_unit=1.0, speed_kmh=36.0)
RULES = Rules(max_ride_s=1800, dwell_fixed_s=30, dwell_per_pupil_s=5)
SCHOOL_A = School("A", 10_000, 0, 7 * H + 1800, 7 * H + 2700, dismissal=14 * H)
SCHOOL_B = School("B", 0, 10_000, 8 * H + 1800, 8 * H + 2700, dismissal=15 * H)
AT_A, AT_B = Depot("at-A", 10_000, 0), Depot("at-B", 0, 10_000)
STOPS = [
    Stop("a1", 11_000, 1_000, "A", 10, tuple(f"a{i}" for i in range(10))),
    Stop("b1", 1_000, 11_000, "B", 10, tuple(f"b{i}" for i in range(10))),
]


def problem(*vehicle_types: VehicleType) -> Problem:
    return build_problem(
        [AT_A, AT_B], list(vehicle_types), [SCHOOL_A, SCHOOL_B], STOPS, RULES, PROVIDER
    )


def plan_of(p: Problem) -> Plan:
    return solve(p, seed=0, workers=1, iterations=200)


def test_a_pooled_fleet_lets_one_bus_serve_both_schools() -> None:
    p = problem(VehicleType("pool", 40, 2, "at-A"))
    plan = plan_of(p)
    assert check_plan(p, plan) == []
    assert plan.buses_used == 1  # the windows allow one bus to do A, then B


def test_each_school_is_served_by_its_own_bus_that_comes_home() -> None:
    p = problem(
        VehicleType("own-A", 40, 1, "at-A", schools=frozenset({"A"})),
        VehicleType("own-B", 40, 1, "at-B", schools=frozenset({"B"})),
    )
    plan = plan_of(p)
    assert check_plan(p, plan) == []
    assert plan.pupils_served == 20
    assert plan.pupils_home == 20
    served = {
        bus.vehicle_type_id: {t.school_id for t in (*bus.trips, *bus.afternoon)}
        for bus in plan.buses
    }
    assert served == {"own-A": {"A"}, "own-B": {"B"}}
    by_type = {bus.vehicle_type_id: bus for bus in plan.buses}
    # From the school to a1 (2 km), a1 to the school (2 km), home is the school: 4 km.
    assert by_type["own-A"].depot_id == "at-A"
    assert by_type["own-A"].distance_m == 4_000
    assert by_type["own-B"].distance_m == 4_000


def test_a_school_without_a_bus_of_its_own_is_told_so_per_pupil() -> None:
    p = problem(VehicleType("own-A", 40, 2, "at-A", schools=frozenset({"A"})))
    plan = plan_of(p)
    assert check_plan(p, plan) == []
    assert plan.pupils_served == 10
    reasons = {code for pid, code, _ in per_pupil(list(plan.unserved)) if pid.startswith("b")}
    assert reasons == {"no_bus_for_school"}


def test_a_bus_may_help_a_neighbour_where_the_plan_says_so_and_comes_home() -> None:
    p = problem(VehicleType("own-A", 40, 1, "at-A", schools=frozenset({"A", "B"})))
    plan = plan_of(p)
    assert check_plan(p, plan) == []
    (bus,) = plan.buses
    assert [t.school_id for t in bus.trips] == ["A", "B"]
    # at-A→a1 2 km, a1→A 2 km, A→b1 20 km, b1→B 2 km, B→at-A (home) 20 km
    assert bus.distance_m == 46_000


def test_the_checker_rejects_a_bus_at_a_school_it_is_not_bound_to() -> None:
    pooled = problem(VehicleType("pool", 40, 1, "at-A"))
    plan = plan_of(pooled)
    bound = dataclasses.replace(
        pooled,
        vehicle_types=(VehicleType("pool", 40, 1, "at-A", schools=frozenset({"A"})),),
    )
    errors = check_plan(bound, plan)
    assert any("serves a school its bus is not bound to" in e for e in errors)
    assert check_plan(pooled, plan) == []


def test_when_the_buses_run_out_the_smallest_trips_are_left() -> None:
    """A school's two buses, three trips in one short window (a village stop of 73 pupils in
    two pieces, and one pupil far away who cannot share their trip within the ride limit):
    the buses take the 73, the one pupil is told there was no bus — not the other way round
    (the demo's Tarbagatai: 33 pupils were left for one; ADR 0178)."""
    school = School("A", 10_000, 0, 7 * H + 2400, 7 * H + 2700)
    stops = [
        Stop("near", 11_000, 1_000, "A", 73, tuple(f"n{i}" for i in range(73))),
        Stop("far", 10_000, 15_000, "A", 1, ("f0",)),
    ]
    p = build_problem(
        [AT_A],
        [VehicleType("own-A", 40, 2, "at-A", schools=frozenset({"A"}))],
        [school],
        stops,
        RULES,
        PROVIDER,
    )
    plan = plan_of(p)
    assert check_plan(p, plan) == []
    assert plan.pupils_served == 73
    assert {pid for pid, code, _ in per_pupil(list(plan.unserved))} == {"f0"}
