"""Traces: the records behind a figure, scoped by the user's role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)

from keleshek.construction.models import SOURCE_ALIASES, Project
from keleshek.core import schoolyear
from keleshek.core.scoping import scope_queryset
from keleshek.institutions.models import Institution, Laboratory
from keleshek.partnerships.models import Agreement, InternationalStudents
from keleshek.programmes.models import Offering

from .common import main_sources
from .facts import SCHOOL_KINDS


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
            main = main_sources(ids)
            wanted = SOURCE_ALIASES.get(p["source"], p["source"])  # an old link's code
            qs = qs.filter(id__in=[i for i in ids if main.get(i) == wanted])
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

        # the briefing's figures are the children served (ADR 0146): enrolled, with a delivery
        qs = Membership.objects.filter(state="enrolled", deliveries__isnull=False)
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
    if kind == "fund":
        from keleshek.support.selectors import fund_help_for

        qs = fund_help_for(user)
        if year is not None:
            qs = qs.filter(year=year)
        # per school: children helped by the fund and the amount paid or given in kind
        return (
            qs.values("school_id", "school__name_ru", "school__settlement__name_ru")
            .annotate(n=Count("pupil_id", distinct=True), amount=Sum("amount"))
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
    if kind == "fund":
        return TraceTable(
            _("Children helped by the general-education fund, by school"),
            [_("school"), _("settlement"), _("children helped"), _("amount, KZT")],
            [
                [r["school__name_ru"], r["school__settlement__name_ru"], r["n"], r["amount"]]
                for r in qs
            ],
        )
    return TraceTable(
        _("Support recipients by school"),
        [_("school"), _("settlement"), _("pupils")],
        [[r["school__name_ru"], r["school__settlement__name_ru"], r["n"]] for r in qs],
    )
