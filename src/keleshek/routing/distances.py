"""Distance providers: where the distance/duration matrix of a problem comes from.

The embedded default needs no network: great-circle distance times a road circuity factor,
driven at an average speed. Production can read a road engine's table (OSRM ``/table``).
"""

from __future__ import annotations

import json
import math
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from keleshek.routing.model import UNREACHABLE, DistanceOverride, Matrix

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)

Point = tuple[float, float]  # (x, y); geographic providers read (longitude, latitude)


class DistanceProvider(Protocol):
    def matrix(self, points: Sequence[Point]) -> Matrix: ...


def _seconds(distance_m: np.ndarray, speed_kmh: float) -> np.ndarray:
    if speed_kmh <= 0:
        raise ValueError("speed must be positive")
    return np.ceil(distance_m / (speed_kmh / 3.6)).astype(np.int64)


class GreatCircleProvider:
    """Haversine distance x circuity factor, at an average speed (rural roads: 1.3, 50 km/h)."""

    def __init__(self, circuity: float = 1.3, speed_kmh: float = 50.0) -> None:
        if circuity < 1.0:
            raise ValueError("a road is never shorter than the straight line: circuity >= 1")
        self.circuity = circuity
        self.speed_kmh = speed_kmh

    def matrix(self, points: Sequence[Point]) -> Matrix:
        pts = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
        lon, lat = pts[:, 0], pts[:, 1]
        dlat = lat[None, :] - lat[:, None]
        dlon = lon[None, :] - lon[:, None]
        h = (
            np.sin(dlat / 2) ** 2
            + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
        )
        metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))) * self.circuity
        distance = np.round(metres).astype(np.int64)
        return Matrix(distance, _seconds(metres, self.speed_kmh))


class ManhattanProvider:
    """Rectilinear distance on planar coordinates (the Park-Tae-Kim benchmark convention)."""

    def __init__(self, metres_per_unit: float, speed_kmh: float) -> None:
        self.metres_per_unit = metres_per_unit
        self.speed_kmh = speed_kmh

    def matrix(self, points: Sequence[Point]) -> Matrix:
        pts = np.asarray(points, dtype=float).reshape(-1, 2)
        units = np.abs(pts[:, None, :] - pts[None, :, :]).sum(axis=2)
        metres = units * self.metres_per_unit
        return Matrix(np.round(metres).astype(np.int64), _seconds(metres, self.speed_kmh))


def parse_osrm_table(response: dict[str, Any]) -> Matrix:
    """Turn an OSRM ``/table`` answer (annotations=distance,duration) into a Matrix.

    OSRM writes ``null`` for pairs it cannot connect; those become UNREACHABLE so that the
    explanations, not a crash, deal with them.
    """
    if response.get("code") != "Ok":
        raise ValueError(f"OSRM answered {response.get('code')!r}: {response.get('message', '')}")
    if "durations" not in response or "distances" not in response:
        raise ValueError(
            "the OSRM table lacks durations or distances (annotations=distance,duration)"
        )

    def grid(rows: list[list[float | None]]) -> np.ndarray:
        n = len(rows)
        if any(len(r) != n for r in rows):
            raise ValueError("the OSRM table is not square")
        out = np.full((n, n), UNREACHABLE, dtype=np.int64)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    # Rounding up keeps the schedule on the safe side of the ride limit.
                    out[i, j] = math.ceil(value)
        return out

    return Matrix(grid(response["distances"]), grid(response["durations"]))


class OsrmTableProvider:
    """Reads the matrix from an OSRM server's ``/table/v1/<profile>/`` service.

    ``fetch`` takes a URL and returns the body; tests pass one that returns a recorded answer.
    """

    def __init__(
        self,
        base_url: str,
        profile: str = "driving",
        fetch: Callable[[str], bytes] | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the OSRM address must be http(s)")
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.timeout_s = timeout_s
        self._fetch = fetch or self._http_get

    def _http_get(self, url: str) -> bytes:
        # The scheme was checked in __init__, so this cannot open file:// or other schemes.
        with urllib.request.urlopen(url, timeout=self.timeout_s) as answer:  # noqa: S310
            body: bytes = answer.read()
        return body

    def url(self, points: Sequence[Point]) -> str:
        coords = ";".join(f"{x:.6f},{y:.6f}" for x, y in points)
        return f"{self.base_url}/table/v1/{self.profile}/{coords}?annotations=distance,duration"

    def matrix(self, points: Sequence[Point]) -> Matrix:
        return parse_osrm_table(json.loads(self._fetch(self.url(points))))


def apply_overrides(
    matrix: Matrix, keys: Sequence[str], overrides: Sequence[DistanceOverride]
) -> Matrix:
    """A copy of ``matrix`` with the given place pairs replaced (a closed road, a new bridge)."""
    if not overrides:
        return matrix
    index = {k: i for i, k in enumerate(keys)}
    distance = matrix.distance_m.copy()
    duration = matrix.duration_s.copy()
    for o in overrides:
        if o.a not in index or o.b not in index:
            raise ValueError(f"override names an unknown place: {o.a} or {o.b}")
        pairs = [(index[o.a], index[o.b])]
        if o.both_ways:
            pairs.append((index[o.b], index[o.a]))
        for i, j in pairs:
            distance[i, j] = o.distance_m
            duration[i, j] = o.duration_s
    return Matrix(distance, duration)
