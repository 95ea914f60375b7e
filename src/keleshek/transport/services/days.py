"""Cancelled days (issue 18 point 6): the coordinator records a day's trips cancelled for
weather (fog, blizzard, frost) in the district or at one school, or for a broken bus; the
pupils who were to ride on the current plan are kept with the record, for coverage and the
month's report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core import audit, schoolyear
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory

from ..models import CancelledDay, Plan, Rider, Vehicle

WEATHER = {CancelledDay.Reason.FOG, CancelledDay.Reason.BLIZZARD, CancelledDay.Reason.FROST}


def current_plan(district: Territory) -> Plan | None:
    return Plan.objects.filter(territory=district, base__isnull=True, is_current=True).first()


def affected_pupils(
    district: Territory,
    plan: Plan | None,
    *,
    school: Institution | None = None,
    vehicle: Vehicle | None = None,
) -> list[int]:
    """The pupils who ride on the plan's routes (all, one school's, or one bus's)."""
    if plan is None:
        return []
    routes = plan.routes.all()
    if vehicle is not None:
        routes = routes.filter(vehicle=vehicle)
    seats: set[tuple[int, int]] = set()  # (stop, school) of every visit on those routes
    for route in routes:
        for trip in route.trips:
            for visit in trip["visits"]:
                stop = str(visit["stop"]).split("/")[0]
                target = str(visit.get("to_school") or trip["school"]).split("/")[0]
                if stop.isdigit() and target.isdigit():
                    seats.add((int(stop), int(target)))
    riders = Rider.objects.filter(
        school__settlement__path__startswith=district.path, stop__isnull=False
    )
    if school is not None:
        riders = riders.filter(school=school)
    unserved = {int(u["pupil"]) for u in plan.unserved if str(u.get("pupil", "")).isdigit()}
    return sorted(
        pid
        for pid, stop_id, school_id in riders.values_list("pupil_id", "stop_id", "school_id")
        if (stop_id, school_id) in seats and pid not in unserved
    )


def cancelled_day_problems(
    district: Territory,
    *,
    date: dt.date | None,
    reason: str,
    school: Institution | None,
    vehicle: Vehicle | None,
    today: dt.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if date is None:
        errors["date"] = _("give the date")
    elif date > today + dt.timedelta(days=1):
        errors["date"] = _("a day can be cancelled at most one day ahead")
    elif date < today - dt.timedelta(days=366):
        errors["date"] = _("the date is more than a year ago")
    if reason not in CancelledDay.Reason.values:
        errors["reason"] = _("choose the reason")
    if reason == CancelledDay.Reason.BROKEN_BUS and vehicle is None:
        errors["vehicle"] = _("name the broken bus")
    if vehicle is not None and not vehicle.territory.path.startswith(district.path):
        errors["vehicle"] = _("the bus is not of this district")
    if school is not None and not (school.settlement.path or "").startswith(district.path):
        errors["school"] = _("the school is not in this district")
    if date is not None and not errors:
        same = CancelledDay.objects.filter(
            territory=district, date=date, school=school, vehicle=vehicle
        )
        if same.exists():
            errors["date"] = _("this day is already recorded as cancelled")
    return errors


@transaction.atomic
def cancel_day(
    district: Territory,
    *,
    date: dt.date | None,
    reason: str,
    school: Institution | None = None,
    vehicle: Vehicle | None = None,
    note: str = "",
    user: Any = None,
    today: dt.date | None = None,
) -> CancelledDay:
    """Record a cancelled day with the pupils it leaves without a ride."""
    today = today or dt.date.today()
    errors = cancelled_day_problems(
        district, date=date, reason=reason, school=school, vehicle=vehicle, today=today
    )
    if errors:
        raise ValidationError(errors)
    assert date is not None
    plan = current_plan(district)
    day = CancelledDay.objects.create(
        territory=district,
        date=date,
        reason=reason,
        school=school,
        vehicle=vehicle,
        note=note[:300],
        plan=plan,
        pupil_ids=affected_pupils(district, plan, school=school, vehicle=vehicle),
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    audit.record(
        "create",
        day,
        summary=f"cancelled day {date} ({reason}) in {district.kato}: {day.pupils_affected} pupils",
    )
    return day


def month_report(district: Territory, year: int, month: int) -> dict[str, Any]:
    """The month's cancelled days: each with its pupils, totals per reason, pupil-days lost."""
    first = dt.date(year, month, 1)
    after = dt.date(year + (month == 12), month % 12 + 1, 1)
    days = list(
        CancelledDay.objects.filter(territory=district, date__gte=first, date__lt=after)
        .select_related("school", "vehicle")
        .order_by("date", "pk")
    )
    per_reason: dict[str, int] = {}
    for d in days:
        per_reason[d.reason] = per_reason.get(d.reason, 0) + 1
    return {
        "first": first,
        "days": days,
        "dates": len({d.date for d in days}),
        "pupil_days": sum(d.pupils_affected for d in days),
        "pupils": len({p for d in days for p in d.pupil_ids}),
        "per_reason": [(CancelledDay.Reason(r).label, n) for r, n in sorted(per_reason.items())],
    }


def days_lost(*, programme: str, year: int) -> list[dict[str, Any]]:
    """The cancelled days of school year ``year`` as days the rural-transport programme did not
    deliver (for support's coverage through ``core.hooks.DAYS_LOST``, ADR 0175): plain data,
    words in the active language; the reader's scope is applied by the page that shows them."""
    from .riders import TRANSPORT_PROGRAMME

    if programme != TRANSPORT_PROGRAMME:
        return []
    first, last = schoolyear.span(year)
    rows = []
    for d in (
        CancelledDay.objects.filter(date__gte=first, date__lte=last)
        .select_related("territory", "school", "vehicle")
        .order_by("date", "pk")
    ):
        if d.vehicle is not None:
            place = _("bus %(code)s") % {"code": d.vehicle.code}
        elif d.school is not None:
            place = d.school.name
        else:
            place = d.territory.name
        rows.append(
            {
                "date": d.date,
                "reason": d.get_reason_display(),
                "place": place,
                "territory": d.territory.path,
                "pupil_ids": list(d.pupil_ids),
            }
        )
    return rows
