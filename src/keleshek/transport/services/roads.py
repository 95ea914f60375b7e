"""Road networks from OpenStreetMap (issue 18 point 3, ADR 0172): an extract (.osm.pbf or
.osm) read with pyosmium into a routable graph — speeds by road class and surface, one-way
streets, closed roads left out — stored for the plans; and the provider a plan uses: the
network that covers the district, else straight lines × circuity (said on the plan)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core import audit
from keleshek.routing.distances import GreatCircleProvider
from keleshek.routing.roads import ROUTABLE, RoadGraph, RoadGraphProvider, haversine_m, speed_kmh

from ..models import RoadNetwork
from .riders import _setting

CLOSED_ACCESS = frozenset({"no", "private"})
CLOSED_HIGHWAY = frozenset({"construction", "proposed", "abandoned", "disused"})


def read_osm(path: Path) -> RoadGraph:
    """The routable graph of an OSM file: nodes of ways a bus may drive, edges per segment."""
    import osmium

    ways: list[tuple[list[int], float, int]] = []  # (node ids, km/h, +1 forward, -1, 0 both)
    coords: dict[int, tuple[float, float]] = {}

    class Handler(osmium.SimpleHandler):
        def way(self, w: Any) -> None:
            tags = w.tags
            highway = tags.get("highway", "")
            if highway not in ROUTABLE or highway in CLOSED_HIGHWAY:
                return
            if tags.get("access", "") in CLOSED_ACCESS or tags.get("motor_vehicle", "") == "no":
                return
            if tags.get("psv", "") == "no" or tags.get("bus", "") == "no":
                return
            oneway = tags.get("oneway", "no")
            direction = 1 if oneway in ("yes", "1", "true") else -1 if oneway == "-1" else 0
            if highway in ("motorway", "motorway_link") and oneway != "no":
                direction = direction or 1
            speed = speed_kmh(highway, tags.get("surface", ""), tags.get("maxspeed", ""))
            refs = []
            for n in w.nodes:
                if n.location.valid():
                    coords[n.ref] = (n.location.lon, n.location.lat)
                    refs.append(n.ref)
            if len(refs) >= 2:
                ways.append((refs, speed, direction))

    try:
        Handler().apply_file(str(path), locations=True)
    except RuntimeError as exc:
        message = _("the file is not an OpenStreetMap extract: %(e)s") % {"e": exc}
        raise ValidationError(message) from exc
    index = {ref: i for i, ref in enumerate(coords)}
    nodes = np.array([coords[r] for r in coords], dtype=float).reshape(-1, 2)
    tail, head, kmh = [], [], []
    for refs, speed, direction in ways:
        for a, b in itertools.pairwise(refs):
            if direction >= 0:
                tail.append(index[a])
                head.append(index[b])
                kmh.append(speed)
            if direction <= 0:
                tail.append(index[b])
                head.append(index[a])
                kmh.append(speed)
    t, h = np.array(tail, dtype=np.int64), np.array(head, dtype=np.int64)
    metres = haversine_m(nodes[t], nodes[h]) if len(t) else np.zeros(0)
    seconds = metres / (np.array(kmh, dtype=float) / 3.6) if len(t) else np.zeros(0)
    return RoadGraph(nodes, t, h, metres, seconds)


@transaction.atomic
def import_roads(path: Path) -> RoadNetwork:
    """Read an OSM extract and store its road graph; nothing is stored when it has no roads."""
    if not path.exists():
        raise ValidationError(_("no such file: %(path)s") % {"path": path})
    graph = read_osm(path)
    if len(graph.tail) == 0:
        raise ValidationError(_("the file has no roads a bus may drive on"))
    lo_lon, lo_lat, hi_lon, hi_lat = graph.bbox
    network = RoadNetwork.objects.create(
        name=path.name,
        nodes=len(graph.nodes),
        edges=len(graph.tail),
        min_lon=lo_lon,
        min_lat=lo_lat,
        max_lon=hi_lon,
        max_lat=hi_lat,
        graph=graph.to_bytes(),
    )
    audit.record(
        "import",
        network,
        summary=f"roads {path.name}: {network.nodes} nodes, {network.edges} segments",
    )
    return network


MAX_UPLOAD_MB = 512


def import_upload(upload: Any) -> RoadNetwork:
    """An extract uploaded on the roads page (ADR 0177): the same import as the command, from a
    temporary file that keeps the upload's name (pyosmium reads the format from the suffix)."""
    import tempfile

    name = Path(str(getattr(upload, "name", "") or "")).name
    if not name.endswith((".osm.pbf", ".pbf", ".osm")):
        raise ValidationError(_("choose an OpenStreetMap extract: .osm.pbf or .osm"))
    if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError(
            _("the file is larger than %(mb)s MB: import it with the command")
            % {"mb": MAX_UPLOAD_MB}
        )
    with tempfile.TemporaryDirectory(prefix="keleshek-roads-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return import_roads(path)


def district_points(district: Any) -> list[tuple[float, float]]:
    """The places a plan of the district routes between: its schools, stops and depots."""
    from keleshek.institutions.models import Institution

    from ..models import Stop, Vehicle

    points = [
        (float(lon), float(lat))
        for lon, lat in Institution.objects.filter(
            settlement__path__startswith=district.path, kind=Institution.Kind.SCHOOL
        ).values_list("lon", "lat")
        if lon is not None and lat is not None
    ]
    points += [
        (float(lon), float(lat))
        for lon, lat in Stop.objects.filter(
            school__settlement__path__startswith=district.path
        ).values_list("lon", "lat")
    ]
    points += [
        (float(lon), float(lat))
        for lon, lat in Vehicle.objects.filter(territory__path__startswith=district.path)
        .exclude(depot_lat__isnull=True)
        .values_list("depot_lon", "depot_lat")
        if lon is not None
    ]
    return points


def covers(network: RoadNetwork, points: list[tuple[float, float]]) -> bool:
    """Whether the network's box holds every point (then the district's plans use it)."""
    return bool(points) and all(
        network.min_lon <= x <= network.max_lon and network.min_lat <= y <= network.max_lat
        for x, y in points
    )


def provider_for(points: list[tuple[float, float]]) -> tuple[Any, str]:
    """The distance provider for a problem's points and how the plan describes it: the newest
    road network whose box holds every point, else straight lines × circuity."""
    circuity = _setting("ROAD_CIRCUITY", 1.3)
    if points:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        network = (
            RoadNetwork.objects.filter(
                min_lon__lte=min(xs),
                max_lon__gte=max(xs),
                min_lat__lte=min(ys),
                max_lat__gte=max(ys),
            )
            .order_by("-created_at")
            .first()
        )
        if network is not None:
            graph = RoadGraph.from_bytes(bytes(network.graph))
            return RoadGraphProvider(graph, circuity), f"roads:{network.pk}:{network.name}"
    speed = _setting("BUS_SPEED_KMH", 50.0)
    return GreatCircleProvider(circuity=circuity, speed_kmh=speed), f"straight:{circuity}:{speed}"
