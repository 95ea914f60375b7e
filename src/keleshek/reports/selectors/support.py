"""The briefing's support section: the fund's help, meals, transport, free transit."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    Value,
    When,
)

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
    """Support figures in grouped queries: memberships of the year by district, programme
    kind, state, primary grade and low income; the two denominators (primary pupils,
    low-income pupils); the transit programmes; the fund's children helped and amount paid
    (its help records: cash against applications and the earlier in-kind help)."""
    from keleshek.support.models import Membership, Programme, Pupil, PupilCategory
    from keleshek.support.selectors import as_of_for, fund_helped, fund_helped_total

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
        )
        .values_list(
            "school__settlement__path",
            "programme__kind",
            "programme_id",
            "state",
            "primary",
            "low_income",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    primary_covered = low_income_covered = transported = 0
    per_programme: dict[int, int] = defaultdict(int)
    cov: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for path, kind, prog, state, primary, low, n in rows:
        enrolled = state == "enrolled"
        d = cov[district_kato(path)][kind]
        if state != "not_eligible":
            d[1] += n
        if enrolled:
            d[0] += n
            per_programme[prog] += n
        if kind == Programme.Kind.MEALS and enrolled:
            primary_covered += n if primary else 0
            low_income_covered += n if low else 0
        if kind == Programme.Kind.TRANSPORT and enrolled:
            transported += n
    primary_eligible = Pupil.objects.filter(grade__gte=lo, grade__lte=hi).count()
    low_income_eligible = Pupil.objects.filter(
        id__in=low_income_ids, grade__gte=MEAL_GRADES[0], grade__lte=MEAL_GRADES[1]
    ).count()

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
                "territory": named(terr) if terr else None,
                "eligible": eligible.count(),
                "covered": per_programme.get(prog.id, 0),
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
