"""Small factories: a two-district region with Ust-Kamenogorsk, schools, enrolment counts,
pupils and users of every role. Independent of the demo loader."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from keleshek.accounts.models import Role, User
from keleshek.core.ids import make_bin, make_iin
from keleshek.institutions.models import Enrolment, Institution
from keleshek.territory.models import Territory

from .. import derived
from ..models import Programme, Pupil

_serial = itertools.count(9000)  # above the demo loader's serials


def territory(kato: str, level: str, parent: Territory | None = None, **kw: Any) -> Territory:
    t, _ = Territory.objects.get_or_create(
        kato=kato,
        defaults={"name_ru": kw.pop("name_ru", f"T{kato}"), "level": level, "parent": parent, **kw},
    )
    return t


def school(settlement: Territory, name: str, **kw: Any) -> Institution:
    n = next(_serial)
    bin_ = None
    k = n
    while bin_ is None:
        bin_ = make_bin("0901", 50000 + k)
        k += 1000
    return Institution.objects.create(
        kind=Institution.Kind.SCHOOL,
        name_ru=name,
        name_en=name,
        bin=bin_,
        settlement=settlement,
        lat=settlement.lat,
        lon=settlement.lon,
        grade_from=kw.pop("grade_from", 0),
        grade_to=kw.pop("grade_to", 11),
        maintenance_budget=kw.pop("maintenance_budget", Decimal("50000000")),
        **kw,
    )


def pupil(school_: Institution, grade: int, *, home: Territory | None = None, **kw: Any) -> Pupil:
    sex = kw.pop("sex", "M")
    born = kw.pop("birth_date", dt.date(2025 - 6 - grade, 3, 15))
    iin = kw.pop("iin", "auto")
    if iin == "auto":
        iin = None
        while iin is None:
            # four serial digits, above the demo's: a long run (one worker) wraps round
            iin = make_iin(born, sex, 9000 + next(_serial) % 1000)
    last, first, middle = (
        kw.pop("last_name", "Ахметов"),
        kw.pop("first_name", "Нурлан"),
        kw.pop("middle_name", ""),
    )
    return Pupil.objects.create(
        iin=iin,
        last_name=last,
        first_name=first,
        middle_name=middle,
        name_key=derived.name_key(last, first, middle),
        needs_review=kw.pop("needs_review", derived.needs_review(iin)),
        birth_date=born,
        sex=sex,
        school=school_,
        grade=grade,
        home_settlement=home or school_.settlement,
        home_lat=kw.pop("home_lat", school_.lat),
        home_lon=kw.pop("home_lon", school_.lon),
        **kw,
    )


@dataclass
class Region:
    oblast: Territory
    uk: Territory  # Ust-Kamenogorsk (city)
    uk_settlement: Territory
    district: Territory  # a rural district
    village: Territory
    hamlet: Territory  # no school
    uk_school: Institution
    village_school: Institution


def region() -> Region:
    oblast = territory("990000000", "oblast", name_ru="Тестовая область")
    uk = territory(
        "991000000",
        "city",
        oblast,
        name_ru="Тестоград",
        name_en="Testograd",
        is_urban=True,
    )
    uk_s = territory(
        "991010001",
        "settlement",
        uk,
        name_ru="г. Тестоград",
        is_urban=True,
        lat=49.95,
        lon=82.61,
    )
    district = territory("994000000", "district", oblast, name_ru="Тестовый район")
    okrug = territory("994010000", "rural_okrug", district, name_ru="Тестовый с.о.")
    village = territory("994010001", "settlement", okrug, name_ru="Тестовка", lat=50.13, lon=82.52)
    hamlet = territory(
        "994010002", "settlement", okrug, name_ru="Хутор без школы", lat=50.20, lon=82.60
    )
    uk_school = school(uk_s, "School No. 1 Ust-Kamenogorsk")
    v_school = school(village, "Belousovka school")
    return Region(oblast, uk, uk_s, district, village, hamlet, uk_school, v_school)


def enrol_counts(school_: Institution, year: int, per_grade: int) -> None:
    Enrolment.objects.bulk_create(
        [
            Enrolment(institution=school_, year=year, grade=g, sex=s, count=per_grade)
            for g in range(0, 12)
            for s in ("M", "F")
        ]
    )


def user(
    role: str,
    *,
    territory_: Territory | None = None,
    institution: Institution | None = None,
    name: str | None = None,
) -> User:
    return User.objects.create_user(
        name or f"{role}-{next(_serial)}",
        password="pw-not-used-123",
        role=role,
        territory=territory_,
        institution=institution,
    )


def programmes(reg: Region) -> dict[str, Programme]:
    """The demo's four programmes; free transit points at the test region's city."""
    from ..demo import ensure_programmes

    progs = {p.code: p for p in ensure_programmes()}
    transit = progs["city-transit"]
    transit.rule = {"within_territory": reg.uk.kato}
    transit.territory = reg.uk
    transit.save()
    return progs


ALL_ROLES = [r.value for r in Role]
