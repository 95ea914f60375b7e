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
    """The cases, with a blank middle name: every input of the derived fields is in the file,
    else the file would go down the streaming path (which reads the stored values)."""
    return [[*r, "middle_name" if i == 0 else ""] for i, r in enumerate(_cases(world))]


def _cases(world) -> list[list[object]]:  # type: ignore[no-untyped-def]
    a = world.school_a.bin
    good = [make_iin(dt.date(2003, 1, d), "M", 7700 + d) for d in range(1, 9)]
    return [
        HEADER,
        [good[0], " Ахметов ", "Алихан", "2003-01-01", "M", a, "5", "651010000", "49.5", "asp"],
        [good[1], "Ёлкин", "Иван", "02.01.2003", "M", a, "5", "651010000", "", ""],
        [good[2], "=Плюс", "Б", "2003-01-03", "M", a, "5", "651010000", "", "asp;orphan"],
        [good[3], "А", "Б", "2003-01-04", "F", a, "5", "651010000", "", ""],  # sex vs IIN
        [good[4], "А", "Б", "2003-01-06", "M", a, "5", "651010000", "", ""],  # date vs IIN
        [good[5], "А", "Б", "2003-02-30", "M", a, "5", "651010000", "", ""],  # impossible
        [good[6], "А", "Б", "2003-01-07", "M", a, "12", "651010000", "", ""],  # grade max
        [good[6], "А", "Б", "2003-01-07", "M", a, "5", "651010000", "", ""],
        [good[7], "А", "Б", "2003-01-08", "M", "990140004654", "5", "651010000", "", ""],
        [good[7][:11] + "0", "А", "Б", "2003-01-08", "M", a, "5", "651010000", "", ""],
        [good[0], "А", "Б", "2003-01-01", "M", a, "5", "651010000", "", ""],  # duplicate
        ["", "А", "", "2003-01-01", "X", a, "x", "65101000", "north", "vip"],
        ["", "А", "Б", "2030-01-01", "M", a, "5", "651010000", "", ""],  # born in the future
    ]


NO_IIN_HEADER = [*HEADER[:3], "middle_name", *HEADER[3:], "uid"]


def _rows_without_iin(world) -> list[list[object]]:  # type: ignore[no-untyped-def]
    """Rows of pupils without an IIN, found by their internal id or new."""
    a = world.school_a.bin
    known = Pupil.objects.create(
        last_name="Старый",
        first_name="Б",
        birth_date=dt.date(2003, 1, 1),
        sex="M",
        school=world.school_a,
        grade=5,
        home_settlement=world.village_a,
    )
    owner = make_iin(dt.date(2003, 1, 9), "M", 7709)
    Pupil.objects.create(
        iin=owner,
        last_name="Владелец",
        first_name="Б",
        birth_date=dt.date(2003, 1, 9),
        sex="M",
        school=world.school_a,
        grade=5,
        home_settlement=world.village_a,
        name_key="владелец б",
    )
    fresh = make_iin(dt.date(2003, 1, 10), "M", 7710)
    u = str(known.uid)
    return [
        NO_IIN_HEADER,
        ["", "Қасымова", "Әлия", "Серікқызы", "2003-01-02", "F", a, "5", "651010000", "", "", ""],
        ["", "Старый", "Б", "", "2003-01-01", "M", a, "6", "651010000", "", "", u.upper()],
        ["", "Старый", "Б", "", "2003-01-01", "M", a, "6", "651010000", "", "", u],  # twice
        [owner, "Чужой", "Б", "", "2003-01-09", "M", a, "5", "651010000", "", "", u],  # taken
        [owner, "Владелец", "Б", "", "2003-01-09", "M", a, "5", "651010000", "", "", ""],
        [fresh, "Новый", "Б", "", "2003-01-10", "M", a, "5", "651010000", "", "", ""],
        [fresh, "Новый", "Б", "", "2003-01-10", "M", a, "5", "651010000", "", "", ""],  # twice
        ["", "Б", "Б", "", "2003-01-03", "M", a, "5", "651010000", "", "", "not-a-uuid"],
    ]


def _run(settings, tmp_path, world, *, fast: bool, dry_run: bool = False) -> ImportRun:  # type: ignore[no-untyped-def]
    settings.KELESHEK = {**settings.KELESHEK, "INTAKE_FAST_PATH_MIN_BYTES": 0 if fast else 1 << 40}
    path = write(tmp_path / "p.csv", csv_bytes(_rows(world), delimiter=";"))
    return import_file(
        registry="pupils", path=path, user=None, partial=True, dry_run=dry_run, language="en"
    )


def _verdicts(run: ImportRun) -> list[tuple]:
    return [(e["row"], e["column"], e["code"]) for e in run.first_errors]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_fast_path_matches_streaming_path(settings, tmp_path, world):
    # Given the verdicts of the streaming path (a dry run: nothing written)
    slow = _run(settings, tmp_path, world, fast=False, dry_run=True)
    # When the fast path writes the same file
    fast = _run(settings, tmp_path, world, fast=True)
    # Then it counts and refuses exactly the same rows
    assert (fast.total, fast.new, fast.invalid) == (slow.total, slow.new, slow.invalid)
    assert _verdicts(fast) == _verdicts(slow)
    # and the streaming path finds every row it wrote identical to what it would write
    check = _run(settings, tmp_path, world, fast=False, dry_run=True)
    assert fast.new > 0
    assert (check.new, check.changed, check.unchanged) == (0, 0, fast.new)
    again = _run(settings, tmp_path, world, fast=True)
    assert (again.new, again.changed, again.unchanged) == (0, 0, fast.new)
    cats = PupilCategory.objects.filter(pupil__school=world.school_a, valid_to__isnull=True)
    assert sorted(cats.values_list("category", flat=True)) == ["asp", "asp", "orphan"]
    assert Pupil.objects.get(last_name="=Плюс").name_key == "плюс б"  # the one rule: letters


def test_fast_path_finds_pupils_without_an_iin_as_the_streaming_path(settings, tmp_path, world):
    # Given a file of pupils without an IIN (new, or known by their internal id), an internal id
    # given twice, an IIN that belongs to another pupil and a malformed id
    rows = _rows_without_iin(world)
    path = write(tmp_path / "n.csv", csv_bytes(rows, delimiter=";"))

    def run(fast: bool, dry_run: bool) -> ImportRun:
        settings.KELESHEK = {
            **settings.KELESHEK,
            "INTAKE_FAST_PATH_MIN_BYTES": 0 if fast else 1 << 40,
        }
        return import_file(
            registry="pupils", path=path, user=None, partial=True, dry_run=dry_run, language="en"
        )

    # When the streaming path previews it and the fast path writes it (on SQLite: the
    # streaming path writes it)
    slow = run(fast=False, dry_run=True)
    fast = run(fast=connection.vendor == "postgresql", dry_run=False)
    # Then both give the same verdicts and counts
    assert (
        _verdicts(fast)
        == _verdicts(slow)
        == [
            (4, "uid", "duplicate"),
            (5, "iin", "key_conflict"),
            (8, "iin", "duplicate"),
            (9, "uid", "uuid"),
        ]
    )
    assert (fast.new, fast.changed, fast.unchanged) == (slow.new, slow.changed, slow.unchanged)
    assert (fast.new, fast.changed, fast.unchanged) == (2, 1, 1)
    # and the new pupil without an IIN is held for review with the one name key
    new = Pupil.objects.get(last_name="Қасымова")
    assert (new.iin, new.needs_review, new.name_key) == (None, True, "касымова алия сериккызы")
    assert Pupil.objects.get(last_name="Старый").grade == 6


def _schema(table: str) -> tuple[list[tuple], list[tuple]]:
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        indexes = sorted(cur.fetchall())
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass",
            [table],
        )
        return indexes, sorted(cur.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_bulk_merge_writes_the_same_and_restores_every_index(
    settings, tmp_path, world, monkeypatch
):
    from keleshek.intake import bulk

    # Given the indexes and constraints of the pupils' tables, and what the usual merge writes
    before = {t: _schema(t) for t in ("support_pupil", "support_pupilcategory")}
    usual = _run(settings, tmp_path, world, fast=True)
    written = sorted(
        Pupil.objects.filter(school=world.school_a).values_list(
            "iin", "last_name", "birth_date", "grade", "name_key", "needs_review"
        )
    )
    cats = sorted(
        PupilCategory.objects.filter(pupil__school=world.school_a).values_list(
            "pupil__iin", "category", "valid_to"
        )
    )
    Pupil.objects.filter(school=world.school_a).delete()
    # When the same file is merged with the indexes set aside (ADR 0044)
    monkeypatch.setattr(bulk, "worth_it", lambda table, rows: True)
    seen: list[dict] = []
    real = bulk.indexes_set_aside

    def spy(table):  # type: ignore[no-untyped-def]
        cm = real(table)

        class Wrap:
            def __enter__(self):  # type: ignore[no-untyped-def]
                aside = cm.__enter__()
                seen.append(aside)
                assert _schema(table)[0] != before[table][0]  # really set aside
                return aside

            def __exit__(self, *exc):  # type: ignore[no-untyped-def]
                return cm.__exit__(*exc)

        return Wrap()

    monkeypatch.setattr(bulk, "indexes_set_aside", spy)
    again = _run(settings, tmp_path, world, fast=True)
    # Then the same rows and categories are written
    assert (again.new, again.invalid) == (usual.new, usual.invalid)
    assert (
        sorted(
            Pupil.objects.filter(school=world.school_a).values_list(
                "iin", "last_name", "birth_date", "grade", "name_key", "needs_review"
            )
        )
        == written
    )
    assert (
        sorted(
            PupilCategory.objects.filter(pupil__school=world.school_a).values_list(
                "pupil__iin", "category", "valid_to"
            )
        )
        == cats
    )
    # and every index and constraint is back, by name and definition
    assert len(seen) == 2
    assert seen[0]["indexes"]
    assert seen[0]["constraints"]
    assert {t: _schema(t) for t in before} == before
    # and a changed file updates in bulk mode too
    rows = _rows(world)
    rows[1][2] = "Алихан-Новый"
    path = write(tmp_path / "p2.csv", csv_bytes(rows, delimiter=";"))
    changed = import_file(registry="pupils", path=path, user=None, partial=True, language="en")
    assert (changed.new, changed.changed) == (0, 1)
    assert Pupil.objects.filter(first_name="Алихан-Новый").count() == 1


def _period_rows(world) -> list[list[object]]:  # type: ignore[no-untyped-def]
    """With every input of the derived fields (a missing one sends the file down the
    streaming path, which reads the stored values)."""
    a = world.school_a.bin
    iins = [make_iin(dt.date(2004, 3, d), "F", 7800 + d) for d in range(1, 4)]
    tail = ["651010000", "", "asp", "", "2026-10-01"]  # no middle name
    return [
        [*HEADER, "middle_name", "categories_valid_from", "categories_valid_to"],
        [iins[0], "А", "Б", "2004-03-01", "F", a, "5", *tail, ""],
        # a period ending before it starts: refused, as on the streaming path
        [iins[1], "А", "Б", "2004-03-02", "F", a, "5", *tail, "2026-09-30"],
        # and together with a birth date the IIN contradicts: both problems, in the same order
        [iins[2], "А", "Б", "2004-03-05", "F", a, "5", *tail, "2026-09-30"],
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_fast_path_checks_and_writes_the_categories_period(settings, tmp_path, world, monkeypatch):
    from keleshek.intake import pgfast

    # Given a file whose categories carry their period, one of them reversed
    path = write(tmp_path / "d.csv", csv_bytes(_period_rows(world), delimiter=";"))
    taken: list[bool] = []
    real = pgfast.run
    monkeypatch.setattr(pgfast, "run", lambda *a: taken.append(True) or real(*a))

    def run(fast: bool, dry_run: bool) -> ImportRun:
        settings.KELESHEK = {
            **settings.KELESHEK,
            "INTAKE_FAST_PATH_MIN_BYTES": 0 if fast else 1 << 40,
        }
        return import_file(
            registry="pupils", path=path, user=None, partial=True, dry_run=dry_run, language="en"
        )

    # When the streaming path previews it and the fast path writes it
    slow = run(fast=False, dry_run=True)
    fast = run(fast=True, dry_run=False)
    assert taken == [True]  # really the fast path
    # Then both refuse the reversed periods with the same verdicts, in the same order
    assert (
        _verdicts(fast)
        == _verdicts(slow)
        == [
            (3, "categories_valid_to", "ends_before_start"),
            (4, "birth_date", "iin_birth_date"),
            (4, "categories_valid_to", "ends_before_start"),
        ]
    )
    # and the category written starts on the day the file gives, not the school year's start
    cat = PupilCategory.objects.get(pupil__birth_date=dt.date(2004, 3, 1))
    assert (cat.valid_from, cat.valid_to, cat.source) == (dt.date(2026, 10, 1), None, "import")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_fast_path_refuses_a_file_with_a_bad_row_and_writes_nothing(
    settings, tmp_path, world, monkeypatch
):
    from keleshek.core.models import AuditEntry

    # Given a file with valid rows and bad ones, on the fast path, not partial
    from keleshek.intake import pgfast

    settings.KELESHEK = {**settings.KELESHEK, "INTAKE_FAST_PATH_MIN_BYTES": 0}
    pupils, cats = Pupil.objects.count(), PupilCategory.objects.count()
    path = write(tmp_path / "p.csv", csv_bytes(_rows(world), delimiter=";"))
    taken: list[bool] = []
    real = pgfast.run
    monkeypatch.setattr(pgfast, "run", lambda *a: taken.append(True) or real(*a))
    # When it is imported
    run = import_file(registry="pupils", path=path, user=None, language="en")
    assert taken == [True]
    # Then it is refused, nothing is written, not even the staged rows' categories
    assert run.status == "refused"
    assert run.invalid > 0
    assert run.new > 0
    assert (Pupil.objects.count(), PupilCategory.objects.count()) == (pupils, cats)
    # and the refusal is recorded and audited
    assert AuditEntry.objects.filter(action="import", object_id=str(run.pk)).exists()
