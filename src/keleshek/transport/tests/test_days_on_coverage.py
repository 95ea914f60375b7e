"""Cancelled days on support's coverage (issue 18 point 6, ADR 0175): support sits below
transport and may not import it, so transport provides its days through ``core.hooks`` and the
coverage page of the rural-transport programme gathers them, with the pupils affected that the
reader may see (names for the roles that read names). A small world, no demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from keleshek.accounts.models import Role
from keleshek.core import hooks
from keleshek.support.demo import ensure_programmes
from keleshek.support.tests import factories as sf
from keleshek.transport import services
from keleshek.transport.models import Plan, Rider, Vehicle
from keleshek.transport.services import days

from . import factories as tf

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
URL = "/ru/support/coverage/?programme=rural-transport"


@pytest.fixture
def w() -> tf.World:
    w = tf.world()
    w.stops["north"] = tf.stop(w, w.north_school, w.north, "Северное, ул. Абая", 50.21, 82.51)
    w.stops["south"] = tf.stop(w, w.south_school, w.south, "Южное, у почты", 50.09, 82.49)
    tf.riders(w, w.stops["north"], 5)
    tf.riders(w, w.stops["south"], 4)
    tf.bus(w, "n-1", home=w.north_school)
    tf.bus(w, "s-1", home=w.south_school)
    plan = Plan.objects.create(
        territory=w.district, name="p", params={"iterations": 40, "max_ride_min": 60}
    )
    services.optimise(plan)
    ensure_programmes()
    return w


def test_transport_provides_its_days_to_the_hook(w: tf.World) -> None:
    broken = Vehicle.objects.get(code="s-1")
    days.cancel_day(w.district, date=TODAY, reason="broken_bus", vehicle=broken, today=TODAY)
    year = TODAY.year if TODAY.month >= 7 else TODAY.year - 1
    rows = hooks.gather(hooks.DAYS_LOST, programme="rural-transport", year=year)
    assert [len(r["pupil_ids"]) for r in rows] == [4]
    assert "s-1" in rows[0]["place"]
    assert hooks.gather(hooks.DAYS_LOST, programme="meals", year=year) == []
    assert hooks.gather(hooks.DAYS_LOST, programme="rural-transport", year=year - 1) == []


def test_coverage_shows_the_days_lost_with_the_pupils_the_reader_may_see(
    w: tf.World, client: Any
) -> None:
    broken = Vehicle.objects.get(code="s-1")
    days.cancel_day(w.district, date=TODAY, reason="broken_bus", vehicle=broken, today=TODAY)
    days.cancel_day(w.district, date=TODAY, reason="fog", school=w.north_school, today=TODAY)
    south_pupil = Rider.objects.filter(school=w.south_school).select_related("pupil").first()
    assert south_pupil is not None

    client.force_login(sf.user(Role.SUPPORT_OFFICER, territory_=w.district))
    page = client.get(URL).content.decode()
    assert "Дни без доставки: 2" in page
    assert "9 ученико-дней потеряно" in page
    assert "Туман" in page
    assert "Неисправный автобус" in page
    assert south_pupil.pupil.last_name in page  # the support officer reads names

    # a role that reads no names sees the counts only
    client.force_login(sf.user(Role.DISTRICT_OFFICER, territory_=w.district))
    page = client.get(URL).content.decode()
    assert "Дни без доставки: 2" in page
    assert "<details>" not in page

    # another district's officer sees none of these pupils, so no such days
    other = sf.territory("995000000", "district", w.district.parent, name_ru="Другой район")
    client.force_login(sf.user(Role.SUPPORT_OFFICER, territory_=other))
    page = client.get(URL).content.decode()
    assert "Дни без доставки" not in page
