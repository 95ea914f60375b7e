"""The briefing's support section: uniforms, meals, transport, free transit."""

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
        d = cov[district_kato(path)][kind]
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
    names = territory_names(set(cov))
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
