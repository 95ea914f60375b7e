"""Templates, exports and error reports as CSV or XLSX, written as streams.

Exports iterate the database in chunks (``values_list(...).iterator()``) and write rows as they
come: a CSV goes straight to the response or file; an XLSX is written by openpyxl's write-only
mode, which keeps only the current row in memory. Both are written by the one spreadsheet writer,
``core.spreadsheets``: text a spreadsheet would read as a formula is neutralised with a leading
apostrophe (the import removes it again).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from keleshek.core import spreadsheets

from .pipeline import read_bad_rows
from .registry import Column, Registry

CHUNK = 2000


def headers(registry: Registry, lang: str) -> list[str]:
    return [c.header(lang) for c in registry.columns]


def example_row(registry: Registry) -> list[Any]:
    return [c.example for c in registry.columns]


def export_rows(registry: Registry, qs: QuerySet, user: Any = None) -> Iterator[list[Any]]:
    """The registry's rows as cell values (template columns), streamed in chunks; personal
    columns as the privacy policy shows them to ``user`` (``None``: the operator at the server,
    in clear)."""
    rows = _export_rows(registry, qs)
    if user is None or not any(c.personal for c in registry.columns):
        return rows
    return _masked(registry, rows, user)


def _masked(registry: Registry, rows: Iterator[list[Any]], user: Any) -> Iterator[list[Any]]:
    from keleshek.accounts import privacy

    shows = [
        privacy.show(user, privacy.Field(c.personal)) if c.personal else privacy.Show.CLEAR
        for c in registry.columns
    ]
    if all(s is privacy.Show.CLEAR for s in shows):
        yield from rows
        return
    keys = [c.key for c in registry.columns]
    for row in rows:
        out = list(row)
        for i, s in enumerate(shows):
            if s is privacy.Show.CLEAR:
                continue
            out[i] = "" if s is privacy.Show.ABSENT else _mask(keys[i], out[i])
        yield out


def _mask(key: str, value: Any) -> Any:
    """A masked cell: the IIN's first and last two digits, the first name's initial, the birth
    year; the middle name and anything else not at all."""
    from keleshek.accounts import privacy

    text = "" if value is None else str(value)
    if key == "iin":
        return privacy.mask_iin(text)
    if key == "last_name":
        return text
    if key == "first_name":
        return privacy.mask_first_name(text)
    if key == "birth_date":
        return text[:4]
    return ""


def _export_rows(registry: Registry, qs: QuerySet) -> Iterator[list[Any]]:
    scalar = [c for c in registry.columns if not c.m2m and not _is_child(registry, c)]
    lookups = ["pk", *(c.lookup for c in scalar)]
    m2m = [c for c in registry.columns if c.m2m]
    child = registry.child_set
    buffer: list[tuple[Any, ...]] = []
    for row in qs.order_by("pk").values_list(*lookups).iterator(chunk_size=CHUNK):
        buffer.append(row)
        if len(buffer) >= CHUNK:
            yield from _emit(registry, scalar, m2m, child, buffer)
            buffer = []
    if buffer:
        yield from _emit(registry, scalar, m2m, child, buffer)


def _is_child(registry: Registry, col: Column) -> bool:
    child = registry.child_set
    return child is not None and col.key in (child.column, *child.date_columns)


def _emit(
    registry: Registry, scalar: list[Column], m2m: list[Column], child: Any, rows: list[tuple]
) -> Iterator[list[Any]]:
    from django.apps import apps
    from django.db.models import Q
    from django.utils import timezone

    ids = [r[0] for r in rows]
    extra: dict[str, dict[int, list[str]]] = {}
    model = registry.model
    for col in m2m:
        assert col.m2m
        assert col.ref
        through = getattr(model, col.m2m).through
        src = f"{model._meta.model_name}_id"
        target_field = next(
            f for f in through._meta.concrete_fields if f.attname not in ("id", src)
        )
        key_lookup = f"{target_field.name}__{col.ref.key_field}"
        m: dict[int, list[str]] = {}
        for a, k in through.objects.filter(**{f"{src}__in": ids}).values_list(src, key_lookup):
            m.setdefault(a, []).append(str(k))
        extra[col.key] = m
    if child is not None:
        cm = apps.get_model(child.model)
        today = timezone.localdate()
        m = {}
        active = Q(**{f"{child.end_attr}__isnull": True}) | Q(**{f"{child.end_attr}__gte": today})
        for a, v in (
            cm.objects.filter(active, **{f"{child.fk_attr}__in": ids})
            .order_by(child.value_attr)
            .values_list(child.fk_attr, child.value_attr)
        ):
            m.setdefault(a, []).append(v)
        extra[child.column] = m
        for key in child.date_columns:  # a row's codes may differ in period: left blank
            extra[key] = {}
    for row in rows:
        values = dict(zip([c.key for c in scalar], row[1:], strict=True))
        out: list[Any] = []
        for col in registry.columns:
            if col.key in extra:
                out.append(";".join(sorted(set(extra[col.key].get(row[0], [])))))
            else:
                out.append(col.type.export(values[col.key]))
        yield out


# --- CSV and XLSX: the one spreadsheet writer (core.spreadsheets, ADR 0130) ---------------


def csv_stream(header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with BOM (Excel opens it correctly), semicolon-separated, streamed."""
    return spreadsheets.csv_stream(header, rows)


def write_xlsx(
    path: Path, header: list[str], rows: Iterable[list[Any]], *, title: str = "data"
) -> None:
    """Write-only XLSX. Every cell is text (so codes and identifiers keep leading zeros)."""
    spreadsheets.write_xlsx(path, header, rows, title=title, text=True)


def write_error_report(
    path: Path, header: list[str], bad_rows_path: Path, registry: Registry | None = None
) -> int:
    """XLSX of the refused rows: original cells, bad cells filled red with the problem as a
    comment, an “Errors” column naming each bad cell by the file's own header.
    Fix the rows and send this very file again: the Errors column is ignored on import."""
    red = "FFC7CE"
    book = spreadsheets.Book()
    ws = book.sheet(gettext("Errors"))
    out_header = [*header, gettext("Errors"), gettext("Row in the sent file")]
    ws.append(out_header, bold=True)
    position = column_positions(header, registry)
    count = 0
    for row_no, cells, errors in read_bad_rows(bad_rows_path):
        count += 1
        bad_cols: dict[int, list[str]] = {}
        parts: list[str] = []
        for e in errors:
            idx = position.get(e.column) if e.column else None
            if idx is None and e.header:
                idx = position.get(_norm(e.header))
            if idx is not None:
                bad_cols.setdefault(idx, []).append(e.message())
                parts.append(f"{header[idx]}: {e.message()}")
            else:
                parts.append(e.message())
        padded = list(cells) + [""] * (len(header) - len(cells))
        row: list[Any] = []
        for i, v in enumerate(padded[: max(len(header), len(cells))]):
            if i in bad_cols:
                row.append(spreadsheets.Cell(v, fill=red, comment="; ".join(bad_cols[i])))
            else:
                row.append(v)
        ws.append([*row[: len(header)], spreadsheets.Cell("; ".join(parts), fill=red), row_no])
    book.save(path)
    return count


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def column_positions(header: list[str], registry: Registry | None) -> dict[str, int]:
    """Where each column is in the sent file: by the registry's column key (whatever language
    the file's headers are in) and by the header text itself."""
    position: dict[str, int] = {}
    names: dict[str, str] = {}
    if registry is not None:
        for col in registry.columns:
            for h in (col.key, *col.headers.values()):
                names[_norm(h)] = col.key
    for i, h in enumerate(header):
        n = _norm(h)
        if not n:
            continue
        position.setdefault(n, i)
        if n in names:
            position.setdefault(names[n], i)
    return position


def template_bytes(registry: Registry, lang: str, fmt: str) -> bytes:
    head = headers(registry, lang)
    rows = [example_row(registry)]
    if fmt == "csv":
        return b"".join(csv_stream(head, rows))
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_xlsx(Path(tmp.name), head, rows, title=registry.name)
        return Path(tmp.name).read_bytes()


__all__ = [
    "csv_stream",
    "export_rows",
    "headers",
    "io",
    "template_bytes",
    "write_error_report",
    "write_xlsx",
]
