"""A small transport world without the demo: a district with two village schools, a hamlet
between them, riders already seated at stops (the support rule is tested elsewhere), and a
coordinator. Searches in these tests are bounded by iterations."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from keleshek.accounts.models import Role, User
from keleshek.institutions.models import Institution
from keleshek.support.tests import factories as sf
from keleshek.territory.models import Territory

from ..models import Rider, SchoolSchedule, Stop, Vehicle

_serial = itertools.count(1)

SURNAMES = ["Ахметов", "Серикова", "Иванов", "Жумабекова", "Петров", "Касымова"]
FIRST = ["Нурлан", "Айгерим", "Данияр", "Мария", "Ерлан", "Асель"]


@dataclass
class World:
    district: Territory
    north: Territory  # a village with a school
    south: Territory  # another village with a school, 11 km south
    hamlet: Territory  # no school, between them
    north_school: Institution
    south_school: Institution
    coordinator: User
    stops: dict[str, Stop] = field(default_factory=dict)


def world() -> World:
    oblast = sf.territory("990000000", "oblast", name_ru="Тестовая область")
    district = sf.territory(
        "994000000", "district", oblast, name_ru="Тестовый район", name_kk="Тест ауданы"
    )
    okrug = sf.territory("994010000", "rural_okrug", district, name_ru="Тестовый с.о.")
    north = sf.territory("994010001", "settlement", okrug, name_ru="Северное", lat=50.20, lon=82.50)
    south = sf.territory("994010003", "settlement", okrug, name_ru="Южное", lat=50.10, lon=82.50)
    hamlet = sf.territory("994010002", "settlement", okrug, name_ru="Хутор", lat=50.15, lon=82.56)
    n_school = sf.school(north, "Северная школа")
    s_school = sf.school(south, "Южная школа")
    for school in (n_school, s_school):
        SchoolSchedule.objects.create(school=school, bell=dt.time(8, 30), dismissal=dt.time(14, 0))
    coordinator = User.objects.create_user(
        "coord", password="pw-not-used-123", role=Role.TRANSPORT_COORDINATOR, territory=district
    )
    w = World(district, north, south, hamlet, n_school, s_school, coordinator)
    w.stops["hamlet-north"] = stop(w, n_school, hamlet, "Хутор, у магазина", 50.15, 82.56)
    w.stops["hamlet-south"] = stop(w, s_school, hamlet, "Хутор, у магазина", 50.15, 82.56)
    return w


def stop(
    w: World, school: Institution, settlement: Territory, name: str, lat: float, lon: float
) -> Stop:
    return Stop.objects.create(
        code=f"t-{next(_serial)}",
        name=name,
        settlement=settlement,
        school=school,
        lat=lat,
        lon=lon,
        generated=False,
    )


def riders(w: World, stop_: Stop, n: int, grade: int = 5) -> list[Rider]:
    out = []
    for _ in range(n):
        k = next(_serial)
        p = sf.pupil(
            stop_.school,
            grade,
            home=stop_.settlement,
            home_lat=stop_.lat,
            home_lon=stop_.lon,
            last_name=SURNAMES[k % len(SURNAMES)],
            first_name=FIRST[k % len(FIRST)],
        )
        out.append(
            Rider.objects.create(
                pupil=p,
                school=stop_.school,
                settlement=stop_.settlement,
                distance_km=6.0,
                reason="test",
                stop=stop_,
                walk_m=0,
            )
        )
    return out


def bus(
    w: World, code: str, capacity: int = 22, home: Institution | None = None, **kw: Any
) -> Vehicle:
    where = home or w.north_school
    return Vehicle.objects.create(
        code=code,
        capacity=capacity,
        territory=w.district,
        home_school=home,
        depot_name=kw.pop("depot_name", where.name_ru),
        depot_lat=kw.pop("depot_lat", where.lat),
        depot_lon=kw.pop("depot_lon", where.lon),
        cost_per_km=kw.pop("cost_per_km", Decimal("350")),
        **kw,
    )
