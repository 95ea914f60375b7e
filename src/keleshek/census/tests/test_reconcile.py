"""NOBD and Kündelik in: the mapping as data reads each export's headers and values; a pupil
list is reconciled with the registry (new, changed, missing, conflicting); the form's pupil
figures are filled from it; a passport is compared with the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from keleshek.census import exports, reconcile, services
from keleshek.census.models import Return
from keleshek.support.tests import factories as sf

from . import factories as f

pytestmark = pytest.mark.django_db

NOBD_HEADER = [
    "ИИН",
    "Фамилия",
    "Имя",
    "Отчество",
    "Дата рождения",
    "Пол",
    "Класс",
    "Литер",
    "Язык обучения",
]


def _row(p: object, **over: object) -> list[object]:
    cells = {
        "iin": p.iin,  # type: ignore[attr-defined]
        "last": p.last_name,  # type: ignore[attr-defined]
        "first": p.first_name,  # type: ignore[attr-defined]
        "middle": p.middle_name,  # type: ignore[attr-defined]
        "born": p.birth_date.strftime("%d.%m.%Y"),  # type: ignore[attr-defined]
        "sex": "М" if p.sex == "M" else "Ж",  # type: ignore[attr-defined]
        "grade": str(p.grade),  # type: ignore[attr-defined]
        "letter": "А",
        "lang": "Казахский",
    }
    cells.update(over)
    return list(cells.values())


def test_the_mapping_reads_headers_in_any_case_and_values_by_alias() -> None:
    nobd = exports.load()["nobd_pupils"]
    mapped = nobd.header_map(["иин ", "ТЕГІ", "Аты", "Туған күні", "Жынысы", "Сынып", "x"])
    assert mapped == {
        0: "iin",
        1: "last_name",
        2: "first_name",
        3: "birth_date",
        4: "sex",
        5: "grade",
    }
    assert nobd.value("sex", "Қыз") == "F"
    assert nobd.value("sex", "X") is None
    roster = exports.load()["kundelik_roster"]
    [row] = exports.pupil_rows(
        roster,
        ["ФИО", "Класс", "Дата рождения", "Пол"],
        [(2, ["Ахметов Нурлан Серикович", "5Б", "01.02.2015", "М"])],
    )
    assert (row.last_name, row.first_name, row.middle_name, row.grade, row.letter) == (
        "Ахметов",
        "Нурлан",
        "Серикович",
        5,
        "Б",
    )
    assert row.birth_date == dt.date(2015, 2, 1)


def test_a_pupil_list_is_reconciled_new_changed_missing_conflicting() -> None:
    w = f.world()
    school = w.r.village_school
    same = sf.pupil(school, 3)
    moved_up = sf.pupil(school, 4, last_name="Серікова", sex="F")
    gone = sf.pupil(school, 5, last_name="Ушедший")
    elsewhere = sf.pupil(w.r.uk_school, 2, last_name="Городской")
    newcomer_iin = sf.pupil(school, 1, last_name="Временный")
    iin_new = newcomer_iin.iin
    newcomer_iin.delete()
    rows = [
        (2, _row(same)),
        (3, _row(moved_up, grade="5")),
        (4, _row(elsewhere)),
        (
            5,
            [
                iin_new,
                "Новенький",
                "Ержан",
                "",
                newcomer_iin.birth_date.strftime("%d.%m.%Y"),
                "М",
                "1",
                "Б",
                "Русский",
            ],
        ),
        (6, ["123", "Плохой", "Иин", "", "01.01.2016", "М", "3", "А", "Казахский"]),
    ]
    source = exports.load()["nobd_pupils"]
    report = reconcile.pupils_reconcile(source=source, school=school, header=NOBD_HEADER, rows=rows)
    assert report.unchanged == 1
    assert [c.fields for c in report.changed] == [{"grade": (4, 5)}]
    assert [r.last_name for r in report.new] == ["Новенький"]
    assert [p.pk for p in report.missing] == [gone.pk]
    assert sorted(c.row.line for c in report.conflicting) == [4, 6]
    counts = reconcile.pupil_counts(report.usable)
    assert (counts["pupils_total"], counts["g5_f"], counts["g1_m"]) == ("3", "1", "1")
    assert (counts["lang_kk"], counts["lang_ru"]) == ("2", "1")


def test_the_operator_fills_the_form_from_the_nobd_list_and_sees_the_report() -> None:
    w = f.world()
    school = w.r.village_school
    pupils = [sf.pupil(school, g, sex=s) for g in (1, 2) for s in ("M", "F")]
    lines = [",".join(NOBD_HEADER)] + [",".join(str(c) for c in _row(p)) for p in pupils]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("nobd.csv", "\n".join(lines).encode())
    c = Client()
    c.force_login(w.operator)
    with translation.override("en"):
        url = reverse("census:exports", args=[w.period.pk, school.pk])
    page = c.post(url, {"source": "nobd_pupils", "file": upload, "fill": "1"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reconciliation" in text
    ret = Return.objects.get(period=w.period, institution=school)
    values = {v.element.code: v.value for v in ret.values.select_related("element")}
    assert (values["pupils_total"], values["g1_m"], values["g2_f"], values["lang_kk"]) == (
        "4",
        "1",
        "1",
        "4",
    )
    # A locked form is never filled.
    services.values_save(
        ret=ret, entries={k: services.Entry(v) for k, v in f.good_values().items()}
    )
    services.return_submit(ret=ret, actor=w.operator)
    upload.seek(0)
    c.post(url, {"source": "nobd_pupils", "file": upload, "fill": "1"})
    assert ret.values.get(element__code="pupils_total").value == "120"


def test_a_passport_row_is_compared_with_the_form() -> None:
    w = f.world()
    ret = f.filled(w)
    source = exports.load()["nobd_passport"]
    header = [
        "БИН",
        "Наименование",
        "Проектная мощность",
        "Техническое состояние здания",
        "Отопление",
    ]
    rows = [
        (2, [w.r.village_school.bin, "x", 240.0, "Аварийное", "Котельная"]),
        (3, ["000000000000", "y", 10, "Нормальное", "Печное"]),
        (4, [w.r.uk_school.bin, "z", 10, "Разрушено", "Печное"]),
    ]
    from keleshek.census import selectors

    out = reconcile.passport_reconcile(
        source=source,
        period_returns=Return.objects.filter(period=w.period),
        schools=selectors.operating_schools(),
        header=header,
        rows=rows,
    )
    assert out[0].changed == {"capacity": ("200", "240"), "condition": ("normal", "emergency")}
    assert out[1].school is None
    assert out[1].problem
    assert "condition" in out[2].problem
    assert ret.pk


def test_the_exports_page_with_pupils_names_is_for_the_school_and_the_region_only() -> None:
    w = f.world()
    with translation.override("en"):
        url = reverse("census:exports", args=[w.period.pk, w.r.village_school.pk])
    for user in (w.officer, w.analyst):
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 403
    c = Client()
    c.force_login(w.operator)
    assert c.get(url).status_code == 200
