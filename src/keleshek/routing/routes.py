"""Routes as the solver builds them, before a bus and a clock time are given to them.

A ``Route`` is the visits of one trip, in the order driven, ending at a school; a shared trip
(ADR 0066) goes on to a second school (``then``). A ``Visit`` is one stop's share of pupils
(a stop too big for one visit has several, ``split.py``). The functions here are the
arithmetic every stage shares — how long a route takes, how many pupils of a school ride it,
which arrival window it must meet, whether it keeps the seats and the ride limit — for the
morning (``morning.py``, ``chaining.py``), shared trips (``shared.py``) and the runs home
(``afternoon.py``), which reads a route backwards.

Locations are indices into ``Problem.matrix``: the depots, then the schools, then the stops.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from keleshek.routing.model import Problem
from keleshek.routing.split import split_note, split_stop


@dataclass(frozen=True)
class Visit:
    stop_index: int  # into problem.stops
    pupils: int
    pupil_ids: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    school_index: int  # into problem.schools: the (first) school the bus reaches
    visits: tuple[Visit, ...]
    then: int | None = None  # a shared trip (ADR 0066) goes on to this school

    @property
    def end(self) -> int:
        """The school where the trip ends."""
        return self.school_index if self.then is None else self.then


def route_school_ids(problem: Problem, route: Route) -> tuple[str, ...]:
    """The schools a trip carries pupils to (or home from): one, or two for a shared trip."""
    ids = [problem.schools[route.school_index].id]
    if route.then is not None:
        ids.append(problem.schools[route.then].id)
    return tuple(ids)


Job = tuple[int, int | None, list[Visit]]
"""What one PyVRP run routes: (school, the second school of shared trips or None, visits)."""


def visits_for(
    problem: Problem, stop_indices: Sequence[int], notes: list[str] | None = None
) -> list[Visit]:
    """One visit per share of each stop: one share, or several when the whole stop does not
    fit one visit (the largest bus, or boarding them all breaks the ride limit); see
    ``split.split_stop``. A line per divided stop goes to ``notes``."""
    out: list[Visit] = []
    for i in stop_indices:
        stop = problem.stops[i]
        shares = split_stop(problem, stop)
        out.extend(Visit(i, s.pupils, s.pupil_ids) for s in shares)
        if notes is not None and (note := split_note(problem, stop, shares)) is not None:
            notes.append(note)
    return out


def route_duration(problem: Problem, school_index: int, visits: Sequence[Visit]) -> int:
    """Seconds from the arrival at the first stop to the arrival at school ``school_index``,
    boarding included."""
    m = problem.matrix.duration_s
    loc = [len(problem.depots) + len(problem.schools) + v.stop_index for v in visits]
    total = sum(problem.rules.dwell(v.pupils) for v in visits)
    total += sum(int(m[a, b]) for a, b in itertools.pairwise(loc))
    return total + int(m[loc[-1], len(problem.depots) + school_index])


def riders(problem: Problem, visits: Sequence[Visit], k: int) -> int:
    """Pupils of ``visits`` whose stop belongs to school ``k``."""
    school_id = problem.schools[k].id
    return sum(v.pupils for v in visits if problem.stops[v.stop_index].school_id == school_id)


def hop(problem: Problem, a: int, b: int) -> int:
    """Seconds from the arrival at school ``a`` to the arrival at school ``b``."""
    n_dep = len(problem.depots)
    return problem.schools[a].unload_s + int(problem.matrix.duration_s[n_dep + a, n_dep + b])


def span(problem: Problem, route: Route) -> tuple[int, int, int, int]:
    """(earliest and latest arrival at the route's last school, the unloading there, seconds
    from the first stop to that arrival). A shared trip must also reach its first school
    inside that school's window, which narrows the last school's."""
    length = route_duration(problem, route.school_index, route.visits)
    end = problem.schools[route.end]
    if route.then is None:
        return end.earliest_arrival, end.latest_arrival, end.unload_s, length
    first = problem.schools[route.school_index]
    to_last = hop(problem, route.school_index, route.then)
    early = max(end.earliest_arrival, first.earliest_arrival + to_last)
    late = min(end.latest_arrival, first.latest_arrival + to_last)
    return early, late, end.unload_s, length + to_last


def trip_distance(problem: Problem, route: Route) -> int:
    """Metres from the first stop to the last school (through the first, on a shared trip)."""
    dist = problem.matrix.distance_m
    n_dep, n_sch = len(problem.depots), len(problem.schools)
    locs = [n_dep + n_sch + v.stop_index for v in route.visits] + [n_dep + route.school_index]
    if route.then is not None:
        locs.append(n_dep + route.then)
    return sum(int(dist[a, b]) for a, b in itertools.pairwise(locs))


def feasible_route(problem: Problem, school_index: int, visits: Sequence[Visit]) -> bool:
    """Whether one bus can carry ``visits`` to school ``school_index``: seats and ride limit."""
    load = sum(v.pupils for v in visits)
    return (
        load <= problem.largest_capacity
        and route_duration(problem, school_index, visits) <= problem.rules.max_ride_s
    )


def feasible_shared(problem: Problem, route: Route) -> bool:
    """A shared trip: seats, both schools' windows, and every pupil's ride to their own school
    (the second school's pupils ride on past the first)."""
    assert route.then is not None
    if sum(v.pupils for v in route.visits) > problem.largest_capacity:
        return False
    early, late, _, _ = span(problem, route)
    if early > late:
        return False
    to_second = hop(problem, route.school_index, route.then)
    second = problem.schools[route.then].id
    for i, v in enumerate(route.visits):
        ride = route_duration(problem, route.school_index, route.visits[i:])
        if problem.stops[v.stop_index].school_id == second:
            ride += to_second
        if ride > problem.rules.max_ride_s:
            return False
    return True
