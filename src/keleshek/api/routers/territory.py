"""Territories (the KATO tree) and population by single year of age and sex. Public."""

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from keleshek.core.api import ErrorOut, Kato, Page, Search, SmallInt, Year, choices
from keleshek.territory.models import PopulationRecord, Territory

from ..auth import public_auth

router = Router(tags=["territory"], auth=public_auth)

if TYPE_CHECKING:
    TerritoryLevel = str
    Sex = str
else:
    TerritoryLevel = choices(Territory.Level.values)
    Sex = choices(PopulationRecord.Sex.values)


class TerritoryOut(Schema):
    kato: str
    name_ru: str
    name_kk: str
    name_en: str
    level: str
    parent_kato: str | None
    is_urban: bool
    lat: float | None
    lon: float | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor_kato: str | None
    is_synthetic: bool


class TerritoryFilter(Schema):
    level: TerritoryLevel | None = None
    parent: Kato | None = None
    within: Kato | None = None
    current: bool | None = None
    q: Search | None = None


class PopulationOut(Schema):
    territory_kato: str
    year: int
    age: int
    sex: str
    count: int


class PopulationFilter(Schema):
    territory: Kato | None = None
    year: Year | None = None
    age: SmallInt | None = None
    age_from: SmallInt | None = None
    age_to: SmallInt | None = None
    sex: Sex | None = None


def _territories() -> QuerySet[Territory]:
    return Territory.objects.annotate(
        parent_kato=F("parent__kato"), successor_kato=F("successor__kato")
    ).order_by("kato")


@router.get("/territories", response=list[TerritoryOut], summary="List territories")
@paginate(Page)
def list_territories(request: HttpRequest, filters: Query[TerritoryFilter]) -> QuerySet[Territory]:
    """The KATO tree. ``parent`` gives direct children, ``within`` every descendant."""
    qs = _territories()
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__kato=filters.parent)
    if filters.within:
        qs = qs.filter(path__contains=f"/{filters.within}/").exclude(kato=filters.within)
    if filters.current is not None:
        qs = qs.filter(valid_to__isnull=filters.current)
    if filters.q:
        qs = qs.filter(
            Q(name_ru__icontains=filters.q)
            | Q(name_kk__icontains=filters.q)
            | Q(name_en__icontains=filters.q)
            | Q(kato__startswith=filters.q)
        )
    return qs


@router.get(
    "/territories/{kato}",
    response={200: TerritoryOut, 404: ErrorOut},
    summary="One territory by KATO code",
)
def get_territory(request: HttpRequest, kato: Path[Kato]) -> Territory:
    return get_object_or_404(_territories(), kato=kato)


@router.get("/population", response=list[PopulationOut], summary="Population by age and sex")
@paginate(Page)
def list_population(
    request: HttpRequest, filters: Query[PopulationFilter]
) -> QuerySet[PopulationRecord]:
    qs = PopulationRecord.objects.annotate(territory_kato=F("territory__kato")).order_by(
        "territory__kato", "year", "age", "sex"
    )
    if filters.territory:
        qs = qs.filter(territory__kato=filters.territory)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.age is not None:
        qs = qs.filter(age=filters.age)
    if filters.age_from is not None:
        qs = qs.filter(age__gte=filters.age_from)
    if filters.age_to is not None:
        qs = qs.filter(age__lte=filters.age_to)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    return qs
