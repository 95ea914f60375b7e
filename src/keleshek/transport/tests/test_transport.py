"""Transport on the demo region: who rides and why, stops within walking reach, optimised
plans that pass the independent feasibility check, what-ifs, infeasible input explained, and
the coordinator's pages scoped by role."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from keleshek.routing.check import walking_distance_m
from keleshek.territory.models import Territory
from keleshek.transport import services
from keleshek.transport.models import Plan, Rider, Stop, Vehicle

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


def _district_with_riders(max_riders: int = 400) -> Territory:
    """The district with the fewest riders (each rural district has some 300-800 since the
    demo has the region's villages, ADR 0164)."""
    sizes = []
    for d in Territory.objects.filter(level="district", kato__startswith="63", valid_to=None):
        n = Rider.objects.filter(school__settlement__path__startswith=d.path).count()
        if 0 < n <= max_riders:
            sizes.append((n, d.kato, d))
    if not sizes:
        raise AssertionError("the demo has no small district with riders")
    return min(sizes, key=lambda t: t[:2])[2]


def test_the_demo_transports_about_five_thousand_pupils_by_optimised_routes() -> None:
    riders = Rider.objects.count()
    assert 4_500 <= riders <= 5_500
    plans = Plan.objects.filter(is_current=True, base__isnull=True)
    assert plans.count() >= 10
    assert all(p.status == Plan.Status.DONE and p.problems == [] for p in plans)
    served = sum(p.pupils_served for p in plans)
    unserved = sum(len(p.unserved) for p in plans)
    assert served + unserved == sum(p.pupils_total for p in plans) == riders
    assert served >= 0.85 * riders
    # Every pupil left without a seat has a reason a coordinator can act on.
    reasons = {u["code"] for p in plans for u in p.unserved}
    assert reasons <= {"too_far_for_ride_limit", "no_bus_in_window", "no_stop_in_reach"}


def test_every_rider_has_a_reason_and_no_stop_is_beyond_the_walking_limit() -> None:
    limit = settings.KELESHEK["WALKING_LIMIT_KM"] * 1000
    rows = Rider.objects.filter(stop__isnull=False).values_list(
        "reason", "pupil__home_lon", "pupil__home_lat", "stop__lon", "stop__lat", "walk_m"
    )
    assert rows
    for reason, hlon, hlat, slon, slat, walk in rows:
        assert reason
        metres = walking_distance_m((hlon, hlat), (slon, slat))
        assert metres <= limit + 0.5
        assert abs(metres - walk) <= 1


def test_stored_routes_respect_capacity_and_the_ride_limit() -> None:
    for plan in Plan.objects.filter(is_current=True)[:5]:
        limit = plan.params["max_ride_min"]
        for route in plan.routes.select_related("vehicle"):
            assert route.longest_ride_min <= limit
            for trip in route.trips:
                assert trip["load"] == sum(v["boarded"] for v in trip["visits"])
                if route.vehicle is not None:
                    assert trip["load"] <= route.vehicle.capacity


def test_optimising_again_with_one_bus_fewer_uses_fewer_buses_than_the_plan(
    django_capture_on_commit_callbacks: Any,
) -> None:
    district = _district_with_riders()
    base = Plan.objects.get(territory=district, is_current=True)
    fleet = Vehicle.objects.filter(territory=district, available=True).count()
    params = services.whatif_params(base, {"kind": "one_bus_fewer"})
    base.params = {**base.params, "iterations": 150}
    with django_capture_on_commit_callbacks(execute=True):
        variant = services.plan_create(
            territory=district,
            name="fewer",
            params={**params, "iterations": 150},
            user=None,
            base=base,
        )
    variant.refresh_from_db()
    assert variant.status == Plan.Status.DONE
    assert variant.problems == []
    # one bus fewer than the plan used, even when the fleet has spare buses
    assert base.buses >= 1
    assert variant.buses <= base.buses - 1 <= fleet - 1
    assert variant.pupils_served + len(variant.unserved) == variant.pupils_total


def test_an_impossible_ride_limit_is_explained_per_pupil(
    django_capture_on_commit_callbacks: Any,
) -> None:
    district = _district_with_riders()
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_create(
            territory=district,
            name="tight",
            params={"iterations": 150, "max_ride_min": 1},
            user=None,
        )
    plan.refresh_from_db()
    assert plan.pupils_served == 0
    assert len(plan.unserved) == plan.pupils_total > 0
    assert {u["code"] for u in plan.unserved} <= {"too_far_for_ride_limit", "no_stop_in_reach"}
    assert "ride-time limit" in plan.unserved[0]["reason"] or plan.unserved[0]["code"] == (
        "no_stop_in_reach"
    )


def test_a_hand_made_stop_reseats_riders_within_reach_only() -> None:
    rider = Rider.objects.filter(stop__isnull=False).select_related("pupil", "school").first()
    assert rider is not None
    home = (rider.pupil.home_lon, rider.pupil.home_lat)
    stop = services.stop_save(
        stop=None,
        school=rider.school,
        settlement=rider.settlement,
        name="У магазина",
        lat=home[1],
        lon=home[0],
    )
    rider.refresh_from_db()
    assert rider.stop_id == stop.pk
    assert rider.walk_m == 0
    assert Stop.objects.get(pk=stop.pk).generated is False


def _login(client: Any, username: str) -> None:
    from keleshek.accounts.models import User

    client.force_login(User.objects.get(username=username))


def test_the_coordinator_sees_their_district_and_downloads_route_sheets(client: Any) -> None:
    from keleshek.accounts.models import User

    coordinator = User.objects.get(username="transport")
    district = coordinator.territory
    _login(client, "transport")
    page = client.get(f"/ru/transport/{district.kato}/")
    assert page.status_code == 200
    plan = Plan.objects.get(territory=district, is_current=True)
    detail = client.get(f"/ru/transport/{district.kato}/plans/{plan.pk}/")
    assert detail.status_code == 200
    assert "<svg" in detail.content.decode()
    for lang in ("ru", "kk"):
        pdf = client.get(
            f"/ru/transport/{district.kato}/plans/{plan.pk}/route-sheets.pdf?lang={lang}"
        )
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF")
    riders = client.get(f"/ru/transport/{district.kato}/riders/")
    assert riders.status_code == 200


def test_other_districts_and_roles_are_refused_and_nothing_changes(client: Any) -> None:
    from keleshek.accounts.models import User

    coordinator = User.objects.get(username="transport")
    other = (
        Territory.objects.filter(level="district", kato__startswith="63", valid_to=None)
        .exclude(pk=coordinator.territory_id)
        .first()
    )
    assert other is not None
    _login(client, "transport")
    assert client.get(f"/ru/transport/{other.kato}/").status_code == 404
    before = (Rider.objects.count(), Stop.objects.count())
    assert client.post(f"/ru/transport/{other.kato}/stops/generate/").status_code == 404
    _login(client, "analyst")  # may look, may not change
    assert client.get(f"/ru/transport/{other.kato}/").status_code == 200
    assert client.post(f"/ru/transport/{other.kato}/assess/").status_code == 403
    _login(client, "support")
    assert client.get(f"/ru/transport/{other.kato}/").status_code == 403
    assert (Rider.objects.count(), Stop.objects.count()) == before


def test_bad_input_on_the_pages_is_refused_with_a_message(client: Any) -> None:
    from keleshek.accounts.models import User

    coordinator = User.objects.get(username="transport")
    kato = coordinator.territory.kato
    _login(client, "transport")
    before = Stop.objects.count()
    resp = client.post(f"/ru/transport/{kato}/stops/new/", {"school": "x", "lat": "north"})
    assert resp.status_code == 400
    assert Stop.objects.count() == before
    plans = Plan.objects.count()
    resp = client.post(f"/en/transport/{kato}/optimise/", {"seconds": "9999"}, follow=True)
    assert "time budget" in resp.content.decode()
    assert Plan.objects.count() == plans


# --- afternoon runs home (ADR 0064) --------------------------------------------------------


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def test_every_pupil_brought_in_the_morning_is_taken_home_after_the_dismissal() -> None:
    from keleshek.transport.models import SchoolSchedule

    day = settings.KELESHEK["SCHOOL_DAY_MIN"]
    bells = {s.school_id: s for s in SchoolSchedule.objects.all()}
    plans = list(Plan.objects.filter(is_current=True, base__isnull=True))
    assert plans
    for plan in plans:
        assert plan.problems == []
        assert plan.pupils_home > 0
        assert plan.pupils_home + len(plan.afternoon_unserved) == plan.pupils_served
        assert plan.afternoon_km > 0
        for route in plan.routes.select_related("vehicle"):
            for trip in route.afternoon:
                schedule = bells[int(trip["school"])]
                bell = schedule.bell.hour * 60 + schedule.bell.minute
                assert _minutes(trip["boarding"]) >= bell + day
                assert _minutes(trip["departure"]) >= _minutes(trip["boarding"])
                assert trip["ride_min"] <= plan.params["max_ride_min"]
                assert trip["load"] == sum(v["alighted"] for v in trip["visits"])
                assert trip["visits"][-1]["load"] == 0
                if route.vehicle is not None:
                    assert trip["load"] <= route.vehicle.capacity


def test_the_transport_deliveries_name_the_morning_seat_and_the_run_home() -> None:
    """Each served pupil's programme delivery names the morning route and stop and, when the
    pupil is taken home, the run home: its route, departure and the drop-off at that stop."""
    from keleshek.support.models import Delivery

    plan = Plan.objects.filter(is_current=True, base__isnull=True).order_by("pk").first()
    assert plan is not None
    routes = {r.number: r for r in plan.routes.all()}
    items = list(
        Delivery.objects.filter(
            membership__school__settlement__path__startswith=plan.territory.path,
            items__plan=plan.pk,
        ).values_list("items", flat=True)
    )
    assert items
    assert len(items) <= plan.pupils_served
    home = [i for i in items if "home_route" in i]
    assert home
    assert len(home) <= plan.pupils_home
    for item in items:
        morning = routes[item["route"]]
        assert any(
            v["stop"] == item["stop"] and v["arrival"] == item["boarding"]
            for t in morning.trips
            for v in t["visits"]
        )
    for item in home:
        runs = routes[item["home_route"]].afternoon
        # A shared run home leaves the pupil's own school at the call there (its pickup).
        assert any(
            item["home_departure"]
            in {t["departure"], *(p["departure"] for p in t.get("pickups") or [])}
            and any(
                v["stop"] == item["stop"] and v["arrival"] == item["home_drop_off"]
                for v in t["visits"]
            )
            for t in runs
        )
        assert item["home_departure"] > item["school_arrival"]


def test_a_dismissal_time_set_by_the_coordinator_moves_the_runs_home(
    django_capture_on_commit_callbacks: Any,
) -> None:
    import datetime as dt

    from keleshek.transport.models import SchoolSchedule

    district = _district_with_riders()
    schools = Rider.objects.filter(school__settlement__path__startswith=district.path).values(
        "school"
    )
    SchoolSchedule.objects.filter(school__in=schools).update(dismissal=dt.time(15, 40))
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_create(
            territory=district,
            name="late",
            params={"iterations": 150, "max_ride_min": 60},
            user=None,
        )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DONE
    assert plan.problems == []
    boardings = [t["boarding"] for r in plan.routes.all() for t in r.afternoon]
    assert boardings
    assert all("15:40" <= b <= "16:05" for b in boardings)  # within the 25-minute window


def test_the_plan_page_and_the_route_sheets_list_morning_and_afternoon_trips(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keleshek.accounts.models import User

    coordinator = User.objects.get(username="transport")
    district = coordinator.territory
    plan = Plan.objects.get(territory=district, is_current=True)
    # A run home of one school (a shared run names the second school between its times).
    route = next(
        r
        for r in plan.routes.all()
        if r.trips and r.afternoon and not r.afternoon[0].get("pickups")
    )
    _login(client, "transport")
    url = f"/ru/transport/{district.kato}/plans/{plan.pk}/?route={route.number}"
    page = client.get(url).content.decode()
    assert "Утро: в школу" in page
    assert "После уроков: по домам" in page
    assert f"{route.afternoon[0]['boarding']}, отправление {route.afternoon[0]['departure']}" in (
        page
    )
    rendered: list[str] = []

    class FakeHTML:  # the PDF's text is compressed; read the HTML WeasyPrint is given
        def __init__(self, string: str, base_url: str) -> None:
            rendered.append(string)

        def write_pdf(self) -> bytes:
            return b"%PDF-1.7 fake"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    expected = {
        "ru": ("Утро: в школу", "После уроков: по домам", "выходят"),
        "kk": ("Таңертең: мектепке", "Сабақтан кейін: үйге", "түседі"),
    }
    for lang, words in expected.items():
        pdf = client.get(
            f"/ru/transport/{district.kato}/plans/{plan.pk}/route-sheets.pdf?lang={lang}"
        )
        assert pdf.status_code == 200
        html = rendered.pop()
        for word in words:
            assert word in html
        stop = route.afternoon[0]["visits"][0]
        assert f'<td>{stop["arrival"]}</td><td class="num">{stop["alighted"]}</td>' in html
