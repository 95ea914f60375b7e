"""Park, Tae & Kim (2012) school-bus benchmark sets read into the routing core's Problem."""

from __future__ import annotations

import csv
from pathlib import Path

from keleshek.routing.distances import ManhattanProvider
from keleshek.routing.model import Depot, Problem, Rules, School, Stop, VehicleType
from keleshek.routing.solver import build_problem

# The published parameters (shared benchmarks README): capacity 66, dwell 19 s + 2.6 s per
# pupil, 20 mph, Manhattan distance; coordinates are in feet.
CAPACITY = 66
DWELL_FIXED_S = 19.0
DWELL_PER_PUPIL_S = 2.6
FEET = 0.3048
SPEED_KMH = 20 * 1.609344
# Unloading at the school, 154.4 s in the MIT code's loader of these sets, rounded up.
UNLOAD_S = 155
# The yard of the published route files (SCHNODE/NODE_COORD section, node 0).
DEPOT_XY = (105600.0, 105600.0)


def _clock(hhmm: str) -> int:
    """The files write times as HHMM without a separator (510 is 05:10)."""
    value = int(float(hhmm))
    return value // 100 * 3600 + value % 100 * 60


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    return [r for r in rows[1:] if r and r[0].strip()]


def load(directory: Path, max_ride_s: int, fixed_bell: bool = True) -> Problem:
    """``fixed_bell`` models the sets as the MIT code does: a school's drop-off ends at the
    opening of its window (the bus arrives 154.4 s before and leaves then). Otherwise the
    whole window [earliest, latest] is open for arrival, which needs fewer buses."""
    schools = []
    for r in _rows(directory / "Schools.txt"):
        early, late = _clock(r[3]), _clock(r[4])
        if fixed_bell:
            early = late = early - UNLOAD_S
        schools.append(School(r[0], float(r[1]), float(r[2]), early, late, UNLOAD_S))
    stops = [
        Stop(r[0], float(r[1]), float(r[2]), r[3], int(float(r[4])))
        for r in _rows(directory / "Stops.txt")
    ]
    depot = Depot("yard", *DEPOT_XY)
    # The fleet is not limited: the benchmark counts how many buses the plan needs.
    fleet = VehicleType("bus", CAPACITY, len(stops), depot.id)
    rules = Rules(max_ride_s, DWELL_FIXED_S, DWELL_PER_PUPIL_S)
    return build_problem(
        [depot], [fleet], schools, stops, rules, ManhattanProvider(FEET, SPEED_KMH)
    )
