"""The briefing's support section: the fund's help, meals, transport, free transit."""

from __future__ import annotations

from collections import defaultdict

from .common import district_kato, named, territory_names
from .facts import (
    LOW_INCOME_CATEGORIES,
    MEAL_GRADES,
    PRIMARY_GRADES,
    DistrictRow,
    Support,
    Trace,
)


def support_facts(year: int) -> Support:
    """Support figures as ``support.figures`` defines eligible, enrolled and served (ADR 0146),
    so the briefing says what the home page, the coverage pages and the dashboards say:
    recipients are the children served, coverage is served / eligible by the programme's rule.
    One load of the registry's facts for every programme of the year. The fund's children helped
    and amount paid come from its help records (cash against applications and the earlier
    in-kind help: ``support.selectors.fund_helped``)."""
    import numpy as np

    from keleshek.support import figures, rules
    from keleshek.support.models import Membership, Programme, Pupil
    from keleshek.support.selectors import fund_helped, fund_helped_total

    if not Membership.objects.filter(year=year).exclude(state="duplicated").exists():
        return Support(available=False)
    programmes = figures.programmes_of(year)
    pupils = figures.on_roll(Pupil.objects.all(), year=year)
    facts = figures.facts(pupils, year=year, programmes=programmes)
    lo, hi = PRIMARY_GRADES
    primary = (facts.grade >= lo) & (facts.grade <= hi)
    low_bits = sum(rules.CATEGORY_BITS[c] for c in LOW_INCOME_CATEGORIES)
    low_income = (
        ((facts.category_bits & low_bits) != 0)
        & (facts.grade >= MEAL_GRADES[0])
        & (facts.grade <= MEAL_GRADES[1])
    )
    paths = list(pupils.order_by("id").values_list("school__settlement__path", flat=True))
    districts = sorted({district_kato(p or "") for p in paths})
    index = {d: k for k, d in enumerate(districts)}
    at = np.fromiter(
        (index[district_kato(p or "")] for p in paths), dtype=np.int64, count=len(paths)
    )

    primary_eligible = primary_covered = low_income_eligible = 0
    low_income_covered = transported = 0
    cov: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    transit = []
    every = figures.flags_of(programmes, year=year, facts=facts)
    for prog in programmes:
        fl = every[prog.pk]
        kind = prog.kind
        served = np.bincount(at[fl.served], minlength=len(districts))
        eligible = np.bincount(at[fl.eligible], minlength=len(districts))
        for k in np.nonzero(eligible)[0]:
            d = cov[districts[int(k)]][kind]
            d[0] += int(served[k])
            d[1] += int(eligible[k])
        n = fl.counts()
        if kind == Programme.Kind.MEALS:
            primary_eligible += int((fl.eligible & primary).sum())
            primary_covered += int((fl.served & primary).sum())
            low_income_eligible += int((fl.eligible & low_income).sum())
            low_income_covered += int((fl.served & low_income).sum())
        elif kind == Programme.Kind.TRANSPORT:
            # "transport is organised for N pupils": the children the scheme takes (enrolled);
            # the table beside it compares those served with those eligible
            transported += n.enrolled
        elif kind == Programme.Kind.TRANSIT and prog.active:
            terr = prog.territory
            transit.append(
                {
                    "territory": named(terr) if terr else None,
                    "eligible": n.eligible,
                    "covered": n.served,
                    "trace": Trace.of("support", programme=prog.code, year=year),
                }
            )
    fund_rows = fund_helped(None, year=year, by="district")
    names = territory_names(set(cov) | {r.key for r in fund_rows})
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
    helped = fund_helped_total(None, year=year)  # the whole region: the briefing names no child
    return Support(
        available=True,
        fund_children_helped=helped.children,
        fund_amount_paid=helped.amount,
        fund_trace=Trace.of("fund", year=year),
        fund_by_district=[
            DistrictRow(
                r.key,
                names[r.key].name_ru if r.key in names else r.label,
                {
                    "children": r.children,
                    "amount": r.amount,
                    "name_kk": (names[r.key].name_kk or names[r.key].name_ru)
                    if r.key in names
                    else r.label,
                    "name_en": (names[r.key].name_en or names[r.key].name_ru)
                    if r.key in names
                    else r.label,
                },
            )
            for r in sorted(fund_rows, key=lambda r: r.key)
        ],
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
