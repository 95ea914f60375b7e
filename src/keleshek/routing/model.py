"""The school-bus routing problem and its answer, as plain data (no Django, no solver).

Times are integer seconds since midnight, distances integer metres. Coordinates are whatever
the distance provider understands: for the geographic providers ``x`` is the longitude and
``y`` the latitude in degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# A distance or duration this large means "no road": a provider that cannot connect two places
# (OSRM answers null) writes it, and the explanations report such stops as unreachable.
UNREACHABLE = 10**9


@dataclass(frozen=True)
class Depot:
    id: str
    x: float
    y: float


@dataclass(frozen=True)
class VehicleType:
    id: str
    capacity: int
    count: int
    depot_id: str
    cost_per_km: float = 1.0
    fixed_cost: float = 0.0  # per bus used per day
    # The schools these buses may serve (ADR 0170): a school's own buses serve it (and the
    # neighbours the plan allows) and start and end their day at their depot, the school or
    # the carrier's garage. Empty: any school (a district's pooled fleet).
    schools: frozenset[str] = frozenset()

    def may_serve(self, *school_ids: str) -> bool:
        """Whether these buses may carry pupils to all of ``school_ids``."""
        return not self.schools or all(s in self.schools for s in school_ids)


@dataclass(frozen=True)
class School:
    """A school (or one shift of a school: a second shift is another School with its window).

    With a ``dismissal`` time the pupils brought in the morning are also driven home after the
    last lesson (``afternoon.py``): boarding at the school starts between the dismissal and
    the dismissal plus ``dismissal_window_s``. Without one, only the morning is planned.
    """

    id: str
    x: float
    y: float
    earliest_arrival: int  # seconds since midnight
    latest_arrival: int  # the bell minus the margin to reach the classroom
    unload_s: int = 0  # the bus stands this long at the school before it can leave
    dismissal: int | None = None  # the last lesson ends; None: no afternoon runs
    dismissal_window_s: int = 1200  # boarding starts at most this long after the dismissal

    @classmethod
    def from_bell(
        cls,
        id: str,
        x: float,
        y: float,
        bell: int,
        margin_s: int = 600,
        window_s: int = 1200,
        unload_s: int = 0,
        dismissal: int | None = None,
    ) -> School:
        """Buses arrive between ``bell - margin - window`` and ``bell - margin``; after the
        ``dismissal`` they start boarding within the same ``window``."""
        latest = bell - margin_s
        return cls(id, x, y, latest - window_s, latest, unload_s, dismissal, window_s)


@dataclass(frozen=True)
class Stop:
    id: str
    x: float
    y: float
    school_id: str
    pupils: int
    pupil_ids: tuple[str, ...] = ()  # optional; lets explanations name each pupil


@dataclass(frozen=True)
class Rules:
    max_ride_s: int
    dwell_fixed_s: float = 30.0
    dwell_per_pupil_s: float = 5.0
    # A stop whose whole boarding does not fit one visit (more pupils than the largest bus, or
    # so many that boarding them all breaks the ride limit) is served by several visits, each
    # with as many pupils as one visit can board (split.py); switched off, such a stop is
    # reported as infeasible as a whole instead.
    split_large_stops: bool = True

    def dwell(self, pupils: int) -> int:
        """Seconds a bus stands at a stop to board ``pupils`` (rounded up: never optimistic)."""
        return math.ceil(self.dwell_fixed_s + self.dwell_per_pupil_s * pupils)


@dataclass(frozen=True)
class Matrix:
    distance_m: np.ndarray  # (n, n) int64
    duration_s: np.ndarray  # (n, n) int64

    def __post_init__(self) -> None:
        if self.distance_m.shape != self.duration_s.shape or self.distance_m.ndim != 2:
            raise ValueError("distance and duration matrices must be square and of one shape")


@dataclass(frozen=True)
class DistanceOverride:
    """A fixed distance/duration between two places, e.g. the detour around a closed road.

    Places are named ``depot:<id>``, ``school:<id>`` or ``stop:<id>``.
    """

    a: str
    b: str
    distance_m: int
    duration_s: int
    both_ways: bool = True


@dataclass(frozen=True)
class Problem:
    depots: tuple[Depot, ...]
    vehicle_types: tuple[VehicleType, ...]
    schools: tuple[School, ...]
    stops: tuple[Stop, ...]
    rules: Rules
    matrix: Matrix  # over places(): depots, then schools, then stops

    def __post_init__(self) -> None:
        n = len(self.depots) + len(self.schools) + len(self.stops)
        if self.matrix.distance_m.shape != (n, n):
            raise ValueError(f"matrix must be {n}x{n} for the places of the problem")

    def place_keys(self) -> list[str]:
        return (
            [f"depot:{d.id}" for d in self.depots]
            + [f"school:{s.id}" for s in self.schools]
            + [f"stop:{s.id}" for s in self.stops]
        )

    def depot_index(self, depot_id: str) -> int:
        return [d.id for d in self.depots].index(depot_id)

    def school_index(self, school_id: str) -> int:
        return len(self.depots) + [s.id for s in self.schools].index(school_id)

    def stop_index(self, stop_id: str) -> int:
        return len(self.depots) + len(self.schools) + [s.id for s in self.stops].index(stop_id)

    def school(self, school_id: str) -> School | None:
        return next((s for s in self.schools if s.id == school_id), None)

    def vehicle_type(self, type_id: str) -> VehicleType:
        return next(v for v in self.vehicle_types if v.id == type_id)

    @property
    def largest_capacity(self) -> int:
        return max((v.capacity for v in self.vehicle_types if v.count > 0), default=0)


# --- the answer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StopVisit:
    stop_id: str
    arrival: int  # seconds since midnight; boarding starts
    departure: int
    boarded: int
    load_after: int
    pupil_ids: tuple[str, ...] = ()
    school_id: str = ""  # the school these pupils ride to; "" means the trip's school


@dataclass(frozen=True)
class SchoolDrop:
    """A school a shared trip reaches before its last one: its pupils get off (ADR 0066)."""

    school_id: str
    arrival: int
    departure: int  # the bus leaves for the next school
    alighted: int


@dataclass(frozen=True)
class Trip:
    """One run from the first stop to a school; a shared trip (ADR 0066) carries pupils of
    two schools and drops the first school's pupils on the way (``drops``)."""

    school_id: str  # the last school, where the bus ends the trip
    visits: tuple[StopVisit, ...]
    school_arrival: int  # at the last school
    distance_m: int  # first stop to the last school, through the schools of ``drops``
    load: int
    drops: tuple[SchoolDrop, ...] = ()

    @property
    def start(self) -> int:
        return self.visits[0].arrival

    def school_of(self, visit: StopVisit) -> str:
        return visit.school_id or self.school_id

    def arrival_at(self, school_id: str) -> int:
        """When the bus reaches ``school_id`` (one of this trip's schools)."""
        return next(
            (d.arrival for d in self.drops if d.school_id == school_id), self.school_arrival
        )

    @property
    def school_ids(self) -> tuple[str, ...]:
        """The schools in the order the bus reaches them."""
        return (*(d.school_id for d in self.drops), self.school_id)

    @property
    def longest_ride_s(self) -> int:
        # A pupil rides from the stop (boarding included) to the arrival at their own school.
        return max((self.arrival_at(self.school_of(v)) - v.arrival for v in self.visits), default=0)


@dataclass(frozen=True)
class DropOff:
    """An afternoon stop: the bus arrives, pupils get off, it leaves."""

    stop_id: str
    arrival: int
    departure: int  # everyone who gets off here is off
    alighted: int
    load_after: int
    pupil_ids: tuple[str, ...] = ()
    school_id: str = ""  # the school these pupils come from; "" means the trip's school


@dataclass(frozen=True)
class SchoolPickup:
    """A second school a shared run home calls at: its pupils board there (ADR 0066)."""

    school_id: str
    arrival: int  # boarding starts (not before that school's dismissal)
    departure: int  # boarding done
    boarded: int


@dataclass(frozen=True)
class AfternoonTrip:
    """One run home: pupils board at the school after the last lesson, then the stops. A
    shared run (ADR 0066) calls at a second school (``pickups``) before the stops."""

    school_id: str  # where boarding starts
    boarding: int  # boarding at the school starts (not before the dismissal)
    school_departure: int  # boarding done: the bus leaves the school
    visits: tuple[DropOff, ...]
    distance_m: int  # the school to the last stop, through the schools of ``pickups``
    load: int
    pickups: tuple[SchoolPickup, ...] = ()

    @property
    def end(self) -> int:
        return self.visits[-1].departure

    def school_of(self, visit: DropOff) -> str:
        return visit.school_id or self.school_id

    def departure_from(self, school_id: str) -> int:
        """When the bus leaves ``school_id`` (one of this run's schools)."""
        return next(
            (p.departure for p in self.pickups if p.school_id == school_id), self.school_departure
        )

    def boarding_at(self, school_id: str) -> int:
        """When boarding starts at ``school_id`` (one of this run's schools)."""
        return next((p.arrival for p in self.pickups if p.school_id == school_id), self.boarding)

    @property
    def school_ids(self) -> tuple[str, ...]:
        return (self.school_id, *(p.school_id for p in self.pickups))

    @property
    def longest_ride_s(self) -> int:
        # A pupil rides from leaving their school to the end of the alighting at their stop
        # (the mirror of the morning, where boarding counts and unloading at school does not).
        return max(
            (v.departure - self.departure_from(self.school_of(v)) for v in self.visits), default=0
        )


@dataclass(frozen=True)
class BusPlan:
    bus_id: str
    vehicle_type_id: str
    depot_id: str
    trips: tuple[Trip, ...]  # the morning runs to school, in time order
    distance_m: int  # the morning: depot, trips, empty runs between them, back to depot
    afternoon: tuple[AfternoonTrip, ...] = ()  # the runs home, in time order
    afternoon_distance_m: int = 0  # depot, afternoon trips, empty runs, back to depot

    @property
    def load(self) -> int:
        morning = (t.load for t in self.trips)
        return max((*morning, *(t.load for t in self.afternoon)), default=0)

    @property
    def longest_ride_s(self) -> int:
        morning = (t.longest_ride_s for t in self.trips)
        return max((*morning, *(t.longest_ride_s for t in self.afternoon)), default=0)


@dataclass(frozen=True)
class Unserved:
    stop_id: str
    pupils: int
    code: str  # machine-readable, for translation by the caller (see explain.REASONS)
    reason: str  # an English sentence with the figures
    pupil_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    buses: tuple[BusPlan, ...]
    unserved: tuple[Unserved, ...]
    pupils_total: int
    notes: tuple[str, ...] = field(default=())
    # Pupils brought in the morning whom no afternoon run takes home, each with a reason.
    afternoon_unserved: tuple[Unserved, ...] = field(default=())

    @property
    def buses_used(self) -> int:
        return len(self.buses)

    @property
    def distance_m(self) -> int:
        return sum(b.distance_m for b in self.buses)

    @property
    def longest_ride_s(self) -> int:
        return max((b.longest_ride_s for b in self.buses), default=0)

    @property
    def pupils_served(self) -> int:
        return sum(t.load for b in self.buses for t in b.trips)

    @property
    def trips(self) -> list[Trip]:
        return [t for b in self.buses for t in b.trips]

    @property
    def afternoon_trips(self) -> list[AfternoonTrip]:
        return [t for b in self.buses for t in b.afternoon]

    @property
    def afternoon_distance_m(self) -> int:
        return sum(b.afternoon_distance_m for b in self.buses)

    @property
    def pupils_home(self) -> int:
        """Pupils carried home after lessons."""
        return sum(t.load for t in self.afternoon_trips)
