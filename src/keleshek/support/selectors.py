"""Reads for targeted support: scoped pupil queries, bulk facts for the rule engine, coverage,
budget flags. Every function takes the requesting ``user`` (or works on an already scoped
queryset) so that no read path forgets the scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from keleshek.core import hooks
from keleshek.core.scoping import scope_queryset
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory

from . import rules
from .models import (
    CategoryCode,
    Delivery,
    DuplicateCandidate,
    Membership,
    MembershipState,
    Programme,
    Pupil,
    PupilCategory,
)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, "KELESHEK", {}).get(name, default))


def setting(name: str, default: Any) -> Any:
    """A KELESHEK setting as it is (numbers, per-year mappings)."""
    return getattr(settings, "KELESHEK", {}).get(name, default)


def as_of_for(year: int) -> dt.date:
    """The date a school year's eligibility is judged on: 1 October of its first calendar year."""
    return dt.date(year, 10, 1)


def on_roll_on(pupils: QuerySet[Pupil], day: dt.date) -> QuerySet[Pupil]:
    """The pupils who had not left by ``day``: one marked as left (ADR 0185) keeps the record
    and its history but counts no more from that day."""
    return pupils.filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


def pupils_for(user: Any) -> QuerySet[Pupil]:
    """Pupils the user may see: by the school's place in the KATO tree, or their school."""
    return scope_queryset(
        Pupil.objects.all(), user, territory="school__settlement", institution="school"
    )


def memberships_for(user: Any) -> QuerySet[Membership]:
    return scope_queryset(
        Membership.objects.all(), user, territory="school__settlement", institution="school"
    )


def duplicates_for(user: Any) -> QuerySet[DuplicateCandidate]:
    """A pair is visible when the user may see both children. Scoped through joins, not two
    ``IN (SELECT …)`` lists: SQLite drove such a query from both lists, pupils × pupils."""
    qs = scope_queryset(
        DuplicateCandidate.objects.all(),
        user,
        territory="a__school__settlement",
        institution="a__school",
    )
    return scope_queryset(qs, user, territory="b__school__settlement", institution="b__school")


def categories_to_reverify(
    user: Any, *, as_of: dt.date, within_days: int | None = None, limit: int = 50
) -> tuple[int, list[PupilCategory]]:
    """Categories of children in scope that expired in the past year or expire within
    ``within_days`` (the setting SUPPORT_REVERIFY_DAYS, 30 by default): their evidence must be
    verified again before eligibility lapses. A category already renewed (a later record of
    the same category that starts by the day after it ends) is not listed. Returns the count
    and the first ``limit``."""
    days = int(setting("SUPPORT_REVERIFY_DAYS", 30) if within_days is None else within_days)
    renewed = PupilCategory.objects.filter(
        pupil_id=OuterRef("pupil_id"),
        category=OuterRef("category"),
        valid_from__gt=OuterRef("valid_from"),
        valid_from__lte=OuterRef("valid_to") + dt.timedelta(days=1),
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("valid_to")))
    qs = PupilCategory.objects.filter(
        pupil__in=pupils_for(user).values("pk"),
        valid_to__gte=as_of - dt.timedelta(days=365),
        valid_to__lte=as_of + dt.timedelta(days=days),
    ).exclude(Exists(renewed))
    return qs.count(), list(
        qs.select_related("pupil", "pupil__school").order_by("valid_to", "id")[:limit]
    )


def category_programmes() -> list[int]:
    """Programmes whose eligibility rule reads categories: membership reveals a category."""
    from keleshek.accounts.privacy import category_based

    return [pk for pk, rule in Programme.objects.values_list("pk", "rule") if category_based(rule)]


def pupil_search(user: Any, query: str, *, limit: int = 50) -> list[Pupil]:
    """By IIN (exact), or by name parts (each part a prefix of last, first or middle name)."""
    query = " ".join(query.split())
    if not query:
        return []
    qs = pupils_for(user).select_related("school", "home_settlement")
    if query.isdigit():
        from keleshek.accounts.privacy import Field, clear

        if not clear(user, Field.IIN):
            return []  # an IIN it may not read is no key to find a child by (ADR 0132)
        qs = qs.filter(iin=query) if len(query) == 12 else qs.filter(iin__startswith=query)
    else:
        from .derived import key_part

        for part in query.split(" ")[:3]:
            key = key_part(part)
            qs = qs.filter(
                Q(last_name__istartswith=part)
                | Q(first_name__istartswith=part)
                | Q(middle_name__istartswith=part)
                | (Q(name_key__startswith=key) | Q(name_key__contains=f" {key}") if key else Q())
            )
    return list(qs.order_by("last_name", "first_name", "id")[:limit])


def school_grade_keys() -> set[int]:
    """settlement_id * 16 + grade for every grade taught by an operating school."""
    keys: set[int] = set()
    rows = Institution.objects.filter(
        kind=Institution.Kind.SCHOOL, status=Institution.Status.OPERATING
    ).values_list("settlement_id", "grade_from", "grade_to")
    for sid, g0, g1 in rows:
        lo = 0 if g0 is None else g0
        hi = 11 if g1 is None else g1
        keys.update(sid * 16 + g for g in range(lo, hi + 1))
    return keys


def territory_paths() -> dict[int, str]:
    return dict(Territory.objects.values_list("id", "path"))


def urban_settlement_ids() -> list[int]:
    return list(Territory.objects.filter(is_urban=True).values_list("id", flat=True))


def territory_names(katos: Iterable[str]) -> dict[str, str]:
    return {t.kato: t.name for t in Territory.objects.filter(kato__in=set(katos))}


def facts_for(
    pupils: QuerySet[Pupil],
    *,
    as_of: dt.date,
    programmes: Iterable[Programme] = (),
) -> rules.Facts:
    """Load the columns the rules read for these pupils: four queries whatever their number."""
    rows = list(
        pupils.order_by("id").values_list(
            "id",
            "grade",
            "home_settlement_id",
            "home_lat",
            "home_lon",
            "school__lat",
            "school__lon",
        )
    )
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    grade = np.fromiter((r[1] for r in rows), dtype=np.int16, count=n)
    settlement = np.fromiter((r[2] for r in rows), dtype=np.int64, count=n)

    def col(k: int) -> np.ndarray:
        return np.fromiter(
            (np.nan if r[k] is None else r[k] for r in rows), dtype=np.float64, count=n
        )

    distance = rules.haversine_km(col(3), col(4), col(5), col(6)) * _setting("ROAD_CIRCUITY", 1.3)
    cats = PupilCategory.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=as_of),
        pupil__in=pupils.values("pk"),
        valid_from__lte=as_of,
    ).values_list("pupil_id", "category")
    pos = {int(pid): i for i, pid in enumerate(ids)}
    bits = np.zeros(n, dtype=np.int32)
    for pid, code in cats:
        i = pos.get(pid)
        if i is not None:
            bits[i] |= rules.CATEGORY_BITS.get(code, 0)
    keys = np.fromiter(school_grade_keys(), dtype=np.int64)
    katos = [k for p in programmes for k in rules.referenced_territories(p.rule)]
    return rules.Facts(
        pupil_ids=ids,
        grade=grade,
        category_bits=bits,
        settlement_id=settlement,
        distance_km=distance,
        school_in_settlement=np.isin(settlement * 16 + grade, keys),
        as_of=as_of,
        rural=~np.isin(settlement, np.asarray(urban_settlement_ids(), dtype=np.int64)),
        territory_paths=territory_paths(),
        territory_names=territory_names(katos),
        threshold_km=_setting("RURAL_TRANSPORT_THRESHOLD_KM", 3.0),
    )


def active_programmes() -> list[Programme]:
    return list(Programme.objects.filter(active=True).select_related("territory").order_by("code"))


@dataclass
class ProgrammeStatus:
    programme: Programme
    explanation: rules.Explanation
    membership: Membership | None


def pupil_programmes(pupil: Pupil, *, year: int) -> list[ProgrammeStatus]:
    """For one child: each programme, why they qualify or not, and their membership."""
    programmes = active_programmes()
    facts = facts_for(
        Pupil.objects.filter(pk=pupil.pk), as_of=as_of_for(year), programmes=programmes
    )
    members = {
        m.programme_id: m
        for m in Membership.objects.filter(pupil=pupil, year=year)
        .select_related("school")
        .prefetch_related("deliveries")
        .order_by("created_at")
    }
    return [
        ProgrammeStatus(p, rules.explain_dated(p.rule, facts, 0), members.get(p.pk))
        for p in programmes
    ]


# --- coverage -----------------------------------------------------------------------------

DIMENSIONS = ("district", "school", "category", "grade", "sex")


@dataclass
class CoverageRow:
    key: str
    label: str
    eligible: int = 0
    enrolled: int = 0
    delivered: int = 0

    @property
    def coverage(self) -> float | None:
        """Recipients / eligible x 100 (DOMAIN.md)."""
        return round(100.0 * self.delivered / self.eligible, 1) if self.eligible else None

    @property
    def enrolment(self) -> float | None:
        return round(100.0 * self.enrolled / self.eligible, 1) if self.eligible else None


@dataclass
class NotCovered:
    pupil_id: int
    reason: str


@dataclass
class Coverage:
    programme: Programme
    year: int
    total: CoverageRow
    rows: list[CoverageRow] = field(default_factory=list)
    not_covered: list[NotCovered] = field(default_factory=list)
    not_covered_count: int = 0
    amount: Decimal = Decimal("0")  # delivered or paid to the children in scope, KZT


def _district_of(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) > 1 else (parts[0] if parts else "")


@dataclass
class DayLost:
    """A day a programme's delivery did not happen (a cancelled school-bus day), as the reader
    may see it: the pupils affected within the reader's scope."""

    date: dt.date
    reason: str
    place: str
    pupils: list[Pupil]


def days_lost(user: Any, programme: Programme, year: int) -> list[DayLost]:
    """What the higher layers report through ``core.hooks.DAYS_LOST`` for ``programme`` and
    ``year`` (transport's cancelled days, ADR 0175), each day with the pupils affected that
    ``user`` may see; days with none of them are left out."""
    reported = hooks.gather(hooks.DAYS_LOST, programme=programme.code, year=year)
    ids = {int(pid) for row in reported for pid in row["pupil_ids"]}
    visible = pupils_for(user).select_related("school").in_bulk(ids) if ids else {}
    out = []
    for row in reported:
        pupils = [visible[int(p)] for p in row["pupil_ids"] if int(p) in visible]
        if pupils:
            pupils.sort(key=lambda p: (p.last_name, p.first_name))
            out.append(DayLost(row["date"], row["reason"], row["place"], pupils))
    return out


def coverage(
    user: Any,
    programme: Programme,
    *,
    year: int,
    by: str = "district",
    list_limit: int = 200,
) -> Coverage:
    """Eligible vs enrolled vs delivered for one programme, broken down by one dimension,
    within the user's scope; and the eligible children not covered, with the reason."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    from django.utils.translation import gettext as _

    from . import figures

    pupils = figures.on_roll(pupils_for(user), year=year)
    facts = figures.facts(pupils, year=year, programmes=[programme])
    fl = figures.flags(programme, year=year, facts=facts, memberships=memberships_for(user))
    eligible, state_of, ids = fl.eligible, fl.state_of, facts.pupil_ids

    # Dimension keys per pupil.
    extra = pupils.order_by("id").values_list("id", "school_id", "sex", "school__settlement__path")
    school_of: dict[int, int] = {}
    sex_of: dict[int, str] = {}
    district_of: dict[int, str] = {}
    for pid, sid, sex, path in extra:
        school_of[pid] = sid
        sex_of[pid] = sex
        district_of[pid] = _district_of(path or "")

    def keys_for(pid: int, i: int) -> list[str]:
        if by == "district":
            return [district_of.get(pid, "")]
        if by == "school":
            return [str(school_of.get(pid, ""))]
        if by == "grade":
            return [str(int(facts.grade[i]))]
        if by == "sex":
            return [sex_of.get(pid, "")]
        bits = int(facts.category_bits[i])
        have = [c for c, b in rules.CATEGORY_BITS.items() if bits & b]
        return have or ["none"]

    # The three numbers as figures defines them (ADR 0146): enrolled and served are eligible.
    total = CoverageRow("all", _("total"))
    table: dict[str, CoverageRow] = {}
    for i in np.nonzero(eligible)[0]:
        pid = int(ids[i])
        en, d = bool(fl.enrolled[i]), bool(fl.served[i])
        for k in keys_for(pid, int(i)):
            row = table.setdefault(k, CoverageRow(k, k))
            row.eligible += 1
            row.enrolled += en
            row.delivered += d
        total.eligible += 1
        total.enrolled += en
        total.delivered += d
    _label_rows(by, table)
    rows = sorted(table.values(), key=lambda r: (r.label, r.key))

    not_covered: list[NotCovered] = []
    count = 0
    for i in np.nonzero(eligible & ~fl.served)[0]:
        count += 1
        if len(not_covered) >= list_limit:
            continue
        pid = int(ids[i])
        current = state_of.get(pid)
        if current is None:
            reason = _("eligible but not enrolled")
        elif current == MembershipState.ENROLLED:
            reason = _("enrolled, nothing delivered yet")
        else:
            reason = _("membership is %(s)s") % {"s": MembershipState(current).label}
        not_covered.append(NotCovered(pid, reason))
    amount = Delivery.objects.filter(
        membership__in=memberships_for(user).filter(programme=programme, year=year)
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return Coverage(programme, year, total, rows, not_covered, count, amount)


def _label_rows(by: str, table: dict[str, CoverageRow]) -> None:
    from django.utils.translation import gettext as _

    if by == "district":
        names = {t.kato: t.name for t in Territory.objects.filter(kato__in=list(table))}
        for k, row in table.items():
            row.label = names.get(k, k)
    elif by == "school":
        ids = [int(k) for k in table if k.isdigit()]
        names = {str(i.pk): i.name for i in Institution.objects.filter(pk__in=ids)}
        for k, row in table.items():
            row.label = names.get(k, k)
    elif by == "category":
        for k, row in table.items():
            row.label = str(CategoryCode(k).label) if k in CategoryCode.values else _("none")
    elif by == "sex":
        for k, row in table.items():
            row.label = {"M": _("male"), "F": _("female")}.get(k, k)


# --- budget: the general-education fund ------------------------------------------------


@dataclass
class SchoolBudget:
    school: Institution
    fund: Decimal | None  # the fund set for the year, else its floor
    floor: Decimal | None  # the share of the maintenance budget (a setting): not less than
    spent: Decimal  # delivered or paid from the fund
    committed: Decimal = Decimal("0")  # approved applications, paid or not

    @property
    def over(self) -> bool:
        return self.fund is not None and max(self.spent, self.committed) > self.fund


def fund_share() -> Decimal:
    """The fund's floor as a share of the maintenance budget ("not less than 1 %")."""
    return Decimal(str(_setting("SUPPORT_FUND_SHARE", 0.01)))


def fund_floor(school: Institution) -> Decimal | None:
    if school.maintenance_budget is None:
        return None
    return (school.maintenance_budget * fund_share()).quantize(Decimal("0.01"))


def school_fund(school: Institution, year: int | None = None) -> Decimal | None:
    """The fund of a school for a year: the amount set (never below the floor), else the
    floor."""
    if year is not None:
        from .models import SchoolFund

        set_amount = (
            SchoolFund.objects.filter(school=school, year=year)
            .values_list("amount", flat=True)
            .first()
        )
        if set_amount is not None:
            return Decimal(set_amount)
    return fund_floor(school)


def min_payment(year: int) -> Decimal:
    """The minimum payment per child and school year (setting SUPPORT_MIN_PAYMENT)."""
    from .fund import min_payment as lookup

    return lookup(year, setting("SUPPORT_MIN_PAYMENT", {2025: 46228}))


def school_spent(school_id: int, *, year: int) -> Decimal:
    total = Delivery.objects.filter(
        membership__school_id=school_id,
        membership__year=year,
        membership__programme__funded_by_school_fund=True,
    ).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")


def school_committed(school_id: int, *, year: int) -> Decimal:
    from .models import Application

    total = Application.objects.filter(
        school_id=school_id, year=year, status=Application.Status.APPROVED
    ).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")


def school_budgets(user: Any, *, year: int) -> list[SchoolBudget]:
    """Per school in scope: the fund (set, or its floor), what deliveries and payments spent
    and what approved applications committed. Schools over their fund come first."""
    from .models import Application, SchoolFund

    schools = scope_queryset(
        Institution.objects.filter(kind=Institution.Kind.SCHOOL),
        user,
        territory="settlement",
        institution="",
    )
    spent = dict(
        Delivery.objects.filter(
            membership__year=year,
            membership__programme__funded_by_school_fund=True,
            membership__school__in=schools.values("pk"),
        )
        .values_list("membership__school_id")
        .annotate(s=Sum("amount"))
        .values_list("membership__school_id", "s")
    )
    committed = dict(
        Application.objects.filter(
            year=year, status=Application.Status.APPROVED, school__in=schools.values("pk")
        )
        .values_list("school_id")
        .annotate(s=Sum("amount"))
        .values_list("school_id", "s")
    )
    funds = dict(
        SchoolFund.objects.filter(year=year, school__in=schools.values("pk")).values_list(
            "school_id", "amount"
        )
    )
    out = []
    for s in schools.order_by("name_ru"):
        floor = fund_floor(s)
        out.append(
            SchoolBudget(
                s,
                funds.get(s.pk, floor),
                floor,
                spent.get(s.pk) or Decimal("0"),
                committed.get(s.pk) or Decimal("0"),
            )
        )
    return sorted(out, key=lambda b: (not b.over, b.school.name_ru))


def membership_years(*, next_to: int) -> tuple[int, int]:
    """The first and last school year with memberships, widened to the ten years before
    ``next_to`` and the year after it (a page may show past years and enrol for the next)."""
    from django.db.models import Max, Min

    span = Membership.objects.aggregate(lo=Min("year"), hi=Max("year"))
    lo = min(span["lo"] or next_to, next_to - 10)
    hi = max(span["hi"] or next_to, next_to + 1)
    return lo, hi


def applications_for(user: Any) -> QuerySet[Any]:
    from .models import Application

    return scope_queryset(
        Application.objects.all(), user, territory="school__settlement", institution="school"
    )


def registers_for(user: Any) -> QuerySet[Any]:
    from .models import PaymentRegister

    return scope_queryset(
        PaymentRegister.objects.all(), user, territory="school__settlement", institution="school"
    )


@dataclass
class Uncovered:
    line: Any
    receipts: Decimal

    @property
    def uncovered(self) -> Decimal:
        return self.line.amount - self.receipts


def uncovered_payments(user: Any, *, year: int) -> list[Uncovered]:
    """Paid lines whose receipts do not cover the amount paid: the parent still owes proof
    of purchase for the difference."""
    from django.db.models import DecimalField, Value
    from django.db.models.functions import Coalesce

    from .models import PaymentLine

    lines = (
        PaymentLine.objects.filter(
            application__in=applications_for(user).filter(year=year),
            paid_on__isnull=False,
        )
        .annotate(
            covered=Coalesce(
                Sum("receipts__amount"),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
        .select_related("application", "register__school")
        .order_by("register__school__name_ru", "id")
    )
    return [Uncovered(x, Decimal(x.covered)) for x in lines if x.covered < x.amount]


# --- meals --------------------------------------------------------------------------------


def meal_daily_cost() -> Decimal:
    """The cost of a free hot meal per child and school day (setting SUPPORT_MEAL_DAILY_COST)."""
    return Decimal(str(setting("SUPPORT_MEAL_DAILY_COST", 650)))


@dataclass
class MealsMonth:
    school: Institution
    fed: int  # children with a meals delivery in the month
    meal_days: int  # child-days
    cost: Decimal  # meal_days x the daily cost setting


def meals_by_school(user: Any, *, year: int, month: dt.date) -> list[MealsMonth]:
    """Per school in scope: how many children were fed in ``month`` (any day of it) and what
    that costs at the daily cost per child (a setting)."""
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    rows = (
        Delivery.objects.filter(
            membership__in=memberships_for(user).filter(
                year=year, programme__kind=Programme.Kind.MEALS
            ),
            delivered_on__gte=start,
            delivered_on__lt=end,
        )
        .values("membership__school_id")
        .annotate(fed=Count("membership__pupil_id", distinct=True), days=Sum("quantity"))
        .order_by()
    )
    per = {r["membership__school_id"]: (r["fed"], r["days"] or 0) for r in rows}
    cost = meal_daily_cost()
    schools = Institution.objects.in_bulk(list(per))
    out = [
        MealsMonth(schools[sid], fed, days, (cost * days).quantize(Decimal("0.01")))
        for sid, (fed, days) in per.items()
    ]
    return sorted(out, key=lambda m: m.school.name_ru)


# --- the fund's children helped and amounts paid (ADR 0156) ------------------------------------

FUND_HELP_LEVELS = ("region", "district", "school")


@dataclass
class FundHelped:
    """Children helped by the fund (distinct pupils with a help record of the year) and the
    amount given (₸) — cash paid against applications plus the in-kind help migrated."""

    key: str
    label: str
    children: int = 0
    amount: Decimal = Decimal("0")
    children_cash: int = 0
    amount_cash: Decimal = Decimal("0")
    children_in_kind: int = 0
    amount_in_kind: Decimal = Decimal("0")


def fund_help_for(user: Any | None) -> QuerySet[Any]:
    """The fund's help records in the user's scope; ``None``: the whole region (the briefing,
    which is about the region and names no child)."""
    from .models import FundHelp

    qs = FundHelp.objects.all()
    if user is None:
        return qs
    return scope_queryset(qs, user, territory="school__settlement", institution="school")


def fund_helped(user: Any | None, *, year: int, by: str = "region") -> list[FundHelped]:
    """Children helped and amounts paid by the fund in school year ``year``, per region,
    district or school (``by``), in the user's scope, sorted by label. A child helped twice in
    a year (cash and earlier in kind, or at two schools of a district) counts once in a row."""
    if by not in FUND_HELP_LEVELS:
        raise ValueError(f"unknown level {by!r}")
    from django.utils.translation import gettext as _

    rows = (
        fund_help_for(user)
        .filter(year=year)
        .values_list("pupil_id", "school_id", "school__settlement__path", "kind", "amount")
    )
    kids: dict[str, dict[str, set[int]]] = {}
    out: dict[str, FundHelped] = {}
    for pid, sid, path, kind, amount in rows.iterator(chunk_size=5000):
        if by == "school":
            key = str(sid)
        elif by == "district":
            key = _district_of(path or "")
        else:
            key = next((p for p in (path or "").split("/") if p), "")
        row = out.setdefault(key, FundHelped(key, key))
        k = kids.setdefault(key, {"all": set(), "cash": set(), "in_kind": set()})
        k["all"].add(pid)
        k[kind].add(pid)
        row.amount += amount
        if kind == "cash":
            row.amount_cash += amount
        else:
            row.amount_in_kind += amount
    for key, row in out.items():
        row.children = len(kids[key]["all"])
        row.children_cash = len(kids[key]["cash"])
        row.children_in_kind = len(kids[key]["in_kind"])
    if by == "school":
        ids = [int(k) for k in out if k.isdigit()]
        names = {str(i.pk): i.name for i in Institution.objects.filter(pk__in=ids)}
    else:
        names = {t.kato: t.name for t in Territory.objects.filter(kato__in=list(out))}
    for key, row in out.items():
        row.label = names.get(key) or (key or _("total"))
    return sorted(out.values(), key=lambda r: (r.label, r.key))


def fund_helped_total(user: Any | None, *, year: int) -> FundHelped:
    """The whole scope's children helped and amount paid by the fund in ``year``."""
    rows = fund_helped(user, year=year, by="region")
    total = FundHelped("all", "")
    for r in rows:
        total.children += r.children
        total.amount += r.amount
        total.children_cash += r.children_cash
        total.amount_cash += r.amount_cash
        total.children_in_kind += r.children_in_kind
        total.amount_in_kind += r.amount_in_kind
    return total
