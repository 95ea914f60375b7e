"""Hostile files: each gets a clear error, bounded resources, and the database unchanged."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from keleshek.institutions.models import Enrolment
from keleshek.intake.services import import_file

from .factories import csv_bytes, write

pytestmark = pytest.mark.django_db

HEADER = ["bin", "year", "grade", "sex", "count"]


def _state() -> tuple[int, list[int]]:
    return Enrolment.objects.count(), list(Enrolment.objects.values_list("count", flat=True))


def _xlsx(path: Path, rows: list[list[object]], tweak=None) -> Path:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if tweak:
        tweak(wb, ws)
    wb.save(path)
    return path


def _run(path: Path):  # type: ignore[no-untyped-def]
    before = _state()
    run = import_file(registry="enrolment", path=path, user=None, language="en")
    assert _state() == before
    return run


def _good(world) -> list[object]:  # type: ignore[no-untyped-def]
    return [world.school_a.bin, "2025", "1", "M", "30"]


def test_not_a_zip(world, tmp_path):
    run = _run(write(tmp_path / "fake.xlsx", b"this is not a workbook at all" * 10))
    assert (run.status, run.message) == ("rejected", str(run.message))
    assert "XLSX" in run.message


def test_zip_bomb(world, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 << 20))
    run = _run(path)
    assert run.status == "rejected"
    assert "zip bomb" in run.message


def test_merged_header_cells(world, tmp_path):
    path = _xlsx(
        tmp_path / "m.xlsx", [HEADER, _good(world)], lambda wb, ws: ws.merge_cells("A1:B1")
    )
    run = _run(path)
    assert run.status == "rejected"
    assert "A1:B1" in run.message


def test_hidden_sheets(world, tmp_path):
    def hide(wb, ws):  # type: ignore[no-untyped-def]
        other = wb.create_sheet("secret")
        other.append(HEADER)
        other.sheet_state = "hidden"

    run = _run(_xlsx(tmp_path / "h.xlsx", [HEADER, _good(world)], hide))
    assert run.status == "rejected"
    assert "secret" in run.message


def test_formulas_instead_of_values(world, tmp_path):
    row = _good(world)
    row[4] = "=10+20"
    run = _run(_xlsx(tmp_path / "f.xlsx", [HEADER, row]))
    assert run.status == "rejected"
    assert "E2" in run.message


def test_csv_with_a_nul_byte(world, tmp_path):
    data = csv_bytes([HEADER, _good(world)]) + b"x\x00y,2025,1,M,3\n"
    run = _run(write(tmp_path / "nul.csv", data))
    assert run.status == "rejected"
    assert "NUL" in run.message


def test_ragged_rows(world, tmp_path):
    data = csv_bytes([HEADER, _good(world), [world.school_a.bin, "2025", "2", "M"]])
    run = _run(write(tmp_path / "ragged.csv", data))
    assert run.status == "refused"
    assert [(e["row"], e["code"]) for e in run.first_errors] == [(3, "ragged")]


def test_a_200_mb_single_line(world, tmp_path):
    import resource

    path = tmp_path / "long.csv"
    with path.open("wb") as fh:
        fh.write(b",".join(h.encode() for h in HEADER) + b"\n")
        chunk = b"a" * (1 << 20)
        for _ in range(200):
            fh.write(chunk)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run = _run(path)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert run.status == "rejected"
    assert "line 2" in run.message
    assert rss_after - rss_before < 100 * 1024  # KiB: the line was never held whole


def test_binary_garbage_as_csv(world, tmp_path):
    run = _run(write(tmp_path / "x.csv", bytes(range(1, 256)) * 50))
    assert run.status == "rejected"


def test_unknown_and_missing_columns(world, tmp_path):
    run = _run(write(tmp_path / "u.csv", csv_bytes([[*HEADER, "surprise"], [*_good(world), "1"]])))
    assert run.status == "rejected"
    assert "surprise" in run.message
    run = _run(write(tmp_path / "m.csv", csv_bytes([HEADER[:-1], _good(world)[:-1]])))
    assert run.status == "rejected"
    assert "Pupils" in run.message or "count" in run.message.lower()


def test_error_report_can_be_fixed_and_sent_back(world, tmp_path):
    from openpyxl import load_workbook

    bad = _good(world)
    bad[3] = "X"
    run = import_file(
        registry="enrolment",
        path=write(tmp_path / "e.csv", csv_bytes([HEADER, _good(world), bad])),
        user=None,
        partial=True,
    )
    assert (run.status, run.new, run.invalid) == ("partial", 1, 1)
    wb = load_workbook(run.error_file)
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:5] == (world.school_a.bin, "2025", "1", "X", "30")
    assert ws.cell(row=2, column=4).fill.fgColor.rgb.endswith("FFC7CE")
    # fix the marked cell and send the very same file back
    ws.cell(row=2, column=4).value = "F"
    wb.save(tmp_path / "fixed.xlsx")
    again = import_file(registry="enrolment", path=tmp_path / "fixed.xlsx", user=None)
    assert (again.status, again.new, again.invalid) == ("succeeded", 1, 0)
