"""The deficit of school places, defined once (ADR 0128). Pure: no Django.

A school lacks ``max(0, pupils − design capacity)`` places; a territory's deficit is the sum over
its schools — free places in one school do not seat another school's pupils. Everything that
shows or plans a deficit reads it through ``institutions.selectors.school_places`` /
``places_deficit`` or applies this rule to figures it forecasts (capacity planning).
"""

from __future__ import annotations

from typing import TypeVar

N = TypeVar("N", int, float)


def places_short(pupils: N, capacity: N) -> N:
    """The places a school lacks: its pupils above its design capacity, never negative."""
    return max(pupils - capacity, 0 * pupils)  # 0 of the figures' own type
