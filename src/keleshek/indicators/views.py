"""Staff dashboards (mounted at /<lang>/staff/ by ``portal.staff_urls``). Thin: scope check,
selectors, charts, template. Every page reads the materialised indicator values only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from keleshek.accounts.access import module_required
from keleshek.core import audit, charts, pagecache, params, spreadsheets
from keleshek.core.scoping import Scope, scope_for
from keleshek.institutions.selectors import current_school_year
from keleshek.territory.models import Territory

from . import planning, selectors
from .forms import WhatIfForm
from .models import Indicator

DEFAULT_INDICATOR = "places_deficit"
DIMENSION_LABELS = {
    "area": gettext_lazy("urban / rural"),
    "sex": gettext_lazy("sex"),
    "source": gettext_lazy("funding source"),
    "programme": gettext_lazy("support programme"),
    "specialty": gettext_lazy("specialty"),
    "country": gettext_lazy("country"),
    "currency": gettext_lazy("currency"),
    "kind": gettext_lazy("kind of project"),
    "grade": gettext_lazy("grade"),
    "age": gettext_lazy("age"),
}


# --------------------------------------------------------------------------- scope helpers


def _scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if scope.nothing:
        raise PermissionDenied
    return scope


def _home_kato(scope: Scope) -> str | None:
    if scope.everything:
        return selectors.oblast_kato()
    if scope.territory_path:
        return scope.territory_path.strip("/").split("/")[-1]
    return None


def _check_territory(scope: Scope, terr: Territory) -> None:
    if scope.everything:
        return
    if scope.territory_path and terr.path.startswith(scope.territory_path):
        return
    raise PermissionDenied


def _territory_or_404(kato: str) -> Territory:
    try:
        return selectors.territory_by_kato(kato)
    except Territory.DoesNotExist as exc:
        raise Http404 from exc


def _year(request: HttpRequest) -> tuple[int, Any]:
    run = selectors.last_refresh()
    default = (run.current_year if run and run.current_year else None) or current_school_year()
    # Years of the materialised values; outside them (or not a year): 400 (core.params).
    asked = bool(request.GET.get("year"))  # the years are read only when a year is asked for
    year = params.year(request.GET, default, years=selectors.years_available() if asked else ())
    return year, run


def _breadcrumbs(terr: Territory, scope: Scope) -> list[Territory]:
    chain: list[Territory] = []
    node: Territory | None = terr
    while node is not None:
        chain.append(node)
        node = node.parent if node.parent_id else None
    chain.reverse()
    if scope.territory_path:
        chain = [t for t in chain if t.path.startswith(scope.territory_path)]
    return chain


# --------------------------------------------------------------------------- pages


@module_required("dashboards")
@require_GET
@pagecache.cached_page
def home(request: HttpRequest) -> HttpResponse:
    """The staff home: the dashboard of the user's territory (or institution)."""
    scope = _scope(request)
    kato = _home_kato(scope)
    if kato:
        return territory_dashboard(request, kato)
    assert scope.institution_id is not None
    return institution_dashboard(request, scope.institution_id)


@module_required("dashboards")
@require_GET
@pagecache.cached_page
def territory_dashboard(request: HttpRequest, kato: str) -> HttpResponse:
    scope = _scope(request)
    if scope.institution_id and not scope.territory_path:
        raise PermissionDenied
    terr = _territory_or_404(kato)
    _check_territory(scope, terr)
    year, run = _year(request)
    definitions = selectors.definitions()
    by_code = {d.code: d for d in definitions}
    code = params.text(request.GET, "indicator", DEFAULT_INDICATOR, max_length=60)
    ind = by_code.get(code) or by_code.get(DEFAULT_INDICATOR)
    if ind is None:
        return render(request, "indicators/empty.html", {"territory": terr, "run": run}, status=200)
    figures = selectors.territory_values(kato, year)
    drill = selectors.values_for(ind.code, kato, year)
    history = selectors.series(ind.code, kato)
    points = selectors.map_points(ind.code, kato, year)
    splits = [
        {
            "dimension": dim,
            "label": DIMENSION_LABELS.get(dim, dim),
            "rows": items,
            "chart": charts.bar_chart(
                [(label, f.value) for label, f in items],
                title=f"{ind.name} — {DIMENSION_LABELS.get(dim, dim)}, {terr.name}, {year}",
                decimals=ind.decimals,
            ),
        }
        for dim, items in (
            selectors.breakdowns(ind.code, kato, year) if ind.disaggregations else {}
        ).items()
    ]
    lang = request.LANGUAGE_CODE
    bar = charts.bar_chart(
        [(f.label, f.value) for f in drill.children]
        or [(f.label, f.value) for f in drill.institutions],
        title=f"{ind.name} — {terr.name}, {year}",
        decimals=ind.decimals,
    )
    line = charts.line_chart(
        {terr.name: history}, title=f"{ind.name} — {terr.name}", decimals=ind.decimals
    )
    base_url = reverse("staff:territory", args=["000000000"])
    map_points = [
        charts.Point(
            p.name,
            p.lat,
            p.lon,
            p.value,
            href=f"{base_url.replace('000000000', p.kato)}?indicator={ind.code}&year={year}",
        )
        for p in points
    ]
    svg_map = charts.map_chart(
        map_points,
        title=_("Settlements by %(indicator)s") % {"indicator": ind.name},
        decimals=ind.decimals,
    )
    changed = sorted(
        (f for f in figures.values() if f.change),
        key=lambda f: abs(f.change or 0) / (abs(f.previous or 0) or 1.0),
        reverse=True,
    )[:12]
    themes: dict[str, list[selectors.Figure]] = {}
    for f in figures.values():
        themes.setdefault(f.indicator.get_theme_display(), []).append(f)
    return render(
        request,
        "indicators/territory.html",
        {
            "territory": terr,
            "crumbs": _breadcrumbs(terr, scope),
            "year": year,
            "years": sorted({*history, year}),
            "run": run,
            "indicator": ind,
            "definitions": definitions,
            "themes": themes,
            "drill": drill,
            "bar": bar,
            "line": line,
            "history": sorted(history.items()),
            "svg_map": svg_map,
            "splits": splits,
            "points": map_points,
            "changed": changed,
            "lang": lang,
        },
    )


@module_required("dashboards")
@require_GET
@pagecache.cached_page
def institution_dashboard(request: HttpRequest, institution_id: int) -> HttpResponse:
    from keleshek.institutions.models import Institution

    scope = _scope(request)
    try:
        inst = Institution.objects.select_related("settlement").get(pk=institution_id)
    except Institution.DoesNotExist as exc:
        raise Http404 from exc
    if not scope.everything:
        allowed = (
            scope.territory_path and inst.settlement.path.startswith(scope.territory_path)
        ) or (
            scope.institution_id
            and (inst.pk == scope.institution_id or inst.parent_id == scope.institution_id)
        )
        if not allowed:
            raise PermissionDenied
    year, run = _year(request)
    figures = selectors.institution_values(inst.pk, year)
    return render(
        request,
        "indicators/institution.html",
        {
            "institution": inst,
            "crumbs": _breadcrumbs(inst.settlement, scope) if not scope.institution_id else [],
            "year": year,
            "run": run,
            "figures": list(figures.values()),
        },
    )


@module_required("indicators")
@require_GET
@pagecache.cached_page
def definitions_page(request: HttpRequest) -> HttpResponse:
    _scope(request)
    from .elements import REGISTRY

    def element_name(code: str) -> str:
        element = REGISTRY.get(code)
        return str(element.name) if element else ""

    # The formula in the data elements' names: their codes are the API's (issue 15: no raw
    # codes on a page; each row keeps its code as the anchor it can be linked by)
    definitions = [
        (
            d,
            [str(DIMENSION_LABELS.get(dim, dim)) for dim in d.disaggregations],
            element_name(d.numerator),
            element_name(d.denominator) if d.denominator else "",
        )
        for d in selectors.definitions()
    ]
    return render(
        request,
        "indicators/definitions.html",
        {"definitions": definitions, "elements": REGISTRY},
    )


@module_required("dashboards")
@require_GET
def export(request: HttpRequest, code: str, kato: str, fmt: str) -> HttpResponse:
    """The drill-down table of one indicator as CSV or XLSX (audited)."""
    scope = _scope(request)
    terr = _territory_or_404(kato)
    _check_territory(scope, terr)
    try:
        ind = selectors.indicator(code)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    year, _run = _year(request)
    table = params.text(request.GET, "table", "drill", max_length=40)
    if table != "series" and table.removeprefix("dim:") not in DIMENSION_LABELS:
        table = "drill"  # also keeps the file name (a header) free of what the address carries
    header = [
        _("level"),
        _("KATO / institution id"),
        _("name"),
        _("year"),
        _("value"),
        _("numerator"),
        _("denominator"),
    ]
    rows: list[list[Any]] = []
    if table == "series":
        header = [_("KATO"), _("name"), _("year"), _("value")]
        rows = [
            [kato, terr.name, y, export_number(v, ind.decimals)]
            for y, v in sorted(selectors.series(ind.code, kato).items())
        ]
    elif table.startswith("dim:"):
        dim = table[4:]
        header = [
            _("KATO"),
            _("name"),
            _("year"),
            dim,
            _("value"),
            _("numerator"),
            _("denominator"),
        ]
        for label, f in selectors.breakdowns(ind.code, kato, year).get(dim, []):
            rows.append([kato, terr.name, year, label, *_nums(f)])
    else:
        table = "drill"
        drill = selectors.values_for(ind.code, kato, year)
        if drill.figure:
            rows.append(["territory", kato, terr.name, year, *_nums(drill.figure)])
        for f in drill.children:
            rows.append(["territory", f.key, f.label, year, *_nums(f)])
        for f in drill.institutions:
            rows.append(["institution", f.key, f.label, year, *_nums(f)])
    suffix = "" if table == "drill" else "-" + table.replace(":", "-")
    filename = f"{ind.code}-{kato}-{year}{suffix}.{fmt}"
    audit.record(
        "export",
        ind,
        summary=f"export {ind.code} {table} {kato} {year} {fmt}",
        changes={
            "rows": len(rows),
            "format": fmt,
            "territory": kato,
            "year": year,
            "table": table,
        },
        user=request.user,
    )
    if fmt == "csv":
        resp = HttpResponse(
            spreadsheets.csv_bytes(header, rows, delimiter=","), content_type="text/csv"
        )
    else:
        # Figures stay numbers with a grouped format: the reader's spreadsheet shows them
        # with its own locale's digit grouping (the year column stays a plain year).
        figures = {str(h) for h in (_("value"), _("numerator"), _("denominator"))}
        columns = {i for i, h in enumerate(header) if str(h) in figures}
        cells = [
            [
                spreadsheets.Cell(v, number_format=_grouped(v)) if i in columns else v
                for i, v in enumerate(r)
            ]
            for r in rows
        ]
        resp = HttpResponse(
            spreadsheets.xlsx_bytes(header, cells, title=ind.code),
            content_type=spreadsheets.XLSX_TYPE,
        )
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def _nums(f: selectors.Figure) -> list[int | float | None]:
    """Value, numerator and denominator for a file: rounded as the indicator shows them, and
    whole numbers (counts, places) written as integers, never "116768.0"."""
    decimals = getattr(f.indicator, "decimals", 0) or 0
    return [
        export_number(f.value, decimals),
        export_number(f.numerator, 2),
        export_number(f.denominator, 2),
    ]


def _grouped(v: Any) -> str | None:
    if isinstance(v, int):
        return "#,##0"
    return "#,##0.0#" if isinstance(v, float) else None


def export_number(x: float | None, decimals: int) -> int | float | None:
    if x is None:
        return None
    rounded = round(float(x), decimals)
    return int(rounded) if rounded.is_integer() else rounded


# --------------------------------------------------------------------------- capacity planning


@module_required("capacity")
@require_GET
@pagecache.cached_page
def capacity(request: HttpRequest, kato: str | None = None) -> HttpResponse:
    """Capacity planning with a what-if form (GET: nothing is written)."""
    scope = _scope(request)
    kato = kato or _home_kato(scope)
    if not kato:
        raise PermissionDenied
    terr = _territory_or_404(kato)
    _check_territory(scope, terr)
    year, run = _year(request)
    plan = selectors.capacity_plan(kato, year)
    settlement_names = {s.territory_id: s.name for s in plan.settlements}
    for s in plan.schools:
        settlement_names.setdefault(s.settlement, str(s.settlement))
    settlement_choices = sorted(settlement_names.items(), key=lambda kv: kv[1])
    form = WhatIfForm(
        request.GET,
        settlements=settlement_choices,
        years=plan.years,
        projects=[p.id for p in plan.projects],
    )
    overrides: dict[str, int | None] = {}
    extra: list[planning.PlannedProject] = []
    if form.is_valid():
        overrides = form.overrides()
        add = form.cleaned_data
        if add.get("add_places"):
            extra.append(
                planning.PlannedProject(
                    id="new",
                    name=_("hypothetical project"),
                    settlement=add["add_settlement"],
                    places=float(add["add_places"]),
                    year=add["add_year"],
                )
            )
        if overrides or extra:
            plan = selectors.capacity_plan(kato, year, overrides=overrides, extra=extra)
    chart = charts.line_chart(
        {
            _("deficit without projects"): {y.year: y.deficit_without for y in plan.result.years},
            _("deficit with projects"): {y.year: y.deficit_with for y in plan.result.years},
        },
        title=_("Deficit of places, %(t)s") % {"t": terr.name},
    )
    project_rows = [
        {
            "p": p,
            "stage": plan.project_stage.get(p.id, ""),
            "planned": plan.project_planned.get(p.id),
            "relieves": [plan.school_names.get(i, str(i)) for i in plan.result.relieved[p.id]],
            "absorbed": [plan.result.absorbed[p.id].get(y) for y in plan.years],
        }
        for p in plan.projects
    ]
    whatif = bool(overrides or extra)
    return render(
        request,
        "indicators/capacity.html",
        {
            "territory": terr,
            "crumbs": _breadcrumbs(terr, scope),
            "plan": plan,
            "year": year,
            "run": run,
            "chart": chart,
            "project_rows": project_rows,
            "year_choices": plan.years,
            "settlement_choices": settlement_choices,
            "whatif": whatif,
            "form": form,
            "add": {
                "places": request.GET.get("add_places", ""),
                "year": form.cleaned_data.get("add_year") if form.is_valid() else None,
                "settlement": request.GET.get("add_settlement", ""),
            },
            "grades": list(range(0, 12)),
        },
    )


# --------------------------------------------------------------------------- labour market


@module_required("labour")
@require_GET
@pagecache.cached_page
def labour(request: HttpRequest, kato: str | None = None) -> HttpResponse:
    scope = _scope(request)
    kato = kato or _home_kato(scope)
    if not kato:
        raise PermissionDenied
    terr = _territory_or_404(kato)
    _check_territory(scope, terr)
    year, run = _year(request)
    rows = selectors.labour_match(kato, year)
    years = list(range(year, year + 6))
    chart = charts.bar_chart(
        [(r.name, max(r.gap.values(), default=0)) for r in rows[:15]],
        title=_("Largest gap between demand and graduates, %(y)s–%(z)s")
        % {"y": years[0], "z": years[-1]},
    )
    return render(
        request,
        "indicators/labour.html",
        {
            "territory": terr,
            "rows": rows,
            "years": years,
            "year": year,
            "run": run,
            "chart": chart,
        },
    )
