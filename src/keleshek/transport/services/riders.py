"""Who rides: the support programme's rule decides, and the limits every part of transport
shares (the walking limit, the longest ride, the length of a school day)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keleshek.core import audit
from keleshek.support import rules as support_rules
from keleshek.support.models import Programme, Pupil
from keleshek.support.selectors import as_of_for, facts_for, on_roll_on
from keleshek.territory.models import Territory

from ..models import Rider

TRANSPORT_PROGRAMME = "rural-transport"


def _setting(name: str, default: float) -> float:
    value: Any = settings.KELESHEK.get(name, default)
    return float(value)


def max_ride_min() -> int:
    return int(_setting("MAX_RIDE_MIN", 60))


def school_day_min() -> int:
    """From the first bell to the end of the last lesson, when a school gives no dismissal."""
    return int(_setting("SCHOOL_DAY_MIN", 330))


def walking_limit_m() -> float:
    return _setting("WALKING_LIMIT_KM", 1.0) * 1000


# --- who rides -------------------------------------------------------------------------------


@transaction.atomic
def assess_riders(*, territory: Territory, year: int) -> int:
    """Decide who in ``territory`` needs transport, by the support programme's rule (data, so the
    same rule explains it on the child's page), and keep each rider's stop if still in reach."""
    programme = Programme.objects.filter(code=TRANSPORT_PROGRAMME).first()
    if programme is None:
        raise ValidationError(_("the rural transport programme is not defined"))
    # a pupil who has left (ADR 0185) rides no more
    pupils = on_roll_on(
        Pupil.objects.filter(school__settlement__path__startswith=territory.path),
        timezone.localdate(),
    )
    facts = facts_for(pupils, as_of=as_of_for(year), programmes=[programme])
    needs = support_rules.evaluate(programme.rule, facts)
    chosen = {int(pid): i for i, pid in enumerate(facts.pupil_ids) if needs[i]}
    info = {
        p[0]: p
        for p in Pupil.objects.filter(pk__in=list(chosen)).values_list(
            "pk", "school_id", "home_settlement_id", "home_lat", "home_lon", "grade"
        )
    }
    old = {
        r.pupil_id: r
        for r in Rider.objects.filter(school__settlement__path__startswith=territory.path)
    }
    Rider.objects.filter(school__settlement__path__startswith=territory.path).delete()
    threshold = facts.threshold_km
    riders = []
    for pid, i in chosen.items():
        _pk, school_id, settlement_id, _lat, _lon, grade = info[pid]
        distance = float(facts.distance_km[i])
        if not facts.school_in_settlement[i]:
            reason = _("no school teaching grade %(g)s in the home settlement") % {"g": grade}
        else:
            reason = _("lives %(d).1f km from school (over %(t).1f km)") % {
                "d": distance,
                "t": threshold,
            }
        prev = old.get(pid)
        riders.append(
            Rider(
                pupil_id=pid,
                school_id=school_id,
                settlement_id=settlement_id,
                distance_km=round(distance, 2),
                reason=reason[:300],
                stop_id=prev.stop_id if prev and prev.school_id == school_id else None,
                walk_m=prev.walk_m if prev and prev.school_id == school_id else None,
            )
        )
    Rider.objects.bulk_create(riders, batch_size=2000)
    audit.record(
        "update",
        object_type="transport.rider",
        object_id=territory.kato,
        summary=f"assessed riders in {territory.kato}: {len(riders)}",
    )
    return len(riders)
