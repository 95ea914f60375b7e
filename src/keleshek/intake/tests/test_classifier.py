"""``keleshek import territory`` reads the statistics bureau's KATO spreadsheet as published
(columns te, ab, cd, ef, hij, k, kaz_name, rus_name, nn; codes as numbers), and the territory
registry refuses a child code that does not carry its parent's significant digits."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from keleshek.intake.services import import_file
from keleshek.territory.models import Territory

from .factories import csv_bytes, write

pytestmark = pytest.mark.django_db

HEADER = ["te", "ab", "cd", "ef", "hij", "k", "kaz_name", "rus_name", "nn"]
SAMPLE = [
    # codes as the sheet stores them: numbers, groups split out
    (
        630000000,
        "63",
        "00",
        "00",
        "000",
        0,
        "Шығыс Қазақстан облысы",
        "Восточно-Казахстанская область",
        1,
    ),
    (631000000, "63", "10", "00", "000", 0, "Өскемен Қ.Ә.", "Усть-Каменогорск Г.А.", 2),
    (631010000, "63", "10", "10", "000", 0, "Өскемен қ.", "г.Усть-Каменогорск", 3),
    (635500000, "63", "55", "00", "000", 0, "Марқакөл ауданы", "Маркакольский район", 4),
    (
        635520000,
        "63",
        "55",
        "20",
        "000",
        0,
        "Теректі ауылдық округі",
        "Теректинский сельский округ",
        5,
    ),
    (635520100, "63", "55", "20", "100", 0, "Теректі а.", "с.Теректы", 6),
    (636300000, "63", "63", "00", "000", 0, "Үлкен Нарын ауданы", "Улкен Нарынский район", 7),
]


def _xlsx(path: Path, rows: list[tuple[object, ...]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_the_published_spreadsheet_builds_the_tree(tmp_path, capsys):
    path = _xlsx(tmp_path / "KATO_ru.xlsx", SAMPLE)
    call_command("import", "territory", str(path), "--quiet")
    t = {u.kato: u for u in Territory.objects.all()}
    assert set(t) == {str(r[0]) for r in SAMPLE}
    assert [(k, t[k].level, t[k].parent.kato if t[k].parent else None) for k in sorted(t)] == [
        ("630000000", "oblast", None),
        ("631000000", "city", "630000000"),
        ("631010000", "settlement", "631000000"),
        ("635500000", "district", "630000000"),
        ("635520000", "rural_okrug", "635500000"),
        ("635520100", "settlement", "635520000"),
        ("636300000", "district", "630000000"),
    ]
    assert t["635520100"].path == "/630000000/635500000/635520000/635520100/"
    assert (t["635520100"].name_ru, t["635520100"].name_kk) == ("с.Теректы", "Теректі а.")
    assert t["631010000"].is_urban
    assert not t["635520100"].is_urban
    # the same sheet again changes nothing
    again = import_file(registry="territory", path=path, user=None)
    assert (again.new, again.changed, again.unchanged) == (0, 0, len(SAMPLE))


def test_a_classifier_update_keeps_what_the_sheet_does_not_say(tmp_path):
    path = _xlsx(tmp_path / "KATO.xlsx", SAMPLE[:4])
    import_file(registry="territory", path=path, user=None)
    markakol = Territory.objects.get(kato="635500000")
    Territory.objects.filter(pk=markakol.pk).update(lat=48.96, lon=85.57)
    renamed = [(*SAMPLE[3][:7], "Маркакольский район (нов.)", 4)]
    run = import_file(registry="territory", path=_xlsx(tmp_path / "b.xlsx", renamed), user=None)
    assert (run.status, run.changed) == ("succeeded", 1)
    markakol.refresh_from_db()
    assert (markakol.name_ru, markakol.lat, markakol.parent.kato) == (
        "Маркакольский район (нов.)",
        48.96,
        "630000000",
    )


def test_a_bad_code_in_the_sheet_writes_nothing(tmp_path):
    rows = [*SAMPLE[:3], ("63551010", "63", "55", "10", "10", 0, "x", "x", 9)]
    run = import_file(registry="territory", path=_xlsx(tmp_path / "bad.xlsx", rows), user=None)
    assert run.status == "refused"
    assert run.invalid == 1
    assert not Territory.objects.exists()


def test_the_registry_refuses_a_child_outside_its_parents_digits(tmp_path):
    rows = [
        ["kato", "parent", "level", "name_ru"],
        ["630000000", "", "oblast", "ВКО"],
        ["635500000", "630000000", "district", "Маркакольский район"],
        ["637210000", "635500000", "rural_okrug", "Теректинский с.о."],
    ]
    path = write(tmp_path / "territory.csv", csv_bytes(rows))
    with translation.override("ru"):
        run = import_file(registry="territory", path=path, user=None, language="ru")
    assert run.status == "refused"
    assert not Territory.objects.exists()
    assert [e["code"] for e in run.first_errors] == ["kato_parent"]
    assert run.first_errors[0]["params"] == {"prefix": "6355", "parent": "635500000"}
