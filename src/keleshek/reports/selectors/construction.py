"""The briefing's construction section: schools commissioned and under way, places, the
deficit by district."""

from __future__ import annotations

from collections import defaultdict

from keleshek.construction.models import FundingSource, Project
from keleshek.core import schoolyear
from keleshek.institutions.capacity import places_short
from keleshek.institutions.selectors import school_places

from .common import district_kato, main_sources, territory_names
from .facts import SCHOOL_KINDS, Construction, CorporateProject, DistrictRow, SourceRow, Trace


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
    sources = main_sources([r[0] for r in rows])

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
                d = per_district[district_kato(path)][source]
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

    names = territory_names(set(per_district))
    by_district = [
        DistrictRow(
            kato,
            names[kato].name_ru if kato in names else kato,
            {
                **{s: tuple(v) for s, v in per_district[kato].items()},
                "name_kk": (names[kato].name_kk or names[kato].name_ru) if kato in names else kato,
                "name_en": (names[kato].name_en or names[kato].name_ru) if kato in names else kato,
            },
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
    district = {s.institution_id: district_kato(s.settlement_path) for s in iy}

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
    names = territory_names(katos)
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
