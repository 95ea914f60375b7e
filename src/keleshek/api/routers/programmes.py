"""The specialty classifier, industries and offerings (public); labour demand (token)."""

from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from keleshek.core.api import (
    Code,
    ErrorOut,
    Kato,
    Language,
    ObjectId,
    Page,
    Search,
    Year,
    choices,
    scoped,
)
from keleshek.programmes.models import Industry, LabourDemand, Offering, Specialty
from keleshek.programmes.selectors import PublishedOfferings, published_offerings

from ..auth import public_auth, token_auth

router = Router(tags=["programmes"], auth=public_auth)

if TYPE_CHECKING:
    StudyForm = str
else:
    StudyForm = choices(Offering.StudyForm.values)

LEVELS = Specialty.Level.values


class IndustryOut(Schema):
    code: str
    name_ru: str
    name_kk: str
    name_en: str


class SpecialtyOut(Schema):
    code: str
    isced_level: int
    name_ru: str
    name_kk: str
    name_en: str
    qualification_ru: str
    qualification_kk: str
    qualification_en: str
    industry_code: str
    is_synthetic: bool


class SpecialtyFilter(Schema):
    level: int | None = Field(None, ge=min(LEVELS), le=max(LEVELS))
    industry: Code | None = None
    q: Search | None = None


def _published_offerings(obj: Offering, context: Any) -> PublishedOfferings:
    """The offerings' counts as every public path publishes them (ADR 0133), once per request
    and year."""
    request = (context or {}).get("request")
    cache: dict[int, PublishedOfferings] = getattr(request, "_published_offerings", None) or {}
    if request is not None:
        request._published_offerings = cache
    if obj.year not in cache:
        cache[obj.year] = published_offerings(obj.year)
    return cache[obj.year]


class OfferingOut(Schema):
    """``enrolled`` and ``graduates_expected`` count people: null where suppressed (under
    PUBLIC_SUPPRESS_BELOW, or hidden so that the indicators' totals do not give a suppressed
    one away; ADR 0133)."""

    id: int
    institution_id: int
    specialty_code: str
    isced_level: int
    industry_code: str
    year: int
    language: str
    launch_year: int
    is_new: bool
    study_form: str
    duration_months: int
    state_seats: int
    paid_seats: int
    enrolled: int | None
    graduates_expected: int | None
    dual_training: bool
    dual_employer_code: str | None
    is_synthetic: bool

    @staticmethod
    def resolve_enrolled(obj: Offering, context: Any) -> int | None:
        return None if obj.pk in _published_offerings(obj, context).enrolled else obj.enrolled

    @staticmethod
    def resolve_graduates_expected(obj: Offering, context: Any) -> int | None:
        hidden = _published_offerings(obj, context).graduates
        return None if obj.pk in hidden else obj.graduates_expected


class OfferingFilter(Schema):
    year: Year | None = None
    level: int | None = Field(None, ge=min(LEVELS), le=max(LEVELS))
    industry: Code | None = None
    specialty: Code | None = None
    institution: ObjectId | None = None
    district: Kato | None = None
    language: Language | None = None
    study_form: StudyForm | None = None
    new: bool | None = Field(None, description="launched in the year it is offered")
    dual: bool | None = Field(None, description="dual training")


class LabourDemandOut(Schema):
    specialty_code: str
    territory_kato: str
    year: int
    demand: int
    source: str


class LabourDemandFilter(Schema):
    specialty: Code | None = None
    territory: Kato | None = None
    year: Year | None = None


@router.get("/industries", response=list[IndustryOut], summary="Industries")
@paginate(Page)
def list_industries(request: HttpRequest) -> QuerySet[Industry]:
    return Industry.objects.order_by("code")


def _specialties() -> QuerySet[Specialty]:
    return Specialty.objects.annotate(industry_code=F("industry__code")).order_by("code")


@router.get("/specialties", response=list[SpecialtyOut], summary="The specialty classifier")
@paginate(Page)
def list_specialties(request: HttpRequest, filters: Query[SpecialtyFilter]) -> QuerySet[Specialty]:
    qs = _specialties()
    if filters.level is not None:
        qs = qs.filter(isced_level=filters.level)
    if filters.industry:
        qs = qs.filter(industry__code=filters.industry)
    if filters.q:
        qs = qs.filter(
            Q(code__startswith=filters.q)
            | Q(name_ru__icontains=filters.q)
            | Q(name_kk__icontains=filters.q)
            | Q(name_en__icontains=filters.q)
        )
    return qs


@router.get(
    "/specialties/{code}",
    response={200: SpecialtyOut, 404: ErrorOut},
    summary="One specialty by classifier code",
)
def get_specialty(request: HttpRequest, code: Path[Code]) -> Specialty:
    return get_object_or_404(_specialties(), code=code)


@router.get("/offerings", response=list[OfferingOut], summary="Offerings by institution and year")
@paginate(Page)
def list_offerings(request: HttpRequest, filters: Query[OfferingFilter]) -> QuerySet[Offering]:
    qs = Offering.objects.annotate(
        specialty_code=F("specialty__code"),
        isced_level=F("specialty__isced_level"),
        industry_code=F("specialty__industry__code"),
        dual_employer_code=F("dual_employer__code"),
    ).order_by("-year", "institution_id", "specialty__code", "language")
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.level is not None:
        qs = qs.filter(specialty__isced_level=filters.level)
    if filters.industry:
        qs = qs.filter(specialty__industry__code=filters.industry)
    if filters.specialty:
        qs = qs.filter(specialty__code=filters.specialty)
    if filters.institution:
        qs = qs.filter(institution_id=filters.institution)
    if filters.district:
        qs = qs.filter(institution__settlement__path__contains=f"/{filters.district}/")
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.study_form:
        qs = qs.filter(study_form=filters.study_form)
    if filters.new is not None:
        qs = qs.filter(launch_year=F("year")) if filters.new else qs.exclude(launch_year=F("year"))
    if filters.dual is not None:
        qs = qs.filter(dual_training=filters.dual)
    return qs


@router.get(
    "/labour-demand",
    response=list[LabourDemandOut],
    auth=token_auth,
    summary="Labour-market demand by specialty, territory and year (token)",
)
@paginate(Page)
def list_labour_demand(
    request: HttpRequest, filters: Query[LabourDemandFilter]
) -> QuerySet[LabourDemand]:
    qs = scoped(
        LabourDemand.objects.annotate(
            specialty_code=F("specialty__code"), territory_kato=F("territory__kato")
        ).order_by("specialty__code", "territory__kato", "year"),
        request,
        territory="territory",
        institution=None,
    )
    if filters.specialty:
        qs = qs.filter(specialty__code=filters.specialty)
    if filters.territory:
        qs = qs.filter(territory__kato=filters.territory)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    return qs
