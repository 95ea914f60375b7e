"""The briefing's charts, drawn offline with matplotlib (Agg) as SVG.

Each function takes exact numbers from ``selectors.Facts`` and returns an SVG document (text) or
None when there is nothing to draw. The SVG is embedded in the HTML and the PDF as a data URI;
every chart also has its numbers in a table (the annex), which is its text alternative.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from keleshek.core.countries import country_name

from .numwords import Lang
from .selectors import Facts

SOURCE_LABELS: dict[str, dict[Lang, str]] = {
    "keleshek_mektebi": {
        "ru": "«Келешек мектебі»",
        "kk": "«Келешек мектебі»",
        "en": "Keleshek mektebi",
    },
    "comfortable_school": {
        "ru": "«Комфортная школа»",
        "kk": "«Жайлы мектеп»",
        "en": "Comfortable school",
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
    "uniform": {"ru": "Школьная форма", "kk": "Мектеп формасы", "en": "Uniform"},
    "meals": {"ru": "Питание", "kk": "Тамақ", "en": "Meals"},
    "transport": {"ru": "Подвоз", "kk": "Тасымал", "en": "Transport"},
    "transit": {"ru": "Проезд", "kk": "Жол жүру", "en": "Transit"},
}
COLOURS = ["#1f5f8b", "#e07b39", "#4c9a2a", "#8e5ea2", "#c0392b", "#7f8c8d"]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "svg.hashsalt": "keleshek",  # deterministic ids: same data, same SVG
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    _plt().close(fig)
    return buf.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _district_name(row: Any, lang: Lang) -> str:
    return str(row.values.get(f"name_{lang}") or row.name) if lang != "ru" else row.name


def places_by_year(f: Facts, lang: Lang) -> str | None:
    data = f.construction.places_by_year
    if not data:
        return None
    plt = _plt()
    years = sorted(data)
    sources = [s for s in SOURCE_LABELS if any(s in data[y] for y in years)]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    bottom = [0] * len(years)
    labels = [f"{y}/{str(y + 1)[-2:]}" for y in years]
    for i, s in enumerate(sources):
        vals = [data[y].get(s, 0) for y in years]
        ax.bar(labels, vals, bottom=bottom, label=SOURCE_LABELS[s][lang], color=COLOURS[i])
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    for x, total in enumerate(bottom):
        ax.annotate(f"{total:,}".replace(",", " "), (x, total), ha="center", va="bottom")
    ax.set_title(CHART_TITLES["places"][lang])
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def deficit(f: Facts, lang: Lang) -> str | None:
    rows = [r for r in f.construction.deficit if r.values["before"] or r.values["after"]]
    if not rows:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.2))
    names = [_district_name(r, lang) for r in rows]
    ys = range(len(rows))
    h = 0.4
    b_label, a_label = BEFORE_AFTER[lang]
    ax.barh(
        [y + h / 2 for y in ys],
        [r.values["before"] for r in rows],
        h,
        label=b_label,
        color=COLOURS[1],
    )
    ax.barh(
        [y - h / 2 for y in ys],
        [r.values["after"] for r in rows],
        h,
        label=a_label,
        color=COLOURS[0],
    )
    ax.set_yticks(list(ys), names)
    ax.invert_yaxis()
    ax.set_title(CHART_TITLES["deficit"][lang])
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2)
    return _svg(fig)


def support_coverage(f: Facts, lang: Lang) -> str | None:
    rows = f.support.by_district
    if not f.support.available or not rows:
        return None
    kinds = [k for k in PROGRAMME_KINDS if any(k in r.values for r in rows)]
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.2))
    names = [_district_name(r, lang) for r in rows]
    h = 0.8 / max(1, len(kinds))
    for i, k in enumerate(kinds):
        vals = []
        for r in rows:
            covered, eligible = r.values.get(k, (0, 0))
            vals.append(100 * covered / eligible if eligible else 0)
        ax.barh(
            [y - 0.4 + h * (i + 0.5) for y in range(len(rows))],
            vals,
            h,
            label=PROGRAMME_KINDS[k][lang],
            color=COLOURS[i],
        )
    ax.set_yticks(list(range(len(rows))), names)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_title(CHART_TITLES["support"][lang])
    ax.legend(
        frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=len(kinds)
    )
    return _svg(fig)


def students_by_country(f: Facts, lang: Lang) -> str | None:
    rows = f.partnerships.students_by_country
    if not rows:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.2))
    ax.barh([country_name(c, lang) for c, _ in rows], [n for _, n in rows], color=COLOURS[0])
    for y, (_, n) in enumerate(rows):
        ax.annotate(
            str(n), (n, y), va="center", ha="left", xytext=(3, 0), textcoords="offset points"
        )
    ax.invert_yaxis()
    ax.set_title(CHART_TITLES["students"][lang])
    return _svg(fig)


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
