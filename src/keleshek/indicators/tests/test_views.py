"""Staff dashboards: scoping, query counts, exports (audited), capacity what-if."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client
from django.urls import reverse

from keleshek.accounts.models import User
from keleshek.construction.models import Project
from keleshek.core.models import AuditEntry
from keleshek.indicators.services import refresh_indicators

from .factories import Region, enrol, population, project, region

pytestmark = pytest.mark.django_db
Y = 2025


@pytest.fixture
def reg() -> Region:
    r = region(Y)
    for g in range(0, 12):
        enrol(r.a, Y, g, 60, 50)
    for age in range(0, 19):
        population(r.town, Y, age, 60, 60)
    project(
        "new-town-school",
        r.town,
        places=250,
        stage=Project.Stage.UNDER_CONSTRUCTION,
        planned=dt.date(2026, 8, 25),
        relieves=[r.a],
    )
    refresh_indicators()
    return r


def _client(role: str, *, territory=None, institution=None, username: str = "u") -> Client:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(
        username=username, password="x", role=role, territory=territory, institution=institution
    )
    c = Client()
    c.force_login(user)
    return c


def test_analyst_drills_from_oblast_to_district_to_school(
    reg: Region,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    c = _client("regional_analyst")
    with django_assert_max_num_queries(14):
        resp = c.get("/en/staff/t/640000000/?year=2025")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "District one" in body
    assert "District two" in body
    assert "<svg" in body
    assert "<desc" in body
    with django_assert_max_num_queries(15):
        resp = c.get("/en/staff/t/641000000/?year=2025&indicator=places_deficit")
    body = resp.content.decode()
    assert "School A" in body
    assert "School D" not in body
    resp = c.get(f"/en/staff/i/{reg.a.pk}/?year=2025")
    assert resp.status_code == 200
    assert "School A" in resp.content.decode()


def test_dashboard_query_count_does_not_grow_with_schools(
    reg: Region,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    from .factories import school

    c = _client("regional_analyst")
    c.get("/en/staff/t/641000000/")  # warm the session
    with django_assert_num_queries(13) as ctx:
        c.get("/en/staff/t/641000000/")
    for i in range(5):
        school(reg.village, f"Extra {i}", year=Y, capacity=10, s1=20)
    refresh_indicators()
    with django_assert_num_queries(len(ctx.captured_queries)):
        resp = c.get("/en/staff/t/641000000/")
    assert "Extra 4" in resp.content.decode()
    # no query touches the base tables
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "institutions_institutionyear" not in tables
    assert "institutions_enrolment" not in tables


def test_district_officer_sees_only_their_district(reg: Region) -> None:
    c = _client("district_officer", territory=reg.d2)
    assert c.get("/en/staff/").status_code == 200
    assert "District two" in c.get("/en/staff/").content.decode()
    assert c.get("/en/staff/t/642000000/").status_code == 200
    assert c.get("/en/staff/t/640000000/").status_code == 403
    assert c.get("/en/staff/t/641000000/").status_code == 403
    assert c.get(f"/en/staff/i/{reg.a.pk}/").status_code == 403
    assert c.get(f"/en/staff/i/{reg.d.pk}/").status_code == 200
    assert c.get("/en/staff/capacity/641000000/").status_code == 403
    before = AuditEntry.objects.count()
    assert c.get("/en/staff/export/places_deficit/641000000.csv").status_code == 403
    assert AuditEntry.objects.count() == before


def test_institution_operator_sees_only_their_institution(reg: Region) -> None:
    c = _client("institution_operator", institution=reg.b)
    resp = c.get("/en/staff/")
    assert resp.status_code == 200
    assert "School B" in resp.content.decode()
    assert c.get(f"/en/staff/i/{reg.a.pk}/").status_code == 403
    assert c.get("/en/staff/t/641000000/").status_code == 403


def test_anonymous_and_roleless_users_are_turned_away(reg: Region) -> None:
    resp = Client().get("/en/staff/")
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"]
    c = _client("")
    assert c.get("/en/staff/").status_code == 403


def test_export_csv_and_xlsx_are_audited(reg: Region) -> None:
    c = _client("regional_analyst")
    before = AuditEntry.objects.filter(action="export").count()
    resp = c.get("/en/staff/export/places_deficit/641000000.csv?year=2025")
    assert resp.status_code == 200
    text = resp.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    # counts are written as integers, never "200.0"
    assert lines[1].startswith("territory,641000000,District one,2025,200,")
    assert any("School A" in line and ",100," in line for line in lines)
    assert ".0," not in text
    resp = c.get("/en/staff/export/places_deficit/641000000.xlsx?year=2025")
    assert resp.status_code == 200
    assert resp.content[:2] == b"PK"
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(resp.content)).active
    first = list(next(ws.iter_rows(min_row=2, max_row=2)))  # type: ignore[union-attr]
    assert [c.value for c in first][3:5] == [2025, 200]  # the year stays a plain year
    assert (first[3].number_format, first[4].number_format) == ("General", "#,##0")
    entries = AuditEntry.objects.filter(action="export").order_by("id")
    assert entries.count() == before + 2
    assert entries.last().changes["format"] == "xlsx"  # type: ignore[union-attr]


def test_breakdown_and_series_exports(reg: Region) -> None:
    c = _client("regional_analyst")
    resp = c.get("/en/staff/t/640000000/?year=2025&indicator=pupils")
    assert "urban / rural" in resp.content.decode()
    resp = c.get("/en/staff/export/pupils/640000000.csv?year=2025&table=dim:area")
    lines = resp.content.decode("utf-8-sig").strip().splitlines()
    assert lines[1:] == [
        "640000000,Test oblast,2025,rural,400,400,",
        "640000000,Test oblast,2025,urban,1600,1600,",
    ]
    resp = c.get("/en/staff/export/pupils/640000000.csv?table=series")
    assert resp.content.decode("utf-8-sig").strip().splitlines()[1:] == [
        "640000000,Test oblast,2025,2000"
    ]


def test_capacity_page_and_what_if_write_nothing(
    reg: Region,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    c = _client("regional_analyst")
    with django_assert_max_num_queries(12):
        resp = c.get("/en/staff/capacity/641000000/?year=2025")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "new-town-school" in body
    from keleshek.indicators import selectors

    plan = selectors.capacity_plan("641000000", 2025)
    by_year = {y.year: y for y in plan.result.years}
    assert by_year[2025].deficit_with == by_year[2025].deficit_without
    assert by_year[2026].deficit_with < by_year[2026].deficit_without
    p = Project.objects.get(code="new-town-school")
    # what-if: not built -> the 2026 deficit stays; never written to the registry
    resp = c.get(f"/en/staff/capacity/641000000/?year=2025&p_{p.pk}=none")
    assert resp.status_code == 200
    p.refresh_from_db()
    assert p.planned_commissioning == dt.date(2026, 8, 25)
    resp = c.get(
        f"/en/staff/capacity/641000000/?year=2025&add_settlement={reg.village.pk}"
        f"&add_places=100&add_year=2025"
    )
    assert "hypothetical" in resp.content.decode()
    assert Project.objects.count() == 1 + Project.objects.exclude(code="new-town-school").count()


@pytest.mark.parametrize(
    ("lang", "places", "said"),
    [
        ("en", "-500", "Places: enter a number from 1 to 5,000"),
        ("ru", "99999999", "Места: введите число от 1 до 5\xa0000"),
        ("kk", "abc", "Орындар: «abc» бүтін сан емес"),
    ],
)
def test_capacity_what_if_refuses_places_out_of_bounds_or_not_numbers(
    reg: Region, lang: str, places: str, said: str
) -> None:
    c = _client("regional_analyst")
    url = f"/{lang}/staff/capacity/641000000/?year=2025&add_settlement={reg.village.pk}"
    resp = c.get(f"{url}&add_places={places}&add_year=2025")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert said in html.unescape(body)
    assert not resp.context["whatif"]  # nothing recalculated with a wrong figure
    # places typed by the locale ("1 500") are read, not refused
    resp = c.get(f"{url}&add_places=1%C2%A0500&add_year=2025")
    assert resp.context["whatif"]
    assert not resp.context["form"].errors


def test_capacity_what_if_takes_years_and_settlements_from_its_lists(reg: Region) -> None:
    c = _client("regional_analyst")
    p = Project.objects.get(code="new-town-school")
    resp = c.get(f"/en/staff/capacity/641000000/?year=2025&p_{p.pk}=1999")
    assert resp.context["form"].errors
    assert not resp.context["whatif"]
    resp = c.get(
        "/en/staff/capacity/641000000/?year=2025&add_settlement=999999&add_places=100&add_year=2025"
    )
    assert resp.context["form"].errors
    assert not resp.context["whatif"]
    resp = c.get("/en/staff/capacity/641000000/?year=2025&add_places=100")
    assert "To add a project, choose its settlement and year" in resp.content.decode()


def test_labour_and_definitions_pages(reg: Region, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "640000000"}
    c = _client("regional_analyst")
    assert c.get("/en/staff/labour/").status_code == 200
    assert "Test oblast" in c.get("/en/staff/").content.decode()
    resp = c.get("/en/staff/indicators/")
    assert resp.status_code == 200
    assert 'id="places_deficit"' in resp.content.decode()  # the code is the row's anchor
    # ...not its text: the formula names the data elements (issue 15: no raw codes on a page)
    assert "<code>" not in resp.content.decode()
    # the column is a name, not a person's name (the support catalogue's "ФИО" took "Name")
    ru = c.get("/ru/staff/indicators/").content.decode()
    assert "Название" in ru
    assert "ФИО" not in ru
    assert reverse("staff:home") == "/ru/staff/" or reverse("staff:home").endswith("/staff/")
