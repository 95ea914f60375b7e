"""Places and their deficit as the ministry counts them, defined once (ADRs 0128, 0162).
Pure: no Django.

The ministry counts a school's places in two-shift education: a school designed for N places
seats N pupils per shift, so 2N pupils over two shifts (``places_two_shift``). A school lacks
``max(0, pupils − places in two-shift education)`` places — the pupils a third shift would have
to take; a territory's deficit is the sum over its schools (free places in one school do not
seat another school's pupils). Everything that shows or plans a deficit reads it through
``institutions.selectors.school_places`` / ``places_deficit`` or applies this rule to figures it
forecasts (capacity planning, what-if).

The forecast bounds a territory's year-on-year change of pupils at ``GROWTH_BOUND`` (±5 %), as
the ministry's deficit method bounds growth rates (``indicators.planning``). A new school counts
in national indicators when it has over 300 places (``counts_as_large_school``).
"""

from __future__ import annotations

from typing import TypeVar

N = TypeVar("N", int, float)

SHIFTS_COUNTED = 2  # places in two-shift education
GROWTH_BOUND = 0.05  # the forecast's growth rate, per year, at most ±5 %
LARGE_SCHOOL_PLACES = 300  # national indicators count new schools of over 300 places


def places_two_shift(design_capacity: N) -> N:
    """A school's places in two-shift education: its design places, once per shift."""
    return design_capacity * SHIFTS_COUNTED


def places_short(pupils: N, capacity: N) -> N:
    """The places a school lacks: its pupils above its places in two-shift education (from its
    design ``capacity``), never negative."""
    return max(pupils - places_two_shift(capacity), 0 * pupils)  # 0 of the figures' own type


def places_free(pupils: N, capacity: N) -> N:
    """A school's free places in two-shift education, never negative."""
    return max(places_two_shift(capacity) - pupils, 0 * pupils)


def counts_as_large_school(places: int) -> bool:
    return places > LARGE_SCHOOL_PLACES
