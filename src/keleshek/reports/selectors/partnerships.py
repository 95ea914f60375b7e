"""The briefing's partnerships section: agreements, donations, workshops, students abroad."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Q,
    Sum,
)

from keleshek.core import schoolyear
from keleshek.institutions.models import Institution, Laboratory
from keleshek.partnerships.models import Agreement, InternationalStudents

from .common import named
from .facts import Consortium, Donation, NamedItem, Partnerships, Trace, Workshop


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
                recipient=named(a.institution) if a.institution else None,
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
        labs_of[lab.institution_id].append(named(lab))
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
                target.setdefault(partner.id, named(partner))
    workshops = []
    for w in ws_list:
        ws = students_of.get(w.pk, [])
        workshops.append(
            Workshop(
                name=named(w),
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
