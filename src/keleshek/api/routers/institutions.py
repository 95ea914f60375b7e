"""Institutions, their labs, capacity and staff by year (public) and enrolment by grade and
sex (token, scoped: counts per grade of one school can be small)."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from keleshek.core.api import (
    Bin,
    ErrorOut,
    Kato,
    Language,
    ObjectId,
    Page,
    Search,
    SmallInt,
    Year,
    choices,
    scoped,
)
from keleshek.core.links import web_link
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear, Laboratory
from keleshek.institutions.selectors import (
    PublishedCounts,
    PublishedYear,
    published_school_counts,
)

from ..auth import public_auth, token_auth

router = Router(tags=["institutions"], auth=public_auth)

if TYPE_CHECKING:
    Kind = str
    Status = str
    Ownership = str
    Sex = str
else:
    Kind = choices(Institution.Kind.values)
    Status = choices(Institution.Status.values)
    Ownership = choices(Institution.Ownership.values)
    Sex = choices(["M", "F"])


class InstitutionOut(Schema):
    id: int
    bin: str | None
    kind: str
    name_ru: str
    name_kk: str
    name_en: str
    short_name: str
    settlement_kato: str
    parent_id: int | None
    address: str
    lat: float | None
    lon: float | None
    design_capacity: int
    shifts: int
    is_emergency: bool
    is_three_shift: bool
    languages: list[str]
    ownership: str
    status: str
    opened_year: int | None
    grade_from: int | None
    grade_to: int | None
    website: str
    is_synthetic: bool

    @staticmethod
    def resolve_website(obj: object) -> str:
        # A stored link that is not http(s) is not handed on to be rendered (ADR 0137).
        return web_link(getattr(obj, "website", "")) or ""


class InstitutionFilter(Schema):
    kind: Kind | None = None
    district: Kato | None = None
    settlement: Kato | None = None
    status: Status | None = None
    emergency: bool | None = None
    three_shift: bool | None = None
    ownership: Ownership | None = None
    language: Language | None = None
    bin: Bin | None = None
    parent: ObjectId | None = None
    q: Search | None = None


class LaboratoryOut(Schema):
    id: int
    institution_id: int
    name_ru: str
    name_kk: str
    name_en: str
    specialisation: str
    standard: str
    opened_year: int | None


class LaboratoryFilter(Schema):
    institution: ObjectId | None = None


def _published(obj: InstitutionYear, context: Any) -> PublishedCounts:
    """The counts as every public path publishes them (ADR 0139), once per request and year."""
    request = (context or {}).get("request")
    cache: dict[int, PublishedYear] = getattr(request, "_published_counts", None) or {}
    if request is not None:
        request._published_counts = cache
    if obj.year not in cache:
        cache[obj.year] = published_school_counts(obj.year)
    return cache[obj.year].of(obj.institution_id)


class InstitutionYearOut(Schema):
    """Counts of people are null where suppressed: under PUBLIC_SUPPRESS_BELOW, or hidden so
    that a suppressed count cannot be recovered from totals (ADR 0139)."""

    institution_id: int
    year: int
    design_capacity: int
    shifts: int
    is_emergency: bool
    is_three_shift: bool
    pupils_shift1: int | None
    pupils_shift2: int | None
    pupils_shift3: int | None
    pupils: int | None
    teachers_headcount: int | None
    teachers_fte: Decimal | None

    @staticmethod
    def resolve_pupils_shift1(obj: InstitutionYear, context: Any) -> int | None:
        return _published(obj, context).shifts[0]

    @staticmethod
    def resolve_pupils_shift2(obj: InstitutionYear, context: Any) -> int | None:
        return _published(obj, context).shifts[1]

    @staticmethod
    def resolve_pupils_shift3(obj: InstitutionYear, context: Any) -> int | None:
        return _published(obj, context).shifts[2]

    @staticmethod
    def resolve_pupils(obj: InstitutionYear, context: Any) -> int | None:
        return _published(obj, context).pupils

    @staticmethod
    def resolve_teachers_headcount(obj: InstitutionYear, context: Any) -> int | None:
        return _published(obj, context).teachers

    @staticmethod
    def resolve_teachers_fte(obj: InstitutionYear, context: Any) -> Decimal | None:
        # Full-time equivalents would give a hidden headcount away: hidden with it.
        return obj.teachers_fte if _published(obj, context).teachers is not None else None


class InstitutionYearFilter(Schema):
    institution: ObjectId | None = None
    year: Year | None = None
    district: Kato | None = None
    emergency: bool | None = None
    three_shift: bool | None = None


class EnrolmentOut(Schema):
    institution_id: int
    year: int
    grade: int
    sex: str
    count: int


class EnrolmentFilter(Schema):
    institution: ObjectId | None = None
    year: Year | None = None
    grade: SmallInt | None = None
    sex: Sex | None = None
    district: Kato | None = None


def _institutions() -> QuerySet[Institution]:
    return Institution.objects.annotate(settlement_kato=F("settlement__kato")).order_by("id")


@router.get("/institutions", response=list[InstitutionOut], summary="List institutions")
@paginate(Page)
def list_institutions(
    request: HttpRequest, filters: Query[InstitutionFilter]
) -> QuerySet[Institution]:
    """Schools, colleges, universities, competence centres, workshops and other facilities.
    ``district`` matches any ancestor in the KATO tree (a district, a city or the oblast)."""
    qs = _institutions()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.district:
        qs = qs.filter(settlement__path__contains=f"/{filters.district}/")
    if filters.settlement:
        qs = qs.filter(settlement__kato=filters.settlement)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.emergency is not None:
        qs = qs.filter(is_emergency=filters.emergency)
    if filters.three_shift is not None:
        qs = qs.filter(is_three_shift=filters.three_shift)
    if filters.ownership:
        qs = qs.filter(ownership=filters.ownership)
    if filters.language:
        # JSON containment is not portable to SQLite; the list is short, so match the token.
        qs = qs.filter(languages__icontains=f'"{filters.language}"')
    if filters.bin:
        qs = qs.filter(bin=filters.bin)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        qs = qs.filter(
            Q(name_ru__icontains=filters.q)
            | Q(name_kk__icontains=filters.q)
            | Q(name_en__icontains=filters.q)
            | Q(short_name__icontains=filters.q)
        )
    return qs


@router.get(
    "/institutions/{institution_id}",
    response={200: InstitutionOut, 404: ErrorOut},
    summary="One institution",
)
def get_institution(request: HttpRequest, institution_id: Path[ObjectId]) -> Institution:
    return get_object_or_404(_institutions(), pk=institution_id)


@router.get("/laboratories", response=list[LaboratoryOut], summary="Labs and workshop rooms")
@paginate(Page)
def list_laboratories(
    request: HttpRequest, filters: Query[LaboratoryFilter]
) -> QuerySet[Laboratory]:
    qs = Laboratory.objects.order_by("institution_id", "id")
    if filters.institution:
        qs = qs.filter(institution_id=filters.institution)
    return qs


@router.get(
    "/institution-years",
    response=list[InstitutionYearOut],
    summary="Capacity, shifts, pupils and teachers by year",
)
@paginate(Page)
def list_institution_years(
    request: HttpRequest, filters: Query[InstitutionYearFilter]
) -> QuerySet[InstitutionYear]:
    qs = InstitutionYear.objects.order_by("institution_id", "year")
    if filters.institution:
        qs = qs.filter(institution_id=filters.institution)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.district:
        qs = qs.filter(institution__settlement__path__contains=f"/{filters.district}/")
    if filters.emergency is not None:
        qs = qs.filter(is_emergency=filters.emergency)
    if filters.three_shift is not None:
        qs = qs.filter(is_three_shift=filters.three_shift)
    return qs


@router.get(
    "/enrolment",
    response=list[EnrolmentOut],
    auth=token_auth,
    summary="Pupils by grade and sex (token; scoped to the owner's territory or institution)",
)
@paginate(Page)
def list_enrolment(request: HttpRequest, filters: Query[EnrolmentFilter]) -> QuerySet[Enrolment]:
    qs = scoped(
        Enrolment.objects.order_by("institution_id", "year", "grade", "sex"),
        request,
        territory="institution__settlement",
        institution="institution",
    )
    if filters.institution:
        qs = qs.filter(institution_id=filters.institution)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.grade is not None:
        qs = qs.filter(grade=filters.grade)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.district:
        qs = qs.filter(institution__settlement__path__contains=f"/{filters.district}/")
    return qs
