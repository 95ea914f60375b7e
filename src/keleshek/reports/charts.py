"""The briefing's charts: which figures, titled and labelled in the briefing's language, drawn
by the product's one chart writer (``core.charts``, ADR 0128) as SVG.

Each function takes exact numbers from ``selectors.Facts`` and returns an SVG document (text) or
None when there is nothing to draw. The SVG is embedded in the HTML and the PDF as a data URI;
every chart also has its numbers in a table (the annex), which is its text alternative.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from keleshek.core import charts
from keleshek.core.charts import data_uri
from keleshek.core.countries import country_name

from .numwords import Lang, digits
from .selectors import Facts

SOURCE_LABELS: dict[str, dict[Lang, str]] = {
    "keleshek_mektebi": {
        "ru": "«Келешек мектебі»",
        "kk": "«Келешек мектебі»",
        "en": "Keleshek mektebi",
    },
    "republican_budget": {
        "ru": "Республиканский бюджет",
        "kk": "Республикалық бюджет",
        "en": "Republican budget",
    },
    "local_budget": {"ru": "Местный бюджет", "kk": "Жергілікті бюджет", "en": "Local budget"},
    "corporate_partner": {
        "ru": "Социальные партнеры",
        "kk": "Әлеуметтік серіктестер",
        "en": "Corporate partners",
    },
}

CHART_TITLES: dict[str, dict[Lang, str]] = {
    "places": {
        "ru": "Введено ученических мест по годам и источникам финансирования",
        "kk": "Жылдар және қаржыландыру көздері бойынша берілген оқушы орындары",
        "en": "Pupil places added by year and funding source",
    },
    "deficit": {
        "ru": "Дефицит ученических мест по районам до и после ввода школ этого года",
        "kk": "Биылғы мектептер берілгенге дейінгі және кейінгі орын тапшылығы",
        "en": "Deficit of places by district before and after this year's schools",
    },
    "support": {
        "ru": "Охват социальной поддержкой по районам, %",
        "kk": "Аудандар бойынша әлеуметтік қолдаумен қамту, %",
        "en": "Support coverage by district, %",
    },
    "students": {
        "ru": "Иностранные студенты по странам",
        "kk": "Елдер бойынша шетелдік студенттер",
        "en": "International students by country",
    },
}

BEFORE_AFTER: dict[Lang, tuple[str, str]] = {
    "ru": ("до ввода", "после ввода"),
    "kk": ("бергенге дейін", "бергеннен кейін"),
    "en": ("before", "after"),
}
PROGRAMME_KINDS: dict[str, dict[Lang, str]] = {
    "uniform": {
        "ru": "Фонд всеобуча",
        "kk": "Жалпыға бірдей оқыту қоры",
        "en": "General-education fund",
    },
    "meals": {"ru": "Питание", "kk": "Тамақ", "en": "Meals"},
    "transport": {"ru": "Подвоз", "kk": "Тасымал", "en": "Transport"},
    "transit": {"ru": "Проезд", "kk": "Жол жүру", "en": "Transit"},
}


def _number(lang: Lang) -> charts.Number:
    """Digits as the briefing's text writes them in ``lang``."""

    def number(v: float | None, places: int = 0) -> str:
        return "—" if v is None else digits(Decimal(str(v)), lang, places)

    return number


def _district_name(row: Any, lang: Lang) -> str:
    return str(row.values.get(f"name_{lang}") or row.name) if lang != "ru" else row.name


def places_by_year(f: Facts, lang: Lang) -> str | None:
    data = f.construction.places_by_year
    if not data:
        return None
    years = sorted(data)
    sources = [s for s in SOURCE_LABELS if any(s in data[y] for y in years)]
    return str(
        charts.stacked_column_chart(
            [f"{y}/{str(y + 1)[-2:]}" for y in years],
            [(SOURCE_LABELS[s][lang], [data[y].get(s, 0) for y in years]) for s in sources],
            title=CHART_TITLES["places"][lang],
            number=_number(lang),
        )
    )


def deficit(f: Facts, lang: Lang) -> str | None:
    rows = [r for r in f.construction.deficit if r.values["before"] or r.values["after"]]
    if not rows:
        return None
    b_label, a_label = BEFORE_AFTER[lang]
    return str(
        charts.grouped_bar_chart(
            [_district_name(r, lang) for r in rows],
            [
                (b_label, [r.values["before"] for r in rows]),
                (a_label, [r.values["after"] for r in rows]),
            ],
            title=CHART_TITLES["deficit"][lang],
            number=_number(lang),
        )
    )


def support_coverage(f: Facts, lang: Lang) -> str | None:
    rows = f.support.by_district
    if not f.support.available or not rows:
        return None
    kinds = [k for k in PROGRAMME_KINDS if any(k in r.values for r in rows)]
    series = []
    for k in kinds:
        vals = []
        for r in rows:
            covered, eligible = r.values.get(k, (0, 0))
            vals.append(100 * covered / eligible if eligible else 0)
        series.append((PROGRAMME_KINDS[k][lang], vals))
    return str(
        charts.grouped_bar_chart(
            [_district_name(r, lang) for r in rows],
            series,
            title=CHART_TITLES["support"][lang],
            axis_max=100,
            number=_number(lang),
            values_on_bars=False,
        )
    )


def students_by_country(f: Facts, lang: Lang) -> str | None:
    rows = f.partnerships.students_by_country
    if not rows:
        return None
    return str(
        charts.bar_chart(
            [(country_name(c, lang), n) for c, n in rows],
            title=CHART_TITLES["students"][lang],
            number=_number(lang),
        )
    )


def all_charts(f: Facts, lang: Lang) -> list[dict[str, str]]:
    """[{key, title, svg, uri}] for the charts that have data."""
    out = []
    for key, fn in (
        ("places", places_by_year),
        ("deficit", deficit),
        ("support", support_coverage),
        ("students", students_by_country),
    ):
        svg = fn(f, lang)
        if svg:
            out.append(
                {"key": key, "title": CHART_TITLES[key][lang], "svg": svg, "uri": data_uri(svg)}
            )
    return out
