"""A school with 3 pupils and 2 teachers is hidden on every public path, and cannot be recovered
by subtraction from the totals those paths publish (issue 14, point 2; ADR 0139)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from keleshek.core.suppression import hide, hide_cells
from keleshek.institutions.models import Institution

from . import factories as f

pytestmark = pytest.mark.django_db
Y = f.YEAR


def test_hide_adds_one_complement_to_a_lone_small_cell() -> None:
    assert hide({"a": 3, "b": 400, "c": 120}, 5) == {"a", "c"}
    assert hide({"a": 3, "b": 2, "c": 120}, 5) == {"a", "b"}
    assert hide({"a": 0, "b": 400}, 5) == set()
    assert hide({"a": 3, "b": 0}, 5) == {"a"}  # the total is 3: small, hidden by its own rule
    assert hide_cells([300, 2, 0], 302, 5) == ({0, 1}, False)
    assert hide_cells([3, 0, 0], 3, 5) == ({0, 1, 2}, True)


@pytest.fixture
def region(settings) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    settings.KELESHEK = {**settings.KELESHEK, "PUBLIC_SUPPRESS_BELOW": 5}
    t = f.tree()
    kind = Institution.Kind.SCHOOL
    tiny = f.institution(t["village"], kind=kind, bin="940140000385")
    mid = f.institution(t["village"], kind=kind)
    big = f.institution(t["village"], kind=kind)
    city = f.institution(t["city"], kind=kind)
    f.school_year(tiny, Y, 50, 3, teachers_headcount=2)
    f.school_year(mid, Y, 400, 150, pupils_shift2=30, teachers_headcount=14)
    f.school_year(big, Y, 900, 700, teachers_headcount=40)
    f.school_year(city, Y, 1200, 1100, teachers_headcount=60)
    return {"t": t, "tiny": tiny, "mid": mid, "big": big, "city": city}


def _csv(resp: Any) -> list[dict[str, str]]:
    text = b"".join(resp.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _json(resp: Any) -> Any:
    if resp.streaming:
        return json.loads(b"".join(resp.streaming_content))
    return json.loads(resp.content)


def _recoverable(total: int | None, parts: list[int | None]) -> bool:
    """Whether one hidden part follows from the total and the other parts."""
    return total is not None and sum(p is None for p in parts) == 1


def test_the_planted_school_on_every_public_path(client: Client, region: dict[str, Any]) -> None:
    t = region["t"]
    district = t["district"].kato
    # Open data: schools (CSV and JSON)
    schools = {r["name_ru"]: r for r in _csv(client.get("/ru/open-data/schools.csv", {"year": Y}))}
    tiny = schools[region["tiny"].name_ru]
    assert (tiny["pupils"], tiny["teachers"]) == ("", "")
    village = [region[k].name_ru for k in ("tiny", "mid", "big")]
    js = _json(client.get("/en/open-data/schools.json", {"year": Y}))["rows"]
    by_name = {r["name_ru"]: r for r in js}
    assert by_name[region["tiny"].name_ru]["pupils"] is None
    # Open data: districts — the district's total minus its published schools
    districts = {r["kato"]: r for r in _csv(client.get("/ru/open-data/districts.csv", {"year": Y}))}
    total = districts[district]["pupils"]
    parts = [int(schools[n]["pupils"]) if schools[n]["pupils"] else None for n in village]
    assert not _recoverable(int(total) if total else None, parts)
    teachers = [int(schools[n]["teachers"]) if schools[n]["teachers"] else None for n in village]
    assert sum(x is None for x in teachers) != 1
    # The anonymous API
    rows = client.get("/api/v1/institution-years", {"year": Y, "limit": 100}).json()["items"]
    api = {r["institution_id"]: r for r in rows}
    mine = api[region["tiny"].pk]
    assert {
        k: mine[k] for k in ("pupils", "pupils_shift1", "teachers_headcount", "teachers_fte")
    } == {
        "pupils": None,
        "pupils_shift1": None,
        "teachers_headcount": None,
        "teachers_fte": None,
    }
    api_parts = [api[region[k].pk]["pupils"] for k in ("tiny", "mid", "big")]
    assert not _recoverable(int(total) if total else None, api_parts)
    # A row's shifts never give a hidden total away
    for r in rows:
        if r["pupils"] is None:
            assert (r["pupils_shift1"], r["pupils_shift2"], r["pupils_shift3"]) == (None,) * 3
    assert api[region["big"].pk]["pupils"] == 700 or api[region["mid"].pk]["pupils"] == 180
    # The portal: region at a glance and its districts
    html = client.get("/ru/").content.decode()
    assert ">3<" not in html
    # No path shows the planted counts in the clear
    for path in (f"/ru/institutions/{region['tiny'].pk}/", "/ru/open-data/"):
        body = client.get(path).content.decode()
        assert "3 уч" not in body


def test_every_territory_total_is_complemented(region: dict[str, Any]) -> None:
    """A settlement's total (the indicators publish one) minus its other school must not give
    a small school away either: the settlement's other school is hidden with it."""
    from keleshek.institutions.selectors import published_school_counts

    t = region["t"]
    small_city = f.institution(t["city"], kind=Institution.Kind.SCHOOL)
    f.school_year(small_city, Y, 30, 4, teachers_headcount=1)
    published = published_school_counts(Y)
    assert published.of(small_city.pk).pupils is None
    assert published.of(region["city"].pk).pupils is None  # 1,100, hidden as its complement
    assert published.of(region["city"].pk).teachers is None
    assert published.of(region["big"].pk).pupils == 700
