"""The transport API on the demo region: a district's plans and a plan's routes, for the
user's own districts only, never with a pupil's name or id."""

from __future__ import annotations

import json
from typing import Any

import pytest

from keleshek.accounts.models import User
from keleshek.api.services import api_token_create
from keleshek.support.models import Pupil
from keleshek.territory.models import Territory
from keleshek.transport.models import Plan, Route

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


def _bearer(username: str) -> dict[str, str]:
    _row, token = api_token_create(owner=User.objects.get(username=username))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _coordinator() -> User:
    return User.objects.get(username="transport")


def _district() -> Territory:
    district = _coordinator().territory
    assert district is not None
    return district


def _other_district() -> Territory:
    other = (
        Territory.objects.filter(level="district", kato__startswith="63", valid_to=None)
        .exclude(pk=_district().pk)
        .filter(pk__in=Plan.objects.values("territory"))
        .first()
    )
    assert other is not None
    return other


def test_the_coordinator_reads_the_plans_of_their_district(client: Any) -> None:
    district = _district()
    plan = Plan.objects.get(territory=district, is_current=True)
    answer = client.get(
        f"/api/v1/transport/districts/{district.kato}/plans", **_bearer("transport")
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == Plan.objects.filter(territory=district).count()
    first = body["items"][0]
    assert first["id"] == plan.pk
    assert first["is_current"] is True
    assert first["district_kato"] == district.kato
    assert first["buses"] == plan.buses
    assert first["distance_km"] == plan.distance_km
    assert first["longest_ride_min"] == plan.longest_ride_min
    assert first["pupils_served"] == plan.pupils_served
    assert first["pupils_needing"] == plan.pupils_total
    assert sum(first["unserved_by_reason"].values()) == len(plan.unserved)
    assert first["feasibility_problems"] == 0


def test_a_plans_routes_give_stops_times_and_loads_and_no_pupil(client: Any) -> None:
    district = _district()
    plan = Plan.objects.get(territory=district, is_current=True)
    answer = client.get(f"/api/v1/transport/plans/{plan.pk}", **_bearer("transport"))
    assert answer.status_code == 200
    body = answer.json()
    routes = list(Route.objects.filter(plan=plan).order_by("number"))
    assert [r["number"] for r in body["routes"]] == [r.number for r in routes]
    assert body["buses"] == plan.buses == len(routes)
    boarded = sum(v["boarded"] for r in body["routes"] for t in r["trips"] for v in t["stops"])
    assert boarded == plan.pupils_served
    for route in body["routes"]:
        for trip in route["trips"]:
            loads = [v["load"] for v in trip["stops"]]
            assert loads == sorted(loads)
            assert loads[-1] == trip["load"]
            assert all(len(v["arrival"]) == 5 and v["arrival"][2] == ":" for v in trip["stops"])
    # Stops carry exactly these fields (no pupil ids), and no rider's name appears.
    keys = {"stop_id", "stop_name", "lon", "lat", "arrival", "boarded", "load", "to_school_id"}
    assert all(set(v) == keys for r in body["routes"] for t in r["trips"] for v in t["stops"])
    assert "unserved" not in body
    text = json.dumps(body, ensure_ascii=False)
    riders = Pupil.objects.filter(rider__school__settlement__path__startswith=district.path)
    names = [p.last_name for p in riders[:50]]
    assert names
    assert not [n for n in names if n in text]


def test_a_plans_routes_carry_the_runs_home(client: Any) -> None:
    """After the last lesson: per bus the runs from school to stops, emptying as it goes;
    pupils taken home and those not, by reason, as stored."""
    district = _district()
    plan = Plan.objects.get(territory=district, is_current=True)
    answer = client.get(f"/api/v1/transport/plans/{plan.pk}", **_bearer("transport"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["pupils_home"] == plan.pupils_home
    assert body["afternoon_distance_km"] == plan.afternoon_km
    assert sum(body["not_home_by_reason"].values()) == len(plan.afternoon_unserved)
    trips = [t for r in body["routes"] for t in r["afternoon"]]
    assert trips, "the demo plans carry the pupils home"
    assert sum(v["alighted"] for t in trips for v in t["stops"]) == plan.pupils_home
    for trip in trips:
        assert trip["boarding"] <= trip["departure"]
        loads = [v["load"] for v in trip["stops"]]
        assert loads == sorted(loads, reverse=True)
        assert loads[-1] == 0
        assert trip["load"] == sum(v["alighted"] for v in trip["stops"])
        times = [v["arrival"] for v in trip["stops"]]
        assert times == sorted(times)
        assert trip["departure"] <= times[0]
    keys = {"stop_id", "stop_name", "lon", "lat", "arrival", "alighted", "load", "from_school_id"}
    assert all(set(v) == keys for t in trips for v in t["stops"])
    stored = Route.objects.get(plan=plan, number=body["routes"][0]["number"])
    assert body["routes"][0]["afternoon_distance_km"] == stored.afternoon_km


def test_another_districts_plans_are_not_found_for_a_district_user(client: Any) -> None:
    other = _other_district()
    plan = Plan.objects.filter(territory=other).first()
    assert plan is not None
    headers = _bearer("transport")
    answer = client.get(f"/api/v1/transport/districts/{other.kato}/plans", **headers)
    assert answer.status_code == 404
    assert client.get(f"/api/v1/transport/plans/{plan.pk}", **headers).status_code == 404
    # A regional analyst sees it.
    analyst = _bearer("analyst")
    answer = client.get(f"/api/v1/transport/plans/{plan.pk}", **analyst)
    assert answer.status_code == 200


def test_anonymous_and_bad_tokens_are_refused(client: Any) -> None:
    district = _district()
    plan = Plan.objects.get(territory=district, is_current=True)
    for url in (
        f"/api/v1/transport/districts/{district.kato}/plans",
        f"/api/v1/transport/plans/{plan.pk}",
    ):
        assert client.get(url).status_code == 401
        assert client.get(url, HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_roles_without_transport_are_refused_and_nothing_changes(client: Any) -> None:
    district = _district()
    plan = Plan.objects.get(territory=district, is_current=True)
    before = (Plan.objects.count(), Route.objects.count())
    answer = client.get(f"/api/v1/transport/plans/{plan.pk}", **_bearer("support"))
    assert answer.status_code == 403
    assert (Plan.objects.count(), Route.objects.count()) == before


def test_session_users_are_served_too(client: Any) -> None:
    client.force_login(_coordinator())
    answer = client.get(f"/api/v1/transport/districts/{_district().kato}/plans")
    assert answer.status_code == 200


def test_query_counts_are_pinned(client: Any, django_assert_num_queries: Any) -> None:
    district = _district()
    plan = Plan.objects.get(territory=district, is_current=True)
    headers = _bearer("transport")
    client.get(f"/api/v1/transport/plans/{plan.pk}", **headers)  # last_used_at is written once
    # token, district, count, page of plans
    with django_assert_num_queries(4):
        answer = client.get(f"/api/v1/transport/districts/{district.kato}/plans", **headers)
    assert answer.status_code == 200
    # token, plan (with its district, scoped), routes with their vehicles
    with django_assert_num_queries(3):
        answer = client.get(f"/api/v1/transport/plans/{plan.pk}", **headers)
    assert answer.status_code == 200
    assert len(answer.json()["routes"]) == plan.buses
