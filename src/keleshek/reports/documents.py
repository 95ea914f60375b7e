"""The briefing's PDF rendered ahead (``jobs.documents``, ADR 0194).

Its source is the standalone HTML document the PDF is made from (``render.render_document``);
that HTML is the stored file's fingerprint, so a download serves the stored PDF only while the
records still give the same document. It is rendered in the background, in each language, for
the latest school year when the indicators refresh (``apps.ReportsConfig.ready``); the stored
ones of other years are checked again then too.
"""

from __future__ import annotations

from typing import Any

from keleshek.jobs import documents

from . import render, selectors
from .numwords import LANGS, Lang

BRIEFING = "reports.briefing"


def params(year: int, lang: Lang) -> dict[str, Any]:
    return {"year": year, "lang": lang}


def briefing_html(year: int, lang: Lang) -> str:
    facts = selectors.briefing_facts(year=year)
    context = render.build_context(facts, lang, links=False)
    return render.render_document({**context, "pdf": True})


def _source(p: dict[str, Any]) -> str:
    year, lang = int(p["year"]), p["lang"]
    if lang not in LANGS or not selectors.has_data(year):
        raise documents.Gone
    return briefing_html(year, lang)


def pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def ahead() -> list[tuple[str, dict[str, Any]]]:
    """The latest year's briefing in every language, and every stored one checked again."""
    latest = selectors.latest_year()
    wanted = [] if latest is None else [(BRIEFING, params(latest, lang)) for lang in LANGS]
    return wanted + [d for d in documents.stored([BRIEFING]) if d not in wanted]


def on_refresh(**_payload: object) -> None:
    """The indicators refreshed (``core.hooks``): render the briefing ahead."""
    documents.prepare(ahead())


def register() -> None:
    from keleshek.core import hooks

    documents.register(BRIEFING, source=_source, render=pdf)
    hooks.subscribe(hooks.INDICATORS_REFRESHED, on_refresh)
