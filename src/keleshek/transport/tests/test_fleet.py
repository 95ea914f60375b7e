"""The coordinator's fleet and bell-time pages (issue 8): what is entered in the browser is what
the optimiser builds its problem from; bad input is refused with a message; every change is
audited; other districts and read-only roles cannot write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings

from keleshek.accounts.models import User
from keleshek.core.models import AuditEntry
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory
from keleshek.transport import services
from keleshek.transport.models import Rider, SchoolSchedule, Vehicle

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


def _login(client: Any, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def _coordinator_district(client: Any) -> Territory:
    district = _login(client, "transport").territory
    assert district is not None
    return district


def _vehicle_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "bus-test-01",
        "plate": "777 KZ 16",
        "model_name": "ПАЗ-32053",
        "capacity": "17",
        "depot_name": "Глубокое, депо",
        "depot_lat": "50.1355",
        "depot_lon": "82.3171",
        "cost_per_km": "333.50",
        "available": "on",
    }
    data.update(overrides)
    return data


def _fleet_in_problem(district: Territory) -> set[int]:
    built = services.build(district, {"max_ride_min": 60})
    return {pk for pks in built.vehicles_by_type.values() for pk in pks}


def _writes() -> tuple[int, ...]:
    audits = AuditEntry.objects.filter(object_type__startswith="transport.")
    return (Vehicle.objects.count(), SchoolSchedule.objects.count(), audits.count())


def _audits(obj: Vehicle | SchoolSchedule) -> Any:
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("pk")


def test_a_vehicle_added_by_the_coordinator_is_in_the_optimisers_fleet(client: Any) -> None:
    district = _coordinator_district(client)
    kato = district.kato
    page = client.get(f"/en/transport/{kato}/").content.decode()
    assert f"/en/transport/{kato}/fleet/" in page
    assert f"/en/transport/{kato}/bells/" in page
    fleet = client.get(f"/en/transport/{kato}/fleet/")
    assert fleet.status_code == 200
    existing = Vehicle.objects.filter(territory=district).first()
    assert existing is not None
    assert existing.label in fleet.content.decode()  # named by its plate (ADR 0147)
    assert client.get(f"/ru/transport/{kato}/fleet/new/").status_code == 200

    resp = client.post(f"/en/transport/{kato}/fleet/new/", _vehicle_data())
    assert resp.status_code == 302
    vehicle = Vehicle.objects.get(code="bus-test-01")
    assert (vehicle.territory, vehicle.capacity, vehicle.available) == (district, 17, True)
    entry = _audits(vehicle).get()
    assert entry.action == "create"
    assert entry.actor_id == User.objects.get(username="transport").pk
    assert entry.changes["capacity"] == [None, 17]
    assert vehicle.pk in _fleet_in_problem(district)
    built = services.build(district, {"max_ride_min": 60})
    assert any(vt.capacity == 17 for vt in built.problem.vehicle_types)

    # edit: one more seat, audited as a change of that field
    resp = client.post(f"/en/transport/{kato}/fleet/{vehicle.pk}/", _vehicle_data(capacity="18"))
    assert resp.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.capacity == 18
    edit = _audits(vehicle).filter(action="update").get()
    assert edit.changes == {"capacity": [17, 18]}

    # out of service: the optimiser leaves it out; back in service: it is used again
    resp = client.post(f"/en/transport/{kato}/fleet/{vehicle.pk}/available/", {"available": "0"})
    assert resp.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.available is False
    assert vehicle.pk not in _fleet_in_problem(district)
    client.post(f"/en/transport/{kato}/fleet/{vehicle.pk}/available/", {"available": "1"})
    assert vehicle.pk in _fleet_in_problem(district)
    toggles = _audits(vehicle).filter(action="update")
    assert [e.changes for e in toggles][1:] == [
        {"available": [True, False]},
        {"available": [False, True]},
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity", "0", "seats for pupils must be between 1 and 120"),
        ("capacity", "121", "seats for pupils must be between 1 and 120"),
        ("depot_lat", "200", "the depot latitude must be between -90 and 90"),
        ("depot_lon", "-181", "the depot longitude must be between -180 and 180"),
        ("cost_per_km", "-1", "the cost per km cannot be negative"),
        ("code", "DUPLICATE", "a vehicle with this code already exists"),
    ],
)
def test_bad_vehicle_input_is_refused_with_a_message_and_nothing_is_written(
    client: Any, field: str, value: str, message: str
) -> None:
    district = _coordinator_district(client)
    existing = Vehicle.objects.filter(territory=district).order_by("code")
    first, second = existing[0], existing[1]
    if value == "DUPLICATE":
        value = first.code
    before = _writes()
    resp = client.post(f"/en/transport/{district.kato}/fleet/new/", _vehicle_data(**{field: value}))
    assert resp.status_code == 400
    assert message in resp.content.decode()
    # the same rule on an edit leaves the stored vehicle as it was
    stored = (second.code, second.capacity, second.depot_lat, second.depot_lon)
    resp = client.post(
        f"/en/transport/{district.kato}/fleet/{second.pk}/",
        _vehicle_data(**{"code": second.code, field: value}),
    )
    assert resp.status_code == 400
    assert message in resp.content.decode()
    second.refresh_from_db()
    assert (second.code, second.capacity, second.depot_lat, second.depot_lon) == stored
    assert _writes() == before


def test_the_messages_are_translated(client: Any) -> None:
    district = _coordinator_district(client)
    url = f"/transport/{district.kato}/fleet/new/"
    data = _vehicle_data(capacity="0", depot_lat="200")
    ru = client.post(f"/ru{url}", data).content.decode()
    assert "Новый автобус" in ru
    assert "мест для учащихся должно быть от 1 до 120" in ru
    assert "широта стоянки должна быть от -90 до 90" in ru
    kk = client.post(f"/kk{url}", data).content.decode()
    assert "Жаңа автобус" in kk
    assert "оқушыларға арналған орын саны 1-ден 120-ге дейін болуы керек" in kk
    assert "тұрақтың ендігі -90-нан 90-ға дейін болуы керек" in kk
    assert "Автопарк" in client.get(f"/kk/transport/{district.kato}/fleet/").content.decode()
    bells = client.get(f"/ru/transport/{district.kato}/bells/").content.decode()
    assert "Начало занятий" in bells
    assert "первый звонок" in bells


def test_other_districts_and_read_only_roles_cannot_write(client: Any) -> None:
    coordinator = User.objects.get(username="transport")
    own = coordinator.territory
    assert own is not None
    other = (
        Territory.objects.filter(level="district", kato__startswith="63", valid_to=None)
        .exclude(pk=own.pk)
        .filter(pk__in=Vehicle.objects.values("territory"))
        .first()
    )
    assert other is not None
    theirs = Vehicle.objects.filter(territory=other).first()
    mine = Vehicle.objects.filter(territory=own).first()
    school = Institution.objects.filter(
        kind=Institution.Kind.SCHOOL, settlement__path__startswith=own.path
    ).first()
    assert theirs is not None
    assert mine is not None
    assert school is not None
    before = _writes()

    # the coordinator of another district: their pages are not found, their vehicles neither
    _login(client, "transport")
    assert client.get(f"/en/transport/{other.kato}/fleet/").status_code == 404
    assert client.get(f"/en/transport/{other.kato}/bells/").status_code == 404
    assert client.post(f"/en/transport/{other.kato}/fleet/new/", _vehicle_data()).status_code == 404
    assert client.get(f"/en/transport/{own.kato}/fleet/{theirs.pk}/").status_code == 404
    resp = client.post(f"/en/transport/{own.kato}/fleet/{theirs.pk}/available/", {"available": "0"})
    assert resp.status_code == 404

    # the district officer: reads their district, no edit buttons, every write refused
    _login(client, "district")
    assert client.get(f"/en/transport/{other.kato}/fleet/").status_code == 404
    fleet = client.get(f"/en/transport/{own.kato}/fleet/")
    assert fleet.status_code == 200
    body = fleet.content.decode()
    assert mine.label in body
    assert "fleet/new/" not in body
    assert "/available/" not in body
    bells = client.get(f"/en/transport/{own.kato}/bells/")
    assert bells.status_code == 200
    assert school.name in bells.content.decode()
    assert f"/bells/{school.pk}/" not in bells.content.decode()
    for username in ("district", "analyst", "auditor"):
        _login(client, username)
        posts = [
            (f"/en/transport/{own.kato}/fleet/new/", _vehicle_data()),
            (f"/en/transport/{own.kato}/fleet/{mine.pk}/", _vehicle_data(code=mine.code)),
            (f"/en/transport/{own.kato}/fleet/{mine.pk}/available/", {"available": "0"}),
            (f"/en/transport/{own.kato}/bells/{school.pk}/", {"bell": "09:00"}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 403, (username, url)
        assert client.get(f"/en/transport/{own.kato}/fleet/new/").status_code == 403
    _login(client, "support")  # no transport role at all
    assert client.get(f"/en/transport/{own.kato}/fleet/").status_code == 403
    assert _writes() == before


def _school_with_riders(district: Territory) -> Institution:
    school_id = (
        Rider.objects.filter(school__settlement__path__startswith=district.path, stop__isnull=False)
        .values_list("school", flat=True)
        .first()
    )
    assert school_id is not None
    return Institution.objects.get(pk=school_id)


def _window(district: Territory, school: Institution) -> tuple[int, int, int | None]:
    built = services.build(district, {"max_ride_min": 60})
    s = next(s for s in built.problem.schools if s.id == str(school.pk))
    return s.earliest_arrival, s.latest_arrival, s.dismissal


def test_editing_a_bell_time_moves_the_schools_window_in_the_built_problem(client: Any) -> None:
    district = _coordinator_district(client)
    school = _school_with_riders(district)
    page = client.get(f"/en/transport/{district.kato}/bells/")
    assert page.status_code == 200
    assert f"/en/transport/{district.kato}/bells/{school.pk}/" in page.content.decode()
    assert client.get(f"/kk/transport/{district.kato}/bells/{school.pk}/").status_code == 200

    url = f"/en/transport/{district.kato}/bells/{school.pk}/"
    data = {"bell": "09:15", "margin_min": "5", "window_min": "40", "dismissal": ""}
    assert client.post(url, data).status_code == 302
    bell = 9 * 3600 + 15 * 60
    day = settings.KELESHEK["SCHOOL_DAY_MIN"] * 60
    assert _window(district, school) == (bell - 300 - 2400, bell - 300, bell + day)
    schedule = SchoolSchedule.objects.get(school=school)
    entry = _audits(schedule).last()
    assert entry is not None
    assert entry.changes["bell"][1] == "09:15:00"
    assert entry.changes["window_min"][1] == 40

    # a school without a bell time gets one; blank margin and window are the defaults
    schedule.delete()
    data = {"bell": "08:00", "margin_min": "", "window_min": "", "dismissal": "14:10"}
    assert client.post(url, data).status_code == 302
    schedule = SchoolSchedule.objects.get(school=school)
    assert (schedule.margin_min, schedule.window_min) == (10, 25)
    assert schedule.dismissal == dt.time(14, 10)
    assert [e.action for e in _audits(schedule)][-1:] == ["create"]
    assert _window(district, school) == (8 * 3600 - 600 - 1500, 8 * 3600 - 600, 14 * 3600 + 600)

    # refused with the message, nothing written
    before = _writes()
    for bad, message in (
        ({"window_min": "0"}, "the arrival window must be between 1 and 180 minutes"),
        ({"margin_min": "500"}, "the margin must be between 0 and 120 minutes"),
        ({"dismissal": "07:00"}, "the last lesson must end after the first bell"),
        ({"bell": "late"}, "Enter a valid time."),
    ):
        resp = client.post(url, {**data, **bad})
        assert resp.status_code == 400
        assert message in resp.content.decode(), message
    assert _writes() == before
    other = Institution.objects.exclude(settlement__path__startswith=district.path).first()
    assert other is not None
    assert client.post(f"/en/transport/{district.kato}/bells/{other.pk}/", data).status_code == 404
