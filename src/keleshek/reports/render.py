"""Rendering the briefing: text, HTML (staff page or standalone document) and PDF.

``build_context(facts, lang)`` turns the facts into everything the template needs (sentences
with their trace links, charts, annex tables); ``render_*`` only format it. The benchmark
renders the same context from constant facts to measure what reading the records costs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import charts, tables, text
from .numwords import Lang
from .selectors import Facts, Trace

DOC_LABELS: dict[str, dict[Lang, str]] = {
    "charts": {"ru": "Графики", "kk": "Графиктер", "en": "Charts"},
    "annex": {"ru": "Приложение: таблицы", "kk": "Қосымша: кестелер", "en": "Annex: tables"},
    "records": {"ru": "записи", "kk": "жазбалар", "en": "records"},
    "generated": {
        "ru": "Сформировано из записей Keleshek: импорт и отчёты переписи, утверждённые районом",
        "kk": "Keleshek жазбаларынан жасалды: импорт және аудан бекіткен санақ есептері",
        "en": (
            "Generated from Keleshek records: imports and census returns approved by the district"
        ),
    },
}


def trace_url(trace: Trace, lang: Lang) -> str:
    with translation.override(lang):
        base = reverse("reports:trace", kwargs={"kind": trace.kind})
    return f"{base}?{urlencode(trace.params)}" if trace.params else base


def build_context(f: Facts, lang: Lang, *, links: bool = True) -> dict[str, Any]:
    sections = []
    for sec in text.compose(f, lang):
        paragraphs = []
        for para in sec.paragraphs:
            segs = []
            for seg in para:
                if isinstance(seg, text.Fig):
                    url = trace_url(seg.trace, lang) if links and seg.trace.kind != "none" else ""
                    segs.append({"text": seg.text, "url": url, "fig": True})
                else:
                    segs.append({"text": seg, "url": "", "fig": False})
            paragraphs.append(segs)
        sections.append({"key": sec.key, "title": sec.title, "paragraphs": paragraphs})
    annex = []
    for t in tables.build(f, lang):
        annex.append(
            {
                "key": t.key,
                "title": t.title,
                "columns": t.columns,
                "rows": t.rows,
                "total": t.total,
                "url": trace_url(t.trace, lang) if links and t.trace else "",
            }
        )
    return {
        "lang": lang,
        "year": f.year,
        "title": text.title(f, lang),
        "sections": sections,
        "charts": charts.all_charts(f, lang),
        "annex": annex,
        "labels": {k: v[lang] for k, v in DOC_LABELS.items()},
    }


def render_text(f: Facts, lang: Lang) -> str:
    return text.plain_text(f, lang)


def render_document(context: dict[str, Any]) -> str:
    """A standalone HTML document (no site navigation): the HTML export and the PDF's source."""
    with translation.override(context["lang"]):
        return render_to_string("reports/briefing_document.html", context)


def render_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_document({**context, "pdf": True})
    return bytes(HTML(string=html).write_pdf())
