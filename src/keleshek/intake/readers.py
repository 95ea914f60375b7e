"""Reading CSV and XLSX files as a stream of rows, with bounded resources.

Hostile input is refused with a ``FileRejected`` whose code selects a translated message: not a
zip, a zip bomb (declared sizes and compression ratios are checked before anything is
decompressed, and the sheet is then streamed with the zip module's size and CRC checks), hidden
sheets, merged header cells, formulas, NUL bytes, over-long lines. Rows are yielded one at a
time; nothing holds a whole CSV file in memory. XLSX cells are read with python-calamine (see
ADR 0041), after a streamed structural scan of the sheet's XML.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils.translation import gettext_lazy as _

REJECTIONS: dict[str, Any] = {
    "empty": _("the file is empty"),
    "no_header": _("the first row must hold the column headers"),
    "not_xlsx": _("not a valid XLSX workbook (save it as .xlsx or as CSV)"),
    "zip_bomb": _("the workbook decompresses to an unreasonable size (a zip bomb?)"),
    "hidden_sheets": _("the workbook has hidden sheets (%(sheets)s): unhide or delete them"),
    "merged_header": _("merged cells in the header row (%(ref)s): one header per column"),
    "merged_cells": _("merged cells (%(ref)s): unmerge them, one value per cell"),
    "formulas": _("cell %(ref)s holds a formula: paste values only (Paste special → Values)"),
    "nul_byte": _("the file contains NUL bytes: it is not a text CSV file"),
    "line_too_long": _("line %(line)s is longer than %(limit)s bytes"),
    "encoding": _("the file is neither UTF-8 nor Windows-1251 text"),
    "csv_syntax": _("CSV syntax error near line %(line)s: %(detail)s"),
    "unknown_column": _("unknown column “%(header)s”"),
    "duplicate_column": _("column “%(header)s” appears twice"),
    "missing_column": _("required column missing: %(header)s"),
    "too_many_errors": _("more than %(limit)s invalid rows: stopped reading"),
    "too_many_columns": _("too many columns (%(got)s)"),
    "database": _("the database refused the data: %(detail)s"),
    "service": _("%(key)s: %(detail)s"),
    "forbidden": _("your role may not import this registry"),
}


class FileRejected(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}")

    def message(self) -> str:
        return (
            str(REJECTIONS[self.code]) % self.params if self.params else str(REJECTIONS[self.code])
        )


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, "KELESHEK", {}).get(name, default))


def max_line_bytes() -> int:
    return _limit("INTAKE_MAX_LINE_BYTES", 1 << 20)


def max_unzipped_bytes() -> int:
    return _limit("INTAKE_MAX_UNZIPPED_BYTES", 1 << 30)


def max_zip_ratio() -> int:
    return _limit("INTAKE_MAX_ZIP_RATIO", 200)


MAX_COLUMNS = 200


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[Any], str | None]]  # (row number, cells, problem code)
    kind: str  # "csv" | "xlsx"
    total_rows: int | None = None  # known for XLSX
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    _fh: BinaryIO | None = None
    _size: int = 0

    def fraction(self) -> float | None:
        if self._fh is not None and self._size:
            try:
                return min(1.0, self._fh.tell() / self._size)
            except (OSError, ValueError):
                return None
        return None

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def open_table(path: Path) -> Table:
    size = path.stat().st_size
    if size == 0:
        raise FileRejected("empty")
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path)
    return _open_csv(path, size)


# --- CSV ----------------------------------------------------------------------------------


def _detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a cut multi-byte character at the end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1251")
    except UnicodeDecodeError:
        raise FileRejected("encoding") from None
    return "cp1251"


def _detect_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(path: Path, size: int) -> Table:
    limit = max_line_bytes()
    fh = path.open("rb")
    try:
        sample = fh.read(min(size, 1 << 16))
        if b"\x00" in sample:
            raise FileRejected("nul_byte")
        encoding = _detect_encoding(sample)
        fh.seek(0)
        first = fh.readline(limit + 1)
        if len(first) > limit:
            raise FileRejected("line_too_long", line=1, limit=limit)
        fh.seek(0)
    except BaseException:
        fh.close()
        raise
    first_text = first.decode(encoding, errors="replace")
    delimiter = _detect_delimiter(first_text)
    bad_lines: set[int] = set()

    def lines() -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(encoding)()
        n = 0
        while True:
            raw = fh.readline(limit + 1)
            if not raw:
                return
            n += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                raise FileRejected("line_too_long", line=n, limit=limit)
            if b"\x00" in raw:
                raise FileRejected("nul_byte")
            try:
                yield decoder.decode(raw)
            except UnicodeDecodeError:
                decoder.reset()
                bad_lines.add(n)
                yield raw.decode(encoding, errors="replace")

    reader = csv.reader(lines(), delimiter=delimiter)
    csv.field_size_limit(limit)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise FileRejected("empty") from None
    except csv.Error as exc:
        fh.close()
        raise FileRejected("csv_syntax", line=1, detail=str(exc)) from None
    header = [h.strip() for h in header]
    if len(header) > MAX_COLUMNS:
        fh.close()
        raise FileRejected("too_many_columns", got=len(header))

    def rows() -> Iterator[tuple[int, list[Any], str | None]]:
        row_no = 1
        try:
            for cells in reader:
                row_no += 1
                problem = "encoding" if reader.line_num in bad_lines else None
                yield row_no, cells, problem
        except csv.Error as exc:
            raise FileRejected("csv_syntax", line=reader.line_num, detail=str(exc)) from None

    return Table(
        header=header,
        rows=rows(),
        kind="csv",
        encoding=encoding,
        delimiter=delimiter,
        _fh=fh,
        _size=size,
    )


# --- XLSX ---------------------------------------------------------------------------------

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_FORMULA = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?>(?!</)|<(?:\w+:)?f\s[^>]*/>")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+\d+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _check_zip(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > 10_000:
        raise FileRejected("zip_bomb")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > (1 << 20) and ratio > max_zip_ratio():
            raise FileRejected("zip_bomb")
    if total > max_unzipped_bytes():
        raise FileRejected("zip_bomb")


def _first_sheet_part(zf: zipfile.ZipFile) -> tuple[str, str]:
    """The first sheet's name and part path; refuses workbooks with hidden sheets."""
    try:
        workbook = ET.fromstring(zf.read("xl/workbook.xml"))  # noqa: S314
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ET.ParseError):
        raise FileRejected("not_xlsx") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    sheets = workbook.findall(f"{_NS_MAIN}sheets/{_NS_MAIN}sheet")
    if not sheets:
        raise FileRejected("not_xlsx")
    hidden = [s.get("name", "?") for s in sheets if s.get("state") in ("hidden", "veryHidden")]
    if hidden:
        raise FileRejected("hidden_sheets", sheets=", ".join(hidden))
    first = sheets[0]
    target = targets.get(first.get(f"{_NS_REL}id"), "")
    if not target:
        raise FileRejected("not_xlsx")
    part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return first.get("name", ""), part


def _scan_sheet(zf: zipfile.ZipFile, part: str) -> None:
    """Stream the sheet's XML once: refuse formulas and merged cells. The zip module stops at
    the declared size and checks the CRC, so a lying header cannot inflate without bound."""
    try:
        stream = zf.open(part)
    except KeyError:
        raise FileRejected("not_xlsx") from None
    tail = b""
    read = 0
    with stream:
        while True:
            try:
                chunk = stream.read(1 << 20)
            except (zipfile.BadZipFile, OSError, EOFError):
                raise FileRejected("not_xlsx") from None
            if not chunk:
                break
            read += len(chunk)
            if read > max_unzipped_bytes():
                raise FileRejected("zip_bomb")
            buf = tail + chunk
            m = _FORMULA.search(buf)
            if m:
                refs = _CELL_REF.findall(buf, 0, m.start())
                raise FileRejected("formulas", ref=refs[-1].decode() if refs else "?")
            for mm in _MERGE.finditer(buf):
                ref = mm.group(0).split(b'"')[1].decode()
                first_row = int(mm.group(2))
                if first_row == 1:
                    raise FileRejected("merged_header", ref=ref)
                raise FileRejected("merged_cells", ref=ref)
            tail = buf[-512:]


def _open_xlsx(path: Path) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileRejected("not_xlsx") from None
    with zf:
        _check_zip(zf)
        _name, part = _first_sheet_part(zf)
        _scan_sheet(zf, part)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError) as exc:  # pragma: no cover - depends on file
        raise FileRejected("not_xlsx") from exc
    except Exception as exc:
        raise FileRejected("not_xlsx") from exc
    it = iter(sheet.iter_rows())
    try:
        header_cells = next(it)
    except StopIteration:
        raise FileRejected("empty") from None
    header = [str(c).strip() if c is not None else "" for c in header_cells]
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise FileRejected("no_header")
    if len(header) > MAX_COLUMNS:
        raise FileRejected("too_many_columns", got=len(header))
    start = sheet.start[0] if sheet.start else 0

    def rows() -> Iterator[tuple[int, list[Any], str | None]]:
        for i, cells in enumerate(it, start=start + 2):
            values = list(cells)
            while values and values[-1] == "":
                values.pop()
            yield i, values, None

    return Table(header=header, rows=rows(), kind="xlsx", total_rows=max(sheet.height - 1, 0))


def read_all_for_tests(data: bytes, suffix: str = ".csv") -> tuple[list[str], list[list[Any]]]:
    """A helper for tests: parse bytes fully (small inputs only)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        tmp.write(data)
        tmp.flush()
        table = open_table(Path(tmp.name))
        try:
            return table.header, [cells for _n, cells, _p in table.rows]
        finally:
            table.close()


__all__ = ["REJECTIONS", "FileRejected", "Table", "io", "open_table"]
