"""Transport in words (issue 15 point 10): routes named by school and number, stops by
settlement and landmark with coordinates, and each pupil left without a seat with a sentence
that names them, their school and their stop — in the page's language. Reads only."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from keleshek.accounts.privacy import mask_first_name
from keleshek.institutions.models import Institution
from keleshek.support.models import Pupil

from .models import Rider, Route, Stop

SECOND_SHIFT = "/2"


def _school_pk(key: Any) -> int | None:
    text = str(key).removesuffix(SECOND_SHIFT)
    return int(text) if text.isdigit() else None


def route_names(routes: list[Route]) -> dict[int, str]:
    """Per route number, "<school>, route No. k": the bus's home school, else the school of
    its first trip; k counts the routes of that school in the plan's order."""
    first_school: dict[int, int | None] = {}
    for r in routes:
        home = r.vehicle.home_school_id if r.vehicle is not None else None
        trip = (r.trips or r.afternoon or [{}])[0]
        first_school[r.number] = home or _school_pk(trip.get("school"))
    schools = Institution.objects.in_bulk([pk for pk in first_school.values() if pk])
    counter: dict[int | None, int] = defaultdict(int)
    names = {}
    for r in sorted(routes, key=lambda r: r.number):
        pk = first_school[r.number]
        counter[pk] += 1
        school = schools.get(pk) if pk else None
        if school is None:
            names[r.number] = _("Route No. %(n)s") % {"n": r.number}
        else:
            names[r.number] = _("%(school)s, route No. %(n)s") % {
                "school": school.name,
                "n": counter[pk],
            }
    return names


def stop_label(stop: Stop, places: int = 5) -> str:
    """The stop in the page's language: its name (settlement and landmark) and coordinates
    (to ``places`` decimals: 2, about a kilometre, for roles that may not read homes)."""
    return f"{stop.label} ({stop.lat:.{places}f}, {stop.lon:.{places}f})"


def stop_labels(keys: set[str], places: int = 5) -> dict[str, str]:
    """Routing stop keys (``12`` or ``12/2``) to labels."""
    pks = {pk for k in keys if (pk := _school_pk(k)) is not None}
    stops = Stop.objects.in_bulk(pks)
    return {
        k: stop_label(stops[pk], places)
        for k in keys
        if (pk := _school_pk(k)) is not None and pk in stops
    }


def school_labels(keys: set[str]) -> dict[str, str]:
    """Routing school keys (``12`` or ``12/2`` for the second shift) to names in the page's
    language."""
    schools = Institution.objects.in_bulk({pk for k in keys if (pk := _school_pk(k))})
    out = {}
    for k in keys:
        pk = _school_pk(k)
        if pk is None or pk not in schools:
            continue
        name = schools[pk].name
        if str(k).endswith(SECOND_SHIFT):
            name = _("%(school)s, second shift") % {"school": name}
        out[str(k)] = name
    return out


def relabel(trips: list[dict[str, Any]], stops: dict[str, str]) -> list[dict[str, Any]]:
    """Stored trips with stop and school names in the page's language (stops with their
    coordinates); the stored names are the fallback."""
    keys: set[str] = set()
    for t in trips:
        keys.add(str(t.get("school", "")))
        keys.update(str(x.get("school", "")) for x in (*t.get("drops", []), *t.get("pickups", [])))
        for v in t["visits"]:
            keys.update(str(v.get(k, "")) for k in ("to_school", "from_school"))
    schools = school_labels(keys)

    def school(key: Any, fallback: Any) -> str:
        return schools.get(str(key), str(fallback or ""))

    out = []
    for t in trips:
        out.append(
            {
                **t,
                "school_name": school(t.get("school"), t.get("school_name")),
                "drops": [
                    {**x, "school_name": school(x["school"], x.get("school_name"))}
                    for x in t.get("drops", [])
                ],
                "pickups": [
                    {**x, "school_name": school(x["school"], x.get("school_name"))}
                    for x in t.get("pickups", [])
                ],
                "visits": [
                    {
                        **v,
                        "label": stops.get(str(v["stop"]), v.get("name", "")),
                        "to_school_name": school(v.get("to_school"), v.get("to_school_name")),
                        "from_school_name": school(v.get("from_school"), v.get("from_school_name")),
                    }
                    for v in t["visits"]
                ],
            }
        )
    return out


def reason_sentence(code: str, school: str, stop: str) -> str:
    """Why a pupil has no seat, as a sentence in the active language."""
    values = {"school": school, "stop": stop}
    sentences = {
        "no_vehicle": _("the district has no bus available"),
        "no_bus_for_school": _(
            "%(school)s has no bus of its own, and the plan lets no neighbour's bus help"
        ),
        "unknown_school": _("%(school)s is not in the plan"),
        "school_window_impossible": _("the bell times of %(school)s leave no time to arrive"),
        "unreachable": _("no road connects the stop %(stop)s with %(school)s"),
        "stop_exceeds_largest_bus": _(
            "more pupils wait at %(stop)s than the largest bus seats, and splitting is off"
        ),
        "too_far_for_ride_limit": _(
            "%(stop)s is too far from %(school)s for the ride-time limit, even on a direct trip"
        ),
        "no_bus_in_window": _(
            "not enough buses to bring the pupils of %(stop)s to %(school)s in time"
        ),
        "no_stop_in_reach": _("no stop within the walking limit of home"),
    }
    return (sentences.get(code) or _("no seat (%(code)s)") % {"code": code}) % values


def unserved_rows(entries: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The plan's pupils without a seat: name, grade and school, and the reason as a sentence."""
    pids = [int(e["pupil"]) for e in entries if str(e.get("pupil", "")).isdigit()]
    pupils = Pupil.objects.select_related("school").in_bulk(pids)
    stops = dict(
        Rider.objects.filter(pupil_id__in=pids, stop__isnull=False).values_list("pupil_id", "stop")
    )
    stop_objs = Stop.objects.in_bulk(set(stops.values()))
    rows = []
    for e in entries:
        pid = int(e["pupil"]) if str(e.get("pupil", "")).isdigit() else None
        pupil = pupils.get(pid) if pid is not None else None
        if pupil is None:
            rows.append({"who": _("a pupil no longer in the registry"), "why": e.get("reason", "")})
            continue
        school = pupil.school.name if pupil.school_id else ""
        stop = stop_objs.get(stops.get(pupil.pk, 0))
        rows.append(
            {
                "who": _("%(name)s, grade %(grade)s, %(school)s")
                % {
                    # last name and initial, as on the riders page (ADR 0132)
                    "name": f"{pupil.last_name} {mask_first_name(pupil.first_name)}",
                    "grade": pupil.grade,
                    "school": school,
                },
                "why": reason_sentence(str(e.get("code", "")), school, stop.label if stop else "—"),
            }
        )
    return rows


def distances_sentence(source: str) -> str:
    """Where a plan's distances came from, for its page (ADR 0172)."""
    kind, _sep, rest = source.partition(":")
    if kind == "roads":
        _pk, _sep2, name = rest.partition(":")
        return _("Distances along the roads of %(file)s (OpenStreetMap).") % {"file": name}
    if kind == "straight":
        circuity, _sep2, speed = rest.partition(":")
        return _(
            "Distances estimated: straight line × %(factor)s at %(speed)s km/h — no road "
            "network covers the district yet (an administrator imports one)."
        ) % {"factor": circuity.replace(".", ","), "speed": speed.removesuffix(".0")}
    return ""
