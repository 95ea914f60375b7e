"""Distance providers: great-circle, Manhattan, the OSRM table, overrides."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from keleshek.routing.distances import (
    GreatCircleProvider,
    ManhattanProvider,
    OsrmTableProvider,
    apply_overrides,
    parse_osrm_table,
)
from keleshek.routing.model import UNREACHABLE, DistanceOverride

DATA = Path(__file__).parent / "data"


def test_great_circle_one_degree_of_latitude_times_circuity() -> None:
    # One degree along a meridian is 2*pi*R/360 = 111,195 m on the mean-radius sphere.
    m = GreatCircleProvider(circuity=1.3, speed_kmh=36.0).matrix([(82.6, 49.0), (82.6, 50.0)])
    assert m.distance_m[0, 1] == round(111_195.08 * 1.3)
    assert m.distance_m[1, 0] == m.distance_m[0, 1]
    assert m.distance_m[0, 0] == 0
    # 36 km/h is 10 m/s; durations are rounded up.
    assert m.duration_s[0, 1] == int(np.ceil(111_195.08 * 1.3 / 10))


def test_circuity_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="circuity"):
        GreatCircleProvider(circuity=0.9)


def test_manhattan() -> None:
    m = ManhattanProvider(metres_per_unit=0.5, speed_kmh=36.0).matrix([(0, 0), (300, 400)])
    assert m.distance_m.tolist() == [[0, 350], [350, 0]]
    assert m.duration_s.tolist() == [[0, 35], [35, 0]]


def test_osrm_recorded_table_is_parsed() -> None:
    answer = json.loads((DATA / "osrm_table_3.json").read_text())
    m = parse_osrm_table(answer)
    assert m.distance_m.tolist() == [
        [0, 117894, 168421],
        [117806, 0, 262312],
        [168441, UNREACHABLE, 0],
    ]
    assert m.duration_s[0].tolist() == [0, 6403, 9126]
    assert m.duration_s[2, 1] == UNREACHABLE


def test_osrm_provider_builds_the_table_url_and_reads_the_answer() -> None:
    asked: list[str] = []
    body = (DATA / "osrm_table_3.json").read_bytes()

    def fetch(url: str) -> bytes:
        asked.append(url)
        return body

    provider = OsrmTableProvider("http://osrm.local:5000/", fetch=fetch)
    m = provider.matrix([(82.61041, 49.94852), (83.51209, 50.34411), (84.27133, 49.73802)])
    assert asked == [
        "http://osrm.local:5000/table/v1/driving/"
        "82.610410,49.948520;83.512090,50.344110;84.271330,49.738020"
        "?annotations=distance,duration"
    ]
    assert m.distance_m[0, 1] == 117894


def test_osrm_error_answer_raises() -> None:
    with pytest.raises(ValueError, match="InvalidQuery"):
        parse_osrm_table({"code": "InvalidQuery", "message": "bad coordinates"})


def test_osrm_only_http() -> None:
    with pytest.raises(ValueError, match="http"):
        OsrmTableProvider("file:///etc/passwd")


def test_override_replaces_both_directions_of_a_closed_road() -> None:
    m = ManhattanProvider(1.0, 36.0).matrix([(0, 0), (1000, 0), (0, 2000)])
    keys = ["depot:d", "school:s", "stop:a"]
    out = apply_overrides(m, keys, [DistanceOverride("school:s", "stop:a", 9000, 900)])
    assert out.distance_m.tolist() == [[0, 1000, 2000], [1000, 0, 9000], [2000, 9000, 0]]
    assert out.duration_s[2, 1] == 900
    assert m.distance_m[1, 2] == 3000  # the original is untouched
    with pytest.raises(ValueError, match="unknown place"):
        apply_overrides(m, keys, [DistanceOverride("stop:zz", "stop:a", 1, 1)])
