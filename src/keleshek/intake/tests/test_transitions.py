"""A project imported as commissioned is commissioned by the construction service (ADR 0126):
the school is created or enlarged, places are added, the overflow of the schools it relieves
moves in, the deficit falls and the indicators are refreshed — as on the web page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum

from keleshek.construction.models import Project
from keleshek.core import hooks
from keleshek.core.models import AuditEntry
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear
from keleshek.institutions.selectors import places_deficit
from keleshek.intake.services import export_to_file, import_file

from .factories import World, csv_bytes, school, write

pytestmark = pytest.mark.django_db

YEAR = 2025
HEADER = [
    "code",
    "kind",
    "name_ru",
    "settlement",
    "stage",
    "places",
    "actual_commissioning",
    "institution",
    "relieves",
]


@pytest.fixture
def crowded(world: World) -> World:
    """School A: 250 places (500 in two-shift education), 700 pupils (200 in the second shift):
    a deficit of 200."""
    InstitutionYear.objects.create(
        institution=world.school_a,
        year=YEAR,
        design_capacity=250,
        pupils_shift1=500,
        pupils_shift2=200,
        shifts=2,
    )
    Enrolment.objects.bulk_create(
        Enrolment(institution=world.school_a, year=YEAR, grade=g, sex=s, count=35)
        for g in range(1, 11)
        for s in ("M", "F")
    )
    return world


def _import(tmp_path: Path, rows: list[list[Any]], **kw: Any) -> Any:
    path = write(tmp_path / "projects.csv", csv_bytes([HEADER, *rows], delimiter=";"))
    return import_file(registry="projects", path=path, user=None, language="en", **kw)


def _places(world: World) -> int:
    qs = InstitutionYear.objects.filter(year=YEAR, institution__settlement__path__startswith="/")
    return int(qs.aggregate(n=Sum("design_capacity"))["n"] or 0)


def test_a_school_imported_as_commissioned_adds_places_and_the_deficit_falls(
    crowded: World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    w = crowded
    refreshed: list[dict[str, Any]] = []
    hooks.subscribe(hooks.RECORDS_CHANGED, lambda **kw: refreshed.append(kw))
    assert places_deficit(YEAR, territory=w.oblast) == 200
    places = _places(w)
    # When a file says a new 300-place school that relieves school A was commissioned
    row = ["zz-300", "new_school", "Новая школа", "651010000", "commissioned", "300"]
    with django_capture_on_commit_callbacks(execute=True):
        run = _import(tmp_path, [[*row, "2025-09-15", "", w.school_a.bin]])
    assert (run.status, run.new, run.invalid) == ("succeeded", 1, 0), run.first_errors
    # Then the construction service commissioned it: a school with 300 places was created,
    # school A's overflow moved in, the deficit fell, and it is all in the audit log
    project = Project.objects.get(code="zz-300")
    assert (project.stage, project.readiness) == ("commissioned", 100)
    assert project.actual_commissioning == dt.date(2025, 9, 15)
    new = project.institution
    assert new is not None
    assert new.kind == Institution.Kind.SCHOOL
    assert (new.design_capacity, new.status) == (300, "operating")
    assert _places(w) == places + 300
    assert InstitutionYear.objects.get(institution=new, year=YEAR).pupils == 300
    assert InstitutionYear.objects.get(institution=w.school_a, year=YEAR).pupils == 400
    assert places_deficit(YEAR, territory=w.oblast) == 0
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.COMMISSION).get()
    assert entry.changes["effects"]["places_added"] == 300
    # and the maintained indicators were told to refresh the places it touched (ADR 0202):
    # the new school and school A, in the project's settlement
    notice = next(kw for kw in refreshed if kw.get("source") == "construction")
    assert set(notice["institutions"]) == {new.pk, w.school_a.pk}
    assert notice["territories"] == [new.settlement_id]


def test_an_extension_imported_as_commissioned_enlarges_its_school(
    crowded: World, tmp_path: Path
) -> None:
    w = crowded
    Project.objects.create(
        code="zz-annex",
        kind="extension",
        name_ru="Пристройка",
        settlement=w.village_a,
        stage="under_construction",
        places=75,
        readiness=80,
        institution=w.school_a,
    )
    # When the stored project comes back in a file as commissioned
    row = ["zz-annex", "extension", "Пристройка", "651010000", "commissioned", "75"]
    run = _import(tmp_path, [[*row, "2025-10-01", w.school_a.bin, ""]])
    # Then it counts as changed and the service added the places to school A
    assert (run.status, run.changed, run.invalid) == ("succeeded", 1, 0), run.first_errors
    assert InstitutionYear.objects.get(institution=w.school_a, year=YEAR).design_capacity == 325
    assert places_deficit(YEAR, territory=w.oblast) == 50  # 700 pupils, 650 in two shifts
    assert Project.objects.get(code="zz-annex").stage == "commissioned"


def test_what_commissioning_fixed_cannot_change_through_a_file(
    crowded: World, tmp_path: Path
) -> None:
    w = crowded
    row = ["zz-300", "new_school", "Новая школа", "651010000", "commissioned", "300"]
    assert _import(tmp_path, [[*row, "2025-09-15", "", w.school_a.bin]]).status == "succeeded"
    deficit, places = places_deficit(YEAR, territory=w.oblast), _places(w)
    # When a later file takes the stage back, or changes the places or the date
    back = ["zz-300", "new_school", "Новая школа", "651010000", "under_construction", "300"]
    bigger = [*row[:5], "900"]
    run = _import(
        tmp_path,
        [
            [*back, "", "", w.school_a.bin],
            [*bigger[:4], "commissioned", "900", "2025-09-15", "", w.school_a.bin],
        ],
        partial=True,
    )
    # Then both rows are refused with a reason and nothing changed
    codes = sorted((e["column"], e["code"]) for e in run.first_errors)
    assert ("stage", "transition_back") in codes
    assert ("places", "frozen") in codes
    assert run.invalid == 2
    assert (places_deficit(YEAR, territory=w.oblast), _places(w)) == (deficit, places)


def test_the_commissioned_project_comes_back_unchanged(crowded: World, tmp_path: Path) -> None:
    w = crowded
    other = school(w.village_b, 9)
    row = ["zz-300", "new_school", "Новая школа", "651010000", "commissioned", "300"]
    assert _import(tmp_path, [[*row, "2025-09-15", "", w.school_a.bin]]).status == "succeeded"
    Project.objects.create(
        code="zz-plan", kind="extension", name_ru="План", settlement=w.village_b, institution=other
    )
    # When the projects are exported and the untouched file imported (the new school has no
    # BIN yet: its cell is blank)
    dest = tmp_path / "export.csv"
    export_to_file(registry="projects", user=None, fmt="csv", language="ru", dest=dest)
    run = import_file(registry="projects", path=dest, user=None)
    # Then nothing changed and nobody was commissioned twice
    assert (run.status, run.new, run.changed, run.invalid) == ("succeeded", 0, 0, 0)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.COMMISSION).count() == 1
    assert Project.objects.get(code="zz-300").institution is not None
