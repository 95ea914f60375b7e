"""The briefing's vocational education and universities sections."""

from __future__ import annotations

from django.db.models import (
    Min,
)

from keleshek.institutions.models import Institution
from keleshek.programmes.models import Offering

from .common import named
from .facts import NamedItem, Trace, Universities, Vocational


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
            item = specialties.setdefault(o.specialty_id, named(o.specialty))
            item.value += o.state_seats + o.paid_seats
            item.extra.setdefault("institutions", []).append(named(o.institution))
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
        industries.setdefault(o.specialty.industry_id, named(o.specialty.industry)).value += (
            o.state_seats + o.paid_seats
        )

    centres_qs = Institution.objects.filter(kind=Institution.Kind.COMPETENCE_CENTRE).select_related(
        "parent"
    )
    centres, planned = [], []
    hosts: set[int] = set()
    for c in centres_qs.order_by("name_ru"):
        item = named(c)
        item.extra["status"] = c.status
        if c.parent:
            item.extra["host"] = named(c.parent)
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
        item = named(o.specialty)
        item.value = o.state_seats + o.paid_seats
        item.extra["institution"] = named(o.institution)
        launched.append(item)
    return Universities(
        launched=launched,
        trace=Trace.of("offerings", new=1, kind="university", year=year),
    )
