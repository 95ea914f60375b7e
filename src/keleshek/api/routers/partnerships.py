"""Partners (public); agreements and international students (token, scoped)."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from keleshek.core.api import (
    Code,
    Country,
    ErrorOut,
    Kato,
    ObjectId,
    Page,
    Search,
    Year,
    choices,
    scoped,
)
from keleshek.core.links import web_link
from keleshek.institutions.models import Institution
from keleshek.partnerships.models import Agreement, InternationalStudents, Partner

from ..auth import public_auth, token_auth

router = Router(tags=["partnerships"], auth=public_auth)

if TYPE_CHECKING:
    PartnerKind = str
    AgreementKind = str
else:
    PartnerKind = choices(Partner.Kind.values)
    AgreementKind = choices(Agreement.Kind.values)


class PartnerOut(Schema):
    code: str
    kind: str
    name_ru: str
    name_kk: str
    name_en: str
    country: str
    bin: str | None
    website: str
    is_synthetic: bool

    @staticmethod
    def resolve_website(obj: object) -> str:
        # A stored link that is not http(s) is not handed on to be rendered (ADR 0137).
        return web_link(getattr(obj, "website", "")) or ""


class PartnerFilter(Schema):
    kind: PartnerKind | None = None
    country: Country | None = None
    q: Search | None = None


class AgreementOut(Schema):
    code: str
    kind: str
    title_ru: str
    title_kk: str
    title_en: str
    institution_id: int | None
    institution_ids: list[int]
    partner_codes: list[str]
    parent_code: str | None
    signed_on: dt.date | None
    valid_to: dt.date | None
    topic: str
    amount: Decimal | None
    currency: str
    kzt_rate: Decimal | None
    rate_date: dt.date | None
    amount_kzt: Decimal | None
    participants: int | None
    is_synthetic: bool

    @staticmethod
    def resolve_institution_ids(obj: Agreement) -> list[int]:
        return [i.pk for i in obj.institutions.all()]

    @staticmethod
    def resolve_partner_codes(obj: Agreement) -> list[str]:
        return [p.code for p in obj.partners.all()]


class AgreementFilter(Schema):
    kind: AgreementKind | None = None
    partner: Code | None = None
    institution: ObjectId | None = None
    signed_year: Year | None = None


class InternationalStudentsOut(Schema):
    institution_id: int
    year: int
    country: str
    count: int


class InternationalStudentsFilter(Schema):
    institution: ObjectId | None = None
    year: Year | None = None
    country: Country | None = None
    district: Kato | None = None


@router.get("/partners", response=list[PartnerOut], summary="Partners")
@paginate(Page)
def list_partners(request: HttpRequest, filters: Query[PartnerFilter]) -> QuerySet[Partner]:
    qs = Partner.objects.order_by("code")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.q:
        qs = qs.filter(name_ru__icontains=filters.q) | qs.filter(name_en__icontains=filters.q)
    return qs


@router.get(
    "/partners/{code}",
    response={200: PartnerOut, 404: ErrorOut},
    summary="One partner by code",
)
def get_partner(request: HttpRequest, code: Path[Code]) -> Partner:
    return get_object_or_404(Partner, code=code)


@router.get(
    "/agreements",
    response=list[AgreementOut],
    auth=token_auth,
    summary="Agreements: dual training, internships, consortia, donations (token)",
)
@paginate(Page)
def list_agreements(request: HttpRequest, filters: Query[AgreementFilter]) -> QuerySet[Agreement]:
    qs = scoped(
        Agreement.objects.annotate(parent_code=F("parent__code"))
        .prefetch_related(
            Prefetch("institutions", Institution.objects.only("id")),
            Prefetch("partners", Partner.objects.only("id", "code")),
        )
        .order_by("code"),
        request,
        territory="institution__settlement",
        institution="institution",
    )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.partner:
        qs = qs.filter(pk__in=Agreement.objects.filter(partners__code=filters.partner).values("pk"))
    if filters.institution:
        qs = qs.filter(institution_id=filters.institution)
    if filters.signed_year is not None:
        qs = qs.filter(signed_on__year=filters.signed_year)
    return qs


@router.get(
    "/international-students",
    response=list[InternationalStudentsOut],
    auth=token_auth,
    summary="International students by country (token)",
)
@paginate(Page)
def list_international_students(
    request: HttpRequest, filters: Query[InternationalStudentsFilter]
) -> QuerySet[InternationalStudents]:
    qs = scoped(
        InternationalStudents.objects.order_by("institution_id", "year", "country"),
        request,
        territory="institution__settlement",
        institution="institution",
    )
    if filters.institution:
        qs = qs.filter(institution_id=filters.institution)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.district:
        qs = qs.filter(institution__settlement__path__contains=f"/{filters.district}/")
    return qs
