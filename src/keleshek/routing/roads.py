"""A routable road graph and the distance provider on it (issue 18 point 3, ADR 0172).

The graph is plain arrays: nodes (longitude, latitude) and directed edges with their length and
driving time (one-way roads have one edge, two-way roads two). ``RoadGraphProvider`` snaps each
point to its nearest node, drives there off-road (straight line × circuity at a slow speed),
and takes the shortest road distance and the fastest road time between nodes with
``scipy.sparse.csgraph.dijkstra``. Pairs the roads do not connect are ``UNREACHABLE``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from keleshek.routing.distances import EARTH_RADIUS_M, Point
from keleshek.routing.model import UNREACHABLE, Matrix

# km/h by OSM highway class (rural East Kazakhstan; a school bus, not a car)
SPEEDS_KMH: dict[str, float] = {
    "motorway": 80,
    "trunk": 70,
    "primary": 60,
    "secondary": 55,
    "tertiary": 45,
    "unclassified": 35,
    "residential": 25,
    "living_street": 10,
    "service": 15,
    "track": 15,
    "road": 30,
}
ROUTABLE = frozenset({*SPEEDS_KMH, *(f"{k}_link" for k in SPEEDS_KMH)})
# an unpaved surface slows the bus to this share of its class speed
UNPAVED = frozenset({"unpaved", "gravel", "dirt", "ground", "compacted", "fine_gravel", "sand"})
UNPAVED_FACTOR = 0.6
OFF_ROAD_KMH = 15.0  # from a point to its nearest road node


def speed_kmh(highway: str, surface: str = "", maxspeed: str = "") -> float:
    """The bus's speed on a way: its class speed, slower unpaved, never above ``maxspeed``."""
    speed = SPEEDS_KMH.get(highway.removesuffix("_link"), 30.0)
    if surface in UNPAVED:
        speed *= UNPAVED_FACTOR
    if maxspeed.strip().isdigit():
        speed = min(speed, float(maxspeed))
    return speed


def haversine_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Metres between rows of (lon, lat) degrees, elementwise."""
    ra, rb = np.radians(a), np.radians(b)
    dlat, dlon = rb[..., 1] - ra[..., 1], rb[..., 0] - ra[..., 0]
    h = np.sin(dlat / 2) ** 2 + np.cos(ra[..., 1]) * np.cos(rb[..., 1]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class RoadGraph:
    nodes: np.ndarray  # (n, 2) float64 lon, lat
    tail: np.ndarray  # (m,) int64
    head: np.ndarray  # (m,) int64
    metres: np.ndarray  # (m,) float64
    seconds: np.ndarray  # (m,) float64

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        np.savez_compressed(
            out,
            nodes=self.nodes,
            tail=self.tail,
            head=self.head,
            metres=self.metres,
            seconds=self.seconds,
        )
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> RoadGraph:
        with np.load(io.BytesIO(data)) as z:
            return cls(z["nodes"], z["tail"], z["head"], z["metres"], z["seconds"])

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat)"""
        lo, hi = self.nodes.min(axis=0), self.nodes.max(axis=0)
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


class RoadGraphProvider:
    """Shortest road distances and fastest road times between points, on a ``RoadGraph``."""

    def __init__(self, graph: RoadGraph, circuity: float = 1.3) -> None:
        self.graph = graph
        self.circuity = circuity

    def matrix(self, points: Sequence[Point]) -> Matrix:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra
        from scipy.spatial import cKDTree

        g = self.graph
        pts = np.asarray(points, dtype=float).reshape(-1, 2)
        n_nodes = len(g.nodes)
        # nearest node by planar degrees scaled by the cosine of the latitude: close enough to
        # pick the node; the metres are then haversine
        scale = np.cos(np.radians(float(np.mean(g.nodes[:, 1])) if n_nodes else 0.0))
        tree = cKDTree(g.nodes * np.array([scale, 1.0]))
        _dist, near = tree.query(pts * np.array([scale, 1.0]))
        near = np.asarray(near, dtype=np.int64)
        access_m = haversine_m(pts, g.nodes[near]) * self.circuity
        access_s = access_m / (OFF_ROAD_KMH / 3.6)
        unique, inverse = np.unique(near, return_inverse=True)

        def table(weights: np.ndarray) -> np.ndarray:
            # csr_matrix sums duplicate edges; keep the smallest weight per pair instead
            order = np.lexsort((weights, g.head, g.tail))
            t, h, w = g.tail[order], g.head[order], weights[order]
            first = np.ones(len(t), dtype=bool)
            first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
            graph = csr_matrix(
                (np.maximum(w[first], 1e-3), (t[first], h[first])), shape=(n_nodes, n_nodes)
            )
            d = dijkstra(graph, directed=True, indices=unique)[:, unique]
            return np.asarray(d)[np.ix_(inverse, inverse)]

        road_m = table(g.metres)
        road_s = table(g.seconds)
        metres = access_m[:, None] + road_m + access_m[None, :]
        seconds = access_s[:, None] + road_s + access_s[None, :]
        np.fill_diagonal(metres, 0.0)
        np.fill_diagonal(seconds, 0.0)
        blocked = ~np.isfinite(metres) | ~np.isfinite(seconds)
        distance = np.where(blocked, UNREACHABLE, np.ceil(np.nan_to_num(metres, posinf=0)))
        duration = np.where(blocked, UNREACHABLE, np.ceil(np.nan_to_num(seconds, posinf=0)))
        return Matrix(distance.astype(np.int64), duration.astype(np.int64))
