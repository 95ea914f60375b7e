"""The ministry pack: per-district figures by indicator family."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Sum,
)

from keleshek.construction.models import FundingSource, Project
from keleshek.institutions.models import Institution, InstitutionYear
from keleshek.institutions.selectors import THREE_SHIFT
from keleshek.partnerships.models import InternationalStudents
from keleshek.programmes.models import Offering

from .common import district_kato, named, territory_names
from .construction import construction_facts
from .facts import SCHOOL_KINDS, NamedItem
from .support import support_facts


@dataclass
class Family:
    key: str
    columns: list[str]  # after the district column; all numeric, summable
    rows: dict[str, list[int]]  # district KATO -> values


def _families_names(katos: set[str]) -> dict[str, NamedItem]:
    return {k: named(t) for k, t in territory_names(katos).items()}


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
        k = district_kato(path)
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
    for path, capacity, s1, s2, s3, three in (
        InstitutionYear.objects.filter(year=year, institution__kind=Institution.Kind.SCHOOL)
        .annotate(three=ExpressionWrapper(THREE_SHIFT, output_field=BooleanField()))
        .values_list(
            "institution__settlement__path",
            "design_capacity",
            "pupils_shift1",
            "pupils_shift2",
            "pupils_shift3",
            "three",
        )
    ):
        r = cap[district_kato(path)]
        r[0] += 1
        r[1] += capacity
        r[2] += s1 + s2 + s3
        r[3] += s2 + s3
        r[4] += 1 if three else 0
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
        r = voc[district_kato(path)]
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
        intl[district_kato(path)][index[country]] += int(n)
    if countries:
        fams.append(Family("international", countries, dict(intl)))

    katos: set[str] = set()
    for fam in fams:
        katos |= set(fam.rows)
    return fams, _families_names(katos)
