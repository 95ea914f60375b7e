"""The statistics bureau's KATO classifier spreadsheet, read as it is published (ADR 0161).

The bureau (stat.gov.kz) publishes the classifier of administrative-territorial objects as one
sheet with the columns ``te`` (the 9-digit code), ``ab``, ``cd``, ``ef``, ``hij`` (its groups),
``k`` (a type mark), ``kaz_name``, ``rus_name`` and ``nn``; code cells may arrive as numbers.
``keleshek import territory`` recognises that header and turns the sheet into the territory
registry's own columns — parent by the code's significant digits, level by the code's
structure and the unit's name — then imports it through the ordinary pipeline, so every check
(all or nothing, scope, audit) applies. Units not in the file are left as they are.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from keleshek.core.ids import IdentifierError, parse_kato
from keleshek.territory.models import Territory

from .readers import FileRejected, open_table

CODE = "te"
GROUPS = ("ab", "cd", "ef", "hij")
NAME_KK = ("kaz_name", "name_kaz")
NAME_RU = ("rus_name", "name_rus")
OUT_HEADER = ("kato", "parent", "level", "name_ru", "name_kk", "is_urban")
# names of rural okrugs and settlement administrations (Russian and Kazakh forms)
OKRUG_MARKS = ("с.о.", "сельский округ", "п.а.", "администрац", "ауылдық округ", "а.о.", "к.ә.")
CITY_ADMIN_MARKS = ("г.а.", "қ.ә.")


def _norm(header: str) -> str:
    return header.strip().lower()


def is_classifier(header: list[str]) -> bool:
    names = {_norm(h) for h in header}
    return (
        CODE in names
        and all(g in names for g in GROUPS)
        and bool(names & set(NAME_RU))
        and bool(names & set(NAME_KK))
    )


def _code_of(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()  # no code starts with 0 (oblasts are 10-79): nothing to pad
    try:
        return parse_kato(text).code
    except IdentifierError:
        return text  # the registry reports the malformed code on its row


def _depth(code: str) -> int:
    depth = 0
    for i, (start, stop) in enumerate(((0, 2), (2, 4), (4, 6), (6, 9))):
        if code[start:stop].strip("0"):
            depth = i + 1
    return depth


def _ancestors(code: str) -> list[str]:
    """Candidate parent codes, nearest first: the code with its last groups zeroed."""
    out = []
    for keep in (6, 4, 2):
        candidate = code[:keep].ljust(9, "0")
        if candidate != code and candidate not in out:
            out.append(candidate)
    return out


def _level(code: str, parent_level: str | None, name_ru: str, name_kk: str) -> str:
    names = f"{name_ru} {name_kk}".lower()
    if parent_level is None:
        return "oblast"
    if parent_level == "oblast":
        return "city" if any(m in names for m in CITY_ADMIN_MARKS) else "district"
    if (
        parent_level in ("district", "city")
        and code[6:9] == "000"
        and any(m in names for m in OKRUG_MARKS)
    ):
        return "rural_okrug"
    return "settlement"


def _urban(name_ru: str) -> bool:
    name = name_ru.strip().lower()
    return name.startswith(("г.", "п.")) and not name.startswith(("г.а.",))


def convert(path: Path) -> Path | None:
    """A registry-layout CSV made from a classifier spreadsheet, or None when ``path`` is not
    one (then it is imported as it is). The caller deletes the returned file."""
    try:
        table = open_table(path)
    except FileRejected:
        return None  # the importer opens it again and says why
    try:
        if not is_classifier(table.header):
            return None
        index = {_norm(h): i for i, h in enumerate(table.header)}
        ru = next(index[n] for n in NAME_RU if n in index)
        kk = next(index[n] for n in NAME_KK if n in index)

        def cell(cells: list[Any], i: int) -> Any:
            return cells[i] if i < len(cells) else None

        rows: list[tuple[str, str, str]] = []
        for _n, cells, problem in table.rows:
            if problem:
                return None  # the importer reads it again and reports the bad row
            code = _code_of(cell(cells, index[CODE]))
            if code is None:
                continue  # blank lines and notes under the table
            rows.append(
                (code, str(cell(cells, ru) or "").strip(), str(cell(cells, kk) or "").strip())
            )
    finally:
        table.close()

    codes = {code for code, _ru, _kk in rows}
    # parents not in the sheet (an update of a few rows) are the classifier's stored units
    wanted = {a for code, _ru, _kk in rows if len(code) == 9 for a in _ancestors(code)} - codes
    levels: dict[str, str] = dict(
        Territory.objects.filter(kato__in=wanted).values_list("kato", "level")
    )
    codes |= set(levels)
    out: list[tuple[int, str, tuple[str, ...]]] = []
    for code, name_ru, name_kk in sorted(rows, key=lambda r: (_depth(r[0]), r[0])):
        if len(code) != 9 or not code.isdigit():
            out.append((0, code, (code, "", "settlement", name_ru, name_kk, "0")))
            continue
        parent = next((a for a in _ancestors(code) if a in codes), None)
        level = _level(code, levels.get(parent) if parent else None, name_ru, name_kk)
        levels[code] = level
        urban = "1" if level == "settlement" and _urban(name_ru) else "0"
        out.append((_depth(code), code, (code, parent or "", level, name_ru, name_kk, urban)))
    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", delete=False, encoding="utf-8", newline=""
    ) as handle:
        writer = csv.writer(handle)
        writer.writerow(OUT_HEADER)
        writer.writerows(row for _d, _c, row in out)
    return Path(handle.name)
