"""School-bus plans: feasibility of every route, several trips per bus, explanations.

The instances use Manhattan distance at 36 km/h (10 m/s), so times are easy to verify by hand.
"""

from __future__ import annotations

import dataclasses

from keleshek.routing.check import check_plan, walking_violations
from keleshek.routing.distances import ManhattanProvider
from keleshek.routing.explain import per_pupil
from keleshek.routing.model import (
    UNREACHABLE,
    Depot,
    DistanceOverride,
    Plan,
    Problem,
    Rules,
    School,
    Stop,
    VehicleType,
)
from keleshek.routing.solver import build_problem, solve

H = 3600
PROVIDER = ManhattanProvider(metres_per_unit=1.0, speed_kmh=36.0)
RULES = Rules(max_ride_s=1800, dwell_fixed_s=30, dwell_per_pupil_s=5)
YARD = Depot("yard", 0, 0)
SCHOOL_A = School("A", 10_000, 0, 7 * H + 1800, 7 * H + 2700)  # arrive 07:30-07:45
SCHOOL_B = School("B", 0, 10_000, 8 * H + 1800, 8 * H + 2700)  # arrive 08:30-08:45


def ids(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(n))


def two_schools(overrides: tuple[DistanceOverride, ...] = ()) -> Problem:
    return build_problem(
        [YARD],
        [VehicleType("bus", capacity=40, count=1, depot_id="yard")],
        [SCHOOL_A, SCHOOL_B],
        [
            Stop("a1", 11_000, 1_000, "A", 10, ids("a", 10)),
            Stop("b1", 1_000, 11_000, "B", 10, ids("b", 10)),
        ],
        RULES,
        PROVIDER,
        overrides,
    )


def test_one_bus_serves_both_schools_one_after_the_other() -> None:
    problem = two_schools()
    calls: list[tuple[float, str]] = []
    plan = solve(
        problem, iterations=300, workers=1, progress=lambda f, what: calls.append((f, what))
    )
    assert check_plan(problem, plan) == []
    assert plan.buses_used == 1
    (bus,) = plan.buses
    first, second = bus.trips
    # To school A: 2,000 m (200 s) after 80 s of boarding, arriving when the window opens.
    assert (first.school_id, first.school_arrival, first.visits[0].arrival) == ("A", 27_000, 26_720)
    assert first.longest_ride_s == 280
    # 2,000 s empty to b1, so it could reach B at 29,280; it arrives as B's window opens.
    assert (second.school_id, second.school_arrival) == ("B", 30_600)
    # yard→a1 12 km, a1→A 2 km, A→b1 20 km, b1→B 2 km, B→yard 10 km
    assert bus.distance_m == 46_000
    assert plan.pupils_served == 20
    assert plan.unserved == ()
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions)
    assert calls[-1] == (1.0, "done")


def test_a_closed_road_lengthens_the_empty_run() -> None:
    closed = DistanceOverride("school:A", "stop:b1", distance_m=40_000, duration_s=4_000)
    problem = two_schools((closed,))
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    (bus,) = plan.buses
    assert bus.distance_m == 66_000
    assert bus.trips[1].school_arrival == 27_000 + 4_000 + 280


def test_too_few_buses_leaves_named_pupils_with_the_reason() -> None:
    narrow = School("A", 10_000, 0, 27_000, 27_300)
    problem = build_problem(
        [YARD],
        [VehicleType("bus", capacity=20, count=1, depot_id="yard")],
        [narrow],
        [
            Stop("x1", 11_000, 1_000, "A", 15, ids("x", 15)),
            Stop("y1", 9_000, -1_000, "A", 15, ids("y", 15)),
        ],
        RULES,
        PROVIDER,
    )
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    assert plan.pupils_served == 15
    (left,) = plan.unserved
    assert left.code == "no_bus_in_window"
    assert left.pupils == 15
    assert left.reason == (
        "not enough buses to reach the school within its arrival window: all 1 buses are busy "
        "between 07:30 and 07:35 at school A; add a bus or widen the window"
    )
    assert len(per_pupil(list(plan.unserved))) == 15


def test_infeasible_input_is_explained_per_stop_and_pupil() -> None:
    problem = build_problem(
        [YARD],
        [VehicleType("bus", capacity=40, count=3, depot_id="yard")],
        [SCHOOL_A, School("C", 5_000, 5_000, 28_000, 27_000)],
        [
            Stop("ok", 11_000, 1_000, "A", 5),
            Stop("far", 10_000, 30_000, "A", 3, ("p1", "p2", "p3")),
            Stop("crowd", 9_000, 1_000, "A", 50),
            Stop("lost", 9_000, 0, "Z", 2),
            Stop("late", 5_000, 6_000, "C", 2),
            Stop("island", 9_500, 500, "A", 4),
        ],
        dataclasses.replace(RULES, split_large_stops=False),
        PROVIDER,
        [DistanceOverride("stop:island", "school:A", UNREACHABLE, UNREACHABLE)],
    )
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    reasons = {u.stop_id: u.code for u in plan.unserved}
    assert reasons == {
        "far": "too_far_for_ride_limit",
        "crowd": "stop_exceeds_largest_bus",
        "lost": "unknown_school",
        "late": "school_window_impossible",
        "island": "unreachable",
    }
    far = next(u for u in plan.unserved if u.stop_id == "far")
    # 30 km at 10 m/s plus 45 s of boarding.
    assert far.reason == (
        "too far for the ride-time limit even on a direct trip: a direct trip to school A "
        "takes 50 min 45 s with boarding, the limit is 30 min"
    )
    crowd = next(u for u in plan.unserved if u.stop_id == "crowd")
    assert crowd.reason.endswith(": 50 pupils, 40 seats")
    assert [p for p, _, _ in per_pupil(list(plan.unserved))] == ["p1", "p2", "p3"]
    assert plan.pupils_served == 5


def test_a_crowded_stop_is_split_between_buses_when_allowed() -> None:
    problem = build_problem(
        [YARD],
        [VehicleType("bus", capacity=40, count=3, depot_id="yard")],
        [SCHOOL_A],
        [Stop("crowd", 9_000, 1_000, "A", 50, ids("c", 50))],
        RULES,
        PROVIDER,
    )
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    assert sorted(t.load for t in plan.trips) == [10, 40]
    assert plan.unserved == ()


def test_heterogeneous_fleet_puts_the_big_stop_on_the_big_bus() -> None:
    problem = build_problem(
        [YARD, Depot("east", 20_000, 0)],
        [
            VehicleType("small", capacity=12, count=4, depot_id="yard", cost_per_km=1.0),
            VehicleType("big", capacity=40, count=1, depot_id="east", cost_per_km=3.0),
        ],
        [SCHOOL_A, SCHOOL_B],
        [
            Stop("s1", 12_000, 2_000, "A", 30),
            Stop("s2", 8_000, -2_000, "A", 8),
            Stop("s3", 9_000, 3_000, "A", 5),
            Stop("b1", 2_000, 12_000, "B", 9),
            Stop("b2", -1_000, 13_000, "B", 4),
        ],
        RULES,
        PROVIDER,
    )
    plan = solve(problem, iterations=600, workers=1)
    assert check_plan(problem, plan) == []
    assert plan.unserved == ()
    assert plan.pupils_served == 56
    carrier = next(b for b in plan.buses for t in b.trips for v in t.visits if v.stop_id == "s1")
    assert (carrier.vehicle_type_id, carrier.depot_id) == ("big", "east")
    assert all(t.load <= 12 for b in plan.buses if b.vehicle_type_id == "small" for t in b.trips)


def test_many_schools_in_parallel_give_a_feasible_plan() -> None:
    schools = [
        School(f"S{k}", 10_000 * k, 0, 27_000 + 1800 * k, 27_900 + 1800 * k) for k in range(3)
    ]
    stops = [
        Stop(f"s{k}-{i}", 10_000 * k + 700 * i, 900 * (i % 3), f"S{k}", 3 + i)
        for k in range(3)
        for i in range(8)
    ]
    problem = build_problem(
        [YARD], [VehicleType("bus", 30, 10, "yard")], schools, stops, RULES, PROVIDER
    )
    plan = solve(problem, iterations=900, workers=2)
    assert check_plan(problem, plan) == []
    assert plan.pupils_served == sum(s.pupils for s in stops)


def test_the_checker_rejects_a_tampered_plan() -> None:
    problem = two_schools()
    plan = solve(problem, iterations=300, workers=1)
    bus = plan.buses[0]
    first = bus.trips[0]
    late = dataclasses.replace(first, school_arrival=SCHOOL_A.latest_arrival + 60)
    early_visit = dataclasses.replace(first.visits[0], arrival=first.visits[0].arrival - 2_000)
    long_ride = dataclasses.replace(first, visits=(early_visit,))
    for bad_trip, expected in (
        (late, "bus bus-1 trip 1: arrives at school A at 27960, outside the window"),
        (long_ride, "bus bus-1 trip 1: pupils of a1 ride 2280 s > 1800 s"),
    ):
        bad_bus = dataclasses.replace(bus, trips=(bad_trip, *bus.trips[1:]))
        bad = Plan((bad_bus,), plan.unserved, plan.pupils_total)
        assert expected in check_plan(problem, bad)
    dropped = Plan((), (), plan.pupils_total)
    assert "stop a1: 10 pupils, 0 accounted for" in check_plan(problem, dropped)


def test_walking_limit_helper() -> None:
    # 0.01 degree of latitude is about 1,112 m.
    homes = [("near", (82.60, 49.950), (82.60, 49.955)), ("far", (82.60, 49.94), (82.60, 49.95))]
    assert walking_violations(homes, limit_m=800) == ["pupil far: 1112 m to the stop > 800 m"]


def test_school_window_from_the_bell() -> None:
    school = School.from_bell("S", 0, 0, bell=8 * H + 1800, margin_s=600, window_s=1200)
    assert (school.earliest_arrival, school.latest_arrival) == (8 * H, 8 * H + 1200)


def test_a_trip_starts_where_the_bus_comes_from() -> None:
    """One school on a line with its bus yard 2 km east: a1 1 km west, b1 500 m east.
    a1, b1, school is the shorter trip (2.0 km against 2.5 km), but the bus drives from the
    yard: yard, b1, a1, school, yard is 6.0 km and yard, a1, b1, school, yard 7.0 km."""
    school = School("S", 0, 0, 7 * H + 1800, 7 * H + 2700)
    problem = build_problem(
        [Depot("yard", 2_000, 0)],
        [VehicleType("bus", capacity=40, count=1, depot_id="yard")],
        [school],
        [
            Stop("a1", -1_000, 0, "S", 5, ids("a", 5)),
            Stop("b1", 500, 0, "S", 5, ids("b", 5)),
        ],
        RULES,
        PROVIDER,
    )
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    (bus,) = plan.buses
    (trip,) = bus.trips
    assert [v.stop_id for v in trip.visits] == ["b1", "a1"]
    assert bus.distance_m == 6_000
