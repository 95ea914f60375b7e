"""Stops too heavy for one visit: split into visits, carried as far as the limits allow (ADR 0063).

Manhattan distance at 36 km/h (10 m/s) as in test_solver: school A is at (10 km, 0), so a stop
at (10 km, y) is y / 10 seconds from it. The ride limit is 30 min, boarding 30 s + 5 s a pupil.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from keleshek.routing.check import check_plan
from keleshek.routing.explain import explain_stop, per_pupil
from keleshek.routing.model import DistanceOverride, Plan, Problem, Rules, Stop, VehicleType
from keleshek.routing.solver import build_problem, solve
from keleshek.routing.split import Share, split_stop, visit_limit
from keleshek.routing.tests.test_solver import PROVIDER, RULES, SCHOOL_A, YARD, ids


def fleet(count: int, capacity: int = 40) -> list[VehicleType]:
    return [VehicleType("bus", capacity=capacity, count=count, depot_id="yard")]


def problem_with(
    stops: list[Stop], buses: int, rules: Rules = RULES, capacity: int = 40
) -> Problem:
    return build_problem([YARD], fleet(buses, capacity), [SCHOOL_A], stops, rules, PROVIDER)


# 1,600 s from school A: 200 s left for boarding, i.e. 30 + 5 x 34 = 200 -> 34 pupils a visit.
HEAVY_Y = 16_000
# 1,790 s from school A: even one pupil (35 s) makes 1,825 s > 1,800 s.
BEYOND_Y = 17_900


def carried_ids(plan: Plan) -> list[str]:
    return [p for t in plan.trips for v in t.visits for p in v.pupil_ids]


def assert_every_pupil_once(problem: Problem, plan: Plan) -> None:
    """Each pupil is on exactly one visit or named exactly once among the unserved."""
    named = carried_ids(plan) + [p for p, _, _ in per_pupil(list(plan.unserved))]
    expected = [p for s in problem.stops for p in s.pupil_ids]
    assert Counter(named) == Counter(expected)


def test_visit_limit_is_the_largest_boarding_that_makes_the_ride_limit() -> None:
    stop = Stop("heavy", 10_000, HEAVY_Y, "A", 38, ids("h", 38))
    problem = problem_with([stop], buses=1)
    assert visit_limit(problem, stop) == 34
    # Brute force over the dwell rule (rounded up), the drive from the matrix.
    drive = int(problem.matrix.duration_s[problem.stop_index("heavy"), problem.school_index("A")])
    assert max(n for n in range(1, 41) if RULES.dwell(n) + drive <= RULES.max_ride_s) == 34
    # A fractional per-pupil dwell is rounded up, never optimistic: 30 + 7.5n <= 200 -> 22.
    slow = dataclasses.replace(RULES, dwell_per_pupil_s=7.5)
    assert visit_limit(problem_with([stop], 1, slow), stop) == 22
    # Near the school the bus is the limit; too far, nobody.
    near = Stop("near", 10_000, 1_000, "A", 90)
    assert visit_limit(problem_with([near], 1), near) == 40
    beyond = Stop("beyond", 10_000, BEYOND_Y, "A", 3)
    assert visit_limit(problem_with([beyond], 1), beyond) == 0


def test_split_shares_hand_out_the_pupils_in_order() -> None:
    stop = Stop("heavy", 10_000, HEAVY_Y, "A", 90, ids("h", 90))
    problem = problem_with([stop], buses=3)
    shares = split_stop(problem, stop)
    assert [s.pupils for s in shares] == [34, 34, 22]
    assert [p for s in shares for p in s.pupil_ids] == list(stop.pupil_ids)
    # A stop that fits one visit stays one visit; an anonymous stop gets anonymous shares
    # (the same place, fewer or unnamed pupils).
    light = dataclasses.replace(stop, pupils=34, pupil_ids=ids("l", 34))
    assert split_stop(problem, light) == (Share(34, light.pupil_ids),)
    anonymous = dataclasses.replace(stop, pupils=40, pupil_ids=())
    assert split_stop(problem, anonymous) == (Share(34), Share(6))
    # Switched off, a stop that does not fit one visit is not split (and not carried).
    off = dataclasses.replace(problem, rules=dataclasses.replace(RULES, split_large_stops=False))
    assert split_stop(off, stop) == ()
    assert split_stop(off, light) == (Share(34, light.pupil_ids),)


def test_the_issue_example_46_pupils_beyond_the_hour_are_carried_in_two_visits() -> None:
    # 46 pupils: 260 s boarding + 3,412 s drive > 3,600 s; 31 pupils (185 s) still make it.
    hour = Rules(max_ride_s=3600, dwell_fixed_s=30, dwell_per_pupil_s=5)
    stop = Stop("s46", 10_000, 5_000, "A", 46, ids("p", 46))
    drive = DistanceOverride("stop:s46", "school:A", distance_m=34_120, duration_s=3_412)
    problem = build_problem([YARD], fleet(2), [SCHOOL_A], [stop], hour, PROVIDER, [drive])
    assert hour.dwell(46) + 3_412 > 3_600 >= hour.dwell(31) + 3_412
    assert explain_stop(problem, stop) is None  # before: too_far_for_ride_limit, all 46
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    assert sorted(t.load for t in plan.trips) == [15, 31]
    assert plan.pupils_served == 46
    assert plan.unserved == ()
    assert plan.longest_ride_s <= 3_600
    assert plan.notes == (
        "stop s46: 46 pupils in 2 visits (31 + 15); one visit can board at most 31 "
        "(the ride-time limit with boarding)",
    )
    assert_every_pupil_once(problem, plan)


def test_a_stop_too_heavy_for_the_ride_limit_is_partly_carried_and_the_rest_explained() -> None:
    # 38 pupils fit the bus (40 seats) but boarding all of them (220 s) breaks the limit:
    # before the split the whole stop was "too far". One bus makes one trip in A's 15-minute
    # window, so it carries the largest share and the rest are named with the reason.
    stops = [
        Stop("heavy", 10_000, HEAVY_Y, "A", 38, ids("h", 38)),
        Stop("beyond", 10_000, BEYOND_Y, "A", 3, ids("b", 3)),
    ]
    problem = problem_with(stops, buses=1)
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    assert plan.pupils_served == 34
    (trip,) = plan.trips
    (visit,) = trip.visits
    assert (visit.stop_id, visit.boarded, visit.pupil_ids) == ("heavy", 34, ids("h", 34))
    assert trip.longest_ride_s <= RULES.max_ride_s
    left = {p: code for p, code, _ in per_pupil(list(plan.unserved))}
    assert left == {
        **dict.fromkeys(ids("h", 38)[34:], "no_bus_in_window"),
        **dict.fromkeys(ids("b", 3), "too_far_for_ride_limit"),
    }
    beyond = next(u for u in plan.unserved if u.stop_id == "beyond")
    assert beyond.reason == (
        "too far for the ride-time limit even on a direct trip: a direct trip to school A "
        "takes 30 min 25 s with one pupil boarding, the limit is 30 min"
    )
    assert_every_pupil_once(problem, plan)


def test_with_a_second_bus_the_heavy_stop_is_carried_whole() -> None:
    stops = [Stop("heavy", 10_000, HEAVY_Y, "A", 38, ids("h", 38))]
    problem = problem_with(stops, buses=2)
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    assert plan.unserved == ()
    assert plan.pupils_served == 38
    assert sorted(t.load for t in plan.trips) == [4, 34]
    assert plan.buses_used == 2
    assert_every_pupil_once(problem, plan)


def test_a_stop_beyond_the_largest_bus_and_the_ride_limit_takes_several_visits() -> None:
    # 90 pupils, 40 seats, and at most 34 can board within the limit: three visits, one per
    # bus; the stop appears in three trips, never twice in one, and other stops share trips.
    stops = [
        Stop("heavy", 10_000, HEAVY_Y, "A", 90, ids("h", 90)),
        Stop("way", 10_000, 8_000, "A", 5, ids("w", 5)),
        Stop("crowd", 9_000, 1_000, "A", 100, ids("c", 100)),
    ]
    problem = problem_with(stops, buses=8)
    plan = solve(problem, iterations=600, workers=1)
    assert check_plan(problem, plan) == []
    assert plan.unserved == ()
    assert plan.pupils_served == 195
    boarded: dict[str, list[int]] = {}
    for trip in plan.trips:
        at = [v.stop_id for v in trip.visits]
        assert len(at) == len(set(at)), f"a stop twice in one trip: {at}"
        assert trip.load <= 40
        assert trip.longest_ride_s <= RULES.max_ride_s
        for v in trip.visits:
            boarded.setdefault(v.stop_id, []).append(v.boarded)
    assert sorted(boarded["heavy"]) == [22, 34, 34]
    assert sorted(boarded["crowd"]) == [20, 40, 40]
    assert sum(boarded["way"]) == 5
    assert len(plan.notes) == 2
    assert_every_pupil_once(problem, plan)


def test_switched_off_the_heavy_stop_is_dropped_whole_as_before() -> None:
    stops = [Stop("heavy", 10_000, HEAVY_Y, "A", 38, ids("h", 38))]
    rules = dataclasses.replace(RULES, split_large_stops=False)
    problem = problem_with(stops, buses=2, rules=rules)
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    assert plan.pupils_served == 0
    (left,) = plan.unserved
    assert (left.code, left.pupils) == ("too_far_for_ride_limit", 38)
    assert left.reason.endswith("takes 30 min 20 s with boarding, the limit is 30 min")


def test_the_checker_still_counts_a_split_stop_across_visits() -> None:
    # Dropping one visit of a split stop leaves its pupils unaccounted for.
    stops = [Stop("heavy", 10_000, HEAVY_Y, "A", 38, ids("h", 38))]
    problem = problem_with(stops, buses=2)
    plan = solve(problem, iterations=300, workers=1)
    short = Plan(plan.buses[:1], plan.unserved, plan.pupils_total)
    kept = plan.buses[0].trips[0].load
    assert f"stop heavy: 38 pupils, {kept} accounted for" in check_plan(problem, short)
