"""A shared trip (ADR 0066) as the coordinator and the programme see it: stored with the
school it passes first, on the plan page and the route sheets, in the API, and in each
pupil's transport assignment (the arrival at their own school). And the switch on the
optimise form that allows or forbids shared trips."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.utils import translation

from keleshek.accounts.models import User
from keleshek.api.services import api_token_create
from keleshek.institutions.models import Institution
from keleshek.routing import afternoon, solver
from keleshek.routing.model import BusPlan
from keleshek.routing.model import Plan as RoutePlan
from keleshek.support.models import Delivery
from keleshek.territory.models import Territory
from keleshek.transport import services
from keleshek.transport.models import Plan
from keleshek.transport.services import plans

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


def _coordinator(client: Any) -> Territory:
    user = User.objects.get(username="transport")
    client.force_login(user)
    assert user.territory is not None
    return user.territory


def _stored_shared_plan(district: Territory) -> tuple[Plan, Any, Any]:
    """A plan of one bus whose one trip carries a stop's pupils of each of the district's two
    nearest schools (built with the solver's own trip builder), stored as the current plan."""
    built = services.build(district, {"max_ride_min": 60})
    problem = built.problem
    first_stop: dict[int, int] = {}
    for i, stop in enumerate(problem.stops):
        if stop.pupils > 0 and stop.pupil_ids:
            k = problem.school_index(stop.school_id) - len(problem.depots)
            first_stop.setdefault(k, i)

    def route(pair: tuple[int, int]) -> solver._Route:
        a, b = pair
        visits = (
            solver._visits_for(problem, [first_stop[a]])[0],
            solver._visits_for(problem, [first_stop[b]])[0],
        )
        return solver._Route(a, visits, b)

    # The nearest two schools one trip can reach inside both windows.
    pairs = [
        p
        for p in itertools.permutations(first_stop, 2)
        if solver._span(problem, route(p))[0] <= solver._span(problem, route(p))[1]
    ]
    shared = route(min(pairs, key=lambda p: solver._hop(problem, p[0], p[1])))
    late = solver._span(problem, shared)[1]
    trip = solver._trip(problem, shared, late)
    # The same pupils home on one shared run: boarding where the morning ended, after both
    # schools let out.
    out = max(
        s.dismissal or 0
        for s in (problem.schools[shared.school_index], problem.schools[shared.end])
    )
    run = afternoon._run(problem, shared, out)
    vt = problem.vehicle_types[0]
    bus = BusPlan("bus-1", vt.id, vt.depot_id, (trip,), trip.distance_m, (run,), run.distance_m)
    result = RoutePlan((bus,), (), trip.load)
    plan = Plan.objects.create(territory=district, name="shared", params={"iterations": 300})
    plans._store(plan, built, result, [])
    plan.refresh_from_db()
    return plan, trip, run


def test_a_shared_trip_is_stored_shown_and_assigned(client: Any) -> None:
    district = _coordinator(client)
    plan, trip, run = _stored_shared_plan(district)
    assert plan.status == Plan.Status.DONE
    assert plan.is_current
    (stored,) = plan.routes.get().trips
    (drop,) = stored["drops"]
    first, last = trip.school_ids
    assert (drop["school"], stored["school"]) == (first, last)
    assert drop["alighted"] == trip.drops[0].alighted > 0
    assert [v["to_school"] for v in stored["visits"]] == [trip.school_of(v) for v in trip.visits]
    assert {v["to_school"] for v in stored["visits"]} == {first, last}

    route_url = f"/transport/{district.kato}/plans/{plan.pk}/?route=1"
    page = client.get(f"/en{route_url}").content.decode()
    assert "a shared trip" in page
    with translation.override("en"):  # the page names schools in its own language
        first_name = Institution.objects.get(pk=int(first)).name
    assert f"{first_name} — arrival {drop['arrival']}, {drop['alighted']} getting off" in (
        page.replace("&#x27;", "'").replace("&quot;", '"')
    )
    # The last school's part of the caption counts only the pupils getting off there.
    off = trip.load - drop["alighted"]
    assert stored["alighted"] == off
    assert (
        f"arrival {stored['arrival']}, {off} getting off (a shared trip, {trip.load} pupils)"
        in page
    )
    kk = client.get(f"/kk{route_url}").content.decode()
    assert "ортақ рейс" in kk
    sheets = client.get(f"/ru/transport/{district.kato}/plans/{plan.pk}/route-sheets.pdf")
    assert sheets.status_code == 200
    assert sheets["Content-Type"] == "application/pdf"

    _row, token = api_token_create(owner=User.objects.get(username="transport"))
    body = client.get(
        f"/api/v1/transport/plans/{plan.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    (api_trip,) = body["routes"][0]["trips"]
    assert [d["school_id"] for d in api_trip["drops"]] == [first]
    assert api_trip["drops"][0]["arrival"] == drop["arrival"]
    assert [s["to_school_id"] for s in api_trip["stops"]] == [
        v["to_school"] for v in stored["visits"]
    ]

    # The run home: boards where the morning ended, calls at the other school.
    (home,) = plan.routes.get().afternoon
    (pickup,) = home["pickups"]
    assert (home["school"], pickup["school"]) == (last, first)
    assert pickup["boarded"] == run.pickups[0].boarded > 0
    assert [v["from_school"] for v in home["visits"]] == [run.school_of(v) for v in run.visits]
    assert f"{first_name} — arrival {pickup['arrival']}, {pickup['boarded']} boarding" in (
        page.replace("&#x27;", "'").replace("&quot;", '"')
    )
    (api_home,) = body["routes"][0]["afternoon"]
    assert [p["school_id"] for p in api_home["pickups"]] == [first]
    assert [s["from_school_id"] for s in api_home["stops"]] == [
        v["from_school"] for v in home["visits"]
    ]

    # Each pupil's assignment names the arrival at their own school and the departure from it.
    by_pupil = {int(p): trip.school_of(v) for v in trip.visits for p in v.pupil_ids}
    items = {
        d.membership.pupil_id: d.items
        for d in Delivery.objects.filter(items__plan=plan.pk).select_related("membership")
    }
    assert set(items) == set(by_pupil)
    for pupil, school in by_pupil.items():
        expected = drop["arrival"] if school == first else stored["arrival"]
        assert items[pupil]["school_arrival"] == expected
        leaves = pickup["departure"] if school == first else home["departure"]
        assert items[pupil]["home_departure"] == leaves


def test_the_optimise_form_allows_or_forbids_shared_trips(client: Any) -> None:
    district = _coordinator(client)
    url = f"/en/transport/{district.kato}/optimise/"
    data = {"seconds": "1", "max_ride_min": "60"}
    forbidden = client.post(url, {**data, "shared_trips": ["0"]})
    allowed = client.post(url, {**data, "shared_trips": ["0", "1"]})
    assert forbidden.status_code == allowed.status_code == 302
    plans = Plan.objects.filter(territory=district).order_by("-pk")[:2]
    assert [p.params["shared_trips"] for p in plans] == [True, False]
    page = client.get(f"/en/transport/{district.kato}/").content.decode()
    assert 'id="shared_trips" name="shared_trips" type="checkbox" value="1" checked' in page


def test_the_plan_job_passes_the_choice_to_the_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    district = User.objects.get(username="transport").territory
    assert district is not None
    asked: list[bool] = []
    real = plans.solve

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs["shared_trips"])
        return real(*args, **kwargs)

    monkeypatch.setattr(plans, "solve", spy)
    for params in ({"shared_trips": False}, {"shared_trips": True}, {}):
        plan = Plan.objects.create(
            territory=district, name="p", params={"iterations": 300, **params}
        )
        services.optimise(plan)
    assert asked == [False, True, True]  # a plan without the setting: allowed
    # A what-if of a plan stored before the setting existed runs as that plan did: without.
    old = Plan.objects.create(territory=district, name="old", params={"iterations": 300}, buses=3)
    assert (
        services.whatif_params(old, {"kind": "later_bell", "minutes": 15})["shared_trips"] is False
    )
    new = Plan.objects.create(
        territory=district, name="new", params={"iterations": 300, "shared_trips": True}, buses=3
    )
    assert (
        services.whatif_params(new, {"kind": "later_bell", "minutes": 15})["shared_trips"] is True
    )
