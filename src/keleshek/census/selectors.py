"""Reads of the school census: who may do what to which return, the returns a user sees,
completeness and timeliness per school, district and region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from keleshek.accounts.access import may_use
from keleshek.accounts.models import Role
from keleshek.accounts.roles import has_role
from keleshek.core.scoping import scope_for, scope_queryset
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory

from .models import Period, Return

REVIEW_ROLES = frozenset({Role.REGIONAL_ADMIN, Role.DISTRICT_OFFICER})
ACCEPT_ROLES = frozenset({Role.REGIONAL_ADMIN, Role.REGIONAL_ANALYST})
ENTRY_ROLES = frozenset({Role.REGIONAL_ADMIN, Role.INSTITUTION_OPERATOR})
IMPORT_ROLES = frozenset({Role.REGIONAL_ADMIN, Role.DISTRICT_OFFICER, Role.INSTITUTION_OPERATOR})


def can_use(user: Any) -> bool:
    """The access table's answer (``accounts.access``: the menu reads the same row)."""
    return may_use(user, "census")


def operating_schools() -> QuerySet[Institution]:
    """The schools that owe a census return: operating schools."""
    return Institution.objects.filter(
        kind=Institution.Kind.SCHOOL, status=Institution.Status.OPERATING
    ).select_related("settlement")


def schools_for(user: Any) -> QuerySet[Institution]:
    """The schools whose returns the user sees: own school, district, region."""
    return scope_queryset(operating_schools(), user, territory="settlement", institution="")


def sees_school(user: Any, institution: Institution) -> bool:
    return can_use(user) and schools_for(user).filter(pk=institution.pk).exists()


def can_enter(user: Any, ret: Return) -> bool:
    return has_role(user, ENTRY_ROLES) and sees_school(user, ret.institution)


def can_review(user: Any, ret: Return) -> bool:
    """District approval: the district officer of the school's district, or a regional admin."""
    return has_role(user, REVIEW_ROLES) and sees_school(user, ret.institution)


def can_accept(user: Any) -> bool:
    return has_role(user, ACCEPT_ROLES)


def can_unapprove(user: Any, ret: Return) -> bool:
    """An approved return is unlocked by its district; an accepted one by the region."""
    if ret.status == Return.Status.ACCEPTED:
        return has_role(user, {Role.REGIONAL_ADMIN, Role.REGIONAL_ANALYST})
    return can_review(user, ret)


def can_import(user: Any) -> bool:
    return has_role(user, IMPORT_ROLES)


def districts_for(user: Any) -> QuerySet[Territory]:
    """The districts (and cities of regional significance) a user looks at."""
    qs = Territory.objects.filter(level__in=("district", "city"), valid_to=None)
    scope = scope_for(user)
    if scope.everything:
        return qs.order_by("kato")
    if scope.territory_path:
        return qs.filter(path__startswith=scope.territory_path).order_by("kato")
    return qs.none()


def open_periods() -> QuerySet[Period]:
    return Period.objects.filter(is_open=True).select_related("dataset")


@dataclass
class SchoolRow:
    school: Institution
    ret: Return | None
    filled: int
    required: int
    late: bool
    on_time: bool

    @property
    def status(self) -> str:
        return self.ret.status if self.ret else Return.Status.DRAFT

    @property
    def complete(self) -> bool:
        return self.filled >= self.required


@dataclass
class Tally:
    """Completeness and timeliness of one unit (district, region) in one period."""

    name: str
    kato: str
    schools: int = 0
    submitted: int = 0  # submitted, approved or accepted
    approved: int = 0  # approved or accepted
    on_time: int = 0
    late: int = 0
    returned: int = 0
    rows: list[SchoolRow] = field(default_factory=list)

    @property
    def completeness(self) -> float:
        return self.submitted / self.schools if self.schools else 0.0

    @property
    def timeliness(self) -> float:
        return self.on_time / self.schools if self.schools else 0.0


SENT = (Return.Status.SUBMITTED, Return.Status.APPROVED, Return.Status.ACCEPTED)


def school_rows(
    period: Period, schools: QuerySet[Institution], today: dt.date | None = None
) -> list[SchoolRow]:
    """One row per school: its return (if started), figures filled of required, late or not.
    Three queries whatever the number of schools."""
    today = today or timezone.localdate()
    required = period.dataset.elements.filter(required=True).count()
    returns = {
        r.institution_id: r
        for r in Return.objects.filter(period=period, institution__in=schools).annotate(
            n_filled=Count(
                "values",
                filter=Q(values__element__required=True) & ~Q(values__value=""),
            )
        )
    }
    rows = []
    due_end = dt.datetime.combine(period.due, dt.time.max, tzinfo=timezone.get_current_timezone())
    for school in schools.order_by("settlement__path", "name_ru"):
        ret = returns.get(school.pk)
        sent = ret is not None and ret.status in SENT
        on_time = bool(sent and ret and ret.submitted_at and ret.submitted_at <= due_end)
        rows.append(
            SchoolRow(
                school=school,
                ret=ret,
                filled=getattr(ret, "n_filled", 0) if ret else 0,
                required=required,
                late=not sent and today > period.due,
                on_time=on_time,
            )
        )
    return rows


def tally(
    period: Period, unit: Territory, schools: QuerySet[Institution], today: dt.date | None = None
) -> Tally:
    t = Tally(name=unit.name, kato=unit.kato)
    t.rows = school_rows(period, schools.filter(settlement__path__startswith=unit.path), today)
    for row in t.rows:
        t.schools += 1
        status = row.status
        t.submitted += status in SENT
        t.approved += status in (Return.Status.APPROVED, Return.Status.ACCEPTED)
        t.returned += status == Return.Status.RETURNED
        t.on_time += row.on_time
        t.late += row.late
    return t


def region_completeness(
    period: Period, user: Any, today: dt.date | None = None
) -> tuple[Tally, list[Tally]]:
    """The region's (or the user's scope's) tally and one per district."""
    schools = schools_for(user)
    per_district = [tally(period, d, schools, today) for d in districts_for(user)]
    per_district = [t for t in per_district if t.schools]
    total = Tally(name="", kato="")
    for t in per_district:
        for name in ("schools", "submitted", "approved", "on_time", "late", "returned"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    return total, per_district


def history(ret: Return) -> list[Any]:
    return list(ret.events.select_related("actor"))


def values_of(ret: Return) -> dict[str, Any]:
    return {v.element.code: v for v in ret.values.select_related("element")}


def pupils_records_and_returns(
    period: Period, school_ids: list[int]
) -> dict[int, tuple[int | None, str]]:
    """Per school: the pupils the records hold for the period's school year (what dashboards
    show: imports and approved returns) and the total its return states (""; when none)."""
    from keleshek.institutions.models import InstitutionYear

    from .models import DataValue

    records = {
        iy.institution_id: iy.pupils
        for iy in InstitutionYear.objects.filter(
            institution_id__in=school_ids, year=period.school_year
        )
    }
    stated = dict(
        DataValue.objects.filter(
            ret__period=period, ret__institution_id__in=school_ids, element__code="pupils_total"
        ).values_list("ret__institution_id", "value")
    )
    return {pk: (records.get(pk), stated.get(pk, "")) for pk in school_ids}


def missing_many(period: Period, returns: list[Return]) -> dict[int, list[Any]]:
    """Per return, the required figures still without a value (two queries)."""
    from .models import DataValue

    required = list(period.dataset.elements.filter(required=True))
    filled: dict[int, set[int]] = {r.pk: set() for r in returns}
    for ret_id, element_id in (
        DataValue.objects.filter(ret__in=returns)
        .exclude(value="")
        .values_list("ret_id", "element_id")
    ):
        filled[ret_id].add(element_id)
    return {pk: [e for e in required if e.pk not in got] for pk, got in filled.items()}
