"""The demo's pupils go through the registry's one write path (ADR 0120): what the demo writes
equals what the pupils import makes of the same rows, field by field, on a small world."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from keleshek.intake import registries
from keleshek.intake.services import export_to_file, import_file
from keleshek.support import demo as support_demo
from keleshek.support import services
from keleshek.support.models import Pupil
from keleshek.support.tests import factories as sf

pytestmark = pytest.mark.django_db

YEAR = 2025
COLUMNS = (
    "iin",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "school",
    "grade",
    "home_settlement",
    "home_lat",
    "home_lon",
    "uid",
)
COMPARED = (
    "iin",
    "uid",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "school_id",
    "grade",
    "home_settlement_id",
    "home_lat",
    "home_lon",
    "name_key",
    "needs_review",
)


class _Stop(Exception):
    pass


@pytest.fixture
def small_demo_world(settings: Any, tmp_path: Path) -> sf.Region:
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "990000000"}
    settings.MEDIA_ROOT = tmp_path / "media"
    r = sf.region()
    sf.enrol_counts(r.uk_school, YEAR, 6)
    sf.enrol_counts(r.village_school, YEAR, 4)
    return r


def _generated(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The rows the demo generator hands to the write path, before anything is written."""
    seen: list[dict[str, Any]] = []

    def capture(pupils: list[Pupil], **_kw: Any) -> list[Pupil]:
        seen.extend({f.attname: getattr(p, f.attname) for f in Pupil._meta.fields} for p in pupils)
        raise _Stop

    monkeypatch.setattr(support_demo, "pupils_register", capture)
    with pytest.raises(_Stop):
        support_demo.load(year=YEAR)
    monkeypatch.undo()
    return seen


def _stored() -> dict[Any, tuple[Any, ...]]:
    return {
        row[1]: row
        for row in Pupil.objects.order_by("uid").values_list(*COMPARED)  # type: ignore[misc]
    }


def test_the_demo_pupils_equal_what_the_importer_makes_of_the_same_rows(
    small_demo_world: sf.Region, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    r = small_demo_world
    rows = _generated(monkeypatch)
    # the small world's enrolment, with a few children without an IIN among a larger sample
    assert len(rows) == 24 * 6 + 24 * 4
    assert not Pupil.objects.exists()
    # Given the same rows as a pupils file, in the registry's own headers
    reg = registries.get("pupils")
    bins = {r.uk_school.pk: r.uk_school.bin, r.village_school.pk: r.village_school.bin}
    katos = {t.pk: t.kato for t in (r.village, r.hamlet, r.uk_settlement, r.uk, r.district)}
    path = tmp_path / "demo-pupils.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([reg.column(c).header("en") for c in COLUMNS])
        for row in rows:
            out.writerow(
                [
                    row["iin"] or "",
                    row["last_name"],
                    row["first_name"],
                    row["middle_name"],
                    row["birth_date"].isoformat(),
                    row["sex"],
                    bins[row["school_id"]],
                    row["grade"],
                    katos[row["home_settlement_id"]],
                    "" if row["home_lat"] is None else repr(row["home_lat"]),
                    "" if row["home_lon"] is None else repr(row["home_lon"]),
                    row["uid"],
                ]
            )
    # When the importer writes them
    run = import_file(registry="pupils", path=path, user=None, language="en")
    assert (run.status, run.new, run.invalid) == ("succeeded", len(rows), 0), run.first_errors
    imported = _stored()
    # and, in their place, the demo's write path writes the same rows
    Pupil.objects.all().delete()
    # (the households were rolled back with the stopped demo: not part of the comparison)
    fields = {f.attname for f in Pupil._meta.fields} - {
        "id",
        "created_at",
        "updated_at",
        "household_id",
    }
    services.pupils_register(
        [Pupil(**{k: v for k, v in row.items() if k in fields}) for row in rows],
        summary="parity",
        exclusive=True,
    )
    # Then every pupil is the same, derived fields included
    demo = _stored()
    assert demo == imported
    assert sum(1 for row in demo.values() if row[-1]) >= 1  # some held for review


def test_the_small_demo_loads_and_its_export_comes_back_unchanged(
    small_demo_world: sf.Region, tmp_path: Path
) -> None:
    # Given the demo's pupils and their support loaded on a small world
    support_demo.load(year=YEAR)
    assert Pupil.objects.filter(is_synthetic=True).count() == 24 * 10
    assert Pupil.objects.filter(household__isnull=False).exists()
    # When their export is imported back
    dest = tmp_path / "pupils.csv"
    export_to_file(registry="pupils", user=None, fmt="csv", language="ru", dest=dest)
    run = import_file(registry="pupils", path=dest, user=None)
    # Then the importer finds every pupil as the demo wrote it
    assert run.invalid == 0, run.first_errors[:3]
    assert (run.status, run.new, run.changed, run.unchanged) == ("succeeded", 0, 0, 240)
