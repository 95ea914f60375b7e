"""Issue 17: categories imported with the pupils registry are dated from the file's period,
else from the start of the school year (never after the import day) — not from the import
day, so a category imported during the year counts on 1 October, the date eligibility is
judged on (ADR 0157)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from keleshek.intake.registries.children import category_start
from keleshek.intake.services import import_file
from keleshek.support.models import PupilCategory
from keleshek.support.selectors import as_of_for

from .factories import csv_bytes, write

pytestmark = pytest.mark.django_db
IIN = "921029350851"
HEADER = [
    "iin",
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "school",
    "grade",
    "home_settlement",
    "categories",
]


def _row(world: Any, categories: str = "asp") -> list[object]:
    return [
        IIN,
        "Ахметов",
        "Алихан",
        "1992-10-29",
        "M",
        world.school_a.bin,
        "4",
        "651010000",
        categories,
    ]


def _import_on(monkeypatch: Any, tmp_path: Path, day: dt.date, rows: list[list[object]]) -> Any:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    path = write(tmp_path / "pupils.csv", csv_bytes(rows))
    return import_file(registry="pupils", path=path, user=None)


def _counts_for(year: int) -> bool:
    day = as_of_for(year)
    return (
        PupilCategory.objects.filter(pupil__iin=IIN, category="asp", valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .exists()
    )


@pytest.mark.parametrize(
    ("imported_on", "start"),
    [
        (dt.date(2026, 12, 2), dt.date(2026, 9, 1)),  # during the year: from its start
        (dt.date(2026, 10, 2), dt.date(2026, 9, 1)),  # the day after eligibility is judged
        (dt.date(2026, 9, 1), dt.date(2026, 9, 1)),  # the first day of school
        (dt.date(2026, 8, 31), dt.date(2026, 8, 31)),  # before it: not after the import day
        (dt.date(2026, 7, 1), dt.date(2026, 7, 1)),  # the school year's first day (ADR 0110)
        (dt.date(2026, 6, 30), dt.date(2025, 9, 1)),  # the last day of the year before
    ],
)
def test_without_a_period_the_category_starts_with_the_school_year(
    world: Any, tmp_path: Path, monkeypatch: Any, imported_on: dt.date, start: dt.date
) -> None:
    assert category_start(imported_on) == start
    run = _import_on(monkeypatch, tmp_path, imported_on, [HEADER, _row(world)])
    assert run.status == "succeeded", run.first_errors
    cat = PupilCategory.objects.get(pupil__iin=IIN)
    assert (cat.valid_from, cat.valid_to, cat.source) == (start, None, "import")


def test_a_category_imported_in_december_counts_for_the_year(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    _import_on(monkeypatch, tmp_path, dt.date(2026, 12, 2), [HEADER, _row(world)])
    assert _counts_for(2026)  # judged on 1 October 2026: it was dated 1 September
    assert not _counts_for(2025)


def test_the_file_carries_the_period(world: Any, tmp_path: Path, monkeypatch: Any) -> None:
    header = [*HEADER, "categories_valid_from", "categories_valid_to"]
    row = [*_row(world), "2026-10-01", "2027-05-31"]
    run = _import_on(monkeypatch, tmp_path, dt.date(2026, 12, 2), [header, row])
    assert run.status == "succeeded", run.first_errors
    cat = PupilCategory.objects.get(pupil__iin=IIN)
    assert (cat.valid_from, cat.valid_to) == (dt.date(2026, 10, 1), dt.date(2027, 5, 31))
    assert _counts_for(2026)  # from 1 October: counts on 1 October
    # the same file again adds nothing
    _import_on(monkeypatch, tmp_path, dt.date(2026, 12, 3), [header, row])
    assert PupilCategory.objects.filter(pupil__iin=IIN).count() == 1


def test_a_period_from_the_day_after_1_october_does_not_count_that_year(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    header = [*HEADER, "categories_valid_from"]
    row = [*_row(world), "02.10.2026"]
    run = _import_on(monkeypatch, tmp_path, dt.date(2026, 12, 2), [header, row])
    assert run.status == "succeeded", run.first_errors
    assert PupilCategory.objects.get(pupil__iin=IIN).valid_from == dt.date(2026, 10, 2)
    assert not _counts_for(2026)


def test_a_period_ending_before_it_starts_is_refused(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    header = [*HEADER, "categories_valid_from", "categories_valid_to"]
    row = [*_row(world), "2026-09-01", "2026-08-31"]
    run = _import_on(monkeypatch, tmp_path, dt.date(2026, 12, 2), [header, row])
    assert run.status != "succeeded"
    assert [e["code"] for e in run.first_errors] == ["ends_before_start"]
    assert not PupilCategory.objects.exists()


def test_the_export_leaves_the_period_blank_and_imports_back_unchanged(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from keleshek.intake.services import export_to_file

    _import_on(monkeypatch, tmp_path, dt.date(2026, 12, 2), [HEADER, _row(world)])
    dest = tmp_path / "out.csv"
    export_to_file(registry="pupils", user=None, fmt="csv", language="en", dest=dest)
    text = dest.read_text(encoding="utf-8-sig")
    assert "Categories valid from" in text
    run = import_file(registry="pupils", path=dest, user=None)
    assert (run.status, run.changed) == ("succeeded", 0), run.first_errors
    assert PupilCategory.objects.filter(pupil__iin=IIN).count() == 1
