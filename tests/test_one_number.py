"""One number for one concept (issue 15, point 4; ADR 0146): every page that prints a support
programme's eligible, enrolled or served children — the home page, the coverage page, the
coverage API, the dashboards and the briefing — prints what ``support.figures`` counts, for the
region and for one district."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from keleshek.accounts.models import User
from keleshek.demo.loader import DEMO_YEAR
from keleshek.reports.charts import PROGRAMME_KINDS
from keleshek.support import figures
from keleshek.support.models import Programme, Pupil
from keleshek.territory.models import Territory
from keleshek.territory.selectors import oblast_kato

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

GLUBOKOE = "634000000"  # a district with every kind of programme but city transit


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _expected(kato: str | None) -> dict[str, figures.Counts]:
    pupils = Pupil.objects.all()
    if kato:
        pupils = pupils.filter(school__settlement__path__contains=f"/{kato}/")
    programmes = figures.programmes_of(DEMO_YEAR)
    facts = figures.facts(pupils, year=DEMO_YEAR, programmes=programmes)
    out = {}
    for p in programmes:
        n = figures.flags(p, year=DEMO_YEAR, facts=facts).counts()
        if n.eligible:
            out[p.code] = n
    return out


def _coverage_page(c: Client, code: str) -> tuple[int, int, int]:
    r = c.get("/en/support/coverage/", {"programme": code, "year": DEMO_YEAR})
    assert r.status_code == 200
    t = r.context["report"].total
    return t.eligible, t.enrolled, t.delivered


def _coverage_api(c: Client, code: str) -> tuple[int, int, int]:
    r = c.get("/api/v1/support/coverage", {"programme": code, "year": DEMO_YEAR})
    assert r.status_code == 200, r.content
    t = r.json()["total"]
    return t["eligible"], t["enrolled"], t["delivered"]


def _dashboard(c: Client, kato: str, indicator: str) -> dict[str, float]:
    r = c.get(f"/en/staff/t/{kato}/", {"indicator": indicator, "year": DEMO_YEAR})
    assert r.status_code == 200
    split = {s["dimension"]: s["rows"] for s in r.context["splits"]}
    return {f.key: f.value for _label, f in split.get("programme", [])}


def _briefing_cells(c: Client) -> dict[str, list[Any]]:
    r = c.get("/en/reports/", {"year": DEMO_YEAR})
    assert r.status_code == 200
    (table,) = [t for t in r.context["annex"] if t["key"] == "support"]
    return {"columns": table["columns"], "total": table["total"], "rows": table["rows"]}


def _cell(n: figures.Counts) -> str:
    pct = f"{100 * n.served / n.eligible:.1f}".removesuffix(".0")
    return f"{n.served:,} / {n.eligible:,} ({pct}%)"


def test_every_page_prints_the_same_three_numbers() -> None:
    region = _expected(None)
    district = _expected(GLUBOKOE)
    assert {"uniform", "meals", "rural-transport", "city-transit"} <= set(region)
    assert "city-transit" not in district
    # the demo's own disagreements: 140 children wait for the fund, some transported pupils
    # have no trip recorded yet — so eligible, enrolled and served differ, and must not be mixed
    assert region["uniform"].enrolled < region["uniform"].eligible
    assert region["rural-transport"].served < region["rural-transport"].enrolled
    # free transit never reaches more children than the city has
    uk_pupils = Pupil.objects.filter(school__settlement__path__contains="/631000000/").count()
    assert region["city-transit"].served <= region["city-transit"].eligible <= uk_pupils

    admin = User.objects.create_user("one-number-admin", role="regional_admin")
    officer = User.objects.create_user(
        "one-number-glubokoe",
        role="district_officer",
        territory=Territory.objects.get(kato=GLUBOKOE),
    )
    for user, expected in ((admin, region), (officer, district)):
        c = _client(user)
        for code, n in expected.items():
            want = (n.eligible, n.enrolled, n.served)
            assert _coverage_page(c, code) == want, (user.username, code)
            assert _coverage_api(c, code) == want, (user.username, code)

    c = _client(admin)
    for kato, expected in ((oblast_kato(), region), (GLUBOKOE, district)):
        served = _dashboard(c, kato, "support_recipients")
        coverage = _dashboard(c, kato, "support_coverage")
        for code, n in expected.items():
            assert served.get(code) == n.served, (kato, code)
            assert coverage.get(code) == pytest.approx(100 * n.served / n.eligible), (kato, code)

    home = Client().get("/en/")
    assert home.status_code == 200
    lines = {s.code: s for s in home.context["g"].support}
    for code, n in region.items():
        assert lines[code].recipients == n.served, code
        assert lines[code].coverage == pytest.approx(100 * n.served / n.eligible), code

    briefing = _briefing_cells(c)
    kinds = {p.code: p.kind for p in Programme.objects.all()}
    by_kind: dict[str, figures.Counts] = {}
    glubokoe: dict[str, figures.Counts] = {}
    for code, n in region.items():
        by_kind[kinds[code]] = by_kind.get(kinds[code], figures.Counts()) + n
    for code, n in district.items():
        glubokoe[kinds[code]] = glubokoe.get(kinds[code], figures.Counts()) + n
    for kind, n in by_kind.items():  # the briefing's figures trace to the same children
        r = c.get("/en/reports/trace/support/", {"kind": kind, "year": DEMO_YEAR})
        assert sum(row[2] for row in r.context["table"].rows) == n.served, kind
    columns = briefing["columns"]
    (row,) = [r for r in briefing["rows"] if r[0] == "Glubokoe district"]
    for kind, n in by_kind.items():
        col = columns.index(PROGRAMME_KINDS[kind]["en"])
        assert briefing["total"][col] == _cell(n), kind
        if kind in glubokoe:
            assert row[col] == _cell(glubokoe[kind]), kind


@pytest.mark.parametrize("indicator", ["pupils", "places_deficit", "support_recipients"])
def test_drill_down_tables_add_up_with_levels_apart(indicator: str) -> None:
    """The dashboard's drill-down shows the territories below and the schools in two tables;
    each table's rows sum to the total it prints (a count indicator)."""
    c = _client(User.objects.create_user("drill-admin", role="regional_admin"))
    for kato in (oblast_kato(), GLUBOKOE):
        r = c.get(f"/ru/staff/t/{kato}/", {"indicator": indicator, "year": DEMO_YEAR})
        assert r.status_code == 200
        drill = r.context["drill"]
        total = drill.figure.value
        assert drill.children or drill.institutions
        for rows in (drill.children, drill.institutions):
            if rows:
                assert sum(f.value or 0 for f in rows) == pytest.approx(total), (kato, indicator)
        html = r.content.decode()
        tables = html.split("<table>")
        # no table holds both a territory's link and a school's link
        assert not any("/staff/t/" in t and "/staff/i/" in t for t in tables), kato


def test_territory_labels_without_doubled_words() -> None:
    c = _client(User.objects.create_user("label-admin", role="regional_admin"))
    for lang, doubled in (
        ("ru", ("область область", "район район")),
        ("kk", ("облысы облыс", "ауданы аудан")),
        ("en", ("district district", "region oblast")),
    ):
        for kato in (oblast_kato(), GLUBOKOE):
            html = c.get(f"/{lang}/staff/t/{kato}/", {"year": DEMO_YEAR}).content.decode()
            text = " ".join(html.replace('<small class="muted">', " ").split())
            for d in doubled:
                assert d not in text.lower(), (lang, kato, d)
