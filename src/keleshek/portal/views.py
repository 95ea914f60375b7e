"""Public pages: thin views over ``selectors``; no login needed, nothing written."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from keleshek.construction.models import FundingSource
from keleshek.core import charts, pagecache, params, spreadsheets
from keleshek.news.models import Article

from . import opendata, selectors, services
from .selectors import CatalogueFilters, lang


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "") in ("1", "on", "true", "yes")


@require_safe
@pagecache.cached_page
def home(request: HttpRequest) -> HttpResponse:
    g = selectors.region_at_glance()
    label = dict(FundingSource.choices)
    built_rows = [(str(label.get(s.source, "—")), s.commissioned_places) for s in g.by_source]
    building_rows = [(str(label.get(s.source, "—")), s.building_places) for s in g.by_source]
    chart_built = charts.bar_chart(
        [r for r in built_rows if r[1]],
        title=_("Places in commissioned schools by funding source"),
    )
    chart_building = charts.bar_chart(
        [r for r in building_rows if r[1]],
        title=_("Places in schools under construction by funding source"),
        colour=charts.ALT_COLOUR,
    )
    chart_industries = charts.bar_chart(
        g.new_by_industry, title=_("New programme offerings this year by industry")
    )
    chart_countries = charts.bar_chart(
        [(c, n) for c, n in g.foreign_countries if n is not None],
        title=_("International students by country"),
    )
    chart_deficit = charts.bar_chart(
        [(name, deficit) for name, _p, _c, deficit in g.deficit_by_district if deficit],
        title=_("Deficit of school places by district"),
        colour=charts.ALT_COLOUR,
    )
    chart_support = charts.bar_chart(
        [(s.name, s.recipients) for s in g.support if s.recipients is not None],
        title=_("Pupils supported by programme"),
    )
    return render(
        request,
        "portal/home.html",
        {
            "g": g,
            "chart_built": chart_built,
            "chart_building": chart_building,
            "chart_industries": chart_industries,
            "chart_countries": chart_countries,
            "chart_deficit": chart_deficit,
            "chart_support": chart_support,
            "latest": selectors.latest_articles(lang(), limit=3),
        },
    )


@require_safe
@pagecache.cached_page
def catalogue(request: HttpRequest) -> HttpResponse:
    years = selectors.catalogue_years()
    year = _int(request.GET.get("year"))
    if year not in years:
        year = years[0] if years else None
    level = _int(request.GET.get("level"))
    if level is not None and not 0 <= level <= 99:
        level = None  # no such level: the whole catalogue, as for an empty choice
    filters = CatalogueFilters(
        q=request.GET.get("q", "").strip()[:200],
        year=year,
        level=level,
        industry=request.GET.get("industry", "")[:40],
        language=request.GET.get("language", "")[:2],
        city=request.GET.get("city", "")[:9],
        dual=_flag(request, "dual"),
        state_funded=_flag(request, "state"),
        new=_flag(request, "new"),
    )
    query = None
    if filters.q:
        services.search_index_fill_missing()
        query = selectors.catalogue_query(filters.q)
    page = Paginator(selectors.catalogue_offerings(filters, query), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rest = request.GET.copy()
    rest.pop("page", None)
    return render(
        request,
        "portal/catalogue.html",
        {
            "filters": filters,
            "query": query,
            "years": years,
            "options": selectors.catalogue_filter_options(year),
            "page": page,
            "querystring": rest.urlencode(),
        },
    )


@require_safe
@pagecache.cached_page
def offering(request: HttpRequest, pk: int) -> HttpResponse:
    o = selectors.offering_detail(pk)
    if o is None:
        raise Http404
    siblings = [x for x in selectors.institution_offerings(o.institution, o.year) if x.pk != o.pk]
    return render(request, "portal/offering.html", {"o": o, "siblings": siblings})


@require_safe
@pagecache.cached_page
def institution(request: HttpRequest, pk: int) -> HttpResponse:
    inst = selectors.public_institution(pk)
    if inst is None:
        raise Http404
    years = selectors.catalogue_years()
    year = years[0] if years else None
    return render(
        request,
        "portal/institution.html",
        {
            "inst": inst,
            "year": year,
            "offerings": selectors.institution_offerings(inst, year),
            "units": selectors.institution_units(inst),
        },
    )


@require_safe
@pagecache.cached_page
def news(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_articles(lang()), 10).get_page(request.GET.get("page"))
    return render(request, "portal/news.html", {"page": page})


@require_safe
@pagecache.cached_page
def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.article_versions(slug, lang())
    if found is None:
        raise Http404
    a = found.article
    return render(
        request,
        "portal/article.html",
        {
            "a": a,
            "paragraphs": article_paragraphs(a),
            "versions": found,
            "other_languages": [
                (code, LANGUAGE_NAMES[code]) for code in found.languages if code != a.language
            ],
            "shown_in": LANGUAGE_NAMES.get(a.language, a.language),
            "missing_in": LANGUAGE_NAMES.get(found.asked, found.asked),
            # the feed of the page's language (with the Russian articles it lacks, marked)
            "latest": list(selectors.published_articles(lang()).exclude(slug=a.slug)[:5]),
        },
    )


# A language's name as a sentence of the page's language says it ("is not published *in
# Kazakh*"), and as the language names itself (the link to that version).
LANGUAGE_NAMES = {
    "ru": gettext_lazy("in Russian"),
    "kk": gettext_lazy("in Kazakh"),
    "en": gettext_lazy("in English"),
}


def article_paragraphs(a: Article) -> list[str]:
    """The body as paragraphs, without a first paragraph that only repeats the title."""
    paragraphs = [p.strip() for p in str(a.body).split("\n\n") if p.strip()]
    if paragraphs and paragraphs[0].casefold().rstrip(".") == str(a.title).casefold().rstrip("."):
        paragraphs = paragraphs[1:]
    return paragraphs


@require_safe
@pagecache.cached_page
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/open_data.html",
        {
            "datasets": list(opendata.DATASETS.values()),
            "year": opendata.latest_year(),
            "threshold": opendata.suppress_below(),
        },
    )


@require_safe
def open_data_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    dataset = opendata.DATASETS.get(slug)
    if dataset is None or fmt not in ("csv", "json"):
        raise Http404
    # Not a year, or far outside the product's span: 400; none asked for: the latest.
    year: int | None = params.integer(
        request.GET, "year", None, lo=params.YEAR_MIN, hi=params.YEAR_MAX
    )
    if year is None:
        year = opendata.latest_year()
    name = f"keleshek-{slug}-{year}"
    if fmt == "csv":
        rows = ([row.get(k) for k in dataset.columns] for row in dataset.records(year))
        lines = spreadsheets.csv_stream(dataset.columns, rows, delimiter=",", lineterminator="\n")
        stream = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        stream["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return stream
    body = {
        "dataset": slug,
        "year": year,
        "suppressed_below": opendata.suppress_below(),
        "columns": list(dataset.columns),
        "rows": list(dataset.records(year)),
    }
    resp = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json"
    )
    resp["Content-Disposition"] = f'inline; filename="{name}.json"'
    return resp
