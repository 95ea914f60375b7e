"""Drivers, escorts and vehicle documents (issue 18 point 5): expiry warnings, and a plan made
current with an expired document on a route says so. A small world, no demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from keleshek.core.models import AuditEntry
from keleshek.transport import services
from keleshek.transport.models import Driver, Escort, Plan, Vehicle
from keleshek.transport.services import crew

from . import factories as tf

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _good_crew(w: tf.World, vehicle: Vehicle) -> Vehicle:
    vehicle.driver = Driver.objects.create(
        territory=w.district,
        full_name="Серик Ахметов",
        licence_categories="B, C, D",
        licence_valid_until=TODAY + dt.timedelta(days=400),
        medical_valid_until=TODAY + dt.timedelta(days=200),
    )
    vehicle.escort = Escort.objects.create(
        territory=w.district,
        full_name="Айгуль Серикова",
        school=w.north_school,
        order_number="45-к",
        order_date=TODAY - dt.timedelta(days=90),
    )
    vehicle.inspection_valid_until = TODAY + dt.timedelta(days=180)
    vehicle.insurance_valid_until = TODAY + dt.timedelta(days=180)
    vehicle.seat_belts = vehicle.tachograph = True
    vehicle.save()
    return vehicle


def test_every_document_rule_gives_its_issue() -> None:
    w = tf.world()
    v = _good_crew(w, tf.bus(w, "n-1", home=w.north_school))
    assert crew.vehicle_issues(v, TODAY) == []
    v.inspection_valid_until = TODAY - dt.timedelta(days=1)
    v.insurance_valid_until = TODAY + dt.timedelta(days=10)
    v.tachograph = False
    assert v.driver is not None
    v.driver.licence_categories = "B, C"
    v.driver.medical_valid_until = None
    found = {(i["code"], i["kind"]) for i in crew.vehicle_issues(v, TODAY)}
    assert found == {
        ("inspection", "expired"),
        ("insurance", "expiring"),
        ("tachograph", "expired"),
        ("category_d", "expired"),
        ("medical", "missing"),
    }
    small = tf.bus(w, "minivan", capacity=8, seat_belts=True)
    codes = {i["code"] for i in crew.vehicle_issues(small, TODAY)}
    assert "tachograph" not in codes  # not required below 9 seats
    assert {"driver", "escort", "inspection", "insurance"} <= codes


def _plan(w: tf.World) -> Plan:
    plan = Plan.objects.create(
        territory=w.district, name="p", params={"iterations": 40, "max_ride_min": 60}
    )
    services.optimise(plan)
    plan.refresh_from_db()
    return plan


def test_a_plan_made_current_with_an_expired_document_says_so(client: Any) -> None:
    w = tf.world()
    tf.riders(w, w.stops["hamlet-north"], 5)
    bus = _good_crew(w, tf.bus(w, "n-1", home=w.north_school))
    bus.inspection_valid_until = TODAY - dt.timedelta(days=3)
    bus.save()
    plan = _plan(w)
    assert plan.status == Plan.Status.DONE
    assert plan.is_current
    expired = [i for i in plan.document_issues if i["kind"] == "expired"]
    assert expired == [
        {
            "vehicle": "n-1",
            "who": "",
            "code": "inspection",
            "kind": "expired",
            "until": (TODAY - dt.timedelta(days=3)).isoformat(),
            "route": 1,
        }
    ]
    assert AuditEntry.objects.filter(summary__contains="made current with 1 expired").exists()
    client.force_login(w.coordinator)
    html = client.get(f"/ru/transport/{w.district.kato}/plans/{plan.pk}/").content.decode()
    assert "План действует, хотя на его маршрутах просрочены документы" in html
    assert "техосмотр n-1" in html.lower()
    kk = client.get(f"/kk/transport/{w.district.kato}/plans/{plan.pk}/").content.decode()
    assert "мерзімі өткен" in kk


def test_a_plan_with_valid_documents_has_no_warning(client: Any) -> None:
    w = tf.world()
    tf.riders(w, w.stops["hamlet-north"], 5)
    _good_crew(w, tf.bus(w, "n-1", home=w.north_school))
    plan = _plan(w)
    assert plan.is_current
    assert plan.document_issues == []
    client.force_login(w.coordinator)
    html = client.get(f"/ru/transport/{w.district.kato}/plans/{plan.pk}/").content.decode()
    assert "просрочены документы" not in html


def test_the_coordinator_records_drivers_and_escorts(client: Any) -> None:
    w = tf.world()
    client.force_login(w.coordinator)
    base = f"/ru/transport/{w.district.kato}/crew/"
    ok = client.post(
        base + "drivers/new/",
        {
            "full_name": "Ерлан Касымов",
            "licence_categories": "D",
            "licence_valid_until": "2030-01-01",
            "medical_valid_until": (TODAY - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert ok.status_code == 302
    bad = client.post(base + "drivers/new/", {"full_name": "", "licence_categories": ""})
    assert bad.status_code == 400
    assert Driver.objects.filter(territory=w.district).count() == 1
    escort = client.post(
        base + "escorts/new/",
        {"full_name": "Мария Иванова", "school": str(w.north_school.pk), "order_number": "12"},
    )
    assert escort.status_code == 302
    page = client.get(base).content.decode()
    assert "Ерлан Касымов" in page
    assert "просрочен" in page  # the medical check
    assert "Мария Иванова" in page


def test_the_fleet_page_warns_of_what_expires(client: Any) -> None:
    w = tf.world()
    bus = _good_crew(w, tf.bus(w, "n-1", home=w.north_school))
    bus.insurance_valid_until = TODAY + dt.timedelta(days=5)
    bus.save()
    client.force_login(w.coordinator)
    html = client.get(f"/ru/transport/{w.district.kato}/fleet/").content.decode()
    assert "страховка n-1 истекает" in html.lower()
