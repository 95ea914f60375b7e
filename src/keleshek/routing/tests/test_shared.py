"""Shared trips (ADR 0066): pupils of two nearby schools on one bus, dropped at both.

Manhattan distance at 36 km/h (10 m/s), as in ``test_solver.py``. Two schools 1 km apart
(100 s), a village 9-10 km beyond them with a stop for each school. One bus cannot bring the
two schools' pupils in two trips inside the 15-minute window; one shared trip can.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from keleshek.routing import solver
from keleshek.routing.check import check_plan
from keleshek.routing.distances import ManhattanProvider
from keleshek.routing.model import Depot, Plan, Problem, Rules, School, Stop, Unserved, VehicleType
from keleshek.routing.solver import build_problem, solve

H = 3600
PROVIDER = ManhattanProvider(metres_per_unit=1.0, speed_kmh=36.0)
RULES = Rules(max_ride_s=1800, dwell_fixed_s=30, dwell_per_pupil_s=5)
WINDOW = (7 * H + 1800, 7 * H + 2700)  # arrive 07:30-07:45


def ids(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(n))


def village(
    rules: Rules = RULES, school_b: School | None = None, dismissal: int | None = None
) -> Problem:
    a = School("A", 20_000, 0, *WINDOW, dismissal=dismissal)
    b = school_b or School("B", 21_000, 0, *WINDOW, dismissal=dismissal)
    return build_problem(
        [Depot("yard", 0, 0)],
        [VehicleType("bus", capacity=40, count=1, depot_id="yard")],
        [a, b],
        [
            Stop("a1", 30_000, 0, "A", 10, ids("a", 10)),
            Stop("b1", 30_000, 500, "B", 10, ids("b", 10)),
        ],
        rules,
        PROVIDER,
    )


def shared_plan(problem: Problem) -> Plan:
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    return plan


def test_one_shared_trip_brings_both_schools() -> None:
    problem = village()
    plan = shared_plan(problem)
    assert plan.unserved == ()
    assert plan.pupils_served == 20
    (bus,) = plan.buses
    (trip,) = bus.trips
    # B lies on the way from the village to A: the bus drops B's pupils first.
    assert [d.school_id for d in trip.drops] == ["B"]
    assert trip.school_ids == ("B", "A")
    (drop,) = trip.drops
    assert drop.alighted == 10
    assert trip.school_arrival == drop.arrival + 100  # 1 km on to A
    assert {v.stop_id: trip.school_of(v) for v in trip.visits} == {"a1": "A", "b1": "B"}
    # Every pupil's ride ends at their own school, within the limit.
    for v in trip.visits:
        assert trip.arrival_at(trip.school_of(v)) - v.arrival <= RULES.max_ride_s
    assert trip.longest_ride_s <= RULES.max_ride_s
    # a1 (or b1) -> the other stop 500 m, -> B 9.5 km, -> A 1 km; yard -> village 30.5 km or
    # 30 km out and A -> yard 20 km back.
    assert trip.distance_m == 11_000
    assert bus.distance_m in (30_000 + 11_000 + 20_000, 30_500 + 11_000 + 20_000)


def test_without_shared_trips_one_school_is_left_out() -> None:
    # The same instance with shared trips switched off: the one bus brings one school only.
    problem = village()
    plan = solve(problem, iterations=300, workers=1, shared_trips=False)
    assert check_plan(problem, plan) == []
    assert plan.pupils_served == 10
    assert sum(u.pupils for u in plan.unserved) == 10
    assert all(u.code == "no_bus_in_window" for u in plan.unserved)


def test_schools_far_apart_or_at_other_times_do_not_share() -> None:
    # A second school 8 km on (800 s > a quarter of the 1,800 s limit): no pair.
    far = village(school_b=School("B", 28_000, 2_000, *WINDOW))
    jobs = [(k, solver._visits_for(far, [k])) for k in range(2)]
    assert solver._shared_pairs(far, jobs) == []
    # Next door, but its window is an hour later: no one trip reaches both in time.
    later = village(school_b=School("B", 21_000, 0, WINDOW[0] + H, WINDOW[1] + H))
    jobs = [(k, solver._visits_for(later, [k])) for k in range(2)]
    assert solver._shared_pairs(later, jobs) == []
    near = village()
    jobs = [(k, solver._visits_for(near, [k])) for k in range(2)]
    ((first, second, visits),) = solver._shared_pairs(near, jobs)
    assert (near.schools[first].id, near.schools[second].id, len(visits)) == ("B", "A", 2)


def test_the_check_counts_the_ride_on_to_the_second_school() -> None:
    problem = village()
    plan = shared_plan(problem)
    (trip,) = plan.trips
    rides = {v.stop_id: trip.arrival_at(trip.school_of(v)) - v.arrival for v in trip.visits}
    # A limit between the ride to the first school and the ride on to the second: only
    # the pupils who ride on (to A, the last school) break it.
    to_first = trip.drops[0].arrival - trip.visits[0].arrival
    assert rides["a1"] > to_first
    tight = dataclasses.replace(
        problem, rules=dataclasses.replace(RULES, max_ride_s=rides["a1"] - 1)
    )
    errors = check_plan(tight, plan)
    assert any("pupils of a1 ride" in e for e in errors)
    assert not any("pupils of b1 ride" in e for e in errors)


def test_the_check_refuses_wrong_drops() -> None:
    problem = village()
    plan = shared_plan(problem)
    (bus,) = plan.buses
    (trip,) = bus.trips
    (drop,) = trip.drops

    def with_trip(**changes: object) -> Plan:
        bad = dataclasses.replace(trip, **changes)  # type: ignore[arg-type]
        return dataclasses.replace(plan, buses=(dataclasses.replace(bus, trips=(bad,)),))

    miscounted = with_trip(drops=(dataclasses.replace(drop, alighted=9),))
    assert any("9 get off at school B, 10 ride to it" in e for e in check_plan(problem, miscounted))
    early = with_trip(drops=(dataclasses.replace(drop, arrival=drop.arrival - 600),))
    assert any("reaches school B faster" in e for e in check_plan(problem, early))
    # Nobody may be carried past their school: a1's pupils said to ride to B, which is not
    # their school.
    wrong = tuple(
        dataclasses.replace(v, school_id="B") if v.stop_id == "a1" else v for v in trip.visits
    )
    assert any(
        "stop a1 belongs to another school" in e
        for e in check_plan(problem, with_trip(visits=wrong))
    )
    # The last school named as the first as well.
    nobody = with_trip(drops=(dataclasses.replace(drop, school_id="A"),))
    assert any("reaches a school twice" in e for e in check_plan(problem, nobody))


def test_each_school_of_a_shared_trip_gets_its_own_run_home() -> None:
    # B lets out 40 minutes after A: the one bus takes A's pupils home, then B's.
    a_out = 14 * H
    school_b = School("B", 21_000, 0, *WINDOW, dismissal=a_out + 2400)
    problem = village(school_b=school_b, dismissal=a_out)
    plan = shared_plan(problem)
    assert any(t.drops for t in plan.trips)
    assert plan.pupils_home == 20
    assert plan.afternoon_unserved == ()
    runs = {t.school_id: {v.stop_id for v in t.visits} for t in plan.afternoon_trips}
    assert runs == {"A": {"a1"}, "B": {"b1"}}


def test_schools_letting_out_together_share_the_run_home() -> None:
    # Both schools let out at 14:00: the run home boards at A (where the morning ended), calls
    # at B 1 km back and boards B's pupils there, then drops everyone in the village. One bus
    # could not do two runs inside the 20-minute window.
    out = 14 * H
    problem = village(dismissal=out)
    plan = shared_plan(problem)
    assert plan.pupils_home == 20
    assert plan.afternoon_unserved == ()
    (run,) = plan.afternoon_trips
    assert run.school_ids == ("A", "B")
    (pickup,) = run.pickups
    assert pickup.boarded == 10
    assert out <= run.boarding <= out + 1200
    assert out <= pickup.arrival <= out + 1200
    assert pickup.arrival == run.school_departure + 100  # 1 km from A to B
    assert {v.stop_id: run.school_of(v) for v in run.visits} == {"a1": "A", "b1": "B"}
    for v in run.visits:  # from leaving one's own school to getting off
        assert v.departure - run.departure_from(run.school_of(v)) <= RULES.max_ride_s
    assert any("1 shared runs home" in n for n in plan.notes)


def test_the_check_refuses_a_wrong_shared_run_home() -> None:
    problem = village(dismissal=14 * H)
    plan = shared_plan(problem)
    (bus,) = plan.buses
    (run,) = bus.afternoon
    (pickup,) = run.pickups

    def with_run(**changes: object) -> Plan:
        bad = dataclasses.replace(run, **changes)  # type: ignore[arg-type]
        return dataclasses.replace(plan, buses=(dataclasses.replace(bus, afternoon=(bad,)),))

    early = with_run(pickups=(dataclasses.replace(pickup, arrival=run.school_departure),))
    assert any("reaches school B faster" in e for e in check_plan(problem, early))
    miscounted = with_run(pickups=(dataclasses.replace(pickup, boarded=9),))
    assert any("9 board at school B, 10 ride from it" in e for e in check_plan(problem, miscounted))
    rushed = with_run(pickups=(dataclasses.replace(pickup, departure=pickup.arrival + 10),))
    assert any(
        "leaves school B before 10 pupils can board" in e for e in check_plan(problem, rushed)
    )
    # Each pupil's ride counts from leaving their own school: a limit just under the longest
    # is broken at that stop only.
    rides = {v.stop_id: v.departure - run.departure_from(run.school_of(v)) for v in run.visits}
    limit = max(rides.values()) - 1
    tight = dataclasses.replace(problem, rules=dataclasses.replace(RULES, max_ride_s=limit))
    over = [e for e in check_plan(tight, plan) if "afternoon" in e and " ride " in e]
    assert over
    assert all(f"pupils of {max(rides, key=rides.__getitem__)} ride" in e for e in over)


@pytest.mark.parametrize("seed", range(12))
def test_random_villages_give_plans_the_check_accepts(seed: int) -> None:
    """Two to four schools close together with mixed windows, unloading, dismissals and
    fleets; stops in villages beyond them. Whatever the solver shares, the independent check
    accepts the day and every pupil is on a bus or named with a reason, morning and home."""
    rnd = random.Random(seed)
    rules = Rules(rnd.choice([1200, 1800, 2400]), dwell_fixed_s=30, dwell_per_pupil_s=5)
    schools, stops = [], []
    for i in range(rnd.randint(2, 4)):
        early = 7 * H + rnd.choice([1800, 2100, 2400])
        schools.append(
            School(
                f"S{i}",
                20_000 + rnd.randint(0, 1500),
                rnd.randint(0, 500),
                early,
                early + rnd.choice([0, 300, 900]),
                unload_s=rnd.choice([0, 60, 180]),
                dismissal=rnd.choice([None, 14 * H, 14 * H + 1800]),
            )
        )
        for j in range(rnd.randint(1, 4)):
            n = rnd.randint(1, 25)
            x, y = 28_000 + rnd.randint(0, 4000), rnd.randint(-1500, 1500)
            stops.append(Stop(f"S{i}s{j}", x, y, f"S{i}", n, ids(f"S{i}s{j}p", n)))
    fleet = [
        VehicleType(f"v{c}", capacity=c, count=rnd.randint(1, 3), depot_id="yard")
        for c in rnd.choice([[30], [20, 40]])
    ]
    problem = build_problem([Depot("yard", 0, 0)], fleet, schools, stops, rules, PROVIDER)
    plan = solve(problem, iterations=200, workers=1, seed=seed)
    assert check_plan(problem, plan) == []
    brought = {p for t in plan.trips for v in t.visits for p in v.pupil_ids}
    left = {p for u in plan.unserved for p in u.pupil_ids}
    assert brought | left == {p for s in stops for p in s.pupil_ids}
    assert not brought & left
    home = {p for t in plan.afternoon_trips for v in t.visits for p in v.pupil_ids}
    not_home = {p for u in plan.afternoon_unserved for p in u.pupil_ids}
    lets_out = {s.id for s in schools if s.dismissal is not None}
    with_runs = {
        p for t in plan.trips for v in t.visits if t.school_of(v) in lets_out for p in v.pupil_ids
    }
    assert home | not_home == with_runs


def test_the_day_without_shared_trips_is_kept_when_the_way_home_costs_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pairs are chosen on the morning; the whole day decides. A stand-in for the afternoon that
    # cannot take home anyone who came on a shared trip makes the shared day worse (20 pupils
    # left) than the day without it (10 left in the morning), so the latter is planned.
    from keleshek.routing import afternoon

    real = afternoon.plan_afternoon

    def no_shared_home(problem: Problem, morning: Plan, **kwargs: object) -> Plan:
        plan = real(problem, morning, **kwargs)  # type: ignore[arg-type]
        if not any(t.drops for t in morning.trips):
            return plan
        stranded = tuple(
            Unserved(v.stop_id, v.boarded, "no_bus_in_window", "stand-in", v.pupil_ids)
            for t in morning.trips
            for v in t.visits
        )
        return dataclasses.replace(plan, afternoon_unserved=stranded)

    monkeypatch.setattr(afternoon, "plan_afternoon", no_shared_home)
    problem = village(dismissal=14 * H)
    plan = solve(problem, iterations=300, workers=1)
    assert check_plan(problem, plan) == []
    assert not any(t.drops for t in plan.trips)
    assert plan.pupils_served == 10
    assert any("the day without them is planned" in n for n in plan.notes)
