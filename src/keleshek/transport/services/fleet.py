"""The fleet (vehicles of a district) and the schools' bell times."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core import audit
from keleshek.institutions.models import Institution

from ..models import SchoolSchedule, Vehicle, parse_grades
from .riders import school_day_min

DEFAULT_BELL = dt.time(8, 30)
DEFAULT_MARGIN_MIN = 10  # as the model's defaults: what the optimiser assumes without a schedule
DEFAULT_WINDOW_MIN = 25
SEATS = (1, 120)
MARGIN_MIN = (0, 120)
WINDOW_MIN = (1, 180)


def vehicle_problems(vehicle: Vehicle) -> dict[str, str]:
    """What is wrong with a vehicle, per field (fields not given yet are skipped)."""
    errors: dict[str, str] = {}
    if vehicle.capacity is not None and not SEATS[0] <= vehicle.capacity <= SEATS[1]:
        errors["capacity"] = _("seats for pupils must be between %(lo)s and %(hi)s") % {
            "lo": SEATS[0],
            "hi": SEATS[1],
        }
    if vehicle.depot_lat is not None and not -90 <= vehicle.depot_lat <= 90:
        errors["depot_lat"] = _("the depot latitude must be between -90 and 90")
    if vehicle.depot_lon is not None and not -180 <= vehicle.depot_lon <= 180:
        errors["depot_lon"] = _("the depot longitude must be between -180 and 180")
    if vehicle.cost_per_km is not None and vehicle.cost_per_km < 0:
        errors["cost_per_km"] = _("the cost per km cannot be negative")
    home = vehicle.home_school if vehicle.home_school_id else None
    if home is not None:
        district = vehicle.territory if vehicle.territory_id else None
        if district is not None and not (home.settlement.path or "").startswith(district.path):
            errors["home_school"] = _("the home school must be in the vehicle's district")
        elif home.lat is None or home.lon is None:
            errors["home_school"] = _("the home school has no coordinates; give a garage instead")
    if vehicle.code and Vehicle.objects.filter(code=vehicle.code).exclude(pk=vehicle.pk).exists():
        errors["code"] = _("a vehicle with this code already exists")
    return errors


@transaction.atomic
def vehicle_save(vehicle: Vehicle) -> Vehicle:
    """Add a vehicle to a district's fleet or change one; the optimiser uses the fleet as
    stored (available vehicles of the district) the next time it builds the problem."""
    errors = vehicle_problems(vehicle)
    if errors:
        raise ValidationError(errors)
    place_at_home(vehicle)
    stored = Vehicle.objects.filter(pk=vehicle.pk).first() if vehicle.pk else None
    before = audit.snapshot(stored) if stored else {}
    vehicle.save()
    audit.record(
        "update" if before else "create",
        vehicle,
        summary=f"vehicle {vehicle.code} ({vehicle.capacity} seats)",
        changes=audit.diff(before, audit.snapshot(vehicle)),
    )
    return vehicle


def place_at_home(vehicle: Vehicle) -> None:
    """A school's bus stands at its school: the depot is the school (name and coordinates)."""
    home = vehicle.home_school if vehicle.home_school_id else None
    if home is not None and home.lat is not None and home.lon is not None:
        vehicle.depot_name = home.name_ru
        vehicle.depot_lat, vehicle.depot_lon = home.lat, home.lon


@transaction.atomic
def vehicle_set_available(vehicle: Vehicle, *, available: bool) -> Vehicle:
    """Take a vehicle out of service (repair, no driver) or put it back."""
    if vehicle.available == available:
        return vehicle
    before = audit.snapshot(vehicle)
    vehicle.available = available
    vehicle.save(update_fields=["available", "updated_at"])
    audit.record(
        "update",
        vehicle,
        summary=f"vehicle {vehicle.code} {'available' if available else 'not available'}",
        changes=audit.diff(before, audit.snapshot(vehicle)),
    )
    return vehicle


def schedule_problems(schedule: SchoolSchedule) -> dict[str, str]:
    errors: dict[str, str] = {}
    margin, window = schedule.margin_min, schedule.window_min
    if margin is not None and not MARGIN_MIN[0] <= margin <= MARGIN_MIN[1]:
        errors["margin_min"] = _("the margin must be between %(lo)s and %(hi)s minutes") % {
            "lo": MARGIN_MIN[0],
            "hi": MARGIN_MIN[1],
        }
    if window is not None and not WINDOW_MIN[0] <= window <= WINDOW_MIN[1]:
        errors["window_min"] = _("the arrival window must be between %(lo)s and %(hi)s minutes") % {
            "lo": WINDOW_MIN[0],
            "hi": WINDOW_MIN[1],
        }
    if schedule.bell and schedule.dismissal and schedule.dismissal <= schedule.bell:
        errors["dismissal"] = _("the last lesson must end after the first bell")
    errors.update(_second_shift_problems(schedule))
    return errors


def _clock_plus(t: dt.time, minutes: int) -> dt.time:
    """``t`` plus ``minutes``, at most 23:59 (a school day does not cross midnight)."""
    total = min(t.hour * 60 + t.minute + minutes, 23 * 60 + 59)
    return dt.time(total // 60, total % 60)


def _second_shift_problems(schedule: SchoolSchedule) -> dict[str, str]:
    errors: dict[str, str] = {}
    bell2, grades = schedule.shift2_bell, (schedule.shift2_grades or "").strip()
    if bell2 is None and grades:
        errors["shift2_bell"] = _("give the second shift's first bell, or leave its grades blank")
    if bell2 is not None and not grades:
        errors["shift2_grades"] = _("name the grades taught in the second shift, e.g. 2-4, 6")
    if grades:
        try:
            parse_grades(grades)
        except ValueError as exc:
            errors["shift2_grades"] = _(
                "%(part)s is not a grade or a range of grades from 0 to 11, e.g. 2-4, 6"
            ) % {"part": str(exc) or grades}
    if bell2 is not None and schedule.bell:
        # The second shift uses the rooms after the first: it starts after its last lesson.
        first_ends = schedule.dismissal or _clock_plus(schedule.bell, school_day_min())
        if bell2 <= first_ends:
            errors["shift2_bell"] = _(
                "the second shift must start after the first shift's last lesson (%(time)s)"
            ) % {"time": first_ends.strftime("%H:%M")}
    if bell2 is not None and schedule.shift2_dismissal and schedule.shift2_dismissal <= bell2:
        errors["shift2_dismissal"] = _("the second shift's last lesson must end after its bell")
    if schedule.shift2_dismissal and bell2 is None:
        errors["shift2_dismissal"] = _("a second shift needs its first bell")
    return errors


def schedule_defaults(school: Institution | None) -> SchoolSchedule:
    """An unsaved schedule with the values the optimiser assumes when a school has none."""
    schedule = SchoolSchedule(
        bell=DEFAULT_BELL, margin_min=DEFAULT_MARGIN_MIN, window_min=DEFAULT_WINDOW_MIN
    )
    if school is not None:
        schedule.school = school
    return schedule


@transaction.atomic
def schedule_save(schedule: SchoolSchedule) -> SchoolSchedule:
    """Set a school's bell time (created if the school had none); the optimiser's arrival
    window for the school follows it the next time the problem is built."""
    errors = schedule_problems(schedule)
    if errors:
        raise ValidationError(errors)
    stored = SchoolSchedule.objects.filter(school_id=schedule.school_id).first()
    before = audit.snapshot(stored) if stored else {}
    if stored is not None:
        schedule.pk = stored.pk
    schedule.save()
    audit.record(
        "update" if before else "create",
        schedule,
        summary=f"bell time of school {schedule.school_id}: {schedule.bell:%H:%M}",
        changes=audit.diff(before, audit.snapshot(schedule)),
    )
    return schedule
