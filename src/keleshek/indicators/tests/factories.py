"""Small factories for indicator tests: a two-district oblast with a handful of schools.

The demo region may or may not be loaded in the test database; these factories use their own
KATO range (64xxxxxxx, a fictitious oblast) so that the hand-computed figures are exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from keleshek.construction.models import FundingSource, Project, ProjectFunding
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear
from keleshek.territory.models import PopulationRecord, Territory


def territory(kato: str, level: str, parent: Territory | None = None, **kw: object) -> Territory:
    return Territory.objects.create(
        kato=kato, level=level, parent=parent, name_ru=kw.pop("name", kato), **kw
    )


def school(
    settlement: Territory,
    name: str,
    *,
    year: int,
    capacity: int,
    s1: int,
    s2: int = 0,
    s3: int = 0,
    fte: str = "10",
    emergency: bool = False,
    three_shift: bool = False,
    shifts: int = 1,
) -> Institution:
    inst = Institution.objects.create(
        kind=Institution.Kind.SCHOOL,
        name_ru=name,
        settlement=settlement,
        design_capacity=capacity,
        shifts=shifts,
        is_emergency=emergency,
        is_three_shift=three_shift,
    )
    InstitutionYear.objects.create(
        institution=inst,
        year=year,
        design_capacity=capacity,
        shifts=shifts,
        is_emergency=emergency,
        is_three_shift=three_shift,
        pupils_shift1=s1,
        pupils_shift2=s2,
        pupils_shift3=s3,
        teachers_fte=Decimal(fte),
    )
    return inst


@dataclass
class Region:
    oblast: Territory
    d1: Territory
    d2: Territory
    town: Territory  # urban settlement in d1
    village: Territory  # rural settlement in d1
    aul: Territory  # rural settlement in d2
    a: Institution
    b: Institution
    c: Institution
    d: Institution


def region(year: int = 2025) -> Region:
    """Oblast 640000000 with districts 641000000 (town + village) and 642000000 (aul).

    school  settlement  capacity  shift1  shift2  shift3  fte  flags
    A       town        600       900     400     0       50   -             deficit 100
    B       town        500       300     0       0       20   emergency     deficit 0
    C       village     100       150     100     50      10   three-shift   deficit 100
    D       aul         300       100     0       0       10   -             deficit 0

    The deficit is the pupils over the places in two-shift education (twice the capacity):
    A 1300 − 1200, C 300 − 200 (ADR 0162).
    """
    ob = territory("640000000", "oblast", name="Test oblast")
    d1 = territory("641000000", "district", ob, name="District one")
    d2 = territory("642000000", "district", ob, name="District two")
    town = territory("641010000", "settlement", d1, name="Town", is_urban=True, lat=50.0, lon=80.0)
    village = territory("641030001", "settlement", d1, name="Village", lat=50.2, lon=80.4)
    aul = territory("642030001", "settlement", d2, name="Aul", lat=49.8, lon=81.0)
    a = school(town, "School A", year=year, capacity=600, s1=900, s2=400, fte="50")
    b = school(town, "School B", year=year, capacity=500, s1=300, fte="20", emergency=True)
    c = school(
        village,
        "School C",
        year=year,
        capacity=100,
        s1=150,
        s2=100,
        s3=50,
        three_shift=True,
        shifts=3,
    )
    d = school(aul, "School D", year=year, capacity=300, s1=100)
    return Region(ob, d1, d2, town, village, aul, a, b, c, d)


def enrol(inst: Institution, year: int, grade: int, m: int, f: int) -> None:
    Enrolment.objects.create(institution=inst, year=year, grade=grade, sex="M", count=m)
    Enrolment.objects.create(institution=inst, year=year, grade=grade, sex="F", count=f)


def population(terr: Territory, year: int, age: int, m: int, f: int) -> None:
    PopulationRecord.objects.create(territory=terr, year=year, age=age, sex="M", count=m)
    PopulationRecord.objects.create(territory=terr, year=year, age=age, sex="F", count=f)


def project(
    code: str,
    settlement: Territory,
    *,
    places: int,
    stage: str,
    planned: dt.date | None = None,
    actual: dt.date | None = None,
    sources: dict[str, str] | None = None,
    relieves: list[Institution] | None = None,
    kind: str = Project.Kind.NEW_SCHOOL,
    readiness: int = 0,
    planned_cost: str | None = None,
    actual_cost: str | None = None,
) -> Project:
    p = Project.objects.create(
        code=code,
        name_ru=code,
        kind=kind,
        settlement=settlement,
        stage=stage,
        places=places,
        planned_commissioning=planned,
        actual_commissioning=actual,
        readiness=readiness,
        planned_cost=Decimal(planned_cost) if planned_cost else None,
        actual_cost=Decimal(actual_cost) if actual_cost else None,
    )
    for src, share in (sources or {FundingSource.LOCAL_BUDGET: "1"}).items():
        ProjectFunding.objects.create(project=p, source=src, share=Decimal(share))
    if relieves:
        p.relieves.set(relieves)
    return p
