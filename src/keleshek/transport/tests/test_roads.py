"""Road distances from OpenStreetMap (issue 18 point 3): the tests write a small OSM extract
themselves; the import builds the graph (speeds by class and surface, one-way, closed roads
left out), plans on it say so, and without one the straight-line fallback is said on the plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import osmium
import pytest
from django.core.management import CommandError, call_command

from keleshek.routing.roads import RoadGraph, RoadGraphProvider
from keleshek.transport import services
from keleshek.transport.models import Plan, RoadNetwork
from keleshek.transport.services import roads

from . import factories as tf

pytestmark = pytest.mark.django_db

# A road along latitude 50.15 from 82.45 to 82.60 (the hamlet at 82.56, the villages' schools
# at 82.50 reached by spurs), one one-way lane, and a closed road that would be a shortcut.
NODES = {
    1: (82.45, 50.15),
    2: (82.50, 50.15),
    3: (82.56, 50.15),
    4: (82.60, 50.15),
    5: (82.50, 50.20),  # the north school
    6: (82.50, 50.10),  # the south school
    7: (82.56, 50.20),  # the end of a closed shortcut
}
WAYS = [
    (10, [1, 2, 3, 4], {"highway": "secondary"}),
    (11, [2, 5], {"highway": "tertiary", "surface": "gravel"}),
    (12, [2, 6], {"highway": "tertiary"}),
    (13, [5, 7, 3], {"highway": "unclassified", "access": "no"}),  # closed
    (14, [4, 3], {"highway": "residential", "oneway": "yes"}),
]


def write_osm(path: Path) -> Path:
    w = osmium.SimpleWriter(str(path))
    for i, (lon, lat) in NODES.items():
        w.add_node(osmium.osm.mutable.Node(id=i, location=osmium.osm.Location(lon, lat), version=1))
    for i, refs, tags in WAYS:
        w.add_way(osmium.osm.mutable.Way(id=i, nodes=refs, tags=tags, version=1))
    w.close()
    return path


def test_the_graph_keeps_one_way_streets_and_leaves_closed_roads_out(tmp_path: Path) -> None:
    graph = roads.read_osm(write_osm(tmp_path / "t.osm.pbf"))
    assert len(graph.nodes) == 6  # node 7 is only on the closed road
    # secondary: 3 segments both ways; two tertiary spurs both ways; the one-way: 1
    assert len(graph.tail) == 3 * 2 + 2 * 2 + 1
    provider = RoadGraphProvider(graph)
    m = provider.matrix([(82.50, 50.20), (82.56, 50.15)])  # the north school, the hamlet
    # the school to the hamlet along the roads: 5.56 km spur + 4.29 km of the secondary road
    assert 9_700 < m.distance_m[0, 1] < 10_000
    # gravel at 45 × 0.6 km/h, then 55 km/h: about 12 + 4.7 minutes
    assert 950 < m.duration_s[0, 1] < 1_050
    same = RoadGraph.from_bytes(graph.to_bytes())
    assert (same.tail == graph.tail).all()


def test_the_command_imports_and_plans_use_the_roads(tmp_path: Path, client: Any) -> None:
    w = tf.world()
    tf.riders(w, w.stops["hamlet-north"], 4)
    tf.bus(w, "n-1", home=w.north_school)

    def plan() -> Plan:
        p = Plan.objects.create(
            territory=w.district, name="p", params={"iterations": 40, "max_ride_min": 60}
        )
        services.optimise(p)
        p.refresh_from_db()
        return p

    straight = plan()
    assert straight.distances == "straight:1.3:50.0"
    client.force_login(w.coordinator)
    page = client.get(f"/ru/transport/{w.district.kato}/plans/{straight.pk}/").content.decode()
    assert "по прямой × 1,3" in page
    call_command("roads", "import", str(write_osm(tmp_path / "region.osm.pbf")))
    network = RoadNetwork.objects.get()
    assert (network.nodes, network.edges) == (6, 11)
    on_roads = plan()
    assert on_roads.distances == f"roads:{network.pk}:region.osm.pbf"
    assert on_roads.distance_km != straight.distance_km
    page = client.get(f"/ru/transport/{w.district.kato}/plans/{on_roads.pk}/").content.decode()
    assert "по дорогам region.osm.pbf" in page


def test_a_bad_file_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not a pbf")
    with pytest.raises(CommandError):
        call_command("roads", "import", str(bad))
    empty = tmp_path / "empty.osm.pbf"
    w = osmium.SimpleWriter(str(empty))
    w.add_node(osmium.osm.mutable.Node(id=1, location=osmium.osm.Location(82.5, 50.2), version=1))
    w.close()
    with pytest.raises(CommandError, match="нет дорог"):
        call_command("roads", "import", str(empty))
    assert RoadNetwork.objects.count() == 0


def test_the_coordinator_imports_an_extract_on_the_roads_page(tmp_path: Path, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keleshek.accounts.models import Role, User

    w = tf.world()
    tf.bus(w, "n-1", home=w.north_school)
    url = f"/ru/transport/{w.district.kato}/roads/"
    client.force_login(w.coordinator)
    page = client.get(url).content.decode()
    assert "Ни одна дорожная сеть не покрывает" in page

    bad = SimpleUploadedFile("bad.osm.pbf", b"not a pbf")
    resp = client.post(url, {"file": bad})
    assert resp.status_code == 400
    assert "не является выгрузкой OpenStreetMap" in resp.content.decode()
    resp = client.post(url, {"file": SimpleUploadedFile("roads.txt", b"x")})
    assert resp.status_code == 400
    assert RoadNetwork.objects.count() == 0

    extract = write_osm(tmp_path / "region.osm.pbf").read_bytes()
    resp = client.post(url, {"file": SimpleUploadedFile("region.osm.pbf", extract)})
    assert resp.status_code == 302
    network = RoadNetwork.objects.get()
    assert (network.name, network.nodes, network.edges) == ("region.osm.pbf", 6, 11)
    page = client.get(url).content.decode()
    assert "Планы района используют дороги region.osm.pbf" in page

    officer = User.objects.create_user(
        "officer", password="pw-not-used-123", role=Role.DISTRICT_OFFICER, territory=w.district
    )
    client.force_login(officer)
    assert client.get(url).status_code == 200
    resp = client.post(url, {"file": SimpleUploadedFile("region.osm.pbf", extract)})
    assert resp.status_code == 403
    assert RoadNetwork.objects.count() == 1
