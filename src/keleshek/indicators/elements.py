"""The registry of data elements: named, set-based aggregations over the registries.

A *source* runs ONE query across all institutions (or territories) and all years and yields
facts ``(institution_id | None, territory_id, year, dims, measures)``; each *data element*
picks one measure of a source. Indicators (``models.Indicator``) name data elements as their
numerator and denominator, so adding an indicator is adding a record, not code.

Conventions
- ``year`` is the school year by its starting calendar year.
- A date falls in its school year by ``keleshek.core.schoolyear`` (``d.year`` from July on,
  otherwise ``d.year - 1``: a school commissioned in August 2025 adds places for 2025/26; one
  commissioned in February 2026 too).
- Official school ages (completed years on 1 September): primary (grades 1–4) 6–9, lower
  secondary (5–9) 10–14, upper secondary (10–11) 15–16.
- Population records are expected at the lowest level held (settlements); the roll-up sums
  children into parents, so a territory must not hold both its own and its children's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from keleshek.core.schoolyear import lessons_begin, school_year_of

# (institution_id or None, territory_id, year, dims, measures)
Fact = tuple[int | None, int, int, dict[str, str], dict[str, float]]

LEVEL_GRADES = {"primary": (1, 4), "lower": (5, 9), "upper": (10, 11)}
LEVEL_AGES = {"primary": (6, 9), "lower": (10, 14), "upper": (15, 16)}


def level_of_grade(grade: int) -> str | None:
    for level, (lo, hi) in LEVEL_GRADES.items():
        if lo <= grade <= hi:
            return level
    return None


def level_of_age(age: int) -> str | None:
    for level, (lo, hi) in LEVEL_AGES.items():
        if lo <= age <= hi:
            return level
    return None


@dataclass
class Context:
    """Shared state of one refresh: the oblast root and the current school year (for
    snapshot sources such as the construction pipeline), and the memoised source results."""

    current_year: int
    root_territory_id: int | None
    years: frozenset[int] | None = None
    # a scoped refresh: only the facts placed in these territories (None: everywhere)
    territories: frozenset[int] | None = None
    cache: dict[str, list[Fact]] = field(default_factory=dict)

    def wants(self, year: int) -> bool:
        return self.years is None or year in self.years

    def within(self, qs: QuerySet[Any], territory_field: str) -> QuerySet[Any]:
        """``qs`` narrowed to the scope's territories (a source's own filter, for speed;
        ``facts`` filters what every source yields anyway)."""
        if self.territories is None:
            return qs
        return qs.filter(**{f"{territory_field}__in": sorted(self.territories)})


@dataclass(frozen=True)
class Source:
    code: str
    fn: Callable[[Context], Iterator[Fact]]
    institution_level: bool


@dataclass(frozen=True)
class DataElement:
    code: str
    name: str | Promise
    source: str
    measure: str
    dims: tuple[str, ...] = ()


SOURCES: dict[str, Source] = {}
REGISTRY: dict[str, DataElement] = {}


def source(code: str, *, institution_level: bool) -> Callable[[Any], Any]:
    def deco(fn: Callable[[Context], Iterator[Fact]]) -> Callable[[Context], Iterator[Fact]]:
        SOURCES[code] = Source(code, fn, institution_level)
        return fn

    return deco


def element(
    code: str, name: str | Promise, src: str, measure: str | None = None, dims: tuple = ()
) -> None:
    REGISTRY[code] = DataElement(code, name, src, measure or code, tuple(dims))


def facts(ctx: Context, source_code: str) -> list[Fact]:
    """Run a source once per refresh."""
    if source_code not in ctx.cache:
        out = SOURCES[source_code].fn(ctx)
        if ctx.territories is not None:
            keep = ctx.territories
            out = (f for f in out if f[1] in keep)
        ctx.cache[source_code] = list(out)
    return ctx.cache[source_code]


# --------------------------------------------------------------------------- schools


@source("school_years", institution_level=True)
def _school_years(ctx: Context) -> Iterator[Fact]:
    from keleshek.institutions.capacity import places_free
    from keleshek.institutions.selectors import school_places

    for s in school_places(years=ctx.years, settlements=ctx.territories):
        yield (
            s.institution_id,
            s.settlement_id,
            s.year,
            {},
            {
                "schools": 1.0,
                "pupils": float(s.pupils),
                "capacity": float(s.capacity),
                "deficit": float(s.deficit),
                "surplus": float(places_free(s.pupils, s.capacity)),
                "pupils_shift23": float(s.pupils_shift2 + s.pupils_shift3),
                "pupils_shift3": float(s.pupils_shift3),
                "three_shift_schools": 1.0 if s.works_three_shifts else 0.0,
                "emergency_schools": 1.0 if s.is_emergency else 0.0,
                "teachers_fte": s.teachers_fte,
            },
        )


@source("school_enrolment", institution_level=False)
def _school_enrolment(ctx: Context) -> Iterator[Fact]:
    from keleshek.institutions.models import Enrolment, Institution

    qs = ctx.within(
        Enrolment.objects.filter(institution__kind=Institution.Kind.SCHOOL),
        "institution__settlement_id",
    )
    if ctx.years is not None:
        qs = qs.filter(year__in=ctx.years)
    rows = (
        qs.values_list("institution__settlement_id", "year", "grade", "sex")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for settlement, year, grade, sex, n in rows.iterator(chunk_size=5000):
        level = level_of_grade(grade)
        measures = {"enrol_grade": float(n), "enrol_total": float(n)}
        if level:
            measures[f"enrol_{level}"] = float(n)
        yield (None, settlement, year, {"grade": str(grade), "sex": sex}, measures)


@source("pupils_by_age", institution_level=False)
def _pupils_by_age(ctx: Context) -> Iterator[Fact]:
    """Individual pupils (support registry) by school, grade and age on 1 September: the
    numerators of the net enrolment ratios. Pupils are the current year's."""
    from keleshek.support.models import Pupil

    year = ctx.current_year
    if not ctx.wants(year):
        return
    # Age in completed years on 1 September of ``year`` by plain date comparisons (no
    # per-row date functions): born after 1 Sep of ``year - a - 1`` means younger than a + 1.
    age_case = Case(
        *[When(birth_date__gt=lessons_begin(year - a - 1), then=Value(a)) for a in range(0, 26)],
        default=Value(99),
        output_field=IntegerField(),
    )
    rows = (
        ctx.within(Pupil.objects.all(), "school__settlement_id")
        .annotate(age=age_case)
        .values_list("school__settlement_id", "grade", "sex", "age")
        .annotate(n=Count("id"))
        .order_by()
    )
    for settlement, grade, sex, age, n in rows.iterator(chunk_size=5000):
        g_level = level_of_grade(grade)
        a_level = level_of_age(age)
        measures = {"pupils_registered": float(n)}
        if g_level and g_level == a_level:
            measures[f"enrol_{g_level}_official"] = float(n)
        yield (None, settlement, year, {"sex": sex}, measures)


# --------------------------------------------------------------------------- population


@source("population", institution_level=False)
def _population(ctx: Context) -> Iterator[Fact]:
    from keleshek.territory.models import PopulationRecord

    qs = ctx.within(PopulationRecord.objects.filter(age__lte=24), "territory_id")
    if ctx.years is not None:
        qs = qs.filter(year__in=ctx.years)
    rows = qs.values_list("territory_id", "year", "age", "sex").annotate(n=Sum("count")).order_by()
    for terr, year, age, sex, n in rows.iterator(chunk_size=5000):
        measures = {"pop_age": float(n)}
        level = level_of_age(age)
        if level:
            measures[f"pop_{level}"] = float(n)
        if 15 <= age <= 24:
            measures["pop_15_24"] = float(n)
        if age <= 18:
            dims = {"age": str(age), "sex": sex}
        else:
            dims = {"sex": sex}
            measures.pop("pop_age")
        yield (None, terr, year, dims, measures)


# --------------------------------------------------------------------------- construction


@source("commissioned", institution_level=False)
def _commissioned(ctx: Context) -> Iterator[Fact]:
    from keleshek.construction.models import Project, ProjectFunding
    from keleshek.institutions.capacity import counts_as_large_school

    rows = ctx.within(
        ProjectFunding.objects.filter(
            project__stage=Project.Stage.COMMISSIONED,
            project__kind__in=Project.SCHOOL_KINDS,
            project__actual_commissioning__isnull=False,
        ),
        "project__settlement_id",
    ).values_list(
        "project__settlement_id",
        "project__actual_commissioning",
        "source",
        "share",
        "project__places",
        "project__kind",
    )
    for settlement, when, src, share, places, kind in rows.iterator(chunk_size=5000):
        if when is None:
            continue
        year = school_year_of(when)
        if not ctx.wants(year):
            continue
        yield (
            None,
            settlement,
            year,
            {"source": src},
            {
                "places_added": float(Decimal(places) * share),
                "projects_commissioned": float(share),
                # national indicators count new schools of over 300 places (ADR 0162)
                "large_schools_commissioned": (
                    float(share)
                    if kind == Project.Kind.NEW_SCHOOL and counts_as_large_school(places)
                    else 0.0
                ),
            },
        )


@source("pipeline", institution_level=False)
def _pipeline(ctx: Context) -> Iterator[Fact]:
    from keleshek.construction.models import Project

    if not ctx.wants(ctx.current_year):
        return
    rows = (
        ctx.within(Project.objects.filter(stage=Project.Stage.UNDER_CONSTRUCTION), "settlement_id")
        .values_list("settlement_id", "kind")
        .annotate(
            n=Count("id"),
            places=Sum("places", filter=Q(kind__in=Project.SCHOOL_KINDS)),
            readiness=Sum("readiness"),
            planned=Sum("planned_cost"),
            actual=Sum("actual_cost"),
        )
        .order_by()
    )
    if ctx.root_territory_id is not None:  # an empty pipeline is a zero, not a gap
        yield (
            None,
            ctx.root_territory_id,
            ctx.current_year,
            {},
            dict.fromkeys(
                (
                    "pipeline_projects",
                    "pipeline_places",
                    "pipeline_readiness_sum",
                    "pipeline_cost_planned",
                    "pipeline_cost_actual",
                ),
                0.0,
            ),
        )
    for settlement, kind, n, places, readiness, planned, actual in rows:
        yield (
            None,
            settlement,
            ctx.current_year,
            {"kind": kind},
            {
                "pipeline_projects": float(n),
                "pipeline_places": float(places or 0),
                "pipeline_readiness_sum": float(readiness or 0),
                "pipeline_cost_planned": float(planned or 0),
                "pipeline_cost_actual": float(actual or 0),
            },
        )


# --------------------------------------------------------------------------- TVET and partners


@source("offerings", institution_level=True)
def _offerings(ctx: Context) -> Iterator[Fact]:
    from keleshek.programmes.models import Offering

    qs = ctx.within(Offering.objects.all(), "institution__settlement_id")
    if ctx.years is not None:
        qs = qs.filter(year__in=ctx.years)
    rows = (
        qs.values_list(
            "institution_id",
            "institution__settlement_id",
            "institution__kind",
            "year",
            "specialty__code",
            "dual_training",
        )
        .annotate(
            enrolled_sum=Sum("enrolled"),
            seats=Sum(F("state_seats") + F("paid_seats")),
            state_sum=Sum("state_seats"),
            graduates=Sum("graduates_expected"),
            new=Count("id", filter=Q(launch_year=F("year"))),
            new_seats=Sum(F("state_seats") + F("paid_seats"), filter=Q(launch_year=F("year"))),
        )
        .order_by()
    )
    for (
        inst,
        settlement,
        kind,
        year,
        spec,
        dual,
        enrolled,
        seats,
        state,
        grads,
        new,
        nseats,
    ) in rows.iterator(chunk_size=5000):
        tvet = kind == "college"
        yield (
            inst,
            settlement,
            year,
            {"specialty": spec},
            {
                "tvet_students": float(enrolled or 0) if tvet else 0.0,
                "dual_students": float(enrolled or 0) if (tvet and dual) else 0.0,
                "offering_seats": float(seats or 0),
                "state_seats": float(state or 0),
                "graduates_expected": float(grads or 0),
                "new_offerings": float(new or 0),
                "new_offering_seats": float(nseats or 0),
            },
        )


@source("labour_demand", institution_level=False)
def _labour(ctx: Context) -> Iterator[Fact]:
    from keleshek.programmes.models import LabourDemand

    rows = (
        ctx.within(LabourDemand.objects.all(), "territory_id")
        .values_list("territory_id", "year", "specialty__code")
        .annotate(n=Sum("demand"))
        .order_by()
    )
    for terr, year, spec, n in rows:
        if ctx.wants(year):
            yield (None, terr, year, {"specialty": spec}, {"labour_demand": float(n)})


@source("international", institution_level=True)
def _international(ctx: Context) -> Iterator[Fact]:
    from keleshek.partnerships.models import InternationalStudents

    qs = ctx.within(InternationalStudents.objects.all(), "institution__settlement_id")
    if ctx.years is not None:
        qs = qs.filter(year__in=ctx.years)
    rows = (
        qs.values_list("institution_id", "institution__settlement_id", "year", "country")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for inst, settlement, year, country, n in rows:
        yield (inst, settlement, year, {"country": country}, {"foreign_students": float(n)})


@source("donations", institution_level=True)
def _donations(ctx: Context) -> Iterator[Fact]:
    from keleshek.partnerships.models import Agreement

    rows = Agreement.objects.filter(
        kind=Agreement.Kind.EQUIPMENT_DONATION, amount__isnull=False, signed_on__isnull=False
    ).values_list(
        "institution_id",
        "institution__settlement_id",
        "signed_on",
        "amount",
        "currency",
        "kzt_rate",
    )
    for inst, settlement, signed, amount, currency, rate in rows:
        if signed is None or amount is None:
            continue
        year = school_year_of(signed)
        if not ctx.wants(year):
            continue
        if currency in ("", "KZT"):
            kzt = amount
        elif rate is not None:
            kzt = amount * rate
        else:
            continue  # no rate: cannot be expressed in KZT (the model's clean() forbids it)
        terr = settlement or ctx.root_territory_id
        if terr is None:
            continue
        yield (
            inst,
            terr,
            year,
            {"currency": currency or "KZT"},
            {"donations_kzt": float(kzt), "donations": 1.0},
        )


# --------------------------------------------------------------------------- support


@source("support", institution_level=True)
def _support(ctx: Context) -> Iterator[Fact]:
    """Eligible, enrolled and served per school and programme, as ``support.figures`` defines
    them (ADR 0146): the dashboards and the home page count what the coverage pages count."""
    from keleshek.support import figures
    from keleshek.support.models import Membership

    years = set(Membership.objects.values_list("year", flat=True).distinct())
    for year in sorted(y for y in years if ctx.wants(y)):
        for (inst, settlement, programme), n in figures.by_school(
            year, settlements=ctx.territories
        ).items():
            yield (
                inst,
                settlement,
                year,
                {"programme": programme},
                {
                    "support_eligible": float(n.eligible),
                    "support_recipients": float(n.served),
                },
            )


@source("fund", institution_level=True)
def _fund(ctx: Context) -> Iterator[Fact]:
    """The general-education fund per school and year: children helped and the amount paid
    (cash against applications, and the earlier in-kind help migrated), from the support
    module's one definition (``support.selectors.fund_help_for``, ADR 0156)."""
    from keleshek.support.selectors import fund_help_for

    qs = ctx.within(fund_help_for(None), "school__settlement_id")
    if ctx.years is not None:
        qs = qs.filter(year__in=ctx.years)
    rows = (
        qs.values_list("school_id", "school__settlement_id", "year")
        .annotate(n=Count("pupil_id", distinct=True), amount=Sum("amount"))
        .order_by()
    )
    for inst, settlement, year, n, amount in rows.iterator(chunk_size=5000):
        yield (
            inst,
            settlement,
            year,
            {},
            {"fund_children_helped": float(n), "fund_amount_paid": float(amount or 0)},
        )


# --------------------------------------------------------------------------- the elements

element("schools", _("schools"), "school_years")
element("pupils", _("pupils"), "school_years")
element("capacity", _("design capacity, places"), "school_years")
element(
    "deficit",
    _("places lacking (pupils over the places in two-shift education, per school)"),
    "school_years",
)
element(
    "surplus",
    _("free places (places in two-shift education over pupils, per school)"),
    "school_years",
)
element("pupils_shift23", _("pupils in the 2nd and 3rd shifts"), "school_years")
element("pupils_shift3", _("pupils in the 3rd shift"), "school_years")
element("three_shift_schools", _("three-shift schools"), "school_years")
element("emergency_schools", _("schools in emergency condition"), "school_years")
element("teachers_fte", _("teachers, full-time equivalents"), "school_years")
element("enrol_total", _("pupils by grade records"), "school_enrolment", dims=("sex", "grade"))
element("enrol_grade", _("pupils by grade"), "school_enrolment", dims=("grade",))
for _lvl in LEVEL_GRADES:
    element(f"enrol_{_lvl}", _("pupils of a school level"), "school_enrolment", dims=("sex",))
    element(f"pop_{_lvl}", _("population of official school age"), "population", dims=("sex",))
    element(
        f"enrol_{_lvl}_official",
        _("pupils of official age in their level"),
        "pupils_by_age",
        dims=("sex",),
    )
element("pupils_registered", _("pupils in the pupil registry"), "pupils_by_age", dims=("sex",))
element("pop_age", _("population by single year of age"), "population", dims=("age", "sex"))
element("pop_15_24", _("population aged 15-24"), "population", dims=("sex",))
element("places_added", _("places commissioned"), "commissioned", dims=("source",))
element(
    "projects_commissioned", _("school projects commissioned"), "commissioned", dims=("source",)
)
element(
    "large_schools_commissioned",
    _("new schools of over 300 places commissioned"),
    "commissioned",
    dims=("source",),
)
element("pipeline_projects", _("projects under construction"), "pipeline", dims=("kind",))
element("pipeline_places", _("places under construction"), "pipeline", dims=("kind",))
element("pipeline_readiness_sum", _("sum of readiness, %"), "pipeline", dims=("kind",))
element("pipeline_cost_planned", _("planned cost, KZT"), "pipeline", dims=("kind",))
element("pipeline_cost_actual", _("actual cost to date, KZT"), "pipeline", dims=("kind",))
element("tvet_students", _("college students"), "offerings", dims=("specialty",))
element("dual_students", _("college students in dual training"), "offerings", dims=("specialty",))
element("offering_seats", _("seats offered"), "offerings", dims=("specialty",))
element("state_seats", _("state-funded seats"), "offerings", dims=("specialty",))
element("graduates_expected", _("expected graduates"), "offerings", dims=("specialty",))
element("new_offerings", _("new programmes (specialty at an institution)"), "offerings")
element("new_offering_seats", _("seats in new programmes"), "offerings")
element("labour_demand", _("jobs demanded"), "labour_demand", dims=("specialty",))
element("foreign_students", _("foreign students"), "international", dims=("country",))
element("donations_kzt", _("donations, KZT"), "donations", dims=("currency",))
element("donations", _("donations"), "donations", dims=("currency",))
element("support_eligible", _("pupils eligible for support"), "support", dims=("programme",))
element("support_recipients", _("pupils who received support"), "support", dims=("programme",))
element("fund_children_helped", _("children helped by the general-education fund"), "fund")
element("fund_amount_paid", _("paid by the general-education fund, KZT"), "fund")
