"""Producing the briefing and the ministry pack as files; every export is audited.

``export_briefing`` is the one entry point for the CLI, the staff page and jobs: it reads the
facts (``selectors``), renders the requested format and writes an ``export`` audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from keleshek.core import audit

from . import render, selectors, xlsx
from .numwords import LANGS, Lang

Format = Literal["html", "pdf", "text", "xlsx"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "text", "xlsx")
CONTENT_TYPES: dict[Format, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "text": "text/plain; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS: dict[Format, str] = {"html": "html", "pdf": "pdf", "text": "txt", "xlsx": "xlsx"}


class NoDataError(ValueError):
    """No school year with data, or the requested one has none."""


@dataclass(frozen=True)
class Rendered:
    content: bytes
    content_type: str
    filename: str
    year: int
    lang: Lang
    fmt: Format


def resolve_year(year: int | None) -> int:
    if year is None:
        latest = selectors.latest_year()
        if latest is None:
            raise NoDataError("there is no school year with data")
        return latest
    if not selectors.has_data(year):
        raise NoDataError(f"there are no records for the school year {year}/{year + 1}")
    return year


def export_briefing(
    *, year: int | None, lang: Lang = "ru", fmt: Format = "html", user: Any | None = None
) -> Rendered:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    year = resolve_year(year)
    content: bytes
    if fmt == "pdf":
        # Rendered ahead when the indicators refreshed, or now if the records moved since.
        from keleshek.jobs.documents import get

        from .documents import BRIEFING, params

        content = get(BRIEFING, params(year, lang)).content
    elif fmt == "xlsx":
        content = xlsx.ministry_pack(year=year, lang=lang)
    else:
        facts = selectors.briefing_facts(year=year)
        if fmt == "text":
            content = render.render_text(facts, lang).encode()
        else:
            context = render.build_context(facts, lang, links=True)
            content = render.render_document(context).encode()
    name = "ministry-pack" if fmt == "xlsx" else "briefing"
    filename = f"{name}-{year}-{lang}.{EXTENSIONS[fmt]}"
    audit.record(
        "export",
        object_type="reports.briefing",
        object_id=f"{year}:{lang}:{fmt}",
        summary=f"{name} {year}/{year + 1} ({lang}, {fmt})",
        changes={"year": year, "lang": lang, "format": fmt, "bytes": len(content)},
        user=user,
    )
    return Rendered(content, CONTENT_TYPES[fmt], filename, year, lang, fmt)
