"""Reads for the briefing: every figure of the seed briefing computed from records.

``briefing_facts(year=Y)`` returns a ``Facts`` tree (exact numbers only; wording is
``reports.text``'s job). Every figure carries a ``Trace``: the name and parameters of the
staff list of the records behind it (``trace_rows``), which filters by the user's scope.

Conventions (shared with ``keleshek.indicators.elements``):
- ``year`` is the school year by its starting calendar year;
- a project commissioned on date *d* adds places in its school year
  (``keleshek.core.schoolyear``: ``d.year`` from July on, otherwise ``d.year - 1``; a school
  commissioned in August 2025 serves 2025/26);
- "the national project" is every funding source in ``NATIONAL_PROJECT_SOURCES``; a project
  counts under its main funding source (the largest share).

The queries are set-based (a handful per section, none per record) so that the briefing of a
national-scale dataset costs about as much as rendering its template (benchmarks/briefing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from keleshek.construction.models import FundingSource, Project, ProjectFunding
from keleshek.core import schoolyear
from keleshek.core.scoping import scope_queryset
from keleshek.institutions.capacity import places_short
from keleshek.institutions.models import Institution, InstitutionYear, Laboratory
from keleshek.institutions.selectors import school_places
from keleshek.partnerships.models import Agreement, InternationalStudents
from keleshek.programmes.models import Offering
from keleshek.territory.models import Territory

SCHOOL_KINDS = tuple(str(k) for k in Project.SCHOOL_KINDS)
LOW_INCOME_CATEGORIES = ("asp", "below_subsistence")
PRIMARY_GRADES = (1, 4)


# --- the facts tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class Trace:
    """Which staff list shows the records behind a figure: ``kind`` and its filters."""

    kind: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, trace_kind: str, /, **params: object) -> Trace:
        return cls(
            trace_kind, tuple(sorted((k, str(v)) for k, v in params.items() if v is not None))
        )


@dataclass
class SourceRow:
    source: str
    count: int
    places: int
    trace: Trace


@dataclass
class CorporateProject:
    partner: str
    partner_kk: str
    partner_en: str
    places: int
    settlement: str
    settlement_kk: str
    settlement_en: str
    settlement_urban: bool
    stage: str
    trace: Trace


@dataclass
class DistrictRow:
    kato: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Construction:
    commissioned: list[SourceRow]
    under_construction: int  # excluding projects whose main source is a corporate partner
    under_construction_all: int
    under_construction_places: int
    under_construction_trace: Trace
    corporate: list[CorporateProject]
    by_district: list[DistrictRow]  # values: {source: (count, places)}
    places_by_year: dict[int, dict[str, int]]  # year -> source -> places (chart)
    deficit: list[DistrictRow]  # values: before, after


@dataclass
class Support:
    available: bool
    uniform_recipients: int = 0
    uniform_trace: Trace = Trace("none")
    primary_eligible: int = 0
    primary_covered: int = 0
    low_income_eligible: int = 0
    low_income_covered: int = 0
    meals_trace: Trace = Trace("none")
    transported: int = 0
    transport_trace: Trace = Trace("none")
    transit: list[dict[str, Any]] = field(default_factory=list)
    by_district: list[DistrictRow] = field(default_factory=list)  # kind -> (covered, eligible)


@dataclass
class NamedItem:
    name_ru: str
    name_kk: str
    name_en: str
    value: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return str(getattr(self, f"name_{lang}", "") or self.name_ru)


@dataclass
class Vocational:
    new_specialties: list[NamedItem]  # value = seats; extra: institutions
    new_specialties_trace: Trace
    centres: list[NamedItem]  # extra: host (NamedItem), status, kind of host
    centres_trace: Trace
    planned_centres: list[NamedItem]
    planned_hosts: int
    planned_trace: Trace
    industries: list[NamedItem]
    industries_trace: Trace


@dataclass
class Universities:
    launched: list[NamedItem]  # name = specialty; extra: institution (NamedItem), seats
    trace: Trace


@dataclass
class Consortium:
    title: NamedItem
    partner_countries: list[str]
    groups: list[NamedItem]
    trace: Trace


@dataclass
class Donation:
    recipient: NamedItem | None
    partner_countries: list[str]
    amount: Decimal
    currency: str
    amount_kzt: Decimal | None
    trace: Trace


@dataclass
class Workshop:
    name: NamedItem
    labs: list[NamedItem]
    labs_trace: Trace
    students: int
    countries: list[str]
    students_trace: Trace
    dual_partners: list[NamedItem]
    internship_partners: list[NamedItem]
    agreements_trace: Trace


@dataclass
class Partnerships:
    consortia: list[Consortium]
    donations: list[Donation]
    workshops: list[Workshop]
    students_by_country: list[tuple[str, int]]
    students_total: int
    students_trace: Trace


@dataclass
class Facts:
    year: int
    region: NamedItem
    construction: Construction
    support: Support
    vocational: Vocational
    universities: Universities
    partnerships: Partnerships
    previous: Facts | None = None


# --- helpers -------------------------------------------------------------------------------


def _named(obj: Any) -> NamedItem:
    return NamedItem(obj.name_ru, obj.name_kk or obj.name_ru, obj.name_en or obj.name_ru)


def _district_kato(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) > 1 else (parts[0] if parts else "")


def _territory_names(katos: set[str]) -> dict[str, Territory]:
    return {t.kato: t for t in Territory.objects.filter(kato__in=katos)}


def region() -> NamedItem:
    kato = settings.KELESHEK["OBLAST_KATO"]
    t = Territory.objects.filter(kato=kato).first()
    if t is None:
        return NamedItem(
            "Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "East Kazakhstan region"
        )
    return _named(t)


def latest_year() -> int | None:
    """The latest school year with data (capacity records or offerings)."""
    years = [
        InstitutionYear.objects.aggregate(m=Max("year"))["m"],
        Offering.objects.aggregate(m=Max("year"))["m"],
    ]
    known = [y for y in years if y is not None]
    return max(known) if known else None


def has_data(year: int) -> bool:
    return (
        InstitutionYear.objects.filter(year=year).exists()
        or Offering.objects.filter(year=year).exists()
    )


def _main_sources(project_ids: list[int]) -> dict[int, str]:
    """The main funding source per project in one query (ties: FundingSource order)."""
    order = {v: i for i, v in enumerate(FundingSource.values)}
    best: dict[int, tuple[Decimal, int, str]] = {}
    for pid, source, share in ProjectFunding.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "source", "share"
    ):
        key = (share, -order.get(source, 99), source)
        if pid not in best or key > best[pid]:
            best[pid] = key
    return {pid: v[2] for pid, v in best.items()}


# --- construction --------------------------------------------------------------------------


def construction_facts(year: int) -> Construction:
    start, end = schoolyear.span(year)
    schools = Project.objects.filter(kind__in=SCHOOL_KINDS)
    rows = list(
        schools.filter(stage__in=[Project.Stage.COMMISSIONED, Project.Stage.UNDER_CONSTRUCTION])
        .values_list(
            "id", "stage", "places", "actual_commissioning", "settlement__path", "partner_id"
        )
        .order_by("id")
    )
    sources = _main_sources([r[0] for r in rows])

    per_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_district: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    places_by_year: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    uc = uc_all = uc_places = 0
    for pid, stage, places, when, path, _partner in rows:
        source = sources.get(pid, FundingSource.LOCAL_BUDGET)
        if stage == Project.Stage.COMMISSIONED and when:
            y = schoolyear.school_year_of(when)
            places_by_year[y][source] += places
            if start <= when <= end:
                per_source[source][0] += 1
                per_source[source][1] += places
                d = per_district[_district_kato(path)][source]
                d[0] += 1
                d[1] += places
        elif stage == Project.Stage.UNDER_CONSTRUCTION:
            uc_all += 1
            uc_places += places
            if source != FundingSource.CORPORATE_PARTNER:
                uc += 1

    commissioned = [
        SourceRow(
            s,
            per_source[s][0],
            per_source[s][1],
            Trace.of("projects", stage="commissioned", source=s, year=year),
        )
        for s in FundingSource.values
        if s in per_source
    ]

    corporate = []
    corp_ids = [
        r[0]
        for r in rows
        if r[1] == Project.Stage.UNDER_CONSTRUCTION
        and (sources.get(r[0]) == FundingSource.CORPORATE_PARTNER or r[5] is not None)
    ]
    corp_qs = (
        Project.objects.filter(id__in=corp_ids)
        .select_related("partner", "settlement")
        .order_by("code")
    )
    for p in corp_qs:
        partner = p.partner
        corporate.append(
            CorporateProject(
                partner=partner.name_ru if partner else "",
                partner_kk=(partner.name_kk or partner.name_ru) if partner else "",
                partner_en=(partner.name_en or partner.name_ru) if partner else "",
                places=p.places,
                settlement=p.settlement.name_ru,
                settlement_kk=p.settlement.name_kk or p.settlement.name_ru,
                settlement_en=p.settlement.name_en or p.settlement.name_ru,
                settlement_urban=p.settlement.is_urban,
                stage=p.stage,
                trace=Trace.of("projects", code=p.code),
            )
        )

    names = _territory_names(set(per_district))
    by_district = [
        DistrictRow(
            kato,
            names[kato].name_ru if kato in names else kato,
            {s: tuple(v) for s, v in per_district[kato].items()},
        )
        for kato in sorted(per_district)
    ]
    return Construction(
        commissioned=commissioned,
        under_construction=uc,
        under_construction_all=uc_all,
        under_construction_places=uc_places,
        under_construction_trace=Trace.of("projects", stage="under_construction"),
        corporate=corporate,
        by_district=by_district,
        places_by_year={y: dict(v) for y, v in sorted(places_by_year.items())},
        deficit=deficit_by_district(year),
    )


def deficit_by_district(year: int) -> list[DistrictRow]:
    """Places deficit Σ max(0, pupils − capacity) per district, after this year's
    commissioning (the records as they are) and before it: the new schools' pupils go back
    to the schools they relieve (or stay without a place when none is recorded) and
    extensions lose their added places. See ADR 0082."""
    start, end = schoolyear.span(year)
    iy = school_places(year)
    if not iy:
        return []
    cap = {s.institution_id: s.capacity for s in iy}
    pupils = {s.institution_id: s.pupils for s in iy}
    district = {s.institution_id: _district_kato(s.settlement_path) for s in iy}

    new_projects = list(
        Project.objects.filter(
            kind__in=SCHOOL_KINDS,
            stage=Project.Stage.COMMISSIONED,
            actual_commissioning__gte=start,
            actual_commissioning__lte=end,
            institution__isnull=False,
        ).values_list("id", "kind", "institution_id", "places")
    )
    relieves: dict[int, list[int]] = defaultdict(list)
    for pid, inst in Project.relieves.through.objects.filter(
        project_id__in=[p[0] for p in new_projects]
    ).values_list("project_id", "institution_id"):
        relieves[pid].append(inst)

    before_pupils = dict(pupils)
    before_cap = dict(cap)
    homeless: dict[str, int] = defaultdict(int)
    for pid, kind, inst, places in new_projects:
        if inst not in cap:
            continue
        if kind == Project.Kind.NEW_SCHOOL:
            moved = before_pupils.pop(inst, 0)
            before_cap.pop(inst, None)
            targets = [t for t in relieves.get(pid, []) if t in before_cap]
            if targets:
                share, rest = divmod(moved, len(targets))
                for i, t in enumerate(targets):
                    before_pupils[t] += share + (1 if i < rest else 0)
            else:
                homeless[district[inst]] += moved
        else:
            before_cap[inst] = max(0, before_cap[inst] - places)

    after: dict[str, int] = defaultdict(int)
    before: dict[str, int] = defaultdict(int)
    for s in iy:  # the records as they are: the one deficit (ADR 0128)
        after[district[s.institution_id]] += s.deficit
    for i in before_cap:
        before[district[i]] += places_short(before_pupils[i], before_cap[i])
    for d, n in homeless.items():
        before[d] += n
    katos = set(after) | set(before)
    names = _territory_names(katos)
    return [
        DistrictRow(
            k,
            names[k].name_ru if k in names else k,
            {
                "before": before.get(k, 0),
                "after": after.get(k, 0),
                "name_kk": (names[k].name_kk or names[k].name_ru) if k in names else k,
                "name_en": (names[k].name_en or names[k].name_ru) if k in names else k,
            },
        )
        for k in sorted(katos)
    ]


# --- support -------------------------------------------------------------------------------


def support_facts(year: int) -> Support:
    """Support figures in four grouped queries: memberships of the year by district,
    programme kind, state, primary grade, low income and "has a delivery"; the two
    denominators (primary pupils, low-income pupils); the transit programmes."""
    from keleshek.support.models import Delivery, Membership, Programme, Pupil, PupilCategory
    from keleshek.support.selectors import as_of_for

    memberships = Membership.objects.filter(year=year).exclude(state="duplicated")
    if not memberships.exists():
        return Support(available=False)
    lo, hi = PRIMARY_GRADES
    as_of = as_of_for(year)  # eligibility is judged on the support module's date
    low_income_ids = PupilCategory.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=as_of),
        category__in=LOW_INCOME_CATEGORIES,
        valid_from__lte=as_of,
    ).values("pupil_id")
    rows = (
        memberships.annotate(
            primary=Case(
                When(pupil__grade__gte=lo, pupil__grade__lte=hi, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            low_income=Exists(low_income_ids.filter(pupil_id=OuterRef("pupil_id"))),
            delivered=Exists(Delivery.objects.filter(membership_id=OuterRef("pk"))),
        )
        .values_list(
            "school__settlement__path",
            "programme__kind",
            "programme_id",
            "state",
            "primary",
            "low_income",
            "delivered",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    uniform = primary_covered = low_income_covered = transported = 0
    per_programme: dict[int, int] = defaultdict(int)
    cov: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for path, kind, prog, state, primary, low, delivered, n in rows:
        enrolled = state == "enrolled"
        d = cov[_district_kato(path)][kind]
        if state != "not_eligible":
            d[1] += n
        if enrolled:
            d[0] += n
            per_programme[prog] += n
        if kind == Programme.Kind.UNIFORM and delivered:
            uniform += n
        if kind == Programme.Kind.MEALS and enrolled:
            primary_covered += n if primary else 0
            low_income_covered += n if low else 0
        if kind == Programme.Kind.TRANSPORT and enrolled:
            transported += n
    primary_eligible = Pupil.objects.filter(grade__gte=lo, grade__lte=hi).count()
    low_income_eligible = Pupil.objects.filter(id__in=low_income_ids).count()

    transit = []
    for prog in Programme.objects.filter(active=True, kind=Programme.Kind.TRANSIT).select_related(
        "territory"
    ):
        eligible = Pupil.objects.all()
        terr = prog.territory
        if terr is not None:
            eligible = eligible.filter(school__settlement__path__startswith=terr.path)
        transit.append(
            {
                "territory": _named(terr) if terr else None,
                "eligible": eligible.count(),
                "covered": per_programme.get(prog.id, 0),
                "trace": Trace.of("support", programme=prog.code, year=year),
            }
        )
    names = _territory_names(set(cov))
    by_district = [
        DistrictRow(
            k,
            names[k].name_ru if k in names else k,
            {
                **{kind: tuple(v) for kind, v in cov[k].items()},
                "name_kk": (names[k].name_kk or names[k].name_ru) if k in names else k,
                "name_en": (names[k].name_en or names[k].name_ru) if k in names else k,
            },
        )
        for k in sorted(cov)
    ]
    return Support(
        available=True,
        uniform_recipients=uniform,
        uniform_trace=Trace.of("support", kind="uniform", year=year),
        primary_eligible=primary_eligible,
        primary_covered=primary_covered,
        low_income_eligible=low_income_eligible,
        low_income_covered=low_income_covered,
        meals_trace=Trace.of("support", kind="meals", year=year),
        transported=transported,
        transport_trace=Trace.of("support", kind="transport", year=year),
        transit=transit,
        by_district=by_district,
    )


# --- vocational education and universities -------------------------------------------------


def vocational_facts(year: int) -> Vocational:
    college = Institution.Kind.COLLEGE
    new = list(
        Offering.objects.filter(year=year, launch_year=year, institution__kind=college)
        .select_related("specialty", "specialty__industry", "institution")
        .order_by("specialty__code", "institution__name_ru")
    )
    first = _first_years_for({o.specialty_id for o in new})
    specialties: dict[int, NamedItem] = {}
    for o in new:
        # a specialty new to the region this year (never offered before) is a "new specialty";
        # an existing specialty newly launched at another college is a programme being
        # introduced (B11, by industry)
        if first.get(o.specialty_id, year) >= year:
            item = specialties.setdefault(o.specialty_id, _named(o.specialty))
            item.value += o.state_seats + o.paid_seats
            item.extra.setdefault("institutions", []).append(_named(o.institution))
    # programmes being introduced (B11): launched this year or last at a college or university,
    # other than the new specialties above and the university launches of the year (B13)
    new_ids = set(specialties)
    industries: dict[int, NamedItem] = {}
    for o in (
        Offering.objects.filter(year=year, launch_year__gte=year - 1)
        .filter(institution__kind__in=[college, Institution.Kind.UNIVERSITY])
        .exclude(specialty_id__in=new_ids)
        .exclude(launch_year=year, institution__kind=Institution.Kind.UNIVERSITY)
        .select_related("specialty__industry")
        .order_by("specialty__industry__code")
    ):
        industries.setdefault(o.specialty.industry_id, _named(o.specialty.industry)).value += (
            o.state_seats + o.paid_seats
        )

    centres_qs = Institution.objects.filter(kind=Institution.Kind.COMPETENCE_CENTRE).select_related(
        "parent"
    )
    centres, planned = [], []
    hosts: set[int] = set()
    for c in centres_qs.order_by("name_ru"):
        item = _named(c)
        item.extra["status"] = c.status
        if c.parent:
            item.extra["host"] = _named(c.parent)
            item.extra["host_kind"] = c.parent.kind
        if c.status == Institution.Status.PLANNED:
            planned.append(item)
            if c.parent_id:
                hosts.add(c.parent_id)
        elif c.status in (Institution.Status.OPERATING, Institution.Status.UNDER_CONSTRUCTION):
            centres.append(item)
    return Vocational(
        new_specialties=list(specialties.values()),
        new_specialties_trace=Trace.of("offerings", new=1, kind=college, year=year),
        centres=centres,
        centres_trace=Trace.of("institutions", kind="competence_centre"),
        planned_centres=planned,
        planned_hosts=len(hosts),
        planned_trace=Trace.of("institutions", kind="competence_centre", status="planned"),
        industries=sorted(industries.values(), key=lambda i: i.name_ru),
        industries_trace=Trace.of("offerings", since=year - 1, year=year),
    )


def _first_years_for(specialty_ids: set[int]) -> dict[int, int]:
    return dict(
        Offering.objects.filter(specialty_id__in=specialty_ids)
        .values_list("specialty_id")
        .annotate(first=Min("year"))
        .order_by()
    )


def university_facts(year: int) -> Universities:
    launched = []
    for o in (
        Offering.objects.filter(
            year=year, launch_year=year, institution__kind=Institution.Kind.UNIVERSITY
        )
        .select_related("specialty", "institution")
        .order_by("institution__name_ru", "specialty__code")
    ):
        item = _named(o.specialty)
        item.value = o.state_seats + o.paid_seats
        item.extra["institution"] = _named(o.institution)
        launched.append(item)
    return Universities(
        launched=launched,
        trace=Trace.of("offerings", new=1, kind="university", year=year),
    )


# --- partnerships --------------------------------------------------------------------------


def _countries_of(agreement: Agreement) -> list[str]:
    return sorted({p.country for p in agreement.partners.all() if p.country != "KZ"})


def partnership_facts(year: int) -> Partnerships:
    active = Q(valid_to__isnull=True) | Q(valid_to__gte=schoolyear.span(year)[0])
    consortia = []
    for a in (
        Agreement.objects.filter(active, kind=Agreement.Kind.CONSORTIUM)
        .prefetch_related("partners", "children__partners")
        .order_by("code")
    ):
        groups = [
            NamedItem(
                c.title_ru,
                c.title_kk or c.title_ru,
                c.title_en or c.title_ru,
                c.participants or 0,
                {"topic": c.topic},
            )
            for c in a.children.all()
            if c.kind == Agreement.Kind.RESEARCH_GROUP
        ]
        consortia.append(
            Consortium(
                title=NamedItem(
                    a.title_ru,
                    a.title_kk or a.title_ru,
                    a.title_en or a.title_ru,
                    extra={"topic": a.topic},
                ),
                partner_countries=_countries_of(a),
                groups=groups,
                trace=Trace.of("agreements", parent=a.code),
            )
        )
    donations = []
    for a in (
        Agreement.objects.filter(kind=Agreement.Kind.EQUIPMENT_DONATION, amount__isnull=False)
        .select_related("institution")
        .prefetch_related("partners")
        .order_by("code")
    ):
        donations.append(
            Donation(
                recipient=_named(a.institution) if a.institution else None,
                partner_countries=_countries_of(a),
                amount=a.amount or Decimal(0),
                currency=a.currency or "KZT",
                amount_kzt=a.amount_kzt,
                trace=Trace.of("agreements", code=a.code),
            )
        )

    students = list(
        InternationalStudents.objects.filter(year=year)
        .values_list("country")
        .annotate(n=Sum("count"))
        .order_by("-n", "country")
    )
    # workshops: labs, students and partners of every workshop in four queries
    ws_list = list(Institution.objects.filter(kind=Institution.Kind.WORKSHOP).order_by("name_ru"))
    ws_ids = [w.pk for w in ws_list]
    labs_of: dict[int, list[NamedItem]] = defaultdict(list)
    for lab in Laboratory.objects.filter(institution_id__in=ws_ids).order_by("name_ru"):
        labs_of[lab.institution_id].append(_named(lab))
    students_of: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for inst, country, n in InternationalStudents.objects.filter(
        year=year, institution_id__in=ws_ids
    ).values_list("institution_id", "country", "count"):
        students_of[inst].append((country, n))
    dual_of: dict[int, dict[int, NamedItem]] = defaultdict(dict)
    intern_of: dict[int, dict[int, NamedItem]] = defaultdict(dict)
    for a in (
        Agreement.objects.filter(Q(institution_id__in=ws_ids) | Q(institutions__id__in=ws_ids))
        .filter(active, kind__in=[Agreement.Kind.DUAL_TRAINING, Agreement.Kind.INTERNSHIP])
        .prefetch_related("partners", "institutions")
        .distinct()
        .order_by("code")
    ):
        owners: set[int] = {i.pk for i in a.institutions.all()}
        if a.institution_id is not None:
            owners.add(a.institution_id)
        owners &= set(ws_ids)
        for w_id in owners:
            target = dual_of[w_id] if a.kind == Agreement.Kind.DUAL_TRAINING else intern_of[w_id]
            for partner in a.partners.all():
                target.setdefault(partner.id, _named(partner))
    workshops = []
    for w in ws_list:
        ws = students_of.get(w.pk, [])
        workshops.append(
            Workshop(
                name=_named(w),
                labs=labs_of.get(w.pk, []),
                labs_trace=Trace.of("labs", institution=w.pk),
                students=sum(c for _, c in ws),
                countries=sorted({c for c, n in ws if n > 0}),
                students_trace=Trace.of("students", institution=w.pk, year=year),
                dual_partners=list(dual_of.get(w.pk, {}).values()),
                internship_partners=list(intern_of.get(w.pk, {}).values()),
                agreements_trace=Trace.of("agreements", institution=w.pk),
            )
        )
    return Partnerships(
        consortia=consortia,
        donations=donations,
        workshops=workshops,
        students_by_country=[(c, int(n)) for c, n in students],
        students_total=sum(int(n) for _, n in students),
        students_trace=Trace.of("students", year=year),
    )


# --- the whole briefing --------------------------------------------------------------------


def briefing_facts(*, year: int, compare: bool = True) -> Facts:
    facts = Facts(
        year=year,
        region=region(),
        construction=construction_facts(year),
        support=support_facts(year),
        vocational=vocational_facts(year),
        universities=university_facts(year),
        partnerships=partnership_facts(year),
    )
    if compare and has_data(year - 1):
        facts.previous = briefing_facts(year=year - 1, compare=False)
    return facts


# --- traces: the records behind a figure, scoped by role ------------------------------------


@dataclass
class TraceTable:
    title: str
    columns: list[str]
    rows: list[list[Any]]


def _params(trace_params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in trace_params.items() if v not in ("", None)}


def trace_queryset(kind: str, params: dict[str, str], user: Any) -> QuerySet[Any] | None:
    """The scoped queryset behind a trace, or None for an unknown kind."""
    p = _params(params)
    year = int(p["year"]) if p.get("year", "").isdigit() else None
    if kind == "projects":
        qs: QuerySet[Any] = Project.objects.filter(kind__in=SCHOOL_KINDS).select_related(
            "settlement", "partner"
        )
        if "code" in p:
            qs = qs.filter(code=p["code"])
        if "stage" in p:
            qs = qs.filter(stage=p["stage"])
        if year is not None and p.get("stage") == "commissioned":
            start, end = schoolyear.span(year)
            qs = qs.filter(actual_commissioning__gte=start, actual_commissioning__lte=end)
        if "source" in p:
            ids = list(qs.values_list("id", flat=True))
            main = _main_sources(ids)
            qs = qs.filter(id__in=[i for i in ids if main.get(i) == p["source"]])
        return scope_queryset(
            qs.order_by("code"), user, territory="settlement", institution="institution"
        )
    if kind == "offerings":
        qs = Offering.objects.select_related("specialty", "institution")
        if year is not None:
            qs = qs.filter(year=year)
            if p.get("new") == "1":
                qs = qs.filter(launch_year=year)
        if p.get("since", "").isdigit():
            qs = qs.filter(launch_year__gte=int(p["since"]))
        if "kind" in p:
            qs = qs.filter(institution__kind=p["kind"])
        return scope_queryset(
            qs.order_by("specialty__code", "institution__name_ru"),
            user,
            territory="institution__settlement",
            institution="institution",
        )
    if kind == "institutions":
        qs = Institution.objects.select_related("parent", "settlement")
        if "kind" in p:
            qs = qs.filter(kind=p["kind"])
        if "status" in p:
            qs = qs.filter(status=p["status"])
        return scope_queryset(qs.order_by("name_ru"), user, territory="settlement", institution="")
    if kind == "agreements":
        qs = Agreement.objects.select_related("institution").prefetch_related("partners")
        if "code" in p:
            qs = qs.filter(code=p["code"])
        if "parent" in p:
            qs = qs.filter(Q(code=p["parent"]) | Q(parent__code=p["parent"]))
        if p.get("institution", "").isdigit():
            inst = int(p["institution"])
            qs = qs.filter(Q(institution_id=inst) | Q(institutions__id=inst)).distinct()
        return scope_queryset(
            qs.order_by("code"),
            user,
            territory="institution__settlement",
            institution="institution",
        )
    if kind == "labs":
        qs = Laboratory.objects.select_related("institution")
        if p.get("institution", "").isdigit():
            qs = qs.filter(institution_id=int(p["institution"]))
        return scope_queryset(
            qs.order_by("name_ru"),
            user,
            territory="institution__settlement",
            institution="institution",
        )
    if kind == "students":
        qs = InternationalStudents.objects.select_related("institution")
        if year is not None:
            qs = qs.filter(year=year)
        if p.get("institution", "").isdigit():
            qs = qs.filter(institution_id=int(p["institution"]))
        return scope_queryset(
            qs.order_by("institution__name_ru", "country"),
            user,
            territory="institution__settlement",
            institution="institution",
        )
    if kind == "support":
        from keleshek.support.models import Membership

        qs = Membership.objects.filter(state="enrolled")
        if year is not None:
            qs = qs.filter(year=year)
        if "kind" in p:
            qs = qs.filter(programme__kind=p["kind"])
        if "programme" in p:
            qs = qs.filter(programme__code=p["programme"])
        qs = scope_queryset(qs, user, territory="school__settlement", institution="school")
        # aggregated per school: the list of children is the support pages' job (masked there)
        return (
            qs.values("school_id", "school__name_ru", "school__settlement__name_ru")
            .annotate(n=Count("pupil_id", distinct=True))
            .order_by("school__name_ru")
        )
    return None


def trace_table(
    kind: str, params: dict[str, str], user: Any, lang: str = "ru"
) -> TraceTable | None:
    qs = trace_queryset(kind, params, user)
    if qs is None:
        return None
    from django.utils.translation import gettext as _

    def nm(obj: Any) -> str:
        return str(getattr(obj, f"name_{lang}", "") or obj.name_ru) if obj else ""

    if kind == "projects":
        return TraceTable(
            _("Construction projects"),
            [
                _("code"),
                _("name"),
                _("settlement"),
                _("stage"),
                _("places"),
                _("commissioned on"),
                _("corporate partner"),
            ],
            [
                [
                    p.code,
                    nm(p),
                    nm(p.settlement),
                    p.get_stage_display(),
                    p.places,
                    p.actual_commissioning or "",
                    nm(p.partner),
                ]
                for p in qs
            ],
        )
    if kind == "offerings":
        return TraceTable(
            _("Programme offerings"),
            [
                _("specialty code"),
                _("specialty"),
                _("institution"),
                _("launched in"),
                _("state-funded seats"),
                _("paid seats"),
                _("enrolled"),
            ],
            [
                [
                    o.specialty.code,
                    nm(o.specialty),
                    nm(o.institution),
                    o.launch_year,
                    o.state_seats,
                    o.paid_seats,
                    o.enrolled,
                ]
                for o in qs
            ],
        )
    if kind == "institutions":
        return TraceTable(
            _("Institutions"),
            [_("name"), _("kind"), _("status"), _("host institution"), _("settlement")],
            [
                [
                    nm(i),
                    i.get_kind_display(),
                    i.get_status_display(),
                    nm(i.parent),
                    nm(i.settlement),
                ]
                for i in qs
            ],
        )
    if kind == "agreements":
        return TraceTable(
            _("Agreements"),
            [
                _("code"),
                _("title"),
                _("kind"),
                _("partners"),
                _("institution"),
                _("amount"),
                _("currency"),
                _("amount, KZT"),
            ],
            [
                [
                    a.code,
                    getattr(a, f"title_{lang}", "") or a.title_ru,
                    a.get_kind_display(),
                    ", ".join(nm(p) for p in a.partners.all()),
                    nm(a.institution),
                    a.amount if a.amount is not None else "",
                    a.currency,
                    a.amount_kzt if a.amount_kzt is not None else "",
                ]
                for a in qs
            ],
        )
    if kind == "labs":
        return TraceTable(
            _("Laboratories"),
            [_("name"), _("institution"), _("specialisation"), _("equipped to standard")],
            [[nm(lab), nm(lab.institution), lab.specialisation, lab.standard] for lab in qs],
        )
    if kind == "students":
        return TraceTable(
            _("International students"),
            [_("institution"), _("country"), _("students")],
            [[nm(s.institution), s.country, s.count] for s in qs],
        )
    return TraceTable(
        _("Support recipients by school"),
        [_("school"), _("settlement"), _("pupils")],
        [[r["school__name_ru"], r["school__settlement__name_ru"], r["n"]] for r in qs],
    )


# --- the ministry pack: per-district figures by indicator family ----------------------------


@dataclass
class Family:
    key: str
    columns: list[str]  # after the district column; all numeric, summable
    rows: dict[str, list[int]]  # district KATO -> values


def _families_names(katos: set[str]) -> dict[str, NamedItem]:
    return {k: _named(t) for k, t in _territory_names(katos).items()}


def district_families(year: int) -> tuple[list[Family], dict[str, NamedItem]]:
    """Per-district figures for the XLSX pack: one family per sheet, every column summable.
    A handful of grouped queries, whatever the number of records."""
    fams: list[Family] = []
    c = construction_facts(year)
    sources = list(FundingSource.values)
    rows: dict[str, list[int]] = {}
    for d in c.by_district:
        vals: list[int] = []
        for s in sources:
            n, p = d.values.get(s, (0, 0))
            vals += [n, p]
        rows[d.kato] = vals
    uc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, places in Project.objects.filter(
        kind__in=SCHOOL_KINDS, stage=Project.Stage.UNDER_CONSTRUCTION
    ).values_list("settlement__path", "places"):
        k = _district_kato(path)
        uc[k][0] += 1
        uc[k][1] += places
    for k in set(rows) | set(uc):
        rows[k] = rows.get(k, [0] * (2 * len(sources))) + uc.get(k, [0, 0])
    cols = [f"{s}:{m}" for s in sources for m in ("schools", "places")]
    fams.append(
        Family(
            "construction", [*cols, "under_construction:schools", "under_construction:places"], rows
        )
    )

    cap: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
    for path, capacity, s1, s2, s3, cond in InstitutionYear.objects.filter(
        year=year, institution__kind=Institution.Kind.SCHOOL
    ).values_list(
        "institution__settlement__path",
        "design_capacity",
        "pupils_shift1",
        "pupils_shift2",
        "pupils_shift3",
        "condition",
    ):
        r = cap[_district_kato(path)]
        r[0] += 1
        r[1] += capacity
        r[2] += s1 + s2 + s3
        r[3] += s2 + s3
        r[4] += 1 if cond == Institution.Condition.THREE_SHIFT else 0
    for d in c.deficit:
        r = cap[d.kato]
        r[5] += int(d.values["before"])
        r[6] += int(d.values["after"])
    fams.append(
        Family(
            "capacity",
            [
                "schools",
                "design_capacity",
                "pupils",
                "pupils_shift2_3",
                "three_shift_schools",
                "deficit_before",
                "deficit_after",
            ],
            dict(cap),
        )
    )

    sp = support_facts(year)
    if sp.available:
        kinds = ["uniform", "meals", "transport", "transit"]
        srows = {}
        for d in sp.by_district:
            vals = []
            for k in kinds:
                covered, eligible = d.values.get(k, (0, 0))
                vals += [eligible, covered]
            srows[d.kato] = vals
        fams.append(
            Family("support", [f"{k}:{m}" for k in kinds for m in ("eligible", "enrolled")], srows)
        )

    voc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for path, launch, state, paid, enrolled, dual in Offering.objects.filter(
        year=year, institution__kind__in=[Institution.Kind.COLLEGE, Institution.Kind.WORKSHOP]
    ).values_list(
        "institution__settlement__path",
        "launch_year",
        "state_seats",
        "paid_seats",
        "enrolled",
        "dual_training",
    ):
        r = voc[_district_kato(path)]
        r[0] += 1
        r[1] += 1 if launch == year else 0
        r[2] += state
        r[3] += paid
        r[4] += enrolled
        r[5] += enrolled if dual else 0
    fams.append(
        Family(
            "vocational",
            [
                "offerings",
                "new_offerings",
                "state_seats",
                "paid_seats",
                "enrolled",
                "enrolled_dual",
            ],
            dict(voc),
        )
    )

    countries = list(
        InternationalStudents.objects.filter(year=year)
        .values_list("country", flat=True)
        .distinct()
        .order_by("country")
    )
    intl: dict[str, list[int]] = defaultdict(lambda: [0] * len(countries))
    index = {c_: i for i, c_ in enumerate(countries)}
    for path, country, n in (
        InternationalStudents.objects.filter(year=year)
        .values_list("institution__settlement__path", "country")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        intl[_district_kato(path)][index[country]] += int(n)
    if countries:
        fams.append(Family("international", countries, dict(intl)))

    katos: set[str] = set()
    for fam in fams:
        katos |= set(fam.rows)
    return fams, _families_names(katos)
