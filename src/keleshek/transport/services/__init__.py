"""Rural school transport, by work: who rides (``riders``), stops within walking distance
(``stops``), the fleet and bell times (``fleet``), and optimised plans built by the pure routing
core (``plans``). The names callers use are gathered here; each lives in its module."""

from .fleet import (
    DEFAULT_BELL,
    DEFAULT_MARGIN_MIN,
    DEFAULT_WINDOW_MIN,
    MARGIN_MIN,
    SEATS,
    WINDOW_MIN,
    place_at_home,
    schedule_defaults,
    schedule_problems,
    schedule_save,
    vehicle_problems,
    vehicle_save,
    vehicle_set_available,
)
from .plans import SECOND_SHIFT, Built, build, optimise, plan_create, whatif_params
from .riders import (
    TRANSPORT_PROGRAMME,
    assess_riders,
    max_ride_min,
    school_day_min,
    walking_limit_m,
)
from .stops import generate_stops, reseat_riders, stop_close, stop_merge, stop_save

__all__ = [
    "DEFAULT_BELL",
    "DEFAULT_MARGIN_MIN",
    "DEFAULT_WINDOW_MIN",
    "MARGIN_MIN",
    "SEATS",
    "SECOND_SHIFT",
    "TRANSPORT_PROGRAMME",
    "WINDOW_MIN",
    "Built",
    "assess_riders",
    "build",
    "generate_stops",
    "max_ride_min",
    "optimise",
    "place_at_home",
    "plan_create",
    "reseat_riders",
    "schedule_defaults",
    "schedule_problems",
    "schedule_save",
    "school_day_min",
    "stop_close",
    "stop_merge",
    "stop_save",
    "vehicle_problems",
    "vehicle_save",
    "vehicle_set_available",
    "walking_limit_m",
    "whatif_params",
]
