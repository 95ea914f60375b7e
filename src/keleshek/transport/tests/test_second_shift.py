"""A school's second shift (issue 8: "first shift, then second shift"): the coordinator names
its bell and grades on the bell-time page; those grades' riders are brought for the second
shift's bell and taken home after its last lesson, in the same plan as the first shift, and a
bus may serve both. Bad input is refused with a message and writes nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from django.utils import translation
from django.utils.html import escape

from keleshek.core.models import AuditEntry
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory
from keleshek.transport import services
from keleshek.transport.models import Plan, Rider, SchoolSchedule, parse_grades

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


def _district_and_school(client: Any) -> tuple[Territory, Institution, list[int]]:
    """The coordinator's district, logged in, and its school with the most riders at stops;
    the grades of its riders, most common first."""
    from keleshek.accounts.models import User

    user = User.objects.get(username="transport")
    client.force_login(user)
    district = user.territory
    assert district is not None
    riders = Rider.objects.filter(
        school__settlement__path__startswith=district.path, stop__isnull=False
    )
    school_id, _n = Counter(riders.values_list("school", flat=True)).most_common(1)[0]
    grades = Counter(riders.filter(school=school_id).values_list("pupil__grade", flat=True))
    return district, Institution.objects.get(pk=school_id), [g for g, _ in grades.most_common()]


def test_grades_are_read_as_lists_and_ranges() -> None:
    assert parse_grades("2-4, 6") == {2, 3, 4, 6}
    assert parse_grades(" 0 ; 11 ") == {0, 11}
    assert parse_grades("") == frozenset()
    for bad in ("2-14", "x", "5-3", "-1"):
        with pytest.raises(ValueError, match=r"\S"):
            parse_grades(bad)


def test_the_second_shift_is_set_on_the_bell_page_and_built_into_the_problem(
    client: Any,
) -> None:
    district, school, grades = _district_and_school(client)
    second = grades[:2]
    url = f"/en/transport/{district.kato}/bells/{school.pk}/"
    data = {
        "bell": "08:00",
        "margin_min": "10",
        "window_min": "25",
        "dismissal": "13:00",
        "shift2_bell": "13:40",
        "shift2_grades": ", ".join(str(g) for g in second),
        "shift2_dismissal": "18:30",
    }
    assert client.post(url, data).status_code == 302
    schedule = SchoolSchedule.objects.get(school=school)
    assert schedule.shift2_bell == dt.time(13, 40)
    assert schedule.second_shift_grades() == set(second)
    entry = AuditEntry.objects.filter(object_id=str(schedule.pk)).order_by("pk").last()
    assert entry is not None
    assert entry.changes["shift2_bell"][1] == "13:40:00"
    page = client.get(f"/en/transport/{district.kato}/bells/").content.decode()
    assert "13:40, grades" in page
    # The riders page says which shift each rider is brought for.
    shown: set[tuple[int, int]] = set()
    number = 1
    while True:
        resp = client.get(f"/en/transport/{district.kato}/riders/?page={number}")
        html = resp.content.decode()
        row = rf"<td>(\d+)</td><td>([12])</td><td>{re.escape(escape(school.name))}</td>"
        shown |= {(int(g), int(sh)) for g, sh in re.findall(row, html)}
        if "?page=" + str(number + 1) not in html:
            break
        number += 1
    assert shown
    assert all((sh == 2) == (g in second) for g, sh in shown)

    with translation.override("en"):
        built = services.build(district, {"max_ride_min": 60})
    first = next(s for s in built.problem.schools if s.id == str(school.pk))
    later = next(s for s in built.problem.schools if s.id == f"{school.pk}/2")
    assert (first.latest_arrival, first.dismissal) == (8 * 3600 - 600, 13 * 3600)
    assert (later.latest_arrival, later.dismissal) == (13 * 3600 + 40 * 60 - 600, 18 * 3600 + 1800)
    assert later.earliest_arrival == later.latest_arrival - 25 * 60
    assert "second shift" in built.school_names[f"{school.pk}/2"]
    # Each rider is in exactly one shift, by grade; a stop used by both shifts is two stops.
    grade_of = dict(
        Rider.objects.filter(school=school, stop__isnull=False).values_list(
            "pupil_id", "pupil__grade"
        )
    )
    shift_of = {int(pid): stop.school_id for stop in built.problem.stops for pid in stop.pupil_ids}
    assert set(grade_of) <= set(shift_of)
    for pid, grade in grade_of.items():
        expected = f"{school.pk}/2" if grade in second else str(school.pk)
        assert shift_of[pid] == expected
    for stop in built.problem.stops:
        assert stop.id.endswith("/2") == stop.school_id.endswith("/2")
        assert built.stop_names[stop.id]
    ids = {stop.id for stop in built.problem.stops}
    shared = {i for i in ids if not i.endswith("/2") and f"{i}/2" in ids}
    assert shared, "some stop has riders of both shifts: it is two routing stops"
    for stop_id in shared:
        a = next(s for s in built.problem.stops if s.id == stop_id)
        b = next(s for s in built.problem.stops if s.id == f"{stop_id}/2")
        assert (a.x, a.y) == (b.x, b.y)
        assert not set(a.pupil_ids) & set(b.pupil_ids)

    # A closed road given by its second-shift end closes for both shifts.
    stop_id = sorted(shared)[0]
    road = {
        "a": f"stop:{stop_id}/2",
        "b": f"school:{school.pk}",
        "distance_m": 99_999,
        "duration_s": 9_999,
    }
    closed = services.build(district, {"max_ride_min": 60, "closed_roads": [road]}).problem
    keys = closed.place_keys()
    for a in (f"stop:{stop_id}", f"stop:{stop_id}/2"):
        for b in (f"school:{school.pk}", f"school:{school.pk}/2"):
            assert closed.matrix.distance_m[keys.index(a), keys.index(b)] == 99_999
            assert closed.matrix.duration_s[keys.index(b), keys.index(a)] == 9_999
    # A new stop at a second-shift rider's home takes that rider, as a second-shift stop.
    later_stop = next(s for s in built.problem.stops if s.id == f"{stop_id}/2")
    lon, lat = Rider.objects.filter(pupil_id=int(later_stop.pupil_ids[0])).values_list(
        "pupil__home_lon", "pupil__home_lat"
    )[0]
    extra = {"lon": lon, "lat": lat, "school": school.pk}
    moved = services.build(district, {"max_ride_min": 60, "extra_stop": extra}).problem
    new = {s.id: s for s in moved.stops if s.id.startswith("new")}
    assert new["new/2"].school_id == f"{school.pk}/2"
    assert later_stop.pupil_ids[0] in new["new/2"].pupil_ids
    assert all((key == "new/2") == (s.school_id.endswith("/2")) for key, s in new.items())


def test_bad_second_shift_input_is_refused_and_nothing_is_written(client: Any) -> None:
    district, school, _grades = _district_and_school(client)
    url = f"/en/transport/{district.kato}/bells/{school.pk}/"
    good = {"bell": "08:00", "margin_min": "10", "window_min": "25", "dismissal": ""}
    before = (
        SchoolSchedule.objects.filter(school=school).values_list("shift2_bell", flat=True).first(),
        AuditEntry.objects.filter(object_type="transport.schoolschedule").count(),
    )
    for bad, message in (
        ({"shift2_bell": "13:30", "shift2_grades": ""}, "name the grades taught in the second"),
        ({"shift2_grades": "2-4"}, "give the second shift&#x27;s first bell"),
        ({"shift2_bell": "13:30", "shift2_grades": "2-14"}, "2-14 is not a grade or a range"),
        ({"shift2_bell": "07:30", "shift2_grades": "2"}, "must start after the first shift"),
        ({"shift2_bell": "13:00", "shift2_grades": "2"}, "last lesson (13:30)"),
        (
            {"shift2_bell": "13:30", "shift2_grades": "2", "shift2_dismissal": "12:00"},
            "last lesson must end after its bell",
        ),
    ):
        resp = client.post(url, {**good, **bad})
        assert resp.status_code == 400, bad
        assert message in resp.content.decode(), message
    after = (
        SchoolSchedule.objects.filter(school=school).values_list("shift2_bell", flat=True).first(),
        AuditEntry.objects.filter(object_type="transport.schoolschedule").count(),
    )
    assert after == before


def test_a_plan_brings_and_takes_home_both_shifts(client: Any) -> None:
    district, school, grades = _district_and_school(client)
    SchoolSchedule.objects.update_or_create(
        school=school,
        defaults={
            "bell": dt.time(8, 0),
            "dismissal": dt.time(13, 0),
            "shift2_bell": dt.time(14, 0),
            "shift2_grades": str(grades[0]),
            "shift2_dismissal": dt.time(18, 30),
        },
    )
    plan = Plan.objects.create(
        territory=district, name="two shifts", params={"iterations": 600, "max_ride_min": 60}
    )
    services.optimise(plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DONE
    assert plan.problems == []
    second = f"{school.pk}/2"
    morning = [t for r in plan.routes.all() for t in r.trips if t["school"] == second]
    home = [t for r in plan.routes.all() for t in r.afternoon if t["school"] == second]
    assert morning
    assert home
    for trip in morning:  # arrive in the second shift's window: 13:25-13:50
        assert "13:25" <= trip["arrival"] <= "13:50"
        assert all(v["stop"].endswith("/2") for v in trip["visits"])
        assert trip["school_name"].startswith(school.name)
    for trip in home:
        assert trip["boarding"] >= "18:30"
    first = str(school.pk)
    first_home = [t for r in plan.routes.all() for t in r.afternoon if t["school"] == first]
    assert first_home
    assert all("13:00" <= t["boarding"] < "14:00" for t in first_home)
    riders = Rider.objects.filter(school=school, stop__isnull=False, pupil__grade=grades[0])
    pupils = set(riders.values_list("pupil_id", flat=True))
    brought = sum(v["boarded"] for t in morning for v in t["visits"])
    assert brought == len(pupils) - sum(1 for u in plan.unserved if int(u["pupil"]) in pupils)
    sheets = client.get(f"/ru/transport/{district.kato}/plans/{plan.pk}/route-sheets.pdf")
    assert sheets.status_code == 200
    assert sheets["Content-Type"] == "application/pdf"


def test_a_closed_road_must_join_places_of_the_district(client: Any) -> None:
    district, school, _grades = _district_and_school(client)
    plan = Plan.objects.get(territory=district, is_current=True)
    url = f"/en/transport/{district.kato}/plans/{plan.pk}/what-if/"
    road = {"kind": "closed_road", "distance_m": "5000", "duration_s": "600"}
    before = Plan.objects.count()
    for a, b in (("stop:999999", f"school:{school.pk}"), ("road:1", f"school:{school.pk}")):
        resp = client.post(url, {**road, "a": a, "b": b}, follow=True)
        assert "is not a depot, school or stop of this district" in resp.content.decode()
    assert Plan.objects.count() == before
    stop = Rider.objects.filter(school=school, stop__isnull=False).values_list("stop", flat=True)[0]
    params = services.whatif_params(
        plan, {**road, "a": f"stop:{stop}/2", "b": f"school:{school.pk}"}
    )
    assert params["closed_roads"][-1]["a"] == f"stop:{stop}/2"
