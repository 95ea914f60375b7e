"""Reading the akimat's АСП list (issue 17, point 5; ADR 0153): the social-protection office's
list of children of families receiving targeted social assistance, one row per IIN with its
period. Pure: no database. ``services.asp_list_import`` applies what this module reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from keleshek.core.ids import IdentifierError, parse_iin

HEADERS = {
    "iin": ("iin", "иин", "жсн", "иин ребенка", "иин ребёнка", "баланың жсн"),
    "valid_from": ("valid_from", "с", "дата начала", "начало", "басталуы", "басталған күні"),
    "valid_to": ("valid_to", "по", "дата окончания", "окончание", "аяқталуы", "аяқталған күні"),
}


@dataclass(frozen=True)
class AspRow:
    row: int  # the row number in the file (the header is row 1)
    iin: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _cells(data: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        out = []
        for row in ws.iter_rows(values_only=True) if ws is not None else []:
            out.append(
                [
                    v.strftime("%Y-%m-%d")
                    if isinstance(v, dt.date | dt.datetime)
                    else ("" if v is None else str(v))
                    for v in row
                ]
            )
        return out
    text = data.decode("utf-8-sig")
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    )
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def read(data: bytes, filename: str) -> tuple[list[AspRow], list[RowError]]:
    """The rows of the list, or the errors (row and reason) that refuse it."""
    try:
        cells = _cells(data, filename)
    except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError) as exc:
        return [], [RowError(0, _("the file cannot be read: %(e)s") % {"e": exc})]
    if not cells:
        return [], [RowError(0, _("the file is empty"))]
    header = [h.strip().lower() for h in cells[0]]
    where: dict[str, int] = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                where[key] = i
    missing = [k for k in ("iin", "valid_from") if k not in where]
    if missing:
        return [], [
            RowError(
                1,
                _("the header needs the columns %(c)s") % {"c": ", ".join(missing)},
            )
        ]
    rows: list[AspRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(cells[1:], start=2):
        if not any(c.strip() for c in raw):
            continue

        def cell(key: str, raw: list[str] = raw) -> str:
            i = where.get(key)
            return raw[i].strip() if i is not None and i < len(raw) else ""

        iin = cell("iin")
        try:
            parse_iin(iin)
        except IdentifierError as exc:
            errors.append(
                RowError(
                    n,
                    _("IIN %(iin)s is not valid: %(reason)s")
                    % {"iin": iin, "reason": str(exc).split(": ", 1)[-1]},
                )
            )
            continue
        try:
            start = _date(cell("valid_from"))
            end = _date(cell("valid_to"))
        except ValueError as exc:
            errors.append(
                RowError(n, _("%(d)s is not a date (YYYY-MM-DD or DD.MM.YYYY)") % {"d": exc})
            )
            continue
        if start is None:
            errors.append(RowError(n, _("the period has no start date")))
            continue
        if end is not None and end < start:
            errors.append(RowError(n, _("the end date is before the start date")))
            continue
        if iin in seen:
            errors.append(
                RowError(n, _("IIN %(iin)s is already in row %(r)s") % {"iin": iin, "r": seen[iin]})
            )
            continue
        seen[iin] = n
        rows.append(AspRow(n, iin, start, end))
    return rows, errors
