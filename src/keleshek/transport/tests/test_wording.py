"""Transport in words (issue 15 point 10): stops named by settlement and landmark with
coordinates, routes by school and number, each pupil without a seat as a sentence with names;
the plan page leads with its summary and the unserved, a route on a page of its own.
A small world, no demo; the plan is made with an iteration budget."""

from __future__ import annotations

import re
from typing import Any

import pytest

from keleshek.support.tests import factories as sf
from keleshek.transport import services
from keleshek.transport.models import Plan, Rider, Stop

from . import factories as tf

pytestmark = pytest.mark.django_db


def _rider_at(w: tf.World, lat: float, lon: float, last: str) -> Rider:
    p = sf.pupil(w.north_school, 4, home=w.north, home_lat=lat, home_lon=lon, last_name=last)
    return Rider.objects.create(
        pupil=p, school=w.north_school, settlement=w.north, distance_km=4, reason="test"
    )


def test_generated_stops_are_named_by_settlement_and_landmark_in_both_languages() -> None:
    w = tf.world()
    _rider_at(w, 50.2005, 82.5003, "Иванов")  # by the school (50.20, 82.50)
    _rider_at(w, 50.2200, 82.5000, "Петров")  # 2.2 km north of the centre
    assert services.generate_stops(territory=w.district) == 2
    names = set(Stop.objects.filter(generated=True).values_list("name", "name_kk"))
    assert names == {
        ("Северное, у «Северная школа»", "Северное, «Северная школа» жанында"),
        (
            "Северное, северная окраина, 2,2 км от центра",
            "Северное, солтүстік шеті, орталықтан 2,2 км",
        ),
    }


@pytest.fixture
def planned() -> tuple[tf.World, Plan]:
    w = tf.world()
    w.stops["north"] = tf.stop(w, w.north_school, w.north, "Северное, ул. Абая", 50.21, 82.51)
    tf.riders(w, w.stops["north"], 5)
    tf.riders(w, w.stops["hamlet-north"], 3)
    tf.riders(w, w.stops["hamlet-south"], 2)  # the south school has no bus
    tf.bus(w, "n-1", home=w.north_school)
    plan = Plan.objects.create(
        territory=w.district, name="p", params={"iterations": 40, "max_ride_min": 60}
    )
    services.optimise(plan)
    plan.refresh_from_db()
    assert plan.pupils_served == 8
    return w, plan


def test_the_plan_page_names_routes_and_explains_the_unserved(
    planned: tuple[tf.World, Plan], client: Any
) -> None:
    w, plan = planned
    client.force_login(w.coordinator)
    url = f"/ru/transport/{w.district.kato}/plans/{plan.pk}/"
    html = client.get(url).content.decode()
    assert "Северная школа, маршрут № 1" in html
    assert "5-й класс" not in html
    sentence = "у школы «Южная школа» нет своего автобуса, а план не разрешает помощь соседних школ"
    assert html.count(sentence) == 2  # both pupils of the south school, each by name
    assert re.search(r"[А-Я][а-я]+ [А-Я]\., 5 класс, Южная школа", html)
    assert html.index("Не обслужены") < html.index('id="routes"')  # the unserved first
    assert "stop:" not in re.sub(r'value="[^"]*"', "", html)  # ids only in form values
    route = client.get(url + "?route=1").content.decode()
    assert "Хутор, у магазина (50.15000, 82.56000)" in route
    assert "Северное, ул. Абая (50.21000, 82.51000)" in route
    assert 'id="routes"' not in route  # one route on its page
    kk = client.get(f"/kk/transport/{w.district.kato}/plans/{plan.pk}/").content.decode()
    assert "Северная школа, № 1 бағыт" in kk
    assert "мектебінің өз автобусы жоқ" in kk
    assert client.get(url + "?route=9").status_code == 404


def test_route_sheets_use_the_names(
    planned: tuple[tf.World, Plan], client: Any, monkeypatch: Any
) -> None:
    w, plan = planned
    rendered: list[str] = []

    class FakeHTML:
        def __init__(self, string: str, base_url: str) -> None:
            rendered.append(string)

        def write_pdf(self) -> bytes:
            return b"%PDF-1.7 fake"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    client.force_login(w.coordinator)
    base = f"/ru/transport/{w.district.kato}/plans/{plan.pk}/route-sheets.pdf"
    assert client.get(base + "?lang=kk").status_code == 200
    assert "Северная школа, № 1 бағыт" in rendered[-1]
    assert "Хутор, у магазина (50.15000, 82.56000)" in rendered[-1]
