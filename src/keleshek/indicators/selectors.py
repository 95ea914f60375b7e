"""Reads of the indicators app. Everything here reads the materialised ``IndicatorValue`` rows
(and small reference tables), never the registries' base tables.

Public entry points (for the portal, the briefing report and the API):

- ``value(code, territory_kato, year, **disagg) -> float | None`` — one figure, e.g.
  ``value("places_deficit", "630000000", 2025)`` or ``value("ger_primary", kato, 2025, sex="F")``.
- ``headline(year, kato=None) -> list[Figure]`` — the headline indicators of a territory
  (the oblast by default), each with its value and last year's.
- ``values_for(code, kato, year)`` — one indicator for a territory and its children
  (``Figure`` for the territory and a list for the children), the drill-down.
- ``series(code, kato, years=None)`` — ``{year: value}`` over all materialised years.
- ``breakdown(code, kato, year, dimension)`` — ``{category: value}``.
- ``territory_values(kato, year)`` / ``institution_values(institution_id, year)`` —
  ``{code: Figure}`` for every indicator of one unit.
- ``changes(kato, year)`` — "what changed since last year" for a territory.
- ``map_points(code, kato, year)`` — settlements under a territory with coordinates and value.
- ``definitions()`` — the indicator records; ``last_refresh()`` — the latest ``RefreshRun``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from keleshek.core.names import localized_name, name_expr
from keleshek.territory import selectors as territory_selectors
from keleshek.territory.models import Territory

from .models import Indicator, IndicatorValue, RefreshRun


@dataclass
class Figure:
    indicator: Indicator
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    previous: float | None = None
    label: str = ""
    key: str = ""  # kato or institution id of the unit
    extra: Any = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def oblast_kato() -> str:
    return territory_selectors.oblast_kato()


def territory_by_kato(kato: str) -> Territory:
    return Territory.objects.select_related("parent").get(kato=kato)


def definitions(public_only: bool = False) -> list[Indicator]:
    qs = Indicator.objects.all()
    if public_only:
        qs = qs.filter(public=True)
    return list(qs)


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def last_refresh() -> RefreshRun | None:
    return RefreshRun.objects.order_by("-id").first()


def _disagg(disagg: dict[str, str]) -> tuple[str, str]:
    if not disagg:
        return "", ""
    if len(disagg) > 1:
        raise ValueError("one disaggregation at a time")
    ((dim, cat),) = disagg.items()
    return dim, str(cat)


def _territory_rows(kato: str) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.filter(territory__kato=kato, institution__isnull=True)


def value(code: str, territory_kato: str, year: int, **disagg: str) -> float | None:
    """One materialised value; ``None`` when it was not computed (no data or no denominator)."""
    dim, cat = _disagg(disagg)
    row = (
        _territory_rows(territory_kato)
        .filter(indicator__code=code, year=year, dimension=dim, category=cat)
        .values_list("value", flat=True)
        .first()
    )
    return row


def years_available() -> list[int]:
    return sorted(set(IndicatorValue.objects.values_list("year", flat=True).distinct()))


def territory_values(kato: str, year: int) -> dict[str, Figure]:
    """Every indicator's total for one territory, with last year's value (one query)."""
    rows = (
        _territory_rows(kato)
        .filter(year__in=(year, year - 1), dimension="")
        .select_related("indicator")
        .order_by("indicator__order", "year")
    )
    out: dict[str, Figure] = {}
    prev: dict[str, float | None] = {}
    for r in rows:
        code = r.indicator.code
        if r.year == year:
            out[code] = Figure(r.indicator, r.value, r.numerator, r.denominator, key=kato)
        else:
            prev[code] = r.value
    for code, fig in out.items():
        fig.previous = prev.get(code)
    return out


def institution_values(institution_id: int, year: int) -> dict[str, Figure]:
    rows = (
        IndicatorValue.objects.filter(
            institution_id=institution_id, year__in=(year, year - 1), dimension=""
        )
        .select_related("indicator")
        .order_by("indicator__order", "year")
    )
    out: dict[str, Figure] = {}
    prev: dict[str, float | None] = {}
    for r in rows:
        code = r.indicator.code
        if r.year == year:
            out[code] = Figure(
                r.indicator, r.value, r.numerator, r.denominator, key=str(institution_id)
            )
        else:
            prev[code] = r.value
    for code, fig in out.items():
        fig.previous = prev.get(code)
    return out


def headline(year: int, kato: str | None = None) -> list[Figure]:
    figures = territory_values(kato or oblast_kato(), year)
    return [f for f in figures.values() if f.indicator.headline]


def changes(kato: str, year: int) -> list[Figure]:
    """Indicators whose value differs from last year's, the largest relative change first."""
    figs = [f for f in territory_values(kato, year).values() if f.change]

    def weight(f: Figure) -> float:
        base = abs(f.previous or 0) or 1.0
        return abs(f.change or 0) / base

    return sorted(figs, key=weight, reverse=True)


@dataclass
class Drill:
    territory: Territory
    figure: Figure | None
    children: list[Figure]
    institutions: list[Figure]


def values_for(code: str, kato: str, year: int) -> Drill:
    """One indicator for a territory, its child territories, and (for a settlement or a
    district) the institutions in it. Two queries."""
    terr = territory_by_kato(kato)
    rows = (
        IndicatorValue.objects.filter(
            indicator__code=code, year=year, dimension="", institution__isnull=True
        )
        # one IN over the unit and its children: the (indicator, year, territory) index
        # answers it; an OR of two conditions made PostgreSQL scan the indicator's rows
        .filter(
            territory_id__in=Territory.objects.filter(Q(pk=terr.pk) | Q(parent_id=terr.pk)).values(
                "id"
            )
        )
        .select_related("indicator", "territory")
        .order_by("territory__kato")
    )
    own: Figure | None = None
    children: list[Figure] = []
    for r in rows:
        fig = Figure(r.indicator, r.value, r.numerator, r.denominator, label=r.territory.name)
        fig.key = r.territory.kato
        fig.extra = r.territory
        if r.territory_id == terr.pk:
            own = fig
        else:
            children.append(fig)
    institutions: list[Figure] = []
    if terr.level != Territory.Level.OBLAST:
        inst_rows = (
            IndicatorValue.objects.filter(
                indicator__code=code,
                year=year,
                dimension="",
                institution__isnull=False,
                territory__path__startswith=terr.path,
            )
            .select_related("indicator", "institution")
            .order_by(name_expr("institution__"))
        )
        for r in inst_rows:
            assert r.institution is not None
            fig = Figure(r.indicator, r.value, r.numerator, r.denominator, label=r.institution.name)
            fig.key = str(r.institution_id)
            institutions.append(fig)
    return Drill(terr, own, children, institutions)


def series(code: str, kato: str, years: list[int] | None = None, **disagg: str) -> dict[int, float]:
    dim, cat = _disagg(disagg)
    qs = _territory_rows(kato).filter(indicator__code=code, dimension=dim, category=cat)
    if years:
        qs = qs.filter(year__in=years)
    return {y: v for y, v in qs.order_by("year").values_list("year", "value") if v is not None}


def breakdown(code: str, kato: str, year: int, dimension: str) -> dict[str, float | None]:
    rows = (
        _territory_rows(kato)
        .filter(indicator__code=code, year=year, dimension=dimension)
        .order_by("category")
        .values_list("category", "value")
    )
    return dict(rows)


def breakdown_table(
    code: str, kato: str, years: list[int], dimension: str
) -> dict[str, dict[int, float]]:
    """``{category: {year: value}}`` for one territory (labour-market match, forecasts)."""
    out: dict[str, dict[int, float]] = defaultdict(dict)
    rows = (
        _territory_rows(kato)
        .filter(indicator__code=code, year__in=years, dimension=dimension)
        .values_list("category", "year", "value")
    )
    for cat, year, v in rows:
        if v is not None:
            out[cat][year] = v
    return dict(out)


@dataclass
class MapPoint:
    kato: str
    name: str
    lat: float
    lon: float
    value: float | None


MAP_LIMIT = 400


def map_points(code: str, kato: str, year: int, limit: int = MAP_LIMIT) -> list[MapPoint]:
    """Settlements under a territory that have coordinates, with the indicator's value (two
    queries); at most ``limit`` of them, the highest values first (the export has them all)."""
    terr_path = Territory.objects.filter(kato=kato).values_list("path", flat=True).first()
    if terr_path is None:
        return []
    rows = (
        IndicatorValue.objects.filter(
            indicator__code=code,
            year=year,
            dimension="",
            institution__isnull=True,
            territory__level=Territory.Level.SETTLEMENT,
            territory__path__startswith=terr_path,
            territory__lat__isnull=False,
            territory__lon__isnull=False,
        )
        .annotate(territory_name=name_expr("territory__"))
        .values_list(
            "territory__kato", "territory_name", "territory__lat", "territory__lon", "value"
        )
        .order_by(F("value").desc(nulls_last=True), "territory__kato")[:limit]
    )
    return [
        MapPoint(k, n, lat, lon, v)
        for k, n, lat, lon, v in rows
        if lat is not None and lon is not None
    ]


def suppress(value: float | None, numerator: float | None, unit: str, threshold: int) -> bool:
    """Whether a public figure must be hidden: a count under the threshold, or a ratio whose
    numerator is a count under the threshold (``PUBLIC_SUPPRESS_BELOW``)."""
    if value is None:
        return False
    if unit in ("count", "places"):
        return 0 < value < threshold
    if unit in ("percent", "ratio"):
        return numerator is not None and 0 < numerator < threshold
    return False


SUPPRESSED_UNITS = frozenset({"count", "places", "percent", "ratio"})
# elements summed from offerings' students and expected graduates (published per offering)
OFFERING_PEOPLE_ELEMENTS = frozenset({"tvet_students", "dual_students", "graduates_expected"})
# elements of other sources whose totals count the same people as a schools' element
SAME_PEOPLE = {"enrol_total": "pupils", "enrol_grade": "pupils", "pupils_registered": "pupils"}
Cell = tuple[str, str, str]  # (territory KATO, dimension, category)


PEOPLE_ELEMENTS = frozenset(
    {
        "pupils",
        "pupils_shift23",
        "pupils_shift3",
        "teachers_fte",
        "pupils_registered",
        "tvet_students",
        "dual_students",
        "graduates_expected",
        "foreign_students",
        "support_eligible",
        "support_recipients",
    }
)


def counts_people(element: str) -> bool:
    """Whether a data element counts people (complemented on public paths, ADR 0133); the
    others count places, schools, seats, projects or money, published as records anyway."""
    return element in PEOPLE_ELEMENTS or element.startswith(("enrol_", "pop_"))


class PublicSuppression:
    """Which published values of the indicators to hide (ADR 0133): for each data element, the
    cells of its table — territories × (total and every disaggregation) — protected together by
    ``core.suppression.protect`` along the territory tree (a territory = its child territories,
    per category too) and across categories (a territory's total = its categories). A value is
    hidden when the cell of its numerator or of its denominator is (a ratio times a published
    denominator gives the numerator back). The elements summed from schools' records start
    from the cells ``institutions.selectors.published_school_counts`` hides, so the
    institution-years API, the open data and the indicators hide the same sums.

    One instance per request: each (element, year) is computed once, on first use."""

    def __init__(self) -> None:
        self._elements: dict[tuple[str, int], set[Cell]] = {}
        self._schools: dict[tuple[str, int], Any] = {}
        self._indicators: dict[str, Indicator] | None = None

    def _definitions(self) -> dict[str, Indicator]:
        if self._indicators is None:
            self._indicators = {i.code: i for i in Indicator.objects.all()}
        return self._indicators

    def hidden(self, code: str, year: int) -> set[Cell]:
        """The cells of indicator ``code`` in ``year`` whose values are not published."""
        ind = self._definitions().get(code)
        if ind is None or ind.unit not in SUPPRESSED_UNITS:
            return set()
        out = set(self.element(ind.numerator, year))
        if ind.denominator:
            out |= self.element(ind.denominator, year)
        return out

    def is_hidden(self, code: str, year: int, kato: str, dimension: str, category: str) -> bool:
        return (kato, dimension, category) in self.hidden(code, year)

    def _published(self, kind: str, year: int, read: Any) -> Any:
        """The cells a source's own publication hides (schools, offerings, international
        students), read once per year."""
        key = (kind, year)
        if key not in self._schools:
            self._schools[key] = read(year)
        return self._schools[key]

    def element(self, element: str, year: int) -> set[Cell]:
        if not counts_people(element):
            return set()  # places, schools, seats, money: public records, no one to protect
        key = (element, year)
        if key not in self._elements:
            self._elements[key] = self._compute(element, year)
        return self._elements[key]

    def _compute(self, element: str, year: int) -> set[Cell]:
        """The element's hidden cells; the elements of a joint group (they add up to one
        another) are protected together and all stored at once."""
        from keleshek.core.suppression import protect, threshold

        group = next((g for g in JOINT if element in g), (element,))
        values: dict[tuple[str, str, str, str], float | None] = {}
        sums: list[tuple[Any, list[Any]]] = []
        seed: set[tuple[str, str, str, str]] = set()
        for member in group:
            v, s = self._table(member, year)
            values.update(((member, *c), x) for c, x in v.items())
            sums.extend(((member, *t), [(member, *p) for p in parts]) for t, parts in s)
            seed |= {(member, *c) for c in self._seed(member, year)}
        if len(group) > 1:
            sums.extend(_enrolment_sums(values))
        hidden = seed | protect(values, sums, threshold(), hidden=seed)
        for member in group:
            self._elements[(member, year)] = {(k, d, c) for m, k, d, c in hidden if m == member}
        return self._elements[(element, year)]

    def _table(
        self, element: str, year: int
    ) -> tuple[dict[Cell, float | None], list[tuple[Cell, list[Cell]]]]:
        """The element's published cells (from the indicator that breaks it down the most)
        and its sums: a territory = its child territories, per category too; a territory's
        total = its categories of one dimension."""
        users = [
            (len(i.disaggregations), i.numerator == element, i.code, i)
            for i in self._definitions().values()
            if element in (i.numerator, i.denominator)
        ]
        if not users:
            return {}, []
        ref = max(users, key=lambda u: (u[0], u[1], u[2]))[3]
        column = "numerator" if ref.numerator == element else "denominator"
        rows = IndicatorValue.objects.filter(
            indicator=ref, year=year, institution__isnull=True
        ).values_list("territory__kato", "territory__path", "dimension", "category", column)
        values: dict[Cell, float | None] = {}
        parent: dict[str, str] = {}
        for kato, path, dim, cat, v in rows:
            values[(kato, dim, cat)] = v
            katos = path.strip("/").split("/")
            if len(katos) > 1:
                parent[kato] = katos[-2]
        children: dict[Cell, list[Cell]] = defaultdict(list)
        categories: dict[Cell, list[Cell]] = defaultdict(list)
        for kato, dim, cat in values:
            if kato in parent:
                children[(parent[kato], dim, cat)].append((kato, dim, cat))
            if dim:
                categories[(kato, "", "")].append((kato, dim, cat))
        sums: list[tuple[Cell, list[Cell]]] = list(children.items())
        for total, cats in categories.items():
            by_dim: dict[str, list[Cell]] = defaultdict(list)
            for c in cats:
                by_dim[c[1]].append(c)
            sums.extend((total, parts) for parts in by_dim.values())
        return values, sums

    def _seed(self, element: str, year: int) -> set[Cell]:
        """The cells the source's own publication hides (schools, offerings, international
        students): the indicators hide them too."""
        from keleshek.institutions.selectors import (
            SCHOOL_PEOPLE_ELEMENTS,
            published_school_counts,
        )
        from keleshek.partnerships.selectors import published_international
        from keleshek.programmes.selectors import published_offerings

        seed: set[Cell] = set()
        if element in SCHOOL_PEOPLE_ELEMENTS:
            seed = self._published("schools", year, published_school_counts).hidden.get(
                element, set()
            )
        elif element in OFFERING_PEOPLE_ELEMENTS:
            seed = self._published("offerings", year, published_offerings).hidden.get(
                element, set()
            )
        elif element == "foreign_students":
            seed = self._published("international", year, published_international).hidden
        if element in SAME_PEOPLE:
            # another source counting the same pupils: its totals hidden where the schools'
            # are, or the one published would give the other away
            school = self._published("schools", year, published_school_counts)
            seed = seed | {c for c in school.hidden.get(SAME_PEOPLE[element], set()) if not c[1]}
        return seed


# Elements that add up to one another: protected as one table. Pupils of a school level are
# the sum of their grades; all pupils by grade records are the pupils by grade.
JOINT = (("enrol_grade", "enrol_total", "enrol_primary", "enrol_lower", "enrol_upper"),)


def _enrolment_sums(values: dict[tuple[str, str, str, str], float | None]) -> list[Any]:
    from .elements import LEVEL_GRADES

    out: list[Any] = []
    katos = {k for _m, k, _d, _c in values}
    for kato in katos:
        total = ("enrol_total", kato, "", "")
        grades = ("enrol_grade", kato, "", "")
        if total in values and grades in values:
            out.extend([(total, [grades]), (grades, [total])])
        for level, (lo, hi) in LEVEL_GRADES.items():
            cell = (f"enrol_{level}", kato, "", "")
            if cell in values:
                parts = [("enrol_grade", kato, "grade", str(g)) for g in range(lo, hi + 1)]
                out.append((cell, [p for p in parts if p in values]))
    return out


# --------------------------------------------------------------------------- capacity planning


@dataclass
class SettlementForecast:
    territory_id: int
    name: str
    grades: dict[int, float]
    forecast: list[dict[int, float]]


@dataclass
class CapacityPlan:
    territory: Territory
    base_year: int
    years: list[int]
    grades_today: dict[int, float]
    forecast_totals: list[float]
    settlements: list[SettlementForecast]
    schools: list[Any]  # planning.School
    projects: list[Any]  # planning.PlannedProject
    project_stage: dict[str, str]
    result: Any  # planning.PlanResult
    school_names: dict[int, str]
    school_shift23: dict[int, float] = field(default_factory=dict)
    project_planned: dict[str, Any] = field(default_factory=dict)


def capacity_plan(
    kato: str,
    year: int,
    *,
    horizon: int = 5,
    overrides: dict[str, int | None] | None = None,
    extra: list[Any] | None = None,
) -> CapacityPlan:
    """The capacity-planning view of a territory: materialised grades, birth cohorts and
    school capacities, plus the construction pipeline (the registry of projects, read, never
    written). ``overrides`` moves projects (``{project id: year or None}``); ``extra`` adds
    hypothetical ``planning.PlannedProject``s. Six queries whatever the territory."""
    from keleshek.construction.models import Project

    from . import planning

    terr = territory_by_kato(kato)
    bound = float(str(settings.KELESHEK.get("FORECAST_GROWTH_BOUND", 0.05)))
    years = [year + k for k in range(horizon + 1)]
    # 1. grades (this and last year) and population by single age, per settlement
    rows = (
        IndicatorValue.objects.filter(
            indicator__code__in=("pupils_by_grade", "population_by_age"),
            year__in=(year, year - 1),
            institution__isnull=True,
            territory__path__startswith=terr.path,
            territory__level=Territory.Level.SETTLEMENT,
            dimension__in=("grade", "age"),
        )
        .annotate(territory_name=name_expr("territory__"))
        .values_list("territory_id", "territory_name", "year", "dimension", "category", "value")
    )
    grades: dict[int, dict[int, float]] = defaultdict(dict)
    prev: dict[int, dict[int, float]] = defaultdict(dict)
    ages: dict[int, dict[int, float]] = defaultdict(dict)
    names: dict[int, str] = {}
    for tid, tname, y, dim, cat, v in rows:
        names[tid] = tname
        if v is None:
            continue
        if dim == "grade":
            (grades if y == year else prev)[tid][int(cat)] = v
        elif y == year:
            ages[tid][int(cat)] = v
    settlements: list[SettlementForecast] = []
    growth: dict[int, list[float]] = {}
    for tid in sorted(names, key=lambda t: names[t]):
        fc = planning.forecast_grades(
            grades.get(tid, {}),
            ages.get(tid, {}),
            horizon=horizon,
            bound=bound,
            previous_grades=prev.get(tid),
        )
        growth[tid] = planning.growth_factors(fc)
        settlements.append(SettlementForecast(tid, names[tid], grades.get(tid, {}), fc))
    # 2. schools: pupils and capacity per institution (materialised)
    inst_rows = (
        IndicatorValue.objects.filter(
            indicator__code__in=("pupils", "capacity", "shift23_pupils"),
            year=year,
            dimension="",
            institution__isnull=False,
            territory__path__startswith=terr.path,
        )
        .annotate(institution_name=name_expr("institution__"))
        .values_list(
            "institution_id", "institution_name", "territory_id", "indicator__code", "value"
        )
    )
    acc: dict[int, dict[str, Any]] = {}
    for iid, iname, tid, code, v in inst_rows:
        d = acc.setdefault(iid, {"name": iname, "settlement": tid})
        d[code] = v or 0.0
    schools = [
        planning.School(
            iid, d["name"], d["settlement"], d.get("capacity", 0.0), d.get("pupils", 0.0)
        )
        for iid, d in sorted(acc.items(), key=lambda kv: kv[1]["name"])
    ]
    # 3. the pipeline (3 queries: projects, relieves, settlement names are in the join)
    pipeline = (
        Project.objects.filter(
            settlement__path__startswith=terr.path,
            kind__in=Project.SCHOOL_KINDS,
            stage__in=(
                Project.Stage.PLANNED,
                Project.Stage.DESIGN,
                Project.Stage.UNDER_CONSTRUCTION,
            ),
        )
        .prefetch_related("relieves")
        .order_by("planned_commissioning", "code")
    )
    from keleshek.core.schoolyear import school_year_of

    projects: list[Any] = []
    stage: dict[str, str] = {}
    planned: dict[str, Any] = {}
    overrides = overrides or {}
    for p in pipeline:
        pid = str(p.pk)
        default = (
            school_year_of(p.planned_commissioning)
            if p.planned_commissioning and p.stage == Project.Stage.UNDER_CONSTRUCTION
            else None
        )
        when = overrides.get(pid, default) if pid in overrides else default
        projects.append(
            planning.PlannedProject(
                id=pid,
                name=p.name,
                name_lang=localized_name(p)[1],
                settlement=p.settlement_id,
                places=float(p.places),
                year=when,
                relieves=tuple(r.pk for r in p.relieves.all()),
                institution=p.institution_id,
            )
        )
        stage[pid] = str(p.get_stage_display())
        planned[pid] = p.planned_commissioning
    for x in extra or []:
        projects.append(x)
        stage[x.id] = str(_("hypothetical"))
    result = planning.plan_deficit(schools, growth, projects, years)
    grades_today: dict[int, float] = defaultdict(float)
    for s in settlements:
        for g, v in s.grades.items():
            grades_today[g] += v
    totals = [0.0] * len(years)
    for s in settlements:
        for k, f in enumerate(s.forecast):
            totals[k] += sum(f.values())
    return CapacityPlan(
        territory=terr,
        base_year=year,
        years=years,
        grades_today=dict(sorted(grades_today.items())),
        forecast_totals=totals,
        settlements=settlements,
        schools=schools,
        projects=projects,
        project_stage=stage,
        result=result,
        school_names={s.id: s.name for s in schools},
        school_shift23={iid: d.get("shift23_pupils", 0.0) for iid, d in acc.items()},
        project_planned=planned,
    )


# --------------------------------------------------------------------------- labour market


@dataclass
class LabourRow:
    code: str
    name: str
    demand: dict[int, float]
    graduates: dict[int, float]
    gap: dict[int, float]
    seats_to_close: dict[int, float]
    state_seats: float


def labour_match(kato: str, year: int, horizon: int = 5) -> list[LabourRow]:
    """Per specialty: demand against expected graduates for ``year .. year+horizon``. Future
    graduates without offerings yet are carried forward from the latest known year; the seats
    that would close a gap assume the specialty's graduation ratio (graduates per seat, 1 when
    unknown). Two queries."""
    import math

    from keleshek.programmes.models import Specialty

    years = list(range(year, year + horizon + 1))
    rows = (
        _territory_rows(kato)
        .filter(
            indicator__code__in=("labour_demand", "graduates_expected", "state_seats"),
            dimension="specialty",
            year__lte=year + horizon,
        )
        .values_list("indicator__code", "category", "year", "value")
    )
    data: dict[str, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for code, spec, y, v in rows:
        if v is not None:
            data[spec][code][y] = v
    names = {s.code: s.name for s in Specialty.objects.filter(code__in=list(data))}
    out: list[LabourRow] = []
    for spec in sorted(data):
        d = data[spec]
        demand = {y: d["labour_demand"][y] for y in years if y in d["labour_demand"]}
        if not demand:
            continue
        grads_known = d["graduates_expected"]
        graduates: dict[int, float] = {}
        last = 0.0
        for y in range(min([*grads_known, year]), year + horizon + 1):
            if y in grads_known:
                last = grads_known[y]
            if y in years:
                graduates[y] = last
        seats_known = d["state_seats"]
        latest_seats = seats_known[max(seats_known)] if seats_known else 0.0
        ratio = (last / latest_seats) if latest_seats and last else 1.0
        ratio = min(1.0, max(0.5, ratio))
        gap = {y: demand[y] - graduates.get(y, 0.0) for y in demand}
        seats = {y: float(math.ceil(max(0.0, g) / ratio)) for y, g in gap.items()}
        out.append(
            LabourRow(spec, names.get(spec, spec), demand, graduates, gap, seats, latest_seats)
        )
    out.sort(key=lambda r: -max(r.gap.values(), default=0))
    return out


def breakdowns(code: str, kato: str, year: int) -> dict[str, list[tuple[str, Figure]]]:
    """Every disaggregation of one indicator for a territory: ``{dimension: [(label, Figure)]}``
    (one query). Labels: funding sources, sex and urban/rural in the active language; other
    categories (programme, specialty, country, grade…) as stored."""
    from keleshek.construction.models import FundingSource, Project

    labels: dict[str, dict[str, str]] = {
        "source": {k: str(v) for k, v in FundingSource.choices},
        "kind": {k: str(v) for k, v in Project.Kind.choices},
        "sex": {"M": _("male"), "F": _("female")},
        "area": {"urban": _("urban"), "rural": _("rural")},
    }
    rows = (
        _territory_rows(kato)
        .filter(indicator__code=code, year=year)
        .exclude(dimension="")
        .select_related("indicator")
        .order_by("dimension", "category")
    )
    out: dict[str, list[tuple[str, Figure]]] = defaultdict(list)
    for r in rows:
        label = labels.get(r.dimension, {}).get(r.category, r.category)
        fig = Figure(r.indicator, r.value, r.numerator, r.denominator, label=label, key=r.category)
        out[r.dimension].append((label, fig))
    for dim in ("grade", "age"):
        if dim in out:
            out[dim].sort(key=lambda lf: int(lf[1].key) if lf[1].key.isdigit() else 0)
    return dict(out)
