"""A small census world: the support tests' two-district region, the datasets loaded from
their definition file, this year's autumn period, and users of the census roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from keleshek.accounts.models import Role, User
from keleshek.support.tests import factories as f

from .. import services
from ..models import Dataset, Period, Return

region = f.region
user = f.user


@dataclass
class World:
    r: f.Region
    period: Period
    operator: User  # the village school's
    officer: User  # the rural district's
    admin: User
    analyst: User


def world(year: int = 2026) -> World:
    r = f.region()
    services.datasets_sync()
    period = services.period_open(dataset=Dataset.objects.get(code="autumn"), year=year)
    return World(
        r=r,
        period=period,
        operator=f.user(Role.INSTITUTION_OPERATOR, institution=r.village_school),
        officer=f.user(Role.DISTRICT_OFFICER, territory_=r.district),
        admin=f.user(Role.REGIONAL_ADMIN),
        analyst=f.user(Role.REGIONAL_ANALYST),
    )


def good_values(pupils_per_cell: int = 5, **over: Any) -> dict[str, str]:
    """A consistent autumn form: 12 grades × 2 sexes, everyone in shift 1, taught in Kazakh."""
    total = 24 * pupils_per_cell
    values: dict[str, Any] = {f"g{g}_{s}": pupils_per_cell for g in range(12) for s in "mf"}
    values.update(
        pupils_total=total,
        lang_kk=total,
        lang_ru=0,
        lang_other=0,
        shift1=total,
        shift2=0,
        shift3=0,
        teachers_total=20,
        teachers_fte="22.5",
        staff_admin=3,
        staff_support=2,
        staff_technical=6,
        qual_master=1,
        qual_researcher=2,
        qual_expert=5,
        qual_moderator=6,
        qual_none=6,
        capacity=200,
        condition="normal",
        heating="boiler",
        water="well",
        toilets_indoor="1",
        internet_mbps=20,
        meals_free=40,
        meals_paid=30,
        canteen_seats=60,
    )
    values.update(over)
    return {k: str(v) for k, v in values.items()}


def filled(w: World, school: Any = None, **over: Any) -> Return:
    ret = services.return_for(w.period, school or w.r.village_school)
    entries = {k: services.Entry(v) for k, v in good_values(**over).items()}
    result = services.values_save(ret=ret, entries=entries, actor=w.operator)
    assert not result.errors, result.errors
    return ret
