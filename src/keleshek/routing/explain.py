"""Why a stop (and its pupils) cannot be served: checked before solving, and after chaining.

A stop too heavy for one visit is divided into several (``split.py``), so before solving either
all of a stop's pupils are put into visits or none is; after chaining, single visits (a part
of a stop) may still be left for want of a bus, each with its pupils named.

Every reason has a stable code for the caller to translate (ru/kk) and an English sentence
with the figures, so a coordinator sees what to change: the ride limit, a bigger bus, the bell.
"""

from __future__ import annotations

from keleshek.routing.model import UNREACHABLE, Problem, Stop, Unserved
from keleshek.routing.split import split_stop

REASONS: dict[str, str] = {
    "no_vehicle": "no vehicle is available",
    "no_bus_for_school": "no bus of the school's own fleet (or of a neighbour allowed to help)",
    "unknown_school": "the stop's school is not in the plan",
    "school_window_impossible": "the school's arrival window closes before it opens",
    "unreachable": "no road connects the stop with its school or with any depot",
    "stop_exceeds_largest_bus": "more pupils at the stop than seats in the largest bus",
    "too_far_for_ride_limit": "too far for the ride-time limit even on a direct trip",
    "no_bus_in_window": "not enough buses to reach the school within its arrival window",
}


def clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _unserved(stop: Stop, code: str, detail: str) -> Unserved:
    return Unserved(stop.id, stop.pupils, code, f"{REASONS[code]}: {detail}", stop.pupil_ids)


def explain_stop(problem: Problem, stop: Stop) -> Unserved | None:
    """The first reason that makes ``stop`` unservable whatever the solver does, or None."""
    if stop.pupils <= 0:
        return None
    cap = problem.largest_capacity
    if cap <= 0:
        return _unserved(stop, "no_vehicle", "the fleet has no vehicle with seats")
    school = problem.school(stop.school_id)
    if school is None:
        return _unserved(
            stop, "unknown_school", f"school {stop.school_id} is not among the schools"
        )
    if school.latest_arrival < school.earliest_arrival:
        return _unserved(
            stop,
            "school_window_impossible",
            f"school {school.id}: earliest {clock(school.earliest_arrival)}, "
            f"latest {clock(school.latest_arrival)}",
        )
    own = [v for v in problem.vehicle_types if v.count > 0 and v.may_serve(school.id)]
    if not own:
        return _unserved(stop, "no_bus_for_school", f"school {school.id} has no bus of its own")
    si, ki = problem.stop_index(stop.id), problem.school_index(stop.school_id)
    dur = problem.matrix.duration_s
    depots = {problem.depot_index(v.depot_id) for v in own}
    if dur[si, ki] >= UNREACHABLE or all(dur[d, si] >= UNREACHABLE for d in depots):
        return _unserved(stop, "unreachable", f"stop {stop.id}, school {school.id}")
    split = problem.rules.split_large_stops
    if stop.pupils > cap and not split:
        return _unserved(stop, "stop_exceeds_largest_bus", f"{stop.pupils} pupils, {cap} seats")
    # The same rule that divides stops into visits (split.py): a stop none of whose pupils a
    # visit can carry within the ride limit. With splitting that means not even one pupil.
    if not split_stop(problem, stop):
        boarding = 1 if split else stop.pupils
        direct = problem.rules.dwell(boarding) + int(dur[si, ki])
        who = " with one pupil boarding" if split else " with boarding"
        return _unserved(
            stop,
            "too_far_for_ride_limit",
            f"a direct trip to school {school.id} takes {direct // 60} min {direct % 60} s"
            f"{who}, the limit is {problem.rules.max_ride_s // 60} min",
        )
    return None


def explain_input(problem: Problem) -> list[Unserved]:
    """Stops that no plan can serve, each with its reason."""
    return [u for s in problem.stops if (u := explain_stop(problem, s)) is not None]


def no_bus_in_window(
    problem: Problem, stop: Stop, pupils: int, pupil_ids: tuple[str, ...]
) -> Unserved:
    school = problem.school(stop.school_id)
    assert school is not None  # explain_stop has already excluded stops of unknown schools
    fleet = sum(v.count for v in problem.vehicle_types if v.may_serve(school.id))
    detail = (
        f"all {fleet} buses are busy between {clock(school.earliest_arrival)} and "
        f"{clock(school.latest_arrival)} at school {school.id}; add a bus or widen the window"
    )
    return Unserved(
        stop.id, pupils, "no_bus_in_window", f"{REASONS['no_bus_in_window']}: {detail}", pupil_ids
    )


def per_pupil(unserved: list[Unserved]) -> list[tuple[str, str, str]]:
    """(pupil id, code, reason) for every named pupil left without a seat."""
    return [(pid, u.code, u.reason) for u in unserved for pid in u.pupil_ids]
