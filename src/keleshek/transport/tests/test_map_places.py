"""Stops on the maps (issue 18 points 1–2, ADR 0173–0174): a stop made for one child stands at
its home, so the roles that may not read home coordinates see the plan's maps on a 1 km grid
and its stops to two decimals; the coordinator moves a stop on the walks map (the script fills
and submits the move form; the form works alone) and the riders are re-seated. A small world."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.utils import translation

from keleshek.accounts.models import Role, User
from keleshek.transport import services
from keleshek.transport.charts import coarse, plan_svg, walks_svg
from keleshek.transport.models import Plan, Rider, Stop

from . import factories as tf

pytestmark = pytest.mark.django_db

HOME = (50.15370, 82.56430)  # a stop at one child's home, off the 0.01° grid


def _officer(w: tf.World) -> User:
    return User.objects.create_user(
        "officer", password="pw-not-used-123", role=Role.DISTRICT_OFFICER, territory=w.district
    )


def _plan(w: tf.World) -> Plan:
    home = tf.stop(w, w.north_school, w.hamlet, "Хутор, дом", *HOME)
    tf.riders(w, home, 3)
    tf.bus(w, "n-1", home=w.north_school)
    p = Plan.objects.create(
        territory=w.district, name="p", params={"iterations": 40, "max_ride_min": 60}
    )
    services.optimise(p)
    p.refresh_from_db()
    assert p.routes.exists()
    return p


def test_coarse_places_collapse_into_their_cell() -> None:
    assert coarse(50.15370) == pytest.approx(50.155)
    assert coarse(50.15999) == pytest.approx(50.155)
    assert coarse(82.5643) == pytest.approx(82.565)


def test_the_plan_maps_give_homes_only_to_the_roles_that_read_them(client: Any) -> None:
    w = tf.world()
    p = _plan(w)
    routes = list(p.routes.all())
    with translation.override("ru"):  # the map names schools in the page's language
        precise, rough = plan_svg(routes), plan_svg(routes, precise=False)
        rough_route = plan_svg([routes[0]], precise=False, title_id="route-title")
    assert precise != rough  # the home stop lies off the grid: the drawings differ
    base = f"/ru/transport/{w.district.kato}/plans/{p.pk}/"

    client.force_login(w.coordinator)
    page = client.get(base).content.decode()
    assert precise in page
    detail = client.get(f"{base}?route=1").content.decode()
    assert "50.15370, 82.56430" in detail

    client.force_login(_officer(w))
    page = client.get(base).content.decode()
    assert rough in page
    assert precise not in page
    detail = client.get(f"{base}?route=1").content.decode()
    assert "50.15370" not in detail
    assert "82.56430" not in detail
    assert "50.15, 82.56" in detail
    assert rough_route in detail


def test_the_walks_map_gives_the_others_the_grid_and_no_handles(client: Any) -> None:
    w = tf.world()
    home = tf.stop(w, w.north_school, w.hamlet, "Хутор, дом", *HOME)
    tf.riders(w, home, 2)
    url = f"/ru/transport/{w.district.kato}/stops/map/?school={w.north_school.pk}"
    client.force_login(w.coordinator)
    page = client.get(url).content.decode()
    assert f'data-stop="{home.pk}"' in page
    assert "stops_map.js" in page
    client.force_login(_officer(w))
    page = client.get(url).content.decode()
    assert "data-stop" not in page
    assert "stops_map.js" not in page
    assert "move-form" not in page
    # the map another role sees is the one drawn from the grid: the shop's stop (50.15, 82.56)
    # and the home's stop 500 m away fall into one cell and are drawn at one place
    stops = list(Stop.objects.filter(school=w.north_school).order_by("pk"))
    rough = [(s.pk, s.label, coarse(s.lon), coarse(s.lat)) for s in stops]
    drawn = re.search(r"<svg.*?</svg>", page, re.S)
    assert drawn is not None
    assert drawn.group(0) == walks_svg(rough, [])
    squares = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="12"', drawn.group(0))
    assert len(squares) == 2
    assert squares[0] == squares[1]


def test_a_stop_moved_on_the_map_reseats_the_riders(client: Any) -> None:
    w = tf.world()
    a = tf.stop(w, w.north_school, w.north, "A", 50.200, 82.500)
    near_a = tf.riders(w, a, 2)
    far = tf.stop(w, w.north_school, w.north, "B", 50.230, 82.500)  # 3.3 km north of A
    near_far = tf.riders(w, far, 1)
    url = f"/ru/transport/{w.district.kato}/stops/map/"
    client.force_login(w.coordinator)
    # B dragged next to A: B's rider (3.3 km away now) has no stop in reach, A's keep theirs
    resp = client.post(
        url,
        {"action": "move", "stop": far.pk, "lat": "50.2005", "lon": "82.5", "school": a.school_id},
    )
    assert resp.status_code == 302
    assert resp["Location"].endswith(f"?school={a.school_id}")
    far.refresh_from_db()
    assert (far.lat, far.lon) == (pytest.approx(50.2005), pytest.approx(82.5))
    assert Rider.objects.get(pk=near_far[0].pk).stop_id is None
    assert {r.stop_id for r in Rider.objects.filter(pk__in=[r.pk for r in near_a])} <= {
        a.pk,
        far.pk,
    }
    page = client.get(f"{url}?school={a.school_id}").content.decode()
    assert "1 ученик" in page  # the map says who has no stop in reach now

    # nonsense is refused and changes nothing
    resp = client.post(url, {"action": "move", "stop": far.pk, "lat": "nan", "lon": "82.5"})
    assert resp.status_code == 302
    far.refresh_from_db()
    assert far.lat == pytest.approx(50.2005)

    # a role that may not change stops cannot move one
    client.force_login(_officer(w))
    resp = client.post(url, {"action": "move", "stop": far.pk, "lat": "50.3", "lon": "82.5"})
    assert resp.status_code == 403
    far.refresh_from_db()
    assert far.lat == pytest.approx(50.2005)


def test_the_new_pages_read_in_kazakh(client: Any) -> None:
    """The roads page, the walks map with its move form, and coverage's days without delivery
    carry no English of ours in Kazakh (issue 15 point 3)."""
    import datetime as dt

    from tests.language import foreign_words

    from keleshek.support.demo import ensure_programmes
    from keleshek.support.tests import factories as sf
    from keleshek.transport.services import days

    w = tf.world()
    _plan(w)
    ensure_programmes()
    days.cancel_day(w.district, date=dt.date.today(), reason="fog", today=dt.date.today())
    client.force_login(w.coordinator)
    for url in (
        f"/kk/transport/{w.district.kato}/roads/",
        f"/kk/transport/{w.district.kato}/stops/map/?school={w.north_school.pk}",
    ):
        body = client.get(url).content.decode()
        assert set(foreign_words(body)) <= {"OpenStreetMap"}, url  # a proper name
    client.force_login(sf.user(Role.SUPPORT_OFFICER, territory_=w.district))
    body = client.get("/kk/support/coverage/?programme=rural-transport").content.decode()
    assert "Қызмет көрсетілмеген күндер: 1" in body
    assert foreign_words(body) == []


def test_the_scheme_gives_homes_only_to_the_roles_that_read_them(client: Any) -> None:
    w = tf.world()
    _plan(w)
    url = f"/ru/transport/{w.district.kato}/scheme/file/?lang=ru&format=docx"

    def cells() -> str:
        from docx import Document

        doc = Document(io.BytesIO(client.get(url).content))
        return "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)

    client.force_login(w.coordinator)
    assert "(50.15370, 82.56430)" in cells()
    client.force_login(_officer(w))
    text = cells()
    assert "50.15370" not in text
    assert "(50.15, 82.56)" in text
