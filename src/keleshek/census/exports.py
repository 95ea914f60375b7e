"""Outside exports (NOBD's pupil register and school passport, Kündelik's class rosters) read
through their mapping as data (``data/exports.toml``, ADR 0184): which header means which
field, which cell value means which stored value. Pure: no database."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).with_name("data") / "exports.toml"


def _norm(text: Any) -> str:
    """Headers and values compared without case, spaces or punctuation (ё = е)."""
    return re.sub(r"[\W_]+", "", str(text or "").lower().replace("ё", "е"))


@dataclass(frozen=True)
class Source:
    code: str
    kind: str  # "pupils" | "passport"
    names: tuple[str, str, str]
    columns: dict[str, list[str]]
    values: dict[str, dict[str, list[str]]]
    date_formats: tuple[str, ...] = ("%d.%m.%Y", "%Y-%m-%d")

    def name(self, lang: str) -> str:
        return self.names[{"ru": 0, "kk": 1, "en": 2}.get(lang[:2], 0)]

    def header_map(self, header: list[str]) -> dict[int, str]:
        """Column index → target field, for the headers this source knows."""
        aliases = {_norm(a): target for target, names in self.columns.items() for a in names}
        out: dict[int, str] = {}
        for i, h in enumerate(header):
            target = aliases.get(_norm(h))
            if target and target not in out.values():
                out[i] = target
        return out

    def value(self, target: str, raw: Any) -> str | None:
        """The stored value of a cell for a mapped field; None when the alias is unknown."""
        table = self.values.get(target)
        if table is None:
            return str(raw).strip() if raw is not None else ""
        wanted = _norm(raw)
        if not wanted:
            return ""
        for stored, aliases in table.items():
            if wanted in {_norm(a) for a in aliases}:
                return stored
        return None

    def date(self, raw: Any) -> dt.date | None:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = str(raw or "").strip()
        for fmt in self.date_formats:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return None


def load(path: Path = DEFAULT_FILE) -> dict[str, Source]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    out = {}
    for s in raw["source"]:
        out[s["code"]] = Source(
            code=s["code"],
            kind=s["kind"],
            names=(s["name"][0], s["name"][1], s["name"][2]),
            columns=s["columns"],
            values=s.get("values", {}),
            date_formats=tuple(s.get("date_formats", ("%d.%m.%Y", "%Y-%m-%d"))),
        )
    return out


@dataclass
class PupilRow:
    line: int
    iin: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    birth_date: dt.date | None = None
    sex: str = ""
    grade: int | None = None
    letter: str = ""
    language: str = ""
    problems: list[str] = field(default_factory=list)


_CLASS = re.compile(r"^\s*(\d{1,2})\s*[-–]?\s*(\w?)\s*$")


def pupil_rows(
    source: Source, header: list[str], rows: list[tuple[int, list[Any]]]
) -> list[PupilRow]:
    """Each row as a pupil with the problems found reading it (codes, not messages: the
    service words them): ``bad_date``, ``bad_sex``, ``bad_grade``, ``bad_language``,
    ``no_name``."""
    columns = source.header_map(header)
    out = []
    for line, cells in rows:
        got = {t: cells[i] if i < len(cells) else None for i, t in columns.items()}
        row = PupilRow(line=line, iin=re.sub(r"\D", "", str(got.get("iin") or "")))
        if "full_name" in got:
            parts = str(got["full_name"] or "").split()
            row.last_name = parts[0] if parts else ""
            row.first_name = parts[1] if len(parts) > 1 else ""
            row.middle_name = " ".join(parts[2:])
        else:
            row.last_name = str(got.get("last_name") or "").strip()
            row.first_name = str(got.get("first_name") or "").strip()
            row.middle_name = str(got.get("middle_name") or "").strip()
        if not row.last_name or not row.first_name:
            row.problems.append("no_name")
        if got.get("birth_date") not in (None, ""):
            row.birth_date = source.date(got["birth_date"])
            if row.birth_date is None:
                row.problems.append("bad_date")
        sex = source.value("sex", got.get("sex"))
        if sex is None:
            row.problems.append("bad_sex")
        else:
            row.sex = sex
        grade_text = str(got.get("class") or got.get("grade") or "").strip()
        grade_cell = got.get("grade")
        if isinstance(grade_cell, float):
            grade_text = str(int(grade_cell))
        m = _CLASS.match(grade_text)
        if m and 0 <= int(m.group(1)) <= 11:
            row.grade = int(m.group(1))
            row.letter = m.group(2).upper() or str(got.get("letter") or "").strip().upper()
        elif grade_text:
            row.problems.append("bad_grade")
        if "language" in got:
            lang = source.value("language", got.get("language"))
            if lang is None:
                row.problems.append("bad_language")
            else:
                row.language = lang
        out.append(row)
    return out


def passport_rows(
    source: Source, header: list[str], rows: list[tuple[int, list[Any]]]
) -> list[tuple[int, dict[str, str], list[str]]]:
    """Each row as ``(line, {field: stored value}, [fields whose value is unknown])``."""
    columns = source.header_map(header)
    out = []
    for line, cells in rows:
        values: dict[str, str] = {}
        unknown: list[str] = []
        for i, target in columns.items():
            raw = cells[i] if i < len(cells) else None
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            value = source.value(target, raw)
            if value is None:
                unknown.append(target)
            else:
                values[target] = value
        out.append((line, values, unknown))
    return out
