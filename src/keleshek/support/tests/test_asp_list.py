"""Issue 17, point 5: the akimat's АСП list sets and ends the category by itself, shows what
changed, and refuses a file with a bad row (row and reason), writing nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation

from keleshek.core.ids import make_iin
from keleshek.core.models import AuditEntry
from keleshek.support import selectors, services
from keleshek.support.models import Programme, PupilCategory

from . import factories as f

pytestmark = pytest.mark.django_db
LIST_DATE = dt.date(2025, 9, 20)


def csv_bytes(*rows: str, header: str = "ИИН;Дата начала;Дата окончания") -> bytes:
    return ("\ufeff" + "\n".join([header, *rows]) + "\n").encode("utf-8")


def test_the_list_sets_changes_and_ends_the_category(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    officer = f.user("support_officer", territory_=reg.district)
    new, kept, gone, manual = (f.pupil(reg.village_school, g) for g in (3, 6, 7, 8))
    outside = f.pupil(reg.uk_school, 6)  # another territory: neither seen nor ended
    services.asp_list_import(
        data=csv_bytes(
            f"{kept.iin};01.01.2025;30.06.2025",
            f"{gone.iin};2025-01-01;",
        ),
        filename="asp.csv",
        list_date=dt.date(2025, 1, 10),
        user=officer,
    )
    services.category_add(  # typed in from a paper: the list does not end it
        pupil=manual, category="asp", valid_from=dt.date(2025, 1, 1), document="справка"
    )
    services.category_add(
        pupil=outside, category="asp", valid_from=dt.date(2025, 1, 1), document="справка"
    )
    stranger = make_iin(dt.date(2014, 2, 2), "F", 7777)
    data = csv_bytes(
        f"{new.iin};2025-09-01;2026-08-31",
        f"{kept.iin};2025-01-01;2025-12-31",
        f"{stranger};2025-09-01;",
        "",
        f"{outside.iin};2025-09-01;",
    )
    preview = services.asp_list_import(
        data=data, filename="asp.csv", list_date=LIST_DATE, user=officer, dry_run=True
    )
    assert (preview.new, preview.extended, preview.ended, preview.written) == (
        [new.iin],
        [kept.iin],
        [gone.iin],
        False,
    )
    assert sorted(preview.unknown) == sorted([stranger, outside.iin])
    assert not PupilCategory.objects.filter(pupil=new).exists()
    result = services.asp_list_import(
        data=data, filename="asp.csv", list_date=LIST_DATE, user=officer
    )
    assert result.written
    c = PupilCategory.objects.get(pupil=new)
    assert (c.category, c.source, c.valid_from, c.valid_to, c.evidence_date) == (
        "asp",
        "akimat",
        dt.date(2025, 9, 1),
        dt.date(2026, 8, 31),
        LIST_DATE,
    )
    assert PupilCategory.objects.get(pupil=kept).valid_to == dt.date(2025, 12, 31)
    assert PupilCategory.objects.get(pupil=gone).valid_to == dt.date(2025, 9, 19)
    assert PupilCategory.objects.get(pupil=manual).valid_to is None
    assert PupilCategory.objects.get(pupil=outside).valid_to is None
    # the list's children count on 1 October; the ended one does not
    ok = {
        p: {s.programme.code: s.explanation.ok for s in selectors.pupil_programmes(p, year=2025)}[
            "uniform"
        ]
        for p in (new, kept, gone)
    }
    assert ok == {new: True, kept: True, gone: False}
    assert AuditEntry.objects.filter(action="import", summary__contains="1 new").exists()
    # the same list again changes nothing
    again = services.asp_list_import(
        data=data, filename="asp.csv", list_date=LIST_DATE, user=officer
    )
    assert (again.new, again.extended, again.ended) == ([], [], [])


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("123456789012;2025-09-01;", "IIN 123456789012 is not valid"),
        ("{iin};2025-13-01;", "2025-13-01 is not a date"),
        ("{iin};;2025-12-31", "no start date"),
        ("{iin};2025-09-01;2025-08-01", "end date is before the start date"),
        ("{iin};2025-09-01;\n{iin};2025-09-01;", "already in row 3"),
    ],
)
def test_a_bad_row_refuses_the_list_with_row_and_reason(
    reg: f.Region, progs: dict[str, Programme], row: str, reason: str
) -> None:
    officer = f.user("support_officer", territory_=reg.district)
    good = f.pupil(reg.village_school, 3)
    child = f.pupil(reg.village_school, 4)
    data = csv_bytes(f"{good.iin};2025-09-01;", row.format(iin=child.iin))
    with translation.override("en"):
        result = services.asp_list_import(
            data=data, filename="asp.csv", list_date=LIST_DATE, user=officer
        )
    assert not result.written
    assert [e.row for e in result.errors] == [4 if "already" in reason else 3]
    assert reason in result.errors[0].reason
    assert not PupilCategory.objects.exists()


def test_the_list_as_xlsx_and_a_missing_column(reg: f.Region, progs: dict[str, Programme]) -> None:
    from openpyxl import Workbook

    officer = f.user("support_officer", territory_=reg.district)
    child = f.pupil(reg.village_school, 3)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["ЖСН", "Басталуы", "Аяқталуы"])
    ws.append([child.iin, dt.datetime(2025, 9, 1), None])
    buf = io.BytesIO()
    wb.save(buf)
    r = services.asp_list_import(
        data=buf.getvalue(), filename="asp.xlsx", list_date=LIST_DATE, user=officer
    )
    assert r.new == [child.iin]
    bad = services.asp_list_import(
        data=csv_bytes(f"{child.iin}", header="ИИН"),
        filename="asp.csv",
        list_date=LIST_DATE,
        user=officer,
    )
    assert (bad.errors[0].row, bad.written) == (1, False)
    assert "valid_from" in bad.errors[0].reason
