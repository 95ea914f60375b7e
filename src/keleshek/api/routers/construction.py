"""Construction projects with their funding shares. Public."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from keleshek.construction.models import FundingSource, Project
from keleshek.core.api import Code, ErrorOut, Kato, Page, Year, choices
from keleshek.institutions.models import Institution

from ..auth import public_auth

router = Router(tags=["construction"], auth=public_auth)

if TYPE_CHECKING:
    Kind = str
    Stage = str
    Source = str
else:
    Kind = choices(Project.Kind.values)
    Stage = choices(Project.Stage.values)
    Source = choices(FundingSource.values)


class FundingOut(Schema):
    source: str
    share: Decimal
    amount: Decimal | None


class ProjectOut(Schema):
    code: str
    kind: str
    name_ru: str
    name_kk: str
    name_en: str
    settlement_kato: str
    stage: str
    places: int
    planned_cost: Decimal | None
    actual_cost: Decimal | None
    readiness: int
    start_date: dt.date | None
    planned_commissioning: dt.date | None
    actual_commissioning: dt.date | None
    institution_id: int | None
    relieves: list[int]
    partner_code: str | None
    funding: list[FundingOut]
    main_source: str | None
    is_synthetic: bool

    @staticmethod
    def resolve_relieves(obj: Project) -> list[int]:
        return [i.pk for i in obj.relieves.all()]

    @staticmethod
    def resolve_funding(obj: Project) -> list[FundingOut]:
        return [
            FundingOut(source=f.source, share=f.share, amount=f.amount) for f in obj.funding.all()
        ]


class ProjectFilter(Schema):
    kind: Kind | None = None
    stage: Stage | None = None
    funding: Source | None = Field(None, description="has a share from this source")
    main_source: Source | None = Field(None, description="the source with the largest share")
    year: Year | None = Field(
        None, description="calendar year of commissioning (actual, else planned)"
    )
    district: Kato | None = None
    partner: Code | None = None
    school: bool | None = Field(None, description="new school, extension or reconstruction")


def _projects() -> QuerySet[Project]:
    return (
        Project.objects.annotate(
            settlement_kato=F("settlement__kato"), partner_code=F("partner__code")
        )
        .prefetch_related("funding", Prefetch("relieves", Institution.objects.only("id")))
        .order_by("code")
    )


@router.get("/projects", response=list[ProjectOut], summary="Construction projects")
@paginate(Page)
def list_projects(request: HttpRequest, filters: Query[ProjectFilter]) -> QuerySet[Project]:
    qs = _projects()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.funding:
        qs = qs.filter(pk__in=Project.objects.filter(funding__source=filters.funding).values("pk"))
    if filters.year is not None:
        qs = qs.filter(
            Q(actual_commissioning__year=filters.year)
            | Q(actual_commissioning__isnull=True, planned_commissioning__year=filters.year)
        )
    if filters.district:
        qs = qs.filter(settlement__path__contains=f"/{filters.district}/")
    if filters.partner:
        qs = qs.filter(partner__code=filters.partner)
    if filters.school is not None:
        in_kinds = Q(kind__in=Project.SCHOOL_KINDS)
        qs = qs.filter(in_kinds) if filters.school else qs.exclude(in_kinds)
    if filters.main_source:
        # Few projects carry several shares; resolve the largest share in Python.
        wanted = [p.pk for p in qs if p.main_source == filters.main_source]
        qs = qs.filter(pk__in=wanted)
    return qs


@router.get(
    "/projects/{code}",
    response={200: ProjectOut, 404: ErrorOut},
    summary="One construction project by code",
)
def get_project(request: HttpRequest, code: Path[Code]) -> Project:
    return get_object_or_404(_projects(), code=code)
