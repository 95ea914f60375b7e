"""Which school serves a village's children of a grade: the one rule the demo region is built
by and checked against (ADR 0164). Plain Python, no database: callers pass what they read.

A child goes to a school of its own settlement when one teaches its grade. Otherwise it goes
to the nearest school of its district that teaches the grade, by school bus, if that school is
within ``reach_km``; farther than that, it lives in the boarding house (пришкольный интернат)
of the nearest school of its district that has one and teaches the grade.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

REACH_KM = 25.0  # a school bus's daily reach (straight line); beyond it a child boards
# The share of a settlement's children of a grade's age (grade g: age g + 5) enrolled in it:
# the pre-school class, grades 1-9, grades 10-11 (the others go to colleges or leave). Synthetic.
ENROLMENT_RATE = (0.7, *(0.97,) * 9, 0.66, 0.66)
# The mark of a school with a boarding house in its description (all three languages carry it).
BOARDING_MARK = "интернат"


@dataclass(frozen=True)
class School:
    key: Hashable
    settlement: Hashable
    district: str
    lat: float | None
    lon: float | None
    grade_from: int
    grade_to: int
    boarding: bool = False

    def teaches(self, grade: int) -> bool:
        return self.grade_from <= grade <= self.grade_to


def km(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float:
    """Straight-line km at East Kazakhstan's latitude (a degree of longitude is 0.644 of one of
    latitude there); infinite when a point is unknown."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return math.inf
    return math.dist((lat1, lon1 * 0.644), (lat2, lon2 * 0.644)) * 111.2


def has_boarding(description_ru: str) -> bool:
    return BOARDING_MARK in (description_ru or "")


class Catchment:
    """Schools indexed by district, answering ``serving(settlement, district, lat, lon, grade)``."""

    def __init__(self, schools: Iterable[School], reach_km: float = REACH_KM) -> None:
        self.reach_km = reach_km
        self.by_district: dict[str, list[School]] = {}
        self.local: set[tuple[Hashable, int]] = set()
        for s in sorted(schools, key=lambda s: str(s.key)):
            self.by_district.setdefault(s.district, []).append(s)
            self.local.update((s.settlement, g) for g in range(s.grade_from, s.grade_to + 1))

    def taught_in(self, settlement: Hashable, grade: int) -> bool:
        return (settlement, grade) in self.local

    def serving(
        self, settlement: Hashable, district: str, lat: float | None, lon: float | None, grade: int
    ) -> School | None:
        """The school of another settlement that serves this one's children of ``grade``
        (None when a school of the settlement itself teaches it, or none in the district does)."""
        if self.taught_in(settlement, grade):
            return None
        options: Sequence[School] = [
            s for s in self.by_district.get(district, ()) if s.teaches(grade)
        ]
        if not options:
            return None
        dist = {s.key: km(lat, lon, s.lat, s.lon) for s in options}
        nearest = min(options, key=lambda s: (dist[s.key], str(s.key)))
        if dist[nearest.key] <= self.reach_km:
            return nearest
        boarding = [s for s in options if s.boarding]
        return min(boarding, key=lambda s: (dist[s.key], str(s.key))) if boarding else nearest

    def is_bussed(self, school: School, lat: float | None, lon: float | None) -> bool:
        return km(lat, lon, school.lat, school.lon) <= self.reach_km
