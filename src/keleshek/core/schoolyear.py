"""The school year: one rule for the whole product (ADR 0110).

A school year is named by the calendar year it starts in: 2025 is the school year 2025/26.
A date belongs to the school year whose 1 July is the last one on or before it, so school year
``Y`` runs from 1 July ``Y`` to 30 June ``Y + 1``. Lessons begin on 1 September; July and
August already belong to the year they prepare: a school commissioned in August adds places
for the year that opens on 1 September, uniforms handed out in August are that year's, a
transport plan made in August is for it.

Every computation of "which school year is this date in" and "which dates are in this school
year" goes through this module; nothing else in the product compares months.
"""

from __future__ import annotations

import datetime as dt

FIRST_MONTH = 7  # the school year of a date changes on 1 July
LESSONS_BEGIN = (9, 1)  # 1 September: the first day of lessons


def school_year_of(day: dt.date) -> int:
    """The school year ``day`` belongs to: ``day.year`` from 1 July on, else the year before."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def span(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of school year ``year`` (1 July ``year`` - 30 June next year)."""
    return dt.date(year, FIRST_MONTH, 1), dt.date(year + 1, FIRST_MONTH, 1) - dt.timedelta(days=1)


def lessons_begin(year: int) -> dt.date:
    """1 September of ``year``: lessons begin; a pupil's age in a school year is reckoned on it."""
    return dt.date(year, *LESSONS_BEGIN)
