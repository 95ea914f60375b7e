"""The briefing's PDF rendered ahead (``jobs.documents``, ADR 0194).

Its source is the standalone HTML document the PDF is made from (``render.render_document``).
Building that HTML reads the whole region's records (seconds), so its fingerprint is cheaper:
the generation of committed changes (``core.pagecache.generation``, moved on by every change the
records-changed channel carries) with the year and language. A download serves the stored PDF
only while no change has been committed since it was rendered. It is rendered in the background,
in each language, for the latest school year when the indicators refresh, and the stored ones
again after any change (``apps.ReportsConfig.ready``; one job waits in the queue at a time).
"""

from __future__ import annotations

from typing import Any

from keleshek.core import pagecache
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


def _version(p: dict[str, Any]) -> str:
    # read before the records (jobs.documents.get): a change during the render leaves it old
    return f"{pagecache.generation()}:{p['year']}:{p['lang']}"


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


def on_change(**_payload: object) -> None:
    """Records changed (``core.hooks``): the stored briefings rendered again."""
    documents.recheck([BRIEFING])


def register() -> None:
    from keleshek.core import hooks

    documents.register(BRIEFING, source=_source, render=pdf, version=_version)
    hooks.subscribe(hooks.INDICATORS_REFRESHED, on_refresh)
    hooks.subscribe(hooks.RECORD_WRITTEN, on_change)
    hooks.subscribe(hooks.RECORDS_CHANGED, on_change)
