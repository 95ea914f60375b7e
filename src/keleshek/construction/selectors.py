"""Reads for the construction registry: the briefing's questions answered from records.

"This year" is a school year (``keleshek.core.schoolyear``: 1 July to 30 June, by its starting
calendar year), so ``schools_commissioned(2025)`` counts projects commissioned from 2025-07-01
to 2026-06-30.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum

from keleshek.core import schoolyear

from .models import FundingSource, Project, ProjectFunding

SCHOOL_KINDS = (Project.Kind.NEW_SCHOOL,)
SOCIAL_KINDS = (
    Project.Kind.SPORTS_GROUND,
    Project.Kind.CHILDREN_GROUND,
    Project.Kind.CLINIC,
    Project.Kind.PUBLIC_SPACE,
    Project.Kind.OTHER,
)


@dataclass(frozen=True)
class SourceRow:
    """Projects grouped by their main funding source."""

    source: str
    label: str
    count: int
    places: int
    codes: tuple[str, ...] = field(default=())


def _with_funding(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.prefetch_related(
        Prefetch("funding", queryset=ProjectFunding.objects.order_by("source"))
    ).select_related("settlement", "partner", "institution")


def _by_source(projects: list[Project]) -> list[SourceRow]:
    groups: dict[str, list[Project]] = defaultdict(list)
    for p in projects:
        groups[p.main_source or ""].append(p)
    labels = dict(FundingSource.choices)
    order = {v: i for i, v in enumerate(FundingSource.values)}
    return [
        SourceRow(
            source=source,
            label=str(labels.get(source, "—")),
            count=len(items),
            places=sum(p.places for p in items),
            codes=tuple(sorted(p.code for p in items)),
        )
        for source, items in sorted(groups.items(), key=lambda kv: order.get(kv[0], 99))
    ]


def commissioned_projects(year: int, kinds: tuple[str, ...] = SCHOOL_KINDS) -> list[Project]:
    start, end = schoolyear.span(year)
    return list(
        _with_funding(
            Project.objects.filter(
                kind__in=kinds,
                stage=Project.Stage.COMMISSIONED,
                actual_commissioning__range=(start, end),
            ).order_by("actual_commissioning", "code")
        )
    )


def schools_commissioned(year: int) -> list[SourceRow]:
    """New schools commissioned in a school year by main funding source, with places
    (B1, B2: national project 7 / 3,000, local budget 3 / 300 on the demo)."""
    return _by_source(commissioned_projects(year))


def under_construction(*, include_corporate: bool = True) -> list[Project]:
    """New-school projects being built now (stage under construction)."""
    qs = Project.objects.filter(kind__in=SCHOOL_KINDS, stage=Project.Stage.UNDER_CONSTRUCTION)
    if not include_corporate:
        qs = qs.exclude(funding__source=FundingSource.CORPORATE_PARTNER)
    return list(_with_funding(qs.order_by("code").distinct()))


@dataclass(frozen=True)
class UnderConstruction:
    count: int
    places: int
    corporate: int  # of which with a corporate partner's funding
    projects: tuple[Project, ...]


def schools_under_construction(year: int, include_corporate: bool = True) -> UnderConstruction:
    """B3 / B4: schools under construction that started by the end of the school year.
    ``include_corporate=False`` gives "7 besides the Kazzinc school", True "8 including it"."""
    _start, end = schoolyear.span(year)
    projects = [
        p
        for p in under_construction(include_corporate=include_corporate)
        if p.start_date is None or p.start_date <= end
    ]
    corporate = sum(
        1
        for p in projects
        if any(f.source == FundingSource.CORPORATE_PARTNER for f in p.funding.all())
    )
    return UnderConstruction(
        count=len(projects),
        places=sum(p.places for p in projects),
        corporate=corporate,
        projects=tuple(projects),
    )


def corporate_projects(*, stage: str | None = None) -> list[Project]:
    """Projects (co-)funded by a corporate social partner (B4: Kazzinc in Ridder)."""
    qs = Project.objects.filter(funding__source=FundingSource.CORPORATE_PARTNER)
    if stage:
        qs = qs.filter(stage=stage)
    return list(_with_funding(qs.order_by("code").distinct()))


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    count: int


def social_facilities_commissioned(year: int) -> list[KindRow]:
    """B17: sports and children's grounds, health facilities, public spaces in a school year."""
    labels = dict(Project.Kind.choices)
    start, end = schoolyear.span(year)
    rows = (
        Project.objects.filter(
            kind__in=SOCIAL_KINDS,
            stage=Project.Stage.COMMISSIONED,
            actual_commissioning__range=(start, end),
        )
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    return [KindRow(r["kind"], str(labels[r["kind"]]), r["n"]) for r in rows]


def pipeline(*, kinds: tuple[str, ...] = SCHOOL_KINDS) -> dict[str, tuple[int, int]]:
    """Count and places by stage."""
    rows = (
        Project.objects.filter(kind__in=kinds)
        .values("stage")
        .annotate(n=Count("id"), places=Sum("places"))
        .order_by("stage")
    )
    return {r["stage"]: (r["n"], r["places"] or 0) for r in rows}
