"""Route sheets and the transport scheme rendered ahead (``jobs.documents``, ADR 0194).

Both are PDFs made from HTML built from the plan's stored routes, its buses and crew, and the
stops' and schools' names; the HTML is the stored file's fingerprint, so a download serves the
stored PDF only while that HTML is what the records give now. They are rendered in the
background when a plan completes (``services.plans``), and the stored ones are checked again
when transport, institution or territory records change (``apps.TransportConfig.ready``).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from keleshek.jobs import documents
from keleshek.territory.models import Territory

from . import wording
from .models import Plan, Route

ROUTE_SHEETS = "transport.route_sheets"
SCHEME = "transport.scheme"
LANGS = ("ru", "kk")
# Records whose change can move a route sheet or a scheme (audit object types).
TOUCHING = ("transport.", "institutions.", "territory.")


def pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def sheets_pdf(html: str) -> bytes:
    """The route sheets' PDF (no relative address in them: no base URL needed)."""
    from weasyprint import HTML

    return bytes(HTML(string=html, base_url=None).write_pdf())


def route_sheets_html(plan: Plan, lang: str) -> str:
    """The drivers' route sheets of a plan, in Russian or Kazakh: the PDF's source."""
    routes: list[Route] = list(plan.routes.select_related("vehicle__driver", "vehicle__escort"))
    with translation.override(lang):
        names = wording.route_names(routes)
        keys = {
            str(v["stop"]) for r in routes for t in (*r.trips, *r.afternoon) for v in t["visits"]
        }
        labels = wording.stop_labels(keys)
        sheets = [
            {
                "route": r,
                "name": names[r.number],
                "trips": wording.relabel(r.trips, labels),
                "afternoon": wording.relabel(r.afternoon, labels),
            }
            for r in routes
        ]
        return render_to_string(
            "transport/route_sheets.html", {"plan": plan, "sheets": sheets, "lang": lang}
        )


def _route_sheets_source(params: dict[str, Any]) -> str:
    plan = Plan.objects.filter(pk=params["plan"]).first()
    if plan is None:
        raise documents.Gone
    return route_sheets_html(plan, params["lang"])


def _scheme_source(params: dict[str, Any]) -> str:
    from .scheme import scheme_html

    district = Territory.objects.filter(kato=params["district"]).first()
    if district is None:
        raise documents.Gone
    return scheme_html(
        district, int(params["year"]), params["lang"], precise=bool(params.get("precise", True))
    )


def route_sheets_params(plan: Plan, lang: str) -> dict[str, Any]:
    return {"plan": plan.pk, "lang": lang}


def scheme_params(
    district: Territory, year: int, lang: str, *, precise: bool = True
) -> dict[str, Any]:
    return {"district": district.kato, "year": year, "lang": lang, "precise": precise}


def for_plan(plan_id: int) -> list[tuple[str, dict[str, Any]]]:
    """What a completed plan makes ready: its route sheets and, when it is the district's
    current plan, the district's scheme of the current school year."""
    from keleshek.institutions.selectors import current_school_year

    plan = Plan.objects.select_related("territory").filter(pk=plan_id).first()
    if plan is None or plan.status != Plan.Status.DONE:
        return []
    out: list[tuple[str, dict[str, Any]]] = [
        (ROUTE_SHEETS, route_sheets_params(plan, lang)) for lang in LANGS
    ]
    if plan.is_current:
        year = current_school_year()
        out += [(SCHEME, scheme_params(plan.territory, year, lang)) for lang in LANGS]
    return out


def on_change(object_type: str = "", source: str = "", **_payload: object) -> None:
    """A record changed (``core.hooks``): check the stored transport documents again."""
    if object_type and not object_type.startswith(TOUCHING):
        return
    documents.recheck([ROUTE_SHEETS, SCHEME])


def register() -> None:
    from keleshek.core import hooks

    documents.register(ROUTE_SHEETS, source=_route_sheets_source, render=sheets_pdf)
    documents.register(SCHEME, source=_scheme_source, render=pdf)
    hooks.subscribe(hooks.RECORD_WRITTEN, on_change)
    hooks.subscribe(hooks.RECORDS_CHANGED, on_change)
