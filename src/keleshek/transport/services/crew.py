"""Drivers, escorts and the vehicles' documents (issue 18 point 5): what has expired or will
expire soon, per vehicle and per route of a plan, and making a plan current knowingly.

An issue is plain data (``code``, ``kind``, ``vehicle``, ``who``, ``until``) stored with the plan
and turned into a sentence in the reader's language when shown (``issue_sentence``).
A plan made current with ``expired`` issues on its routes says so: the issues are stored with
the plan, shown first on its page and named in the audit entry; ``expiring`` and ``missing``
ones are warnings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from keleshek.core import audit
from keleshek.territory.models import Territory

from ..models import Driver, Escort, Plan, Vehicle

WARN_DAYS = 30  # warn this many days before a document expires
TACHOGRAPH_FROM_SEATS = 9  # buses (more than 8 passenger seats) carry a tachograph

Issue = dict[str, Any]


def _dated(issues: list[Issue], code: str, until: dt.date | None, on: dt.date, base: Issue) -> None:
    if until is None:
        issues.append({**base, "code": code, "kind": "missing", "until": None})
    elif until < on:
        issues.append({**base, "code": code, "kind": "expired", "until": until.isoformat()})
    elif until <= on + dt.timedelta(days=WARN_DAYS):
        issues.append({**base, "code": code, "kind": "expiring", "until": until.isoformat()})


def vehicle_issues(vehicle: Vehicle, on: dt.date) -> list[Issue]:
    """Everything wrong or soon wrong with a vehicle, its driver and its escort on ``on``."""
    base: Issue = {"vehicle": vehicle.label, "who": ""}
    issues: list[Issue] = []
    _dated(issues, "inspection", vehicle.inspection_valid_until, on, base)
    _dated(issues, "insurance", vehicle.insurance_valid_until, on, base)
    if not vehicle.seat_belts:
        issues.append({**base, "code": "seat_belts", "kind": "expired", "until": None})
    if vehicle.capacity >= TACHOGRAPH_FROM_SEATS and not vehicle.tachograph:
        issues.append({**base, "code": "tachograph", "kind": "expired", "until": None})
    driver = vehicle.driver
    if driver is None:
        issues.append({**base, "code": "driver", "kind": "missing", "until": None})
    else:
        who = {**base, "who": driver.full_name}
        if not driver.has_category_d():
            issues.append({**who, "code": "category_d", "kind": "expired", "until": None})
        _dated(issues, "licence", driver.licence_valid_until, on, who)
        _dated(issues, "medical", driver.medical_valid_until, on, who)
    escort = vehicle.escort
    if escort is None:
        issues.append({**base, "code": "escort", "kind": "missing", "until": None})
    else:
        who = {**base, "who": escort.full_name}
        if not escort.order_number or escort.order_date is None:
            issues.append({**who, "code": "escort_order", "kind": "missing", "until": None})
        if escort.valid_until is not None:
            _dated(issues, "escort_appointment", escort.valid_until, on, who)
    return issues


def plan_issues(plan: Plan, on: dt.date) -> list[Issue]:
    """The issues of the vehicles on a plan's routes, each with its route number."""
    issues: list[Issue] = []
    routes = plan.routes.select_related("vehicle__driver", "vehicle__escort").order_by("number")
    for route in routes:
        if route.vehicle is None:
            continue
        issues += [{**i, "route": route.number} for i in vehicle_issues(route.vehicle, on)]
    return issues


def blocking(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i["kind"] == "expired"]


def fleet_issues(district: Territory, on: dt.date) -> list[Issue]:
    """Issues of every vehicle of a district (the fleet page's warnings)."""
    vehicles = Vehicle.objects.filter(territory__path__startswith=district.path).select_related(
        "driver", "escort"
    )
    return [i for v in vehicles.order_by("code") for i in vehicle_issues(v, on)]


def issue_sentence(issue: Issue) -> str:
    """The issue as a sentence in the active language, with the names and the date."""
    what = {
        "inspection": _("the technical inspection of %(vehicle)s"),
        "insurance": _("the insurance of %(vehicle)s"),
        "licence": _("the driving licence of %(who)s (%(vehicle)s)"),
        "medical": _("the medical check of driver %(who)s (%(vehicle)s)"),
        "escort_appointment": _("the appointment of escort %(who)s (%(vehicle)s)"),
    }
    values = {"vehicle": issue.get("vehicle", ""), "who": issue.get("who", "")}
    code, kind = issue["code"], issue["kind"]
    if code in what:
        subject = what[code] % values
        if kind == "missing":
            return _("%(subject)s: no expiry date is recorded") % {"subject": subject}
        until = formats.date_format(dt.date.fromisoformat(issue["until"]), "SHORT_DATE_FORMAT")
        if kind == "expired":
            return _("%(subject)s expired on %(date)s") % {"subject": subject, "date": until}
        return _("%(subject)s expires on %(date)s") % {"subject": subject, "date": until}
    fixed = {
        "seat_belts": _("%(vehicle)s has no seat belts at every seat"),
        "tachograph": _("%(vehicle)s has no tachograph (required for buses)"),
        "driver": _("%(vehicle)s has no driver assigned"),
        "escort": _("%(vehicle)s has no escort assigned"),
        "category_d": _("driver %(who)s (%(vehicle)s) has no category D licence"),
        "escort_order": _("escort %(who)s (%(vehicle)s) has no director's order recorded"),
    }
    template: str = fixed[code] if code in fixed else str(code)
    return template % values


def driver_problems(driver: Driver) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not driver.full_name.strip():
        errors["full_name"] = _("give the driver's full name")
    if not driver.licence_categories.strip():
        errors["licence_categories"] = _("give the licence categories, e.g. B, C, D")
    return errors


@transaction.atomic
def driver_save(driver: Driver) -> Driver:
    errors = driver_problems(driver)
    if errors:
        raise ValidationError(errors)
    stored = Driver.objects.filter(pk=driver.pk).first() if driver.pk else None
    before = audit.snapshot(stored) if stored else {}
    driver.save()
    audit.record(
        "update" if before else "create",
        driver,
        summary=f"driver {driver.pk}",
        changes=audit.diff(before, audit.snapshot(driver)),
    )
    return driver


@transaction.atomic
def escort_save(escort: Escort) -> Escort:
    if not escort.full_name.strip():
        raise ValidationError({"full_name": _("give the escort's full name")})
    stored = Escort.objects.filter(pk=escort.pk).first() if escort.pk else None
    before = audit.snapshot(stored) if stored else {}
    escort.save()
    audit.record(
        "update" if before else "create",
        escort,
        summary=f"escort {escort.pk}",
        changes=audit.diff(before, audit.snapshot(escort)),
    )
    return escort
