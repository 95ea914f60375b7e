"""The read-only registries: filters, natural keys, pagination bounds, auth policies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .conftest import DIST_A, OBLAST, SETT_A, World, bearer

API = "/api/v1"


def get(client: Client, url: str, **extra: Any) -> Any:
    response = client.get(f"{API}{url}", **extra)
    assert response.status_code == 200, response.content
    return response.json()


def test_territories_filter_by_parent_and_within(client: Client, world: World) -> None:
    children = get(client, f"/territories?parent={OBLAST}")
    assert [t["kato"] for t in children["items"]] == ["991000000", "992000000"]
    assert children["count"] == 2
    within = get(client, f"/territories?within={OBLAST}&level=settlement")
    assert [t["kato"] for t in within["items"]] == ["991010001", "992010001"]
    one = get(client, f"/territories/{SETT_A}")
    assert one["parent_kato"] == DIST_A
    assert one["level"] == "settlement"


def test_unknown_territory_is_404_and_bad_kato_is_422(client: Client, world: World) -> None:
    assert client.get(f"{API}/territories/999999999").status_code == 404
    assert client.get(f"{API}/territories/12345").status_code == 422


def test_population_filters(client: Client, world: World) -> None:
    rows = get(client, f"/population?territory={SETT_A}&age=7")["items"]
    assert [(r["sex"], r["count"]) for r in rows] == [("F", 107), ("M", 107)]


def test_institutions_filters(client: Client, world: World) -> None:
    schools = get(client, f"/institutions?kind=school&district={OBLAST}")
    assert {i["name_ru"] for i in schools["items"]} == {"Школа А", "Школа Б"}
    in_a = get(client, f"/institutions?district={DIST_A}")
    assert {i["name_ru"] for i in in_a["items"]} == {"Школа А", "Колледж"}
    by_bin = get(client, "/institutions?bin=991240777718")["items"]
    assert [i["id"] for i in by_bin] == [world.school_a.pk]
    assert by_bin[0]["settlement_kato"] == SETT_A
    russian = get(client, f"/institutions?language=ru&district={OBLAST}")["items"]
    assert {i["name_ru"] for i in russian} == {"Школа А", "Школа Б"}
    one = get(client, f"/institutions/{world.college.pk}")
    assert one["kind"] == "college"
    assert client.get(f"{API}/institutions?kind=castle").status_code == 422


def test_institution_years_and_labs(client: Client, world: World) -> None:
    years = get(client, f"/institution-years?institution={world.school_a.pk}")["items"]
    assert [(y["year"], y["pupils"]) for y in years] == [(2025, 700)]
    labs = get(client, f"/laboratories?institution={world.college.pk}")["items"]
    assert [lab["name_ru"] for lab in labs] == ["Лаборатория EV"]


def test_offerings_filters(client: Client, world: World) -> None:
    base = f"/offerings?district={OBLAST}"
    assert get(client, base)["count"] == 2
    new = get(client, f"{base}&new=true")["items"]
    assert [o["id"] for o in new] == [world.offering_new.pk]
    assert new[0]["is_new"] is True
    assert new[0]["dual_employer_code"] == "test-allur"
    assert new[0]["specialty_code"] == "T0001"
    assert new[0]["industry_code"] == "test-it"
    old = get(client, f"{base}&new=false")["items"]
    assert [o["id"] for o in old] == [world.offering_old.pk]
    assert [o["id"] for o in get(client, f"{base}&dual=true")["items"]] == [world.offering_new.pk]
    assert get(client, f"{base}&language=ru&level=4&industry=test-it&year=2025")["count"] == 1
    assert get(client, f"{base}&level=6")["count"] == 0


def test_specialties_and_industries(client: Client, world: World) -> None:
    assert get(client, "/specialties/T0001")["industry_code"] == "test-it"
    assert [s["code"] for s in get(client, "/specialties?industry=test-it")["items"]] == ["T0001"]
    assert "test-it" in {i["code"] for i in get(client, "/industries?limit=500")["items"]}


def test_projects_filters(client: Client, world: World) -> None:
    base = f"/projects?district={OBLAST}"
    national = get(client, f"{base}&funding=keleshek_mektebi")["items"]
    assert [p["code"] for p in national] == ["test-school-1"]
    assert national[0]["main_source"] == "keleshek_mektebi"
    assert national[0]["relieves"] == [world.school_b.pk]
    assert {f["source"]: f["share"] for f in national[0]["funding"]} == {
        "keleshek_mektebi": "0.7000",
        "local_budget": "0.3000",
    }
    assert [p["code"] for p in get(client, f"{base}&main_source=local_budget")["items"]] == []
    assert [p["code"] for p in get(client, f"{base}&year=2026")["items"]] == ["test-ground-1"]
    assert [p["code"] for p in get(client, f"{base}&stage=commissioned&school=true")["items"]] == [
        "test-school-1"
    ]
    assert get(client, "/projects/test-school-1")["places"] == 600


def test_articles_only_published(client: Client, world: World) -> None:
    slugs = [a["slug"] for a in get(client, "/articles?tag=тест&limit=500")["items"]]
    assert slugs == ["test-article-0", "test-article-1"]
    assert get(client, "/articles/ru/test-article-0")["title"] == "Статья 0"
    assert client.get(f"{API}/articles/ru/test-article-2").status_code == 404


def test_pagination_bounds(client: Client, world: World) -> None:
    page = get(client, f"/territories?within={OBLAST}&limit=1&offset=1")
    assert page["count"] == 4
    assert [t["kato"] for t in page["items"]] == ["991010001"]
    assert client.get(f"{API}/territories?limit=501").status_code == 422
    assert client.get(f"{API}/territories?limit=0").status_code == 422
    assert client.get(f"{API}/territories?offset=-1").status_code == 422
    assert client.get(f"{API}/territories?offset={10**30}").status_code == 422


@pytest.mark.parametrize(
    "url", ["/enrolment", "/labour-demand", "/agreements", "/international-students"]
)
def test_restricted_registries_need_a_token(client: Client, world: World, url: str) -> None:
    assert client.get(f"{API}{url}").status_code == 401
    assert client.get(f"{API}{url}", **bearer("klsk_nope_wrong")).status_code == 401


def test_public_registry_rejects_a_wrong_token(client: Client, world: World) -> None:
    assert client.get(f"{API}/institutions").status_code == 200
    assert client.get(f"{API}/institutions", **bearer("klsk_nope_wrong")).status_code == 401


def test_restricted_registries_with_token(
    client: Client, world: World, integrator_token: str
) -> None:
    auth = bearer(integrator_token)
    enrolment = get(client, f"/enrolment?district={OBLAST}", **auth)["items"]
    assert sorted(e["count"] for e in enrolment) == [3, 30]
    agreements = get(client, "/agreements?kind=equipment_donation&partner=test-allur", **auth)
    donation = next(a for a in agreements["items"] if a["code"] == "test-donation")
    assert donation["amount_kzt"] == "280000000.00"
    assert donation["partner_codes"] == ["test-allur"]
    assert donation["institution_ids"] == [world.college.pk]
    students = get(client, f"/international-students?institution={world.college.pk}", **auth)
    assert [(s["country"], s["count"]) for s in students["items"]] == [("CN", 50)]
    demand = get(client, "/labour-demand?specialty=T0001", **auth)["items"]
    assert sorted(d["demand"] for d in demand) == [7, 40]


def test_scoped_token_sees_its_district_only(
    client: Client, world: World, district_token: str
) -> None:
    auth = bearer(district_token)
    enrolment = get(client, f"/enrolment?district={OBLAST}", **auth)["items"]
    assert [e["institution_id"] for e in enrolment] == [world.school_a.pk]
    demand = get(client, "/labour-demand?specialty=T0001", **auth)["items"]
    assert [d["territory_kato"] for d in demand] == [DIST_A]


def test_token_of_user_without_role_sees_nothing(client: Client, world: World) -> None:
    from keleshek.api.services import api_token_create

    from .conftest import make_user

    token = api_token_create(owner=make_user("no-role"))[1]
    assert get(client, "/enrolment", **bearer(token)) == {"items": [], "count": 0}


def test_api_refuses_writes(client: Client, world: World) -> None:
    before = client.get(f"{API}/institutions/{world.school_a.pk}").json()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"{API}/institutions/{world.school_a.pk}")
        assert response.status_code == 405
    assert client.get(f"{API}/institutions/{world.school_a.pk}").json() == before
