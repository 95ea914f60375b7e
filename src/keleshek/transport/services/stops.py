"""Stops within walking distance of the riders' homes: generated, or set by hand."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core import audit
from keleshek.institutions.models import Institution
from keleshek.routing.check import walking_distance_m
from keleshek.territory.models import Territory

from ..models import Rider, Stop
from .riders import walking_limit_m


def _walk(home: tuple[Any, Any], stop: tuple[Any, Any]) -> float:
    # Riders always have home coordinates: the rule that selects them needs the distance.
    return walking_distance_m((float(home[0]), float(home[1])), (float(stop[0]), float(stop[1])))


@transaction.atomic
def generate_stops(*, territory: Territory, limit_m: float | None = None) -> int:
    """Cluster riders' homes into stops so that nobody walks farther than the limit.

    Hand-made stops (``generated=False``) are kept and used first. A leader algorithm per school
    and settlement: an unassigned rider's home opens a stop; every unassigned rider within the
    limit joins; the stop moves to the members' centre when that keeps everyone within reach.
    """
    limit = walking_limit_m() if limit_m is None else limit_m
    scope = {"school__settlement__path__startswith": territory.path}
    Rider.objects.filter(**scope).update(stop=None, walk_m=None)
    Stop.objects.filter(generated=True, **scope).delete()
    manual: dict[int, list[Stop]] = defaultdict(list)
    for s in Stop.objects.filter(**scope):
        manual[s.school_id].append(s)
    rows = list(
        Rider.objects.filter(**scope)
        .order_by("school_id", "settlement_id", "pupil__home_lat", "pupil__home_lon")
        .values_list("pk", "school_id", "settlement_id", "pupil__home_lon", "pupil__home_lat")
    )
    groups: dict[tuple[int, int], list[tuple[int, tuple[Any, Any]]]] = defaultdict(list)
    for pk, school_id, settlement_id, lon, lat in rows:
        groups[(school_id, settlement_id)].append((pk, (lon, lat)))
    assign: dict[int, tuple[Stop, float]] = {}
    new_stops: list[tuple[Stop, list[int]]] = []
    names = dict(Territory.objects.filter(level="settlement").values_list("pk", "name_ru"))
    counter = 0
    for (school_id, settlement_id), members in groups.items():
        pending = []
        for pk, home in members:
            best = min(
                ((s, _walk(home, (s.lon, s.lat))) for s in manual.get(school_id, [])),
                key=lambda t: t[1],
                default=None,
            )
            if best is not None and best[1] <= limit:
                assign[pk] = best
            else:
                pending.append((pk, home))
        while pending:
            leader = pending[0][1]
            near = [(pk, h) for pk, h in pending if _walk(h, leader) <= limit]
            centre = (
                sum(h[0] for _, h in near) / len(near),
                sum(h[1] for _, h in near) / len(near),
            )
            spot = centre if all(_walk(h, centre) <= limit for _, h in near) else leader
            counter += 1
            stop = Stop(
                code=f"s{school_id}-{settlement_id}-{counter}",
                name=f"{names.get(settlement_id, '')} — {len(new_stops) + 1}",
                settlement_id=settlement_id,
                school_id=school_id,
                lon=spot[0],
                lat=spot[1],
                generated=True,
            )
            new_stops.append((stop, [pk for pk, _ in near]))
            taken = {pk for pk, _ in near}
            pending = [(pk, h) for pk, h in pending if pk not in taken]
    Stop.objects.bulk_create([s for s, _ in new_stops], batch_size=2000)
    homes = {pk: home for pk, _s, _t, *home in rows}
    for stop, pks in new_stops:
        for pk in pks:
            assign[pk] = (stop, _walk((homes[pk][0], homes[pk][1]), (stop.lon, stop.lat)))
    riders = []
    for pk, (stop, metres) in assign.items():
        riders.append(Rider(pk=pk, stop_id=stop.pk, walk_m=round(metres)))
    Rider.objects.bulk_update(riders, ["stop", "walk_m"], batch_size=2000)
    audit.record(
        "update",
        object_type="transport.stop",
        object_id=territory.kato,
        summary=f"generated {len(new_stops)} stops in {territory.kato} (limit {limit:.0f} m)",
    )
    return len(new_stops)


@transaction.atomic
def stop_save(
    *,
    stop: Stop | None,
    school: Institution,
    settlement: Territory,
    name: str,
    lat: float,
    lon: float,
) -> Stop:
    """Create or move a stop by hand, then re-seat the school's riders on their nearest stop
    within the walking limit (a rider with none in reach keeps no stop and is listed)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(_("coordinates are out of range"))
    before = audit.snapshot(stop) if stop else {}
    if stop is None:
        stop = Stop(code=f"m{school.pk}-{Stop.objects.count() + 1}", generated=False)
    stop.school, stop.settlement, stop.name = school, settlement, name
    stop.lat, stop.lon, stop.generated = lat, lon, False
    stop.save()
    reseat_riders(school=school)
    audit.record(
        "update" if before else "create",
        stop,
        summary=f"stop {stop.name}",
        changes=audit.diff(before, audit.snapshot(stop)),
    )
    return stop


def reseat_riders(*, school: Institution) -> None:
    limit = walking_limit_m()
    stops = list(Stop.objects.filter(school=school))
    riders = list(
        Rider.objects.filter(school=school).values_list("pk", "pupil__home_lon", "pupil__home_lat")
    )
    updates = []
    for pk, lon, lat in riders:
        best = min(
            ((s, _walk((lon, lat), (s.lon, s.lat))) for s in stops),
            key=lambda t: t[1],
            default=None,
        )
        if best is not None and best[1] <= limit:
            updates.append(Rider(pk=pk, stop_id=best[0].pk, walk_m=round(best[1])))
        else:
            updates.append(Rider(pk=pk, stop_id=None, walk_m=None))
    Rider.objects.bulk_update(updates, ["stop", "walk_m"], batch_size=2000)
