"""Stops where they are needed (issue 18 point 2): as few as cover every rider within the
walking limit, at the settlement's centre or a named place when one serves as well; the
coordinator closes and merges stops and sees who walks where. A small world, no demo."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from keleshek.support.tests import factories as sf
from keleshek.transport import services
from keleshek.transport.models import Rider, Stop

from . import factories as tf

pytestmark = pytest.mark.django_db


def _rider(w: tf.World, lat: float, lon: float) -> Rider:
    p = sf.pupil(w.north_school, 4, home=w.north, home_lat=lat, home_lon=lon)
    return Rider.objects.create(
        pupil=p, school=w.north_school, settlement=w.north, distance_km=4, reason="test"
    )


def test_one_stop_at_the_centre_serves_a_village_within_reach() -> None:
    w = tf.world()
    Stop.objects.all().delete()
    # Five homes around the village centre (50.20, 82.50), all within 700 m of it, up to
    # 1.3 km apart: homes as leaders would need two or three stops.
    for lat, lon in [
        (50.2055, 82.5),
        (50.1945, 82.5),
        (50.2, 82.508),
        (50.2, 82.492),
        (50.2, 82.5),
    ]:
        _rider(w, lat, lon)
    assert services.generate_stops(territory=w.district) == 1
    stop = Stop.objects.get()
    assert (stop.lat, stop.lon) == (50.20, 82.50)
    assert stop.name == "Северное, у «Северная школа»"  # the school stands at the centre
    assert Rider.objects.filter(stop=stop).count() == 5
    assert max(Rider.objects.values_list("walk_m", flat=True)) <= 1000


def test_never_more_stops_than_riders_need() -> None:
    w = tf.world()
    Stop.objects.all().delete()
    for i in range(12):  # a line of homes 300 m apart: 3.3 km long
        _rider(w, 50.2 + i * 0.0027, 82.6)
    n = services.generate_stops(territory=w.district)
    assert n == 2  # each stop reaches 2 km of the line
    assert Rider.objects.filter(stop__isnull=True).count() == 0


def test_close_and_merge_keep_everyone_within_the_limit_or_say_so() -> None:
    w = tf.world()
    a = tf.stop(w, w.north_school, w.north, "A", 50.200, 82.500)
    b = tf.stop(w, w.north_school, w.north, "B", 50.203, 82.500)  # 330 m north
    far = tf.stop(w, w.north_school, w.north, "C", 50.240, 82.500)  # 4.4 km north
    for stop in (a, b, far):
        tf.riders(w, stop, 2)
    services.stop_merge(a, b)
    assert not Stop.objects.filter(pk=b.pk).exists()
    assert Rider.objects.filter(stop=a).count() == 4
    with pytest.raises(ValidationError, match="1000"):
        services.stop_merge(a, far)
    left = services.stop_close(far)
    assert left == 2  # nobody else within reach: said, not hidden
    assert Rider.objects.filter(school=w.north_school, stop__isnull=True).count() == 2


def test_the_map_shows_who_walks_where(client: Any) -> None:
    w = tf.world()
    a = tf.stop(w, w.north_school, w.north, "Северное, у школы", 50.200, 82.500)
    tf.riders(w, a, 3)
    client.force_login(w.coordinator)
    url = f"/ru/transport/{w.district.kato}/stops/map/?school={w.north_school.pk}"
    html = client.get(url).content.decode()
    assert "<svg" in html
    assert html.count("<line") == 3
    assert "Кто к какой остановке идёт" in html
    resp = client.post(url, {"action": "close", "stop": str(a.pk), "school": w.north_school.pk})
    assert resp.status_code == 302
    assert not Stop.objects.filter(pk=a.pk).exists()
