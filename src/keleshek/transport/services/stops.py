"""Stops within walking distance of the riders' homes: generated, or set by hand."""

from __future__ import annotations

import math
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


_DIRECTIONS = [
    ("северная окраина", "солтүстік шеті"),
    ("северо-восточная окраина", "солтүстік-шығыс шеті"),
    ("восточная окраина", "шығыс шеті"),
    ("юго-восточная окраина", "оңтүстік-шығыс шеті"),
    ("южная окраина", "оңтүстік шеті"),
    ("юго-западная окраина", "оңтүстік-батыс шеті"),
    ("западная окраина", "батыс шеті"),
    ("северо-западная окраина", "солтүстік-батыс шеті"),
]
_TOWARDS = [
    ("к северу", "солтүстікке"),
    ("к северо-востоку", "солтүстік-шығысқа"),
    ("к востоку", "шығысқа"),
    ("к юго-востоку", "оңтүстік-шығысқа"),
    ("к югу", "оңтүстікке"),
    ("к юго-западу", "оңтүстік-батысқа"),
    ("к западу", "батысқа"),
    ("к северо-западу", "солтүстік-батысқа"),
]
OUTSKIRTS_M = 2500  # farther than this from the centre a stop is outside the settlement
LANDMARK_M = 300  # an institution this near names the stop
CENTRE_M = 400  # this near the settlement's point: its centre


class _Namer:
    """Stop names by settlement and landmark, in Russian and Kazakh: the nearest school,
    kindergarten or other institution within 300 m ("у …"), else the centre, else the side of
    the settlement and the distance from its centre. Repeats get a number."""

    def __init__(self, settlements: Any) -> None:
        self.settlements = {t.pk: t for t in settlements}
        self.places: dict[int, list[tuple[str, str, float, float]]] = defaultdict(list)
        rows = Institution.objects.filter(settlement__in=list(self.settlements)).exclude(lat=None)
        for i in rows.only("settlement_id", "name_ru", "name_kk", "short_name", "lat", "lon"):
            ru = i.short_name or i.name_ru
            self.places[i.settlement_id].append((ru, i.name_kk or ru, i.lon or 0.0, i.lat or 0.0))
        self.used: dict[tuple[int, str], int] = defaultdict(int)

    def points(self, settlement_id: int) -> list[tuple[float, float]]:
        """Named places of a settlement where a stop may stand: its centre and institutions."""
        t = self.settlements.get(settlement_id)
        out = [(x, y) for _ru, _kk, x, y in self.places[settlement_id]]
        if t is not None and t.lat is not None and t.lon is not None:
            out.insert(0, (float(t.lon), float(t.lat)))
        return out

    def names(self, settlement_id: int, spot: tuple[Any, Any]) -> dict[str, str]:
        t = self.settlements.get(settlement_id)
        town_ru = t.name_ru if t else ""
        town_kk = (t.name_kk or t.name_ru) if t else ""
        point = (float(spot[0]), float(spot[1]))
        near = min(
            ((_walk(point, (x, y)), ru, kk) for ru, kk, x, y in self.places[settlement_id]),
            default=None,
        )
        if near is not None and near[0] <= LANDMARK_M:
            ru, kk = f"у «{near[1]}»", f"«{near[2]}» жанында"
        elif t is None or t.lat is None or t.lon is None:
            ru, kk = "остановка", "аялдама"
        else:
            centre = (float(t.lon), float(t.lat))
            metres = _walk(point, centre)
            if metres <= CENTRE_M:
                ru, kk = "центр", "орталығы"
            else:
                dx = (point[0] - centre[0]) * math.cos(math.radians(centre[1]))
                dy = point[1] - centre[1]
                sector = round(math.degrees(math.atan2(dx, dy)) / 45) % 8
                km = f"{metres / 1000:.1f}".replace(".", ",")
                if metres <= OUTSKIRTS_M:
                    side_ru, side_kk = _DIRECTIONS[sector]
                    ru = f"{side_ru}, {km} км от центра"
                    kk = f"{side_kk}, орталықтан {km} км"
                else:
                    to_ru, to_kk = _TOWARDS[sector]
                    ru = f"{km} км {to_ru} от центра"
                    kk = f"орталықтан {to_kk} қарай {km} км"
        self.used[(settlement_id, ru)] += 1
        n = self.used[(settlement_id, ru)]
        suffix = f" ({n})" if n > 1 else ""
        return {"name": f"{town_ru}, {ru}{suffix}", "name_kk": f"{town_kk}, {kk}{suffix}"}


def _cover(
    pending: list[tuple[int, tuple[Any, Any]]],
    named: list[tuple[float, float]],
    limit: float,
) -> list[tuple[tuple[float, float], list[int]]]:
    """Greedy set cover: repeatedly the candidate point that reaches the most riders not yet
    served within ``limit`` — named places (the centre, institutions) win ties over homes —
    until every rider has a stop. Never more stops than riders; usually far fewer."""
    homes = [(pk, (float(h[0]), float(h[1]))) for pk, h in pending]
    candidates = [(p, True) for p in named] + [(h, False) for _, h in homes]
    reach = [{pk for pk, h in homes if _walk(h, point) <= limit} for point, _named in candidates]
    left = {pk for pk, _ in homes}
    where = dict(homes)
    chosen: list[tuple[tuple[float, float], list[int]]] = []
    while left:
        best = max(
            range(len(candidates)),
            key=lambda i: (len(reach[i] & left), candidates[i][1], -i),
        )
        taken = sorted(reach[best] & left)
        if not taken:  # cannot happen: every home reaches itself
            break
        spot, is_named = candidates[best]
        if not is_named:
            centre = (
                sum(where[pk][0] for pk in taken) / len(taken),
                sum(where[pk][1] for pk in taken) / len(taken),
            )
            if all(_walk(where[pk], centre) <= limit for pk in taken):
                spot = centre
        chosen.append((spot, taken))
        left -= set(taken)
    return chosen


@transaction.atomic
def generate_stops(*, territory: Territory, limit_m: float | None = None) -> int:
    """Cluster riders' homes into stops so that nobody walks farther than the limit.

    Hand-made stops (``generated=False``) are kept and used first. Then, per school and
    settlement, as few stops as cover everyone (``_cover``): at the settlement's centre or a
    named place (an institution) where one serves as many riders as any home would, else at a
    home, moved to its riders' centre when that keeps everyone within reach.
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
    namer = _Namer(Territory.objects.filter(pk__in={t for _s, t in groups}))
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
        for spot, taken in _cover(pending, namer.points(settlement_id), limit):
            counter += 1
            stop = Stop(
                code=f"s{school_id}-{settlement_id}-{counter}",
                **namer.names(settlement_id, spot),
                settlement_id=settlement_id,
                school_id=school_id,
                lon=spot[0],
                lat=spot[1],
                generated=True,
            )
            new_stops.append((stop, taken))
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


@transaction.atomic
def stop_close(stop: Stop) -> int:
    """Close a stop: its riders move to the nearest other stop of their school within the
    walking limit, or are left without a stop (listed, and told why on the plan). Returns how
    many riders were left without one."""
    school = stop.school
    before = audit.snapshot(stop)
    riders = stop.riders.count()
    stop.delete()
    reseat_riders(school=school)
    left = Rider.objects.filter(school=school, stop__isnull=True).count()
    audit.record(
        "delete",
        object_type="transport.stop",
        object_id=str(before.get("id", "")),
        summary=f"stop closed: {before.get('name', '')}, {riders} riders re-seated",
        changes={"closed": before},
    )
    return left


@transaction.atomic
def stop_merge(keep: Stop, other: Stop) -> Stop:
    """Merge ``other`` into ``keep`` (same school): the merged stop stands at ``keep``'s place
    unless the midpoint keeps every rider of both within the walking limit; nobody is made to
    walk farther than the limit — such a merge is refused."""
    if keep.pk == other.pk or keep.school_id != other.school_id:
        raise ValidationError(_("only two different stops of the same school can be merged"))
    limit = walking_limit_m()
    homes = list(
        Rider.objects.filter(stop__in=[keep, other]).values_list(
            "pupil__home_lon", "pupil__home_lat"
        )
    )
    mid = ((keep.lon + other.lon) / 2, (keep.lat + other.lat) / 2)
    spot = (keep.lon, keep.lat)
    if all(_walk(h, mid) <= limit for h in homes):
        spot = mid
    far = [h for h in homes if _walk(h, spot) > limit]
    if far:
        raise ValidationError(
            _("%(n)s pupils would walk farther than %(limit)s m to the merged stop")
            % {"n": len(far), "limit": round(limit)}
        )
    before = audit.snapshot(keep)
    keep.lon, keep.lat, keep.generated = spot[0], spot[1], False
    keep.save()
    Rider.objects.filter(stop=other).update(stop=keep)
    other.delete()
    reseat_riders(school=keep.school)
    audit.record(
        "update",
        keep,
        summary=f"stops merged into {keep.name}",
        changes=audit.diff(before, audit.snapshot(keep)),
    )
    return keep
