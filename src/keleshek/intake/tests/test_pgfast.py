"""The PostgreSQL fast path gives the same verdicts and the same data as the streaming path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from keleshek.core.ids import make_iin
from keleshek.intake.models import ImportRun
from keleshek.intake.services import import_file
from keleshek.support.models import Pupil, PupilCategory

from .factories import csv_bytes, write

pytestmark = pytest.mark.django_db

HEADER = [
    "iin",
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "school",
    "grade",
    "home_settlement",
    "home_lat",
    "categories",
]


def _rows(world) -> list[list[object]]:  # type: ignore[no-untyped-def]
    a = world.school_a.bin
    good = [make_iin(dt.date(2014, 1, d), "M", d) for d in range(1, 9)]
    return [
        HEADER,
        [good[0], " Ахметов ", "Алихан", "2014-01-01", "M", a, "5", "651010000", "49.5", "asp"],
        [good[1], "Ёлкин", "Иван", "02.01.2014", "M", a, "5", "651010000", "", ""],
        [good[2], "=Плюс", "Б", "2014-01-03", "M", a, "5", "651010000", "", "asp;orphan"],
        [good[3], "А", "Б", "2014-01-04", "F", a, "5", "651010000", "", ""],  # sex vs IIN
        [good[4], "А", "Б", "2014-01-06", "M", a, "5", "651010000", "", ""],  # date vs IIN
        [good[5], "А", "Б", "2014-02-30", "M", a, "5", "651010000", "", ""],  # impossible
        [good[6], "А", "Б", "2014-01-07", "M", a, "12", "651010000", "", ""],  # grade max
        [good[6], "А", "Б", "2014-01-07", "M", a, "5", "651010000", "", ""],
        [good[7], "А", "Б", "2014-01-08", "M", "990140004654", "5", "651010000", "", ""],
        [good[7][:11] + "0", "А", "Б", "2014-01-08", "M", a, "5", "651010000", "", ""],
        [good[0], "А", "Б", "2014-01-01", "M", a, "5", "651010000", "", ""],  # duplicate
        ["", "А", "", "2014-01-01", "X", a, "x", "65101000", "north", "vip"],
    ]


def _run(settings, tmp_path, world, fast: bool) -> ImportRun:  # type: ignore[no-untyped-def]
    settings.KELESHEK = {**settings.KELESHEK, "INTAKE_FAST_PATH_MIN_BYTES": 0 if fast else 1 << 40}
    path = write(tmp_path / "p.csv", csv_bytes(_rows(world), delimiter=";"))
    return import_file(registry="pupils", path=path, user=None, partial=True, language="en")


def _pupils(world) -> list[tuple]:  # type: ignore[no-untyped-def]
    fields = [
        "iin",
        "last_name",
        "first_name",
        "birth_date",
        "sex",
        "school_id",
        "grade",
        "home_settlement_id",
        "home_lat",
        "name_key",
        "needs_review",
    ]
    return list(Pupil.objects.filter(school=world.school_a).order_by("iin").values_list(*fields))


def _cats(world) -> list[tuple]:  # type: ignore[no-untyped-def]
    qs = PupilCategory.objects.filter(pupil__school=world.school_a)
    return sorted(qs.values_list("pupil__iin", "category"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_fast_path_matches_streaming_path(settings, tmp_path, world):
    slow = _run(settings, tmp_path, world, fast=False)
    slow_data = _pupils(world)
    slow_cats = _cats(world)
    Pupil.objects.filter(school=world.school_a).delete()
    fast = _run(settings, tmp_path, world, fast=True)
    assert (fast.total, fast.new, fast.invalid) == (slow.total, slow.new, slow.invalid)
    assert [(e["row"], e["column"], e["code"]) for e in fast.first_errors] == [
        (e["row"], e["column"], e["code"]) for e in slow.first_errors
    ]
    assert _pupils(world) == slow_data
    assert _cats(world) == slow_cats
    again = _run(settings, tmp_path, world, fast=True)
    assert (again.new, again.changed, again.unchanged) == (0, 0, fast.new)
