"""Afternoon runs home: every pupil brought in the morning goes home after the dismissal, within
the ride limit and the bus's seats, on roads driven school-to-stop (asymmetric matrices), and
no bus does two trips at once. Manhattan distance at 10 m/s, as in test_solver.py."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Sequence

from keleshek.routing.afternoon import transposed
from keleshek.routing.check import check_plan
from keleshek.routing.distances import ManhattanProvider
from keleshek.routing.model import (
    AfternoonTrip,
    Depot,
    DistanceOverride,
    Plan,
    Problem,
    Rules,
    School,
    Stop,
    Trip,
    VehicleType,
)
from keleshek.routing.solver import build_problem, solve

H = 3600
PROVIDER = ManhattanProvider(metres_per_unit=1.0, speed_kmh=36.0)
RULES = Rules(max_ride_s=1800, dwell_fixed_s=30, dwell_per_pupil_s=5)
YARD = Depot("yard", 0, 0)


def ids(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(n))


def two_shifts() -> Problem:
    """One school in two shifts, one bus: first-shift morning, first-shift run home, second-shift
    morning, second-shift run home."""
    first = School("A1", 10_000, 0, 7 * H + 1800, 7 * H + 2700, dismissal=12 * H + 3000)
    second = School("A2", 10_000, 0, 13 * H + 600, 13 * H + 1500, dismissal=18 * H)
    return build_problem(
        [YARD],
        [VehicleType("bus", capacity=40, count=1, depot_id="yard")],
        [first, second],
        [
            Stop("a1", 11_000, 1_000, "A1", 10, ids("a", 10)),
            Stop("b1", 9_000, -1_000, "A2", 10, ids("b", 10)),
        ],
        RULES,
        PROVIDER,
    )


def one_way_street() -> Problem:
    """Four stops in a line east of the school. Driving s1 -> s2 takes 25 min (a one-way street
    and a detour), s2 -> s1 takes 100 s: the morning (s4, s3, s2, s1, school) is short, the same
    stops backwards break the 30-minute limit on the way home."""
    school = School("A", 0, 0, 7 * H + 1800, 7 * H + 2700, dismissal=13 * H)
    return build_problem(
        [YARD],
        [VehicleType("bus", capacity=24, count=3, depot_id="yard")],
        [school],
        [Stop(f"s{i}", 1_000 * i, 0, "A", 5, ids(f"p{i}-", 5)) for i in range(1, 5)],
        RULES,
        PROVIDER,
        [DistanceOverride("stop:s1", "stop:s2", 15_000, 1_500, both_ways=False)],
    )


def pupils_home(plan: Plan) -> Counter[str]:
    return Counter(p for t in plan.afternoon_trips for v in t.visits for p in v.pupil_ids)


def pupils_in(plan: Plan) -> Counter[str]:
    return Counter(p for t in plan.trips for v in t.visits for p in v.pupil_ids)


def test_one_bus_does_both_shifts_there_and_back_in_time_order() -> None:
    problem = two_shifts()
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    (bus,) = plan.buses
    assert [t.school_id for t in bus.trips] == ["A1", "A2"]
    assert [t.school_id for t in bus.afternoon] == ["A1", "A2"]
    home1, home2 = bus.afternoon
    # Boarding starts at the dismissal; 10 pupils board in 80 s; 2 km (200 s) to a1; 80 s off.
    assert (home1.boarding, home1.school_departure, home1.end) == (46_200, 46_280, 46_560)
    assert home1.longest_ride_s == 280
    # The first-shift run home ends before the second-shift morning trip starts.
    assert home1.end <= bus.trips[1].start <= bus.trips[1].school_arrival <= home2.boarding
    assert home2.boarding == 18 * H
    # Yard -> A 10 km, A -> a1 2 km, a1 -> A 2 km, A -> b1 2 km, b1 -> yard 10 km.
    assert bus.afternoon_distance_m == 26_000
    assert pupils_home(plan) == pupils_in(plan)
    assert plan.pupils_home == plan.pupils_served == 20


def test_a_reversed_trip_that_breaks_the_ride_limit_is_routed_again() -> None:
    problem = one_way_street()
    plan = solve(problem, iterations=600, workers=1)
    assert check_plan(problem, plan) == []
    assert plan.unserved == ()
    assert plan.afternoon_unserved == ()
    # Every pupil brought in the morning goes home, once, after the dismissal.
    assert pupils_home(plan) == pupils_in(plan)
    assert sum(pupils_in(plan).values()) == 20
    dur = problem.matrix.duration_s
    base = len(problem.depots) + len(problem.schools)
    index = {s.id: base + i for i, s in enumerate(problem.stops)}
    for bus in plan.buses:
        capacity = problem.vehicle_type(bus.vehicle_type_id).capacity
        for trip in bus.afternoon:
            assert trip.boarding >= 13 * H
            assert trip.load <= capacity
            assert trip.longest_ride_s <= RULES.max_ride_s
            # Times are those of the school-to-stop direction of the matrix.
            order = [index[v.stop_id] for v in trip.visits]
            for a, b in itertools.pairwise(order):
                assert (a, b) != (index["s1"], index["s2"])  # the 25-minute leg is avoided
            leg = int(dur[len(problem.depots), order[0]])
            assert trip.visits[0].arrival == trip.school_departure + leg
    # The morning still drives s2 -> s1 (100 s), which the afternoon could not mirror.
    assert any("routed again" in n for n in plan.notes)


def test_the_transposed_problem_turns_the_way_home_into_a_morning_route() -> None:
    problem = one_way_street()
    back = transposed(problem)
    assert (back.matrix.duration_s == problem.matrix.duration_s.T).all()
    i, j = problem.stop_index("s1"), problem.stop_index("s2")
    assert (int(problem.matrix.duration_s[i, j]), int(back.matrix.duration_s[j, i])) == (
        1_500,
        1_500,
    )


def test_no_bus_does_two_trips_at_once_and_the_morning_bus_takes_its_pupils_home() -> None:
    schools = [
        School(
            f"S{k}", 10_000 * k, 0, 27_000 + 1800 * k, 27_900 + 1800 * k, dismissal=48_600 + 900 * k
        )
        for k in range(3)
    ]
    stops = [
        Stop(
            f"s{k}-{i}",
            10_000 * k + 700 * i,
            900 * (i % 3),
            f"S{k}",
            3 + i,
            ids(f"k{k}i{i}-", 3 + i),
        )
        for k in range(3)
        for i in range(6)
    ]
    problem = build_problem(
        [YARD], [VehicleType("bus", 20, 10, "yard")], schools, stops, RULES, PROVIDER
    )
    plan = solve(problem, iterations=900, workers=1)
    assert check_plan(problem, plan) == []
    assert pupils_home(plan) == pupils_in(plan)
    for bus in plan.buses:
        legs = sorted(
            [(t.start, t.school_arrival) for t in bus.trips]
            + [(t.boarding, t.end) for t in bus.afternoon]
        )
        for (_, end), (start, _) in itertools.pairwise(legs):
            assert end <= start

    # The matrix is symmetric here, so every morning trip driven backwards keeps the limit: the
    # same groups go home. A bus that brought two groups to one school in its arrival window
    # cannot take both home at the dismissal; the second goes on a spare bus, never on another
    # morning bus's slot.
    def groups(trips: Sequence[Trip] | Sequence[AfternoonTrip]) -> set[frozenset[str]]:
        return {frozenset(p for v in t.visits for p in v.pupil_ids) for t in trips}

    assert groups(plan.trips) == groups(plan.afternoon_trips)
    for bus in plan.buses:
        if bus.trips:
            assert bus.afternoon
            assert groups(bus.afternoon) <= groups(bus.trips)


def test_schools_without_a_dismissal_time_get_no_afternoon() -> None:
    problem = two_shifts()
    morning_only = dataclasses.replace(
        problem, schools=tuple(dataclasses.replace(s, dismissal=None) for s in problem.schools)
    )
    plan = solve(morning_only, iterations=300, workers=1)
    assert check_plan(morning_only, plan) == []
    assert plan.afternoon_trips == []
    assert plan.pupils_home == 0


def test_the_checker_rejects_a_tampered_afternoon() -> None:
    problem = two_shifts()
    plan = solve(problem, iterations=300, workers=1)
    (bus,) = plan.buses
    home = bus.afternoon[0]
    early = dataclasses.replace(home, boarding=home.boarding - 600)
    drop = home.visits[0]
    slow = dataclasses.replace(
        home, visits=(dataclasses.replace(drop, departure=drop.departure + 1_600),)
    )
    crowded = dataclasses.replace(
        home,
        load=home.load + 35,
        visits=(dataclasses.replace(drop, alighted=drop.alighted + 35),),
    )
    late = dataclasses.replace(
        home,
        boarding=bus.trips[1].start - 100,
        school_departure=bus.trips[1].start - 20,
        visits=(
            dataclasses.replace(
                drop, arrival=bus.trips[1].start + 180, departure=bus.trips[1].start + 260
            ),
        ),
    )
    for bad_trip, expected in (
        (early, "bus bus-1 afternoon trip 1: boards at 45600, before the dismissal at 46200"),
        (slow, "bus bus-1 afternoon trip 1: pupils of a1 ride 1880 s > 1800 s"),
        (crowded, "bus bus-1 afternoon trip 1: load 45, 45 get off, capacity 40"),
        (late, "bus bus-1: trip 2 starts at 47120, before the bus can come from afternoon trip 1"),
    ):
        bad_bus = dataclasses.replace(bus, afternoon=(bad_trip, *bus.afternoon[1:]))
        bad = dataclasses.replace(plan, buses=(bad_bus,))
        found = check_plan(problem, bad)
        assert any(e.startswith(expected) for e in found), found
    forgotten = dataclasses.replace(plan, buses=(dataclasses.replace(bus, afternoon=()),))
    found = check_plan(problem, forgotten)
    assert "stop a1: 10 pupils to take home, 0 accounted for" in found
    assert "pupil a0 came in the morning and is not taken home" in found


def test_a_dismissal_before_the_pupils_arrive_is_explained_not_planned() -> None:
    problem = two_shifts()
    wrong = dataclasses.replace(problem.schools[1], dismissal=12 * H)  # before the 13:10 arrival
    problem = dataclasses.replace(problem, schools=(problem.schools[0], wrong))
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    assert [t.school_id for t in plan.afternoon_trips] == ["A1"]
    (left,) = plan.afternoon_unserved
    assert (left.stop_id, left.code, left.pupils) == ("b1", "school_window_impossible", 10)
    assert left.reason.endswith(
        "the runs home start by 12:20, the pupils arrive at 13:10; check the dismissal time"
    )
