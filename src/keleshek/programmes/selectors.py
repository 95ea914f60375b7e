"""Reads for programmes: new offerings, offerings by industry, competence centres, demand."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from keleshek.institutions.models import Institution

from .models import LabourDemand, Offering, Specialty

COLLEGE_KINDS = (Institution.Kind.COLLEGE,)
UNIVERSITY_KINDS = (Institution.Kind.UNIVERSITY,)


def offerings(year: int) -> QuerySet[Offering]:
    return Offering.objects.filter(year=year).select_related(
        "institution", "specialty", "specialty__industry", "dual_employer"
    )


def new_offerings(year: int, kinds: tuple[str, ...] | None = COLLEGE_KINDS) -> list[Offering]:
    """Offerings launched in the year they are offered (B9 at colleges, B13 at universities).
    ``kinds=None`` means every kind of institution."""
    qs = offerings(year).filter(launch_year=year)
    if kinds is not None:
        qs = qs.filter(institution__kind__in=kinds)
    return list(qs.order_by("specialty__code", "institution__name_ru", "language"))


def new_specialties(year: int, kinds: tuple[str, ...] | None = COLLEGE_KINDS) -> list[Specialty]:
    """Distinct specialties with a new offering in the year, in classifier order."""
    seen: dict[int, Specialty] = {}
    for o in new_offerings(year, kinds):
        seen.setdefault(o.specialty_id, o.specialty)
    return sorted(seen.values(), key=lambda s: s.code)


@dataclass(frozen=True)
class IndustryRow:
    code: str
    name: str
    offerings: int
    institutions: int
    specialties: int
    state_seats: int
    paid_seats: int
    enrolled: int


def offerings_by_industry(
    year: int, industries: tuple[str, ...] | None = None
) -> list[IndustryRow]:
    """B11: offerings per industry in a year (lithium, chemicals, agro-processing, tourism...)."""
    qs = offerings(year)
    if industries is not None:
        qs = qs.filter(specialty__industry__code__in=industries)
    groups: dict[str, list[Offering]] = defaultdict(list)
    for o in qs:
        groups[o.specialty.industry.code].append(o)
    rows = []
    for code, items in sorted(groups.items()):
        industry = items[0].specialty.industry
        rows.append(
            IndustryRow(
                code=code,
                name=industry.name,
                offerings=len(items),
                institutions=len({o.institution_id for o in items}),
                specialties=len({o.specialty_id for o in items}),
                state_seats=sum(o.state_seats for o in items),
                paid_seats=sum(o.paid_seats for o in items),
                enrolled=sum(o.enrolled for o in items),
            )
        )
    return rows


EXISTING = (Institution.Status.OPERATING, Institution.Status.UNDER_CONSTRUCTION)


def competence_centres(*, status: tuple[str, ...] | None = None) -> list[Institution]:
    """Competence centres with their host institution (B10 existing / being created, B12
    planned)."""
    qs = Institution.objects.filter(kind=Institution.Kind.COMPETENCE_CENTRE).select_related(
        "parent", "settlement"
    )
    if status is not None:
        qs = qs.filter(status__in=status)
    return list(qs.order_by("status", "name_ru"))


@dataclass(frozen=True)
class CentresSummary:
    existing: int  # operating or being created
    planned: int
    planned_hosts: int  # distinct host institutions of the planned centres
    planned_host_universities: int


def competence_centres_summary() -> CentresSummary:
    centres = competence_centres()
    planned = [c for c in centres if c.status == Institution.Status.PLANNED]
    hosts = {c.parent_id for c in planned if c.parent_id}
    return CentresSummary(
        existing=sum(1 for c in centres if c.status in EXISTING),
        planned=len(planned),
        planned_hosts=len(hosts),
        planned_host_universities=len(
            {
                c.parent_id
                for c in planned
                if c.parent and c.parent.kind == Institution.Kind.UNIVERSITY
            }
        ),
    )


@dataclass(frozen=True)
class DemandRow:
    specialty: Specialty
    demand: int
    graduates: int

    @property
    def gap(self) -> int:
        return self.demand - self.graduates


def demand_vs_graduates(year: int) -> list[DemandRow]:
    """Labour-market demand per specialty against the expected graduates of the year."""
    demand = {
        r["specialty"]: r["total"]
        for r in LabourDemand.objects.filter(year=year)
        .values("specialty")
        .annotate(total=Sum("demand"))
    }
    graduates = {
        r["specialty"]: r["total"]
        for r in Offering.objects.filter(year=year)
        .values("specialty")
        .annotate(total=Sum("graduates_expected"))
    }
    ids = set(demand) | set(graduates)
    specialties = Specialty.objects.filter(pk__in=ids).select_related("industry").order_by("code")
    return [
        DemandRow(s, demand.get(s.pk, 0) or 0, graduates.get(s.pk, 0) or 0) for s in specialties
    ]


def catalogue(
    year: int,
    *,
    query: str = "",
    industry: str = "",
    isced_level: int | None = None,
    language: str = "",
    settlement_path: str = "",
) -> QuerySet[Offering]:
    """The public programme catalogue: offerings of a year with search and filters."""
    qs = offerings(year)
    if query:
        qs = qs.filter(
            Q(specialty__name_ru__icontains=query)
            | Q(specialty__name_kk__icontains=query)
            | Q(specialty__name_en__icontains=query)
            | Q(specialty__code__icontains=query)
            | Q(institution__name_ru__icontains=query)
        )
    if industry:
        qs = qs.filter(specialty__industry__code=industry)
    if isced_level is not None:
        qs = qs.filter(specialty__isced_level=isced_level)
    if language:
        qs = qs.filter(language=language)
    if settlement_path:
        qs = qs.filter(institution__settlement__path__startswith=settlement_path)
    return qs.order_by("specialty__code", "institution__name_ru", "language")


# --- Counts of people in offerings as every public path publishes them (ADR 0133) -----------


@dataclass(frozen=True)
class PublishedOfferings:
    """Which offerings' students and expected graduates to hide, and which territory cells of
    the indicators' elements summed from them (element → {(kato, dimension, category)})."""

    enrolled: set[int]  # offering ids
    graduates: set[int]
    hidden: dict[str, set[tuple[str, str, str]]]


def published_offerings(year: int | None) -> PublishedOfferings:
    """One protection (``core.suppression.protect``) of each offering's students and expected
    graduates — published per offering by the open data and the anonymous API — together with
    the totals the indicators publish from them: college students (and those in dual training)
    and expected graduates per territory, and per specialty at the upper levels."""
    from keleshek.core.suppression import BREAKDOWN_LEVELS, protect, threshold, tree_sums
    from keleshek.territory.models import Territory

    upper = set(Territory.objects.filter(level__in=BREAKDOWN_LEVELS).values_list("kato", flat=True))
    rows = list(
        Offering.objects.filter(year=year or 0).values_list(
            "id",
            "institution__kind",
            "institution__settlement__path",
            "specialty__code",
            "dual_training",
            "enrolled",
            "graduates_expected",
        )
    )
    values: dict[Any, float | None] = {}
    sums: list[tuple[Any, list[Any]]] = []
    trees: dict[str, list[tuple[Any, float, list[str], dict[str, str]]]] = defaultdict(list)
    for oid, kind, path, spec, dual, enrolled, grads in rows:
        values[("enrolled", oid)] = enrolled
        values[("graduates", oid)] = grads
        katos = path.strip("/").split("/")
        cats = {"specialty": spec}
        trees["graduates_expected"].append((("graduates", oid), grads, katos, cats))
        if kind == Institution.Kind.COLLEGE:
            trees["tvet_students"].append((("enrolled", oid), enrolled, katos, cats))
            if dual:
                trees["dual_students"].append((("enrolled", oid), enrolled, katos, cats))
    for element, leaves in trees.items():
        tv, ts = tree_sums(element, leaves, upper=upper)
        values.update(tv)
        sums.extend(ts)
    hidden = protect(values, sums, threshold())
    cells: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for key in hidden:
        if key[0] == "T":
            cells[key[1]].add((key[2], key[3], key[4]))
    return PublishedOfferings(
        enrolled={k[1] for k in hidden if k[0] == "enrolled"},
        graduates={k[1] for k in hidden if k[0] == "graduates"},
        hidden=dict(cells),
    )
