"""Intake at the desk (issue 15, point 8): the error workbook marks the wrong cells whatever the
language of the file's headers; a preview refused for errors ends as refused; the upload form
offers only the registries the user's scope can reach."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from keleshek.intake import registries
from keleshek.intake.models import ImportRun
from keleshek.intake.pipeline import can_import
from keleshek.intake.services import import_file
from keleshek.intake.views import UploadForm

from .factories import csv_bytes, user, write

pytestmark = pytest.mark.django_db
RED = "FFC7CE"
KEYS = ["bin", "year", "grade", "sex", "count"]


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_error_workbook_marks_the_bad_cells_of_a_file_in_any_language(world, tmp_path, lang):  # type: ignore[no-untyped-def]
    reg = registries.get("enrolment")
    header = [reg.column(k).header(lang) for k in KEYS]
    good = [world.school_a.bin, "2025", "1", "M", "30"]
    bad = [world.school_a.bin, "2025", "1", "X", "-4"]  # sex and count are wrong
    run = import_file(
        registry="enrolment",
        path=write(tmp_path / "e.csv", csv_bytes([header, good, bad])),
        user=None,
        partial=True,
        language=lang,
    )
    assert (run.status, run.invalid) == ("partial", 1)
    ws = load_workbook(run.error_file).active
    fills = [ws.cell(row=2, column=c).fill.fgColor.rgb for c in range(1, 6)]
    marked = [KEYS[i] for i, rgb in enumerate(fills) if str(rgb).endswith(RED)]
    assert marked == ["sex", "count"]
    assert ws.cell(row=2, column=4).comment is not None
    # the Errors column names the cells by the file's own headers
    errors = str(ws.cell(row=2, column=6).value)
    assert header[3] in errors
    assert header[4] in errors


def test_a_preview_refused_for_errors_ends_as_refused(world, tmp_path):  # type: ignore[no-untyped-def]
    bad = [world.school_a.bin, "2025", "1", "X", "30"]
    run = import_file(
        registry="enrolment",
        path=write(tmp_path / "e.csv", csv_bytes([KEYS, bad])),
        user=None,
        dry_run=True,
    )
    assert run.status == ImportRun.Status.REFUSED
    assert run.error_file
    # a clean preview still waits for confirmation
    good = [world.school_a.bin, "2025", "1", "M", "30"]
    run = import_file(
        registry="enrolment",
        path=write(tmp_path / "g.csv", csv_bytes([KEYS, good])),
        user=None,
        dry_run=True,
    )
    assert run.status == ImportRun.Status.PREVIEWED


def test_the_upload_form_offers_only_what_the_user_may_upload(world):  # type: ignore[no-untyped-def]
    operator = user("op", "institution_operator", institution=world.school_a)
    district = user("do", "district_officer", territory=world.district_a)
    admin = user("adm", "regional_admin")
    offered = {
        u.username: {name for name, _label in UploadForm(user=u).fields["registry"].choices}
        for u in (operator, district, admin)
    }
    # an operator is not offered territories, population, labour demand or projects: every row
    # would be refused for their own settlement
    assert not offered["op"] & {"territory", "population", "labour_demand", "projects"}
    assert {"enrolment", "institution_years", "pupils", "institutions"} <= offered["op"]
    assert {"territory", "population", "enrolment", "pupils"} <= offered["do"]
    assert offered["adm"] == {r.name for r in registries.all_registries()}
    # the same rule refuses the upload itself
    assert not can_import(operator, registries.get("population"))
    assert can_import(operator, registries.get("enrolment"))


def test_the_operators_upload_page(client, world):  # type: ignore[no-untyped-def]
    client.force_login(user("op", "institution_operator", institution=world.school_a))
    page = client.get("/kk/intake/").content.decode()
    assert 'value="population"' not in page
    assert 'value="territory"' not in page
    assert 'value="enrolment"' in page
