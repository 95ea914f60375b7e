"""The support API (mounted at /api/v1/support/): pupils, memberships, coverage.

Every endpoint needs an authenticated staff user (bearer token or session), answers only rows
in the user's scope, masks personal data for roles that do not need it, and audits each read
of a child's personal record.

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations
(``Query[...]``) at runtime."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from keleshek.accounts import privacy
from keleshek.accounts.roles import (
    STAFF_ROLES,
    mask_iin,
    role_of,
    sees_address,
    sees_personal_data,
)
from keleshek.core import audit
from keleshek.core.api import ErrorOut, Page
from keleshek.institutions.selectors import current_school_year

from . import selectors
from .models import Membership, Programme, Pupil, PupilCategory

# Authentication is the mount's: ``keleshek.api.main`` mounts this router with ``staff_auth``
# (a bearer token or a session); ``_user`` below refuses anyone without a staff role.
router = Router(tags=["support"])


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if role_of(user) not in STAFF_ROLES:
        raise HttpError(403, "your role has no access to support data")
    return user


class CategoryOut(Schema):
    category: str
    valid_from: dt.date
    valid_to: dt.date | None


class PupilOut(Schema):
    uid: UUID
    iin: str = Field(description="masked (first and last two digits) for roles without access")
    last_name: str
    first_name: str = Field(description="the initial only for roles without access")
    middle_name: str
    birth_year: int
    birth_date: dt.date | None = Field(None, description="only for roles with access")
    sex: str
    school_id: int
    grade: int
    home_settlement_kato: str | None = None
    home_lat: float | None = None
    home_lon: float | None = None
    categories: list[CategoryOut] | None = Field(
        None, description="only for roles with access to personal data"
    )
    masked: bool


def _out(p: Pupil, *, personal: bool, address: bool, cats: dict[int, list[Any]]) -> PupilOut:
    return PupilOut(
        uid=p.uid,
        iin=(p.iin or "") if personal else mask_iin(p.iin),
        last_name=p.last_name,
        first_name=p.first_name if personal else privacy.mask_first_name(p.first_name),
        middle_name=p.middle_name if personal else "",
        birth_year=p.birth_date.year,
        birth_date=p.birth_date if personal else None,
        sex=p.sex,
        school_id=p.school_id,
        grade=p.grade,
        home_settlement_kato=p.home_settlement.kato if address else None,
        home_lat=p.home_lat if address else None,
        home_lon=p.home_lon if address else None,
        categories=(
            [CategoryOut(category=c[0], valid_from=c[1], valid_to=c[2]) for c in cats.get(p.pk, [])]
            if personal
            else None
        ),
        masked=not personal,
    )


class PupilFilter(Schema):
    q: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[^\x00]+$")
    school: int | None = Field(None, ge=1, le=2**62)
    grade: int | None = Field(None, ge=0, le=11)


@router.get("/pupils", response=list[PupilOut], summary="Pupils in your scope")
@paginate(Page)
def pupils(request: HttpRequest, filters: Query[PupilFilter]) -> Any:
    user = _user(request)
    qs = selectors.pupils_for(user).select_related("home_settlement").order_by("id")
    if filters.q:
        ids = [p.pk for p in selectors.pupil_search(user, filters.q, limit=500)]
        qs = qs.filter(pk__in=ids)
    if filters.school:
        qs = qs.filter(school_id=filters.school)
    if filters.grade is not None:
        qs = qs.filter(grade=filters.grade)
    return _PupilPage(qs, user)


class _PupilPage:
    """A lazily sliced list: pagination slices it, then the page is serialised, audited."""

    def __init__(self, qs: Any, user: Any) -> None:
        self.qs = qs
        self.user = user

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, s: slice) -> list[PupilOut]:
        page = list(self.qs[s])
        personal = sees_personal_data(self.user)
        cats: dict[int, list[Any]] = {}
        if personal:
            for row in (
                PupilCategory.objects.filter(pupil__in=page)
                .order_by("valid_from")
                .values_list("pupil_id", "category", "valid_from", "valid_to")
            ):
                cats.setdefault(row[0], []).append(row[1:])
        if page and (personal or sees_address(self.user)):
            audit.record(
                "read_personal",
                object_type="support.pupil",
                summary=f"API list: {len(page)} pupil(s)",
                changes={"pupils": [p.pk for p in page]},
                user=self.user,
            )
        return [
            _out(p, personal=personal, address=sees_address(self.user), cats=cats) for p in page
        ]


class ExplanationOut(Schema):
    programme: str
    qualifies: bool
    why: list[str]
    membership_state: str | None


class PupilDetailOut(Schema):
    pupil: PupilOut
    programmes: list[ExplanationOut]


@router.get("/pupils/{uid}", response=PupilDetailOut, summary="One pupil and why they qualify")
def pupil_detail(request: HttpRequest, uid: UUID, year: int | None = None) -> Any:
    """The programmes are judged for the school year `year`, the current one by default."""
    user = _user(request)
    year = current_school_year() if year is None else year
    if not 2000 <= year <= 2100:
        raise HttpError(422, "year out of range")
    p = selectors.pupils_for(user).select_related("home_settlement").filter(uid=uid).first()
    if p is None:
        raise HttpError(404, "not found")
    personal = sees_personal_data(user)
    cats: dict[int, list[Any]] = {
        p.pk: list(
            p.categories.order_by("valid_from").values_list("category", "valid_from", "valid_to")
        )
    }
    if personal or sees_address(user):
        audit.record("read_personal", p, summary="API pupil detail", user=user)
    statuses = selectors.pupil_programmes(p, year=year) if personal else []
    return PupilDetailOut(
        pupil=_out(p, personal=personal, address=sees_address(user), cats=cats),
        programmes=[
            ExplanationOut(
                programme=s.programme.code,
                qualifies=s.explanation.ok,
                why=s.explanation.lines(),
                membership_state=s.membership.state if s.membership else None,
            )
            for s in statuses
        ],
    )


class MembershipOut(Schema):
    id: int
    pupil_uid: UUID
    programme: str
    year: int
    school_id: int
    state: str

    @staticmethod
    def resolve_pupil_uid(obj: Membership) -> UUID:
        return obj.pupil.uid

    @staticmethod
    def resolve_programme(obj: Membership) -> str:
        return obj.programme.code


class MembershipFilter(Schema):
    programme: str | None = Field(None, pattern=r"^[a-z0-9-]{1,50}$")
    year: int | None = Field(None, ge=2000, le=2100)
    state: str | None = Field(None, pattern=r"^[a-z_]{1,20}$")


@router.get("/memberships", response=list[MembershipOut], summary="Programme memberships")
@paginate(Page)
def memberships(request: HttpRequest, filters: Query[MembershipFilter]) -> Any:
    user = _user(request)
    qs = selectors.memberships_for(user).select_related("pupil", "programme").order_by("id")
    if not privacy.clear(user, privacy.Field.MEMBERSHIP):
        # membership of a programme for a category reveals the category (ADR 0132)
        qs = qs.exclude(programme__in=selectors.category_programmes())
    if filters.programme:
        qs = qs.filter(programme__code=filters.programme)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs


class CoverageRowOut(Schema):
    key: str
    label: str
    eligible: int
    enrolled: int
    delivered: int
    coverage_pct: float | None


class CoverageOut(Schema):
    programme: str
    year: int
    by: str
    total: CoverageRowOut
    rows: list[CoverageRowOut]
    not_covered: int
    amount: float = Field(description="KZT delivered or paid to the children in scope")


@router.get(
    "/coverage",
    response={200: CoverageOut, 404: ErrorOut},
    summary="Eligible, enrolled, delivered",
)
def coverage_view(
    request: HttpRequest,
    programme: str = Query(..., pattern=r"^[a-z0-9-]{1,50}$"),
    year: int | None = Query(None, ge=2000, le=2100, description="the current one by default"),
    by: str = Query("district", pattern=r"^(district|school|category|grade|sex)$"),
) -> Any:
    user = _user(request)
    year = current_school_year() if year is None else year
    prog = Programme.objects.filter(code=programme).first()
    if prog is None:
        raise HttpError(404, "no such programme")
    report = selectors.coverage(user, prog, year=year, by=by, list_limit=0)

    def row(r: selectors.CoverageRow) -> CoverageRowOut:
        return CoverageRowOut(
            key=r.key,
            label=r.label,
            eligible=r.eligible,
            enrolled=r.enrolled,
            delivered=r.delivered,
            coverage_pct=r.coverage,
        )

    return CoverageOut(
        programme=prog.code,
        year=year,
        by=by,
        total=row(report.total),
        rows=[row(r) for r in report.rows],
        not_covered=report.not_covered_count,
        amount=float(report.amount),
    )


class FundHelpedOut(Schema):
    key: str = Field(description="the region's or district's KATO code, or the school's id")
    label: str
    children_helped: int = Field(description="distinct children helped by the fund")
    amount_paid: float = Field(description="KZT paid in cash and given in kind")
    children_cash: int
    amount_cash: float
    children_in_kind: int = Field(description="help in kind recorded before cash (migrated)")
    amount_in_kind: float


class FundHelpedListOut(Schema):
    year: int
    by: str
    total: FundHelpedOut
    rows: list[FundHelpedOut]


@router.get(
    "/fund/helped",
    response=FundHelpedListOut,
    summary="Children helped and amounts paid by the general-education fund",
)
def fund_helped_view(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100, description="the current one by default"),
    by: str = Query("district", pattern=r"^(region|district|school)$"),
) -> Any:
    user = _user(request)
    year = current_school_year() if year is None else year

    def row(r: selectors.FundHelped) -> FundHelpedOut:
        return FundHelpedOut(
            key=r.key,
            label=r.label,
            children_helped=r.children,
            amount_paid=float(r.amount),
            children_cash=r.children_cash,
            amount_cash=float(r.amount_cash),
            children_in_kind=r.children_in_kind,
            amount_in_kind=float(r.amount_in_kind),
        )

    total = selectors.fund_helped_total(user, year=year)
    return FundHelpedListOut(
        year=year,
        by=by,
        total=row(total),
        rows=[row(r) for r in selectors.fund_helped(user, year=year, by=by)],
    )
