"""One school-year rule (ADR 0110): 1 July starts the school year; lessons start 1 September."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from keleshek.core.schoolyear import lessons_begin, school_year_of, span


def test_a_date_belongs_to_the_school_year_that_its_summer_prepares() -> None:
    assert school_year_of(dt.date(2025, 6, 30)) == 2024
    assert school_year_of(dt.date(2025, 7, 1)) == 2025
    assert school_year_of(dt.date(2025, 8, 25)) == 2025  # a school opened in August: 2025/26
    assert school_year_of(dt.date(2025, 9, 1)) == 2025
    assert school_year_of(dt.date(2026, 2, 20)) == 2025  # the briefing's date


def test_the_span_of_a_year_is_exactly_its_dates() -> None:
    assert span(2025) == (dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    first, last = span(2023)  # a leap year inside: 2024-02-29
    day = first - dt.timedelta(days=3)
    while day <= last + dt.timedelta(days=3):
        assert (school_year_of(day) == 2023) == (first <= day <= last), day
        day += dt.timedelta(days=1)
    assert span(2024)[0] == span(2023)[1] + dt.timedelta(days=1)


def test_lessons_begin_on_1_september_inside_the_year() -> None:
    assert lessons_begin(2025) == dt.date(2025, 9, 1)
    assert school_year_of(lessons_begin(2025)) == 2025


def test_no_other_module_computes_the_school_year_of_a_date() -> None:
    """The copies that disagreed (1 September in construction, 1 July in indicators and
    reports) are gone: product code compares no months and builds no July/September bounds."""
    src = Path(__file__).resolve().parents[2]
    month_rule = re.compile(
        r"\.month\s*[<>]=?\s*\d"  # d.month >= 7
        r"|date\([^)]*,\s*(7|9)\s*,\s*1\)"  # dt.date(year, 9, 1)
        r"|\}-0[6-9]-(01|30|31)"  # f"{year}-09-01"
    )
    found = []
    for path in src.rglob("*.py"):
        rel = path.relative_to(src).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel.startswith("demo/"):
            continue
        if rel.endswith("/demo.py") or rel == "core/schoolyear.py":
            continue  # demo data dates its records; the rule itself
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if month_rule.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert found == []
