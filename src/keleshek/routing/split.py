"""How a stop becomes visits: split delivery by pre-splitting (ADR 0063).

A bus boarding a stop's whole group must fit them (the largest bus) and still bring the first
of them to school within the ride limit, and boarding time grows with the group. A stop whose
whole boarding does not fit one visit becomes several visits at the same place, each with a
share of its pupils: as many as one visit can board (the largest share that fits the biggest
bus and still makes the ride limit on a direct trip), the last share the rest. Every share is
feasible on its own, so either all of a stop's pupils are in visits or, when not even one
pupil can make the ride limit, none is (``explain.explain_stop`` says why).

Two shares of one stop never fit one trip together (together they exceed what one visit can
board), so a stop appears at most once per trip; it may appear in several trips, of one bus or
of several. This is the only place where stops are divided; the solver routes the shares and
the explanations use the same limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from keleshek.routing.model import UNREACHABLE, Problem, Stop


@dataclass(frozen=True)
class Share:
    """The pupils of one visit to a stop (their ids when the stop names its pupils)."""

    pupils: int
    pupil_ids: tuple[str, ...] = ()


def visit_limit(problem: Problem, stop: Stop) -> int:
    """The most pupils one visit to ``stop`` can board: no more than the largest bus holds,
    and few enough that boarding them and driving straight to the school stays within the
    ride limit. 0 when not even one pupil can be carried (no bus, unknown school, no road, or
    the drive with one pupil's boarding already exceeds the limit)."""
    cap = problem.largest_capacity
    if cap <= 0 or problem.school(stop.school_id) is None:
        return 0
    drive = int(
        problem.matrix.duration_s[problem.stop_index(stop.id), problem.school_index(stop.school_id)]
    )
    if drive >= UNREACHABLE:
        return 0
    rules = problem.rules
    budget = rules.max_ride_s - drive  # seconds left for boarding
    if rules.dwell(1) > budget:
        return 0
    # The dwell grows with the pupils boarding: the largest n in 1..cap that still fits.
    lo, hi = 1, cap
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if rules.dwell(mid) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return lo


def split_stop(problem: Problem, stop: Stop, limit: int | None = None) -> tuple[Share, ...]:
    """The visits that carry ``stop``'s pupils: one share when the whole stop fits one visit,
    else shares of ``visit_limit`` pupils and a last one with the rest, the pupil ids handed
    out in order. Empty when no visit can carry anyone, and when splitting is switched off
    (``Rules.split_large_stops``) and the whole stop does not fit one visit.

    ``limit`` is ``visit_limit(problem, stop)`` when the caller has it already.
    """
    if stop.pupils <= 0:
        return ()
    limit = visit_limit(problem, stop) if limit is None else limit
    if limit <= 0:
        return ()
    if stop.pupils <= limit:
        return (Share(stop.pupils, stop.pupil_ids),)
    if not problem.rules.split_large_stops:
        return ()
    ids = stop.pupil_ids
    shares = []
    for start in range(0, stop.pupils, limit):
        take = min(limit, stop.pupils - start)
        shares.append(Share(take, ids[start : start + take] if ids else ()))
    return tuple(shares)


def split_note(problem: Problem, stop: Stop, shares: tuple[Share, ...]) -> str | None:
    """A line for ``Plan.notes`` when ``stop`` is served by several visits, else None."""
    if len(shares) < 2:
        return None
    why = (
        "the largest bus"
        if shares[0].pupils == problem.largest_capacity
        else "the ride-time limit with boarding"
    )
    sizes = " + ".join(str(s.pupils) for s in shares)
    return (
        f"stop {stop.id}: {stop.pupils} pupils in {len(shares)} visits ({sizes}); "
        f"one visit can board at most {shares[0].pupils} ({why})"
    )


__all__ = ["Share", "split_note", "split_stop", "visit_limit"]
