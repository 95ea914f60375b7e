"""Importing files: validation at the door, all-or-nothing, --partial, idempotency, records."""

from __future__ import annotations

from pathlib import Path

import pytest

from keleshek.core.models import AuditEntry
from keleshek.institutions.models import Enrolment, Institution
from keleshek.intake.models import ImportRun
from keleshek.intake.services import import_file
from keleshek.territory.models import Territory

from .factories import bin_for, csv_bytes, write

pytestmark = pytest.mark.django_db


def _import(tmp_path: Path, registry: str, rows: list[list[object]], **kw: object) -> ImportRun:
    path = write(tmp_path / f"{registry}.csv", csv_bytes(rows))
    return import_file(registry=registry, path=path, user=None, **kw)  # type: ignore[arg-type]


def test_new_then_same_file_again_changes_nothing(world, tmp_path):
    # Given a file with two new schools
    rows = [
        ["bin", "kind", "name_ru", "settlement", "languages", "design_capacity"],
        [bin_for(11), "school", "Новая 1", "651010000", "kk;ru", "900"],
        [bin_for(12), "school", "Новая 2", "652010000", "ru", "300"],
    ]
    # When it is imported twice
    first = _import(tmp_path, "institutions", rows)
    before = list(Institution.objects.order_by("pk").values())
    second = _import(tmp_path, "institutions", rows)
    # Then the first adds them and the second changes nothing
    assert (first.status, first.new, first.changed, first.unchanged) == ("succeeded", 2, 0, 0)
    assert (second.status, second.new, second.changed, second.unchanged) == ("succeeded", 0, 0, 2)
    assert list(Institution.objects.order_by("pk").values()) == before
    school = Institution.objects.get(bin=bin_for(11))
    assert school.languages == ["kk", "ru"]
    assert school.settlement == world.village_a
    assert school.description_ru == ""


def test_changed_rows_are_counted_and_updated(world, tmp_path):
    rows = [
        ["bin", "kind", "name_ru", "settlement", "design_capacity"],
        [world.school_a.bin, "school", "Переименована", "651010000", "777"],
    ]
    run = _import(tmp_path, "institutions", rows)
    assert (run.new, run.changed, run.unchanged) == (0, 1, 0)
    world.school_a.refresh_from_db()
    assert (world.school_a.name_ru, world.school_a.design_capacity) == ("Переименована", 777)


def test_one_bad_row_writes_nothing_and_is_reported(world, tmp_path):
    rows = [
        ["bin", "year", "grade", "sex", "count"],
        [world.school_a.bin, "2025", "1", "M", "30"],
        [world.school_a.bin, "2025", "1", "X", "31"],
    ]
    run = _import(tmp_path, "enrolment", rows)
    assert run.status == "refused"
    assert (run.total, run.invalid) == (2, 1)
    assert Enrolment.objects.filter(institution=world.school_a).count() == 0
    assert run.first_errors[0]["row"] == 3
    assert run.first_errors[0]["column"] == "sex"
    assert run.first_errors[0]["code"] == "choice"
    assert Path(run.error_file).is_file()


def test_partial_writes_the_valid_rows(world, tmp_path):
    rows = [
        ["bin", "year", "grade", "sex", "count"],
        [world.school_a.bin, "2025", "1", "M", "30"],
        [world.school_a.bin, "2025", "1", "X", "31"],
    ]
    run = _import(tmp_path, "enrolment", rows, partial=True)
    assert run.status == "partial"
    assert (run.new, run.invalid) == (1, 1)
    assert Enrolment.objects.get(institution=world.school_a).count == 30


def test_dry_run_counts_but_writes_nothing(world, tmp_path):
    rows = [["bin", "year", "grade", "sex", "count"], [world.school_a.bin, "2025", "2", "F", "9"]]
    run = _import(tmp_path, "enrolment", rows, dry_run=True)
    assert (run.status, run.new) == ("previewed", 1)
    assert not Enrolment.objects.filter(institution=world.school_a).exists()


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        (["940140000386", "2025", "1", "M", "3"], "bin", "bin_check_digit"),
        (["94014000038", "2025", "1", "M", "3"], "bin", "bin_format"),
        (["990140004654", "2025", "1", "M", "3"], "bin", "unknown_ref"),
        (["{a}", "20x5", "1", "M", "3"], "year", "integer"),
        (["{a}", "2025", "1", "M", ""], "count", "required"),
        (["{a}", "2025", "1", "M", "-3"], "count", "min"),
    ],
)
def test_validation_errors(world, tmp_path, row, column, code):
    row = [c.replace("{a}", world.school_a.bin) for c in row]
    run = _import(tmp_path, "enrolment", [["bin", "year", "grade", "sex", "count"], row])
    assert run.status == "refused"
    assert [(e["column"], e["code"]) for e in run.first_errors] == [(column, code)]
    assert not Enrolment.objects.filter(institution=world.school_a).exists()


def test_duplicates_inside_the_file(world, tmp_path):
    rows = [
        ["bin", "year", "grade", "sex", "count"],
        [world.school_a.bin, "2025", "1", "M", "30"],
        [world.school_a.bin, "2025", "1", "M", "31"],
    ]
    run = _import(tmp_path, "enrolment", rows)
    assert [(e["row"], e["code"], e["params"]["row"]) for e in run.first_errors] == [
        (3, "duplicate", "2")
    ]


def test_impossible_dates_and_iin_checks(world, tmp_path):
    rows = [
        [
            "iin",
            "last_name",
            "first_name",
            "birth_date",
            "sex",
            "school",
            "grade",
            "home_settlement",
        ],
        ["150301500019", "А", "Б", "2015-02-30", "M", world.school_a.bin, "4", "651010000"],
        ["921029350852", "А", "Б", "1992-10-29", "M", world.school_a.bin, "4", "651010000"],
        ["921529350859", "А", "Б", "1992-10-29", "M", world.school_a.bin, "4", "651010000"],
        ["921029350851", "А", "Б", "1992-10-28", "M", world.school_a.bin, "4", "651010000"],
        ["921029350851", "А", "Б", "1992-10-29", "F", world.school_a.bin, "4", "651010000"],
        ["921029350851", "А", "Б", "1992-10-29", "M", world.school_a.bin, "4", "659999999"],
    ]
    run = _import(tmp_path, "pupils", rows)
    codes = [(e["row"], e["code"]) for e in run.first_errors]
    assert codes == [
        (2, "impossible_date"),
        (3, "iin_check_digit"),
        (4, "iin_date"),
        (5, "iin_birth_date"),
        (6, "iin_sex"),
        (7, "unknown_ref"),
    ]


def test_pupils_with_categories(world, tmp_path):
    from keleshek.support.models import Pupil, PupilCategory

    header = [
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
    row = [
        "921029350851",
        "Ахметов",
        "Алихан",
        "1992-10-29",
        "M",
        world.school_a.bin,
        "4",
        "651010000",
        "asp;large_family",
    ]
    run = _import(tmp_path, "pupils", [header, row])
    assert (run.status, run.new) == ("succeeded", 1)
    pupil = Pupil.objects.get(iin="921029350851")
    assert pupil.name_key == "ахметов алихан"
    assert sorted(PupilCategory.objects.filter(pupil=pupil).values_list("category", flat=True)) == [
        "asp",
        "large_family",
    ]
    # a category removed from the file is closed, not deleted
    row[-1] = "asp"
    again = _import(tmp_path, "pupils", [header, row])
    assert again.unchanged == 1
    active = PupilCategory.objects.filter(pupil=pupil, valid_to__isnull=True)
    assert list(active.values_list("category", flat=True)) == ["asp"]
    assert PupilCategory.objects.filter(pupil=pupil).count() == 2


def test_headers_in_any_language_and_semicolons_and_cp1251(world, tmp_path):
    rows = [
        ["Код КАТО", "Год", "Жасы", "Sex (M/F)", "Численность"],
        ["651010000", "2025", "7", "F", "120"],
    ]
    path = write(tmp_path / "p.csv", csv_bytes(rows, delimiter=";", encoding="cp1251"))
    run = import_file(registry="population", path=path, user=None)
    assert (run.status, run.new) == ("succeeded", 1)


def test_utf8_bom(world, tmp_path):
    data = b"\xef\xbb\xbf" + csv_bytes(
        [["kato", "year", "age", "sex", "count"], ["651010000", "2025", "8", "M", "5"]]
    )
    run = import_file(registry="population", path=write(tmp_path / "p.csv", data), user=None)
    assert (run.status, run.new) == ("succeeded", 1)


def test_territory_parent_earlier_in_the_file(world, tmp_path):
    rows = [
        ["kato", "parent", "level", "name_ru"],
        ["653000000", "650000000", "district", "Новый район"],
        ["653010000", "653000000", "settlement", "Новое село"],
    ]
    run = _import(tmp_path, "territory", rows)
    assert (run.status, run.new) == ("succeeded", 2)
    village = Territory.objects.get(kato="653010000")
    assert village.parent.kato == "653000000"
    assert village.path == "/650000000/653000000/653010000/"
    bad = _import(tmp_path, "territory", [rows[0], ["654010000", "654000000", "settlement", "X"]])
    assert [e["code"] for e in bad.first_errors] == ["parent_order"]


def test_every_import_is_recorded_and_audited(world, tmp_path):
    rows = [["kato", "year", "age", "sex", "count"], ["651010000", "2025", "9", "M", "5"]]
    before = AuditEntry.objects.filter(action="import").count()
    run = _import(tmp_path, "population", rows, file_name="pop.csv")
    assert run.pk
    assert run.sha256
    assert len(run.sha256) == 64
    assert run.file_name == "pop.csv"
    entry = AuditEntry.objects.filter(action="import").order_by("-id").first()
    assert AuditEntry.objects.filter(action="import").count() == before + 1
    assert entry.object_id == str(run.pk)
    assert entry.changes["new"] == 1
    assert entry.changes["sha256"] == run.sha256


def test_export_import_round_trip_keeps_formula_like_text(world, tmp_path):
    from keleshek.intake.services import export_to_file

    world.school_a.name_ru = '=HYPERLINK("x")'
    world.school_a.address = "-5 улица"
    world.school_a.save()
    for fmt in ("csv", "xlsx"):
        dest = tmp_path / f"out.{fmt}"
        export_to_file(registry="institutions", user=None, fmt=fmt, language="ru", dest=dest)
        if fmt == "csv":
            assert "'=HYPERLINK" in dest.read_text(encoding="utf-8-sig")
        run = import_file(registry="institutions", path=dest, user=None)
        assert (run.status, run.new, run.changed) == ("succeeded", 0, 0), run.first_errors
        world.school_a.refresh_from_db()
        assert world.school_a.name_ru == '=HYPERLINK("x")'
