"""Cancelled days (issue 18 point 6): recorded by the coordinator for weather or a broken bus,
with the pupils who were to ride; shown on the district page and in the month's report.
A small world, no demo; the plan is made with an iteration budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from keleshek.transport import services
from keleshek.transport.models import CancelledDay, Plan, Vehicle
from keleshek.transport.services import days

from . import factories as tf

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def w() -> tf.World:
    w = tf.world()
    w.stops["north"] = tf.stop(w, w.north_school, w.north, "Северное, ул. Абая", 50.21, 82.51)
    w.stops["south"] = tf.stop(w, w.south_school, w.south, "Южное, у почты", 50.09, 82.49)
    tf.riders(w, w.stops["north"], 5)
    tf.riders(w, w.stops["hamlet-north"], 3)
    tf.riders(w, w.stops["south"], 4)
    tf.bus(w, "n-1", home=w.north_school)
    tf.bus(w, "s-1", home=w.south_school)
    plan = Plan.objects.create(
        territory=w.district, name="p", params={"iterations": 40, "max_ride_min": 60}
    )
    services.optimise(plan)
    plan.refresh_from_db()
    assert plan.is_current
    assert plan.pupils_served == 12
    return w


def test_weather_in_the_district_stops_every_rider(w: tf.World) -> None:
    day = days.cancel_day(w.district, date=TODAY, reason="blizzard", today=TODAY)
    assert day.pupils_affected == 12


def test_a_broken_bus_stops_only_its_routes_and_a_school_only_its_pupils(w: tf.World) -> None:
    broken = Vehicle.objects.get(code="s-1")
    day = days.cancel_day(w.district, date=TODAY, reason="broken_bus", vehicle=broken, today=TODAY)
    assert day.pupils_affected == 4
    fog = days.cancel_day(w.district, date=TODAY, reason="fog", school=w.north_school, today=TODAY)
    assert fog.pupils_affected == 8


def test_bad_records_are_refused_with_a_reason(w: tf.World) -> None:
    cases = [
        ({"date": TODAY + dt.timedelta(days=5), "reason": "fog"}, "date"),
        ({"date": TODAY, "reason": "broken_bus"}, "vehicle"),
        ({"date": TODAY, "reason": "rain"}, "reason"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            days.cancel_day(w.district, today=TODAY, **kwargs)  # type: ignore[arg-type]
        assert field in exc.value.message_dict
    days.cancel_day(w.district, date=TODAY, reason="frost", today=TODAY)
    with pytest.raises(ValidationError):
        days.cancel_day(w.district, date=TODAY, reason="fog", today=TODAY)  # the same day
    assert CancelledDay.objects.count() == 1


def test_the_coordinator_records_a_day_and_reads_the_month(w: tf.World, client: Any) -> None:
    client.force_login(w.coordinator)
    url = f"/ru/transport/{w.district.kato}/cancelled-days/"
    resp = client.post(url, {"date": TODAY.isoformat(), "reason": "fog", "note": "туман"})
    assert resp.status_code == 302
    bad = client.post(url, {"date": "", "reason": "fog"})
    assert bad.status_code == 400
    assert "укажите дату" in bad.content.decode()
    page = client.get(f"{url}?month={TODAY:%Y-%m}").content.decode()
    assert "Туман" in page
    assert '<dd id="pupil-days">12</dd>' in page
    assert "Ахметов" in page or "Серикова" in page  # the pupils, by name
    district = client.get(f"/ru/transport/{w.district.kato}/").content.decode()
    assert "12 ученико-дней потеряно" in district
    kk = client.get(f"/kk/transport/{w.district.kato}/cancelled-days/").content.decode()
    assert "Тұман" in kk
