"""Staff pages: the briefing with its figures linked to their records, downloads (PDF, HTML,
text, XLSX) and the record lists behind each figure (scoped by role). Thin: reads go through
``selectors``, files through ``services`` (which audits every export)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from keleshek.accounts.access import module_required
from keleshek.core import params
from keleshek.core.scoping import scope_for

from . import render as rendering
from . import selectors, services
from .numwords import LANGS, Lang


def _lang() -> Lang:
    lang = (get_language() or "ru")[:2]
    return lang if lang in LANGS else "ru"


def _year(request: HttpRequest) -> int | None:
    # A year outside the product's span, or not a year: 400; one without data: the page says so.
    value: int | None = params.integer(
        request.GET, "year", None, lo=params.YEAR_MIN, hi=params.YEAR_MAX
    )
    return value


# Trace parameters that are numbers, and their bounds; every other one is bounded text.
_TRACE_NUMBERS = {
    "year": (params.YEAR_MIN, params.YEAR_MAX),
    "since": (params.YEAR_MIN, params.YEAR_MAX),
    "institution": (1, 2**63 - 1),
}


def _trace_params(request: HttpRequest) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in request.GET:
        if len(key) > 40:
            continue  # no trace has such a parameter
        if key in _TRACE_NUMBERS:
            lo, hi = _TRACE_NUMBERS[key]
            number = params.integer(request.GET, key, None, lo=lo, hi=hi)
            out[key] = "" if number is None else str(number)
        else:
            out[key] = params.text(request.GET, key)
    return out


def _require_scope(request: HttpRequest) -> None:
    """The briefing is for staff with a role; users without any scope see nothing."""
    if scope_for(request.user).nothing:
        raise PermissionDenied


@module_required("reports")
@require_GET
def briefing_page(request: HttpRequest) -> HttpResponse:
    _require_scope(request)
    lang = _lang()
    try:
        year = services.resolve_year(_year(request))
    except services.NoDataError as exc:
        # The menu's page: no records yet is a message on the page, not a missing page.
        return render(request, "reports/briefing_page.html", {"error": str(exc)})
    facts = selectors.briefing_facts(year=year)
    context = rendering.build_context(facts, lang, links=True)
    latest = selectors.latest_year() or year
    context.update({"years": list(range(latest, latest - 6, -1)), "formats": ["pdf", "html",
                    "text", "xlsx"]})  # fmt: skip
    return render(request, "reports/briefing_page.html", context)


@login_required
@require_GET
def briefing_download(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_scope(request)
    if fmt not in services.FORMATS:
        raise Http404
    try:
        result = services.export_briefing(
            year=_year(request),
            lang=_lang(),
            fmt=fmt,
            user=request.user,
        )
    except services.NoDataError as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(result.content, content_type=result.content_type)
    disposition = "inline" if fmt in ("html", "text") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{result.filename}"'
    return response


@login_required
@require_GET
def trace(request: HttpRequest, kind: str) -> HttpResponse:
    _require_scope(request)
    query = _trace_params(request)
    table = selectors.trace_table(kind, query, request.user, _lang())
    if table is None:
        raise Http404
    return render(request, "reports/trace.html", {"table": table, "params": query, "kind": kind})
