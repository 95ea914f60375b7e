"""Buses with a home (issue 18 point 1, ADR 0170): a school's buses stand at the school, serve
it and come back; a plan lets them help a neighbour only where it says so; the fleet page shows
the fleet per school. A small world, no demo; searches bounded by iterations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from keleshek.support.tests import factories as sf
from keleshek.transport import services
from keleshek.transport.models import Plan, SchoolSchedule, Vehicle

from . import factories as tf

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> tf.World:
    w = tf.world()
    w.stops["north"] = tf.stop(w, w.north_school, w.north, "Северное, ул. Абая", 50.21, 82.51)
    w.stops["south"] = tf.stop(w, w.south_school, w.south, "Южное, у почты", 50.09, 82.49)
    tf.riders(w, w.stops["north"], 8)
    tf.riders(w, w.stops["hamlet-north"], 4)
    tf.riders(w, w.stops["south"], 6)
    tf.riders(w, w.stops["hamlet-south"], 3)
    return w


def _optimise(w: tf.World, **params: Any) -> Plan:
    plan = Plan.objects.create(
        territory=w.district, name="p", params={"iterations": 60, "max_ride_min": 60, **params}
    )
    services.optimise(plan)
    plan.refresh_from_db()
    return plan


def test_the_problem_binds_each_school_bus_to_its_school(w: tf.World) -> None:
    tf.bus(w, "n-1", home=w.north_school)
    tf.bus(w, "s-1", home=w.south_school)
    tf.bus(w, "carrier-1", depot_name="ТОО Автопарк", depot_lat=50.3, depot_lon=82.4)
    built = services.build(w.district, {"max_ride_min": 60})
    bound = {vt.id.split("@")[-1]: vt.schools for vt in built.problem.vehicle_types}
    n, s = str(w.north_school.pk), str(w.south_school.pk)
    assert bound[f"s{n}"] == {n, f"{n}/2"}
    assert bound[f"s{s}"] == {s, f"{s}/2"}
    carrier = [vt for vt in built.problem.vehicle_types if "@s" not in vt.id]
    assert [vt.schools for vt in carrier] == [frozenset()]  # a carrier's bus serves any school


def test_each_bus_serves_its_school_and_comes_home(w: tf.World) -> None:
    north_bus = tf.bus(w, "n-1", home=w.north_school)
    south_bus = tf.bus(w, "s-1", home=w.south_school)
    plan = _optimise(w)
    assert plan.status == Plan.Status.DONE, plan.problems
    assert plan.pupils_served == 21
    homes = {north_bus.pk: w.north_school.pk, south_bus.pk: w.south_school.pk}
    routes = list(plan.routes.all())
    assert {r.vehicle_id for r in routes} == set(homes)
    for route in routes:
        schools = {t["school"] for t in (*route.trips, *route.afternoon)}
        assert schools == {str(homes[route.vehicle_id])}


def test_a_school_without_buses_is_served_by_a_neighbour_only_where_the_plan_says_so(
    w: tf.World,
) -> None:
    tf.bus(w, "n-1", 30, home=w.north_school)
    # The south school starts later, so one bus can bring both schools.
    SchoolSchedule.objects.filter(school=w.south_school).update(
        bell=dt.time(9, 30), dismissal=dt.time(15, 0)
    )
    alone = _optimise(w)
    codes = {u["code"] for u in alone.unserved}
    assert alone.pupils_served == 12
    assert codes == {"no_bus_for_school"}
    helped = _optimise(w, neighbour_km=15)
    assert helped.status == Plan.Status.DONE, helped.problems
    assert helped.pupils_served == 21
    assert helped.unserved == []


def test_a_what_if_keeps_the_homes(w: tf.World) -> None:
    tf.bus(w, "n-1", home=w.north_school)
    tf.bus(w, "n-2", home=w.north_school)
    tf.bus(w, "s-1", home=w.south_school)
    base = _optimise(w)
    params = services.whatif_params(base, {"kind": "later_bell", "minutes": 15})
    built = services.build(w.district, params)
    assert all(vt.schools for vt in built.problem.vehicle_types)


def test_the_vehicle_form_puts_a_school_bus_at_its_school(w: tf.World, client: Any) -> None:
    client.force_login(w.coordinator)
    data = {
        "code": "bus-north-9",
        "capacity": "22",
        "home_school": str(w.north_school.pk),
        "cost_per_km": "350",
        "available": "on",
    }
    resp = client.post(f"/ru/transport/{w.district.kato}/fleet/new/", data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    v = Vehicle.objects.get(code="bus-north-9")
    assert (v.depot_lat, v.depot_lon, v.depot_name) == (50.20, 82.50, "Северная школа")
    other = sf.school(sf.territory("995010001", "settlement", name_ru="Чужое"), "Чужая школа")
    bad = client.post(
        f"/ru/transport/{w.district.kato}/fleet/new/",
        {**data, "code": "bus-x", "home_school": str(other.pk)},
    )
    assert bad.status_code == 400
    garage = client.post(
        f"/ru/transport/{w.district.kato}/fleet/new/",
        {**data, "code": "bus-y", "home_school": ""},
    )
    assert garage.status_code == 400  # neither a school nor a garage
    assert Vehicle.objects.filter(code__in=["bus-x", "bus-y"]).count() == 0


def test_the_fleet_page_shows_the_fleet_per_school(w: tf.World, client: Any) -> None:
    tf.bus(w, "n-1", 22, home=w.north_school)
    tf.bus(w, "n-2", 16, home=w.north_school)
    client.force_login(w.coordinator)
    html = client.get(f"/ru/transport/{w.district.kato}/fleet/").content.decode()
    assert "Северная школа" in html
    assert "38" in html  # seats at the north school: 22 + 16
    assert "Южная школа" in html  # riders but no bus: listed
