# ruff: noqa: S608 - SQL is built from model identifiers and column definitions, never file content
"""The PostgreSQL fast path for large CSV files (ADR 0043).

The raw file is streamed into a TEMP table of text columns with ``COPY … (FORMAT csv)``; every
cell is then validated by one set-based query that mirrors the column types of ``registry.py``
(formats, IIN/BIN check digits, real dates, choices), resolves references with joins, and
collects error codes per row; duplicates are found with a window function. Valid rows go to the
same staging table as the streaming path, so classification and the merge are shared.

It is used for PostgreSQL, CSV files above a size threshold, regional (full-scope) imports and
registries whose columns all have an SQL form; anything else, or any surprise while copying
(ragged rows, NUL bytes, over-long lines, undecodable bytes), falls back to the streaming path,
which reports such problems row by row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection

from .readers import Table, max_line_bytes
from .registry import (
    Bin,
    Bool,
    Choice,
    ChoiceList,
    Code,
    Column,
    Date,
    Float,
    Iin,
    IntChoice,
    Integer,
    KatoCode,
    Text,
)

if TYPE_CHECKING:
    from .pipeline import Importer, Outcome

SUPPORTED = (Text, Code, Integer, Float, Date, Choice, Iin, Bin, KatoCode, ChoiceList, Bool)


class Unavailable(Exception):
    """The fast path cannot take this file: use the streaming path."""


def _lit(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def min_bytes() -> int:
    return int(getattr(settings, "KELESHEK", {}).get("INTAKE_FAST_PATH_MIN_BYTES", 5 << 20))


def eligible(imp: Importer, table: Table, mapped: list[tuple[int, Column]], path: Path) -> bool:
    reg = imp.registry
    if connection.vendor != "postgresql" or table.kind != "csv" or not imp.scope.everything:
        return False
    if path.stat().st_size < min_bytes() or imp.self_refs or imp.m2m_cols:
        return False
    if reg.row_checks and "sql_checks" not in reg.extra:
        return False
    if reg.derive and "sql_derive" not in reg.extra:
        return False
    if table.encoding is None or table.delimiter is None:
        return False
    for _i, col in mapped:
        if type(col.type) not in SUPPORTED or (col.ref and col.self_ref):
            return False
        if isinstance(col.type, ChoiceList) and not (imp.child and col.key == imp.child.column):
            return False
    return True


# --- per-type SQL -------------------------------------------------------------------------


def _digit(v: str, i: int) -> str:
    return f"(ascii(substr({v},{i},1))-48)"


def _check_digit(v: str) -> str:
    """The IIN/BIN check digit as SQL (-1: cannot be issued), DOMAIN.md section 3."""
    w1 = range(1, 12)
    w2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
    s1 = "+".join(f"{_digit(v, i + 1)}*{w}" for i, w in enumerate(w1))
    s2 = "+".join(f"{_digit(v, i + 1)}*{w}" for i, w in enumerate(w2))
    return (
        f"(CASE WHEN ({s1}) % 11 <> 10 THEN ({s1}) % 11 "
        f"WHEN ({s2}) % 11 <> 10 THEN ({s2}) % 11 ELSE -1 END)"
    )


def _valid_ymd(y: str, m: str, d: str) -> str:
    return (
        f"({m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND "
        f"extract(day from make_date({y}, CASE WHEN {m} BETWEEN 1 AND 12 THEN {m} ELSE 1 END, 1)"
        f" + interval '1 month - 1 day')::int)"
    )


def _type_sql(col: Column, v: str) -> tuple[str, list[tuple[str, str]]]:
    """(typed value expression, [(code, condition)]) for a non-blank cell ``v``; conditions
    are checked in order, the first true one is the cell's error."""
    t = col.type
    if isinstance(t, Text):
        value = f"(CASE WHEN {v} ~ '^''[-=+@\\t\\r]' THEN substr({v}, 2) ELSE {v} END)"
        return value, [("too_long", f"char_length({value}) > {t.max_length}")]
    if isinstance(t, Code):
        return v, [
            ("too_long", f"char_length({v}) > {t.max_length}"),
            ("choice", f"NOT {v} ~ {_lit('^(' + t.pattern + ')$')}"),
        ]
    if isinstance(t, Integer):
        s = f"translate({v}, ' ' || chr(160), '')"
        checks = [("integer", f"NOT {s} ~ '^[-+]?[0-9]{{1,18}}$'")]
        if t.min is not None:
            checks.append(("min", f"{s}::numeric < {t.min}"))
        if t.max is not None:
            checks.append(("max", f"{s}::numeric > {t.max}"))
        return f"{s}::bigint", checks
    if isinstance(t, Float):
        s = f"replace({v}, ',', '.')"
        checks = [
            ("number", f"NOT {s} ~ '^[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?$'")
        ]
        if t.min is not None:
            checks.append(("min", f"{s}::float8 < {t.min}"))
        if t.max is not None:
            checks.append(("max", f"{s}::float8 > {t.max}"))
        return f"{s}::float8", checks
    if isinstance(t, Date):
        iso = f"{v} ~ '^[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}$'"
        dmy = f"{v} ~ '^[0-9]{{1,2}}\\.[0-9]{{1,2}}\\.[0-9]{{4}}$'"
        y = f"(CASE WHEN {iso} THEN split_part({v},'-',1) ELSE split_part({v},'.',3) END)::int"
        m = f"(CASE WHEN {iso} THEN split_part({v},'-',2) ELSE split_part({v},'.',2) END)::int"
        d = f"(CASE WHEN {iso} THEN split_part({v},'-',3) ELSE split_part({v},'.',1) END)::int"
        value = f"make_date({y}, {m}, {d})"
        return value, [
            ("date", f"NOT ({iso} OR {dmy})"),
            ("impossible_date", f"NOT {_valid_ymd(y, m, d)}"),
            (
                "date_range",
                f"{value} NOT BETWEEN {_lit(t.min.isoformat())}::date "
                f"AND {_lit(t.max.isoformat())}::date",
            ),
        ]
    if isinstance(t, Bool):
        true = ", ".join(
            _lit(x) for x in ("1", "true", "yes", "y", "да", "д", "иә", "ия", "и", "+")
        )
        false = ", ".join(_lit(x) for x in ("0", "false", "no", "n", "нет", "н", "жоқ", "ж", "-"))
        value = (
            f"(CASE WHEN lower({v}) IN ({true}) THEN TRUE "
            f"WHEN lower({v}) IN ({false}) THEN FALSE END)"
        )
        return value, [("bool", f"{value} IS NULL")]
    if isinstance(t, Choice):
        cases = " ".join(f"WHEN {_lit(c.lower())} THEN {_lit(c)}" for c in t.choices)
        value = f"(CASE lower({v}) {cases} END)"
        if isinstance(t, IntChoice):
            return f"{value}::int", [("choice", f"{value} IS NULL")]
        return value, [("choice", f"{value} IS NULL")]
    if isinstance(t, KatoCode):
        return v, [("kato_format", f"NOT {v} ~ '^[0-9]{{9}}$'")]
    if isinstance(t, Iin | Bin):
        kind = "iin" if isinstance(t, Iin) else "bin"
        cd = _check_digit(v)
        checks = [
            (f"{kind}_format", f"NOT {v} ~ '^[0-9]{{12}}$'"),
            (f"{kind}_unissuable", f"{cd} = -1"),
            (f"{kind}_check_digit", f"{cd} <> {_digit(v, 12)}"),
        ]
        if kind == "iin":
            c7 = _digit(v, 7)
            yy, mm, dd = f"substr({v},1,2)::int", f"substr({v},3,2)::int", f"substr({v},5,2)::int"
            century = f"(CASE WHEN {c7} = 0 THEN 2000 ELSE (({c7} + 1) / 2 + 17) * 100 END)"
            checks += [
                ("iin_century", f"{c7} > 6"),
                ("iin_date", f"NOT {_valid_ymd(f'({century} + {yy})', mm, dd)}"),
            ]
        else:
            checks += [
                ("bin_date", f"substr({v},3,2)::int > 12"),
                ("bin_entity_type", f"substr({v},5,1) NOT IN ('4','5','6')"),
            ]
        return v, checks
    raise Unavailable(type(t).__name__)


# --- the run ------------------------------------------------------------------------------


def run(
    imp: Importer, table: Table, mapped: list[tuple[int, Column]], path: Path, out: Outcome
) -> None:
    raw = f"{imp.stg}_raw"
    chk = f"{imp.stg}_chk"
    width = len(table.header)
    cols = [f"c{i}" for i in range(width)]
    try:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {raw}")
            cur.execute(
                f"CREATE TEMP TABLE {raw} (_row bigserial, {', '.join(c + ' text' for c in cols)})"
            )
            _copy(imp, cur, raw, cols, table, path)
            _validate(imp, cur, raw, chk, mapped, width, out)
            _collect_errors(imp, cur, raw, chk, mapped, width, out)
            _stage(imp, cur, chk, mapped)
    finally:
        try:
            with connection.cursor() as cur:
                cur.execute(f"DROP TABLE IF EXISTS {raw}")
                cur.execute(f"DROP TABLE IF EXISTS {chk}")
        except DatabaseError:
            pass  # an aborted transaction: its rollback removes the temp tables


def _copy(imp: Importer, cur: Any, raw: str, cols: list[str], table: Table, path: Path) -> None:
    encoding = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "cp1251": "WIN1251"}[table.encoding or ""]
    delimiter = _lit(table.delimiter)
    limit = max_line_bytes()
    size = path.stat().st_size
    sql = (
        f"COPY {raw} ({', '.join(cols)}) FROM STDIN "
        f"(FORMAT csv, HEADER true, DELIMITER {delimiter}, ENCODING '{encoding}')"
    )
    done = 0
    since_newline = 0
    try:
        with path.open("rb") as fh, cur.cursor.copy(sql) as cp:
            if table.encoding == "utf-8-sig":
                fh.read(3)
            while chunk := fh.read(1 << 20):
                if b"\x00" in chunk:
                    raise Unavailable("NUL byte")
                last = chunk.rfind(b"\n")
                if last == -1:
                    since_newline += len(chunk)
                else:
                    if since_newline + chunk.find(b"\n") > limit:
                        raise Unavailable("long line")
                    since_newline = len(chunk) - last - 1
                if since_newline > limit:
                    raise Unavailable("long line")
                cp.write(chunk)
                done += len(chunk)
                if imp.progress:
                    imp.progress(0, done / size, 0.0)
    except DatabaseError as exc:
        raise Unavailable(str(exc)) from exc


def _validate(
    imp: Importer,
    cur: Any,
    raw: str,
    chk: str,
    mapped: list[tuple[int, Column]],
    width: int,
    out: Outcome,
) -> None:
    reg = imp.registry
    joins: list[str] = []
    typed: dict[str, str] = {}  # column key -> typed value (NULL when blank or invalid)
    error_items: list[str] = []
    for i, col in mapped:
        v = f"NULLIF(btrim(r.c{i}), '')"
        if imp.child and col.key == imp.child.column:
            choices = getattr(col.type, "choices", ())
            bad = (
                f"EXISTS (SELECT 1 FROM regexp_split_to_table(coalesce({v}, ''), '[;,]') x "
                f"WHERE btrim(x) <> '' AND btrim(x) NOT IN ({', '.join(_lit(c) for c in choices)}))"
            )
            error_items.append(f"CASE WHEN {bad} THEN '{col.key}:choice' END")
            typed[col.key] = f"coalesce({v}, '')"
            continue
        value, checks = _type_sql(col, v)
        ref_ok = ""
        if col.ref is not None:
            model = apps.get_model(col.ref.model)
            key_col = model._meta.get_field(col.ref.key_field).column
            alias = f"ref{i}"
            joins.append(
                f"LEFT JOIN {connection.ops.quote_name(model._meta.db_table)} {alias} "
                f"ON {alias}.{connection.ops.quote_name(key_col)} = {v}"
            )
            ref_ok = f"{alias}.{connection.ops.quote_name(model._meta.pk.column)}"
        # the first failing check of the cell, or NULL
        whens = " ".join(f"WHEN {cond} THEN '{col.key}:{code}'" for code, cond in checks)
        if col.ref is not None:
            cell = (
                f"CASE WHEN {v} IS NULL OR {ref_ok} IS NOT NULL THEN NULL {whens} "
                f"ELSE '{col.key}:unknown_ref' END"
            )
            typed[col.key] = ref_ok
        else:
            cell = f"CASE WHEN {v} IS NULL THEN NULL {whens} END"
            typed[col.key] = f"CASE WHEN {v} IS NULL THEN NULL ELSE {value} END"
        if col.required:
            cell = f"CASE WHEN {v} IS NULL THEN '{col.key}:required' ELSE {cell} END"
        error_items.append(cell)
        typed[col.key + "__raw_ok"] = f"({cell}) IS NULL"
    blank = " AND ".join(f"NULLIF(btrim(r.c{i}), '') IS NULL" for i in range(width))
    select_typed = []
    for _i, col in mapped:
        expr = typed[col.key]
        if col.ref is None and not (imp.child and col.key == imp.child.column):
            expr = f"CASE WHEN {typed[col.key + '__raw_ok']} THEN {expr} END"
        select_typed.append(f"{expr} AS t_{col.key}")
    errs = f"array_remove(ARRAY[{', '.join(error_items)}]::text[], NULL)"
    cur.execute(
        f"CREATE TEMP TABLE {chk} AS SELECT r._row, {', '.join(select_typed)}, {errs} AS errs "
        f"FROM {raw} r {' '.join(joins)} WHERE NOT ({blank})"
    )
    # cross-field checks, on rows whose cells are all valid
    for key, code, template in reg.extra.get("sql_checks", []):
        cond = template.format(**{c.key: f"t_{c.key}" for _i, c in mapped if c.key in template})
        cur.execute(
            f"UPDATE {chk} SET errs = errs || '{key}:{code}'::text "
            f"WHERE cardinality(errs) = 0 AND {cond}"
        )
    # duplicates inside the file (the first valid occurrence wins)
    nk = ", ".join(f"t_{k}" for k in reg.natural_key)
    first_key = reg.natural_key[0]
    cur.execute(
        f"UPDATE {chk} c SET errs = errs || ('{first_key}:duplicate:' || d.first)::text "
        f"FROM (SELECT _row, min(_row) OVER (PARTITION BY {nk}) AS first FROM {chk} "
        f"WHERE cardinality(errs) = 0) d WHERE c._row = d._row AND d.first < d._row"
    )
    cur.execute(f"SELECT count(*), count(*) FILTER (WHERE cardinality(errs) > 0) FROM {chk}")
    total, invalid = cur.fetchone()
    out.total, out.invalid = int(total), int(invalid)


def _collect_errors(
    imp: Importer,
    cur: Any,
    raw: str,
    chk: str,
    mapped: list[tuple[int, Column]],
    width: int,
    out: Outcome,
) -> None:
    import csv
    import tempfile

    from .pipeline import MAX_ERRORS_KEPT, RowError

    reg = imp.registry
    by_key = {c.key: (i, c) for i, c in mapped}
    fd, name = tempfile.mkstemp(prefix="keleshek-intake-", suffix=".csv")
    out.bad_rows_path = Path(name)
    cells_sql = ", ".join(f"r.c{i}" for i in range(width))
    with open(fd, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        cur.execute(
            f"SELECT r._row, c.errs, {cells_sql} FROM {chk} c JOIN {raw} r ON r._row = c._row "
            f"WHERE cardinality(c.errs) > 0 ORDER BY r._row"
        )
        while rows := cur.fetchmany(2000):
            for row in rows:
                row_no = int(row[0]) + 1
                cells = ["" if c is None else c for c in row[2:]]
                errors = []
                for item in row[1]:
                    key, code, *rest = item.split(":")
                    idx, col = by_key.get(key, (None, None))
                    value = cells[idx].strip() if idx is not None else ""
                    params = _params(col, code, value, rest, reg)
                    header = col.header("en") if col else ""
                    errors.append(RowError(row_no, key, header, value, code, params))
                if len(out.errors) < MAX_ERRORS_KEPT:
                    out.errors.extend(errors[: MAX_ERRORS_KEPT - len(out.errors)])
                writer.writerow(
                    [
                        row_no,
                        json.dumps(cells, ensure_ascii=False),
                        json.dumps([e.as_dict() for e in errors], ensure_ascii=False),
                    ]
                )


def _params(col: Column | None, code: str, value: str, rest: list[str], reg: Any) -> dict[str, Any]:
    t = col.type if col else None
    if code == "min":
        return {"min": getattr(t, "min", "")}
    if code in ("max", "too_long"):
        return {"max": getattr(t, "max", getattr(t, "max_length", ""))}
    if code == "choice":
        return {"allowed": ", ".join(getattr(t, "choices", ())) or getattr(t, "pattern", "")}
    if code == "unknown_ref":
        return {"what": col.ref.what if col and col.ref else "", "value": value}
    if code == "date_range":
        return {"min": getattr(t, "min", ""), "max": getattr(t, "max", "")}
    if code == "duplicate":
        return {"row": int(rest[0]) + 1 if rest else "", "key": ", ".join(reg.natural_key)}
    if code == "iin_birth_date":
        return {"iin_date": ""}
    return {}


def _stage(imp: Importer, cur: Any, chk: str, mapped: list[tuple[int, Column]]) -> None:
    reg = imp.registry
    present = {c.key for _i, c in mapped}
    exprs: list[str] = []
    derive = reg.extra.get("sql_derive", {})
    subst = {c.key: f"t_{c.key}" for _i, c in mapped}
    for col in imp.scalar_cols:
        default = "NULL" if col.default is None else _lit(col.default)
        exprs.append(f"coalesce(t_{col.key}, {default})" if col.key in present else default)
    for attr in reg.derived_attrs:
        exprs.append(derive[attr].format(**subst))
    extra: list[str] = []
    if imp.child:
        extra.append("'1'")
    names = ", ".join(connection.ops.quote_name(c) for c in imp.db_cols + imp.extra_cols)
    cur.execute(
        f"INSERT INTO {imp.stg} ({names}) SELECT {', '.join(exprs + extra)} FROM {chk} "
        f"WHERE cardinality(errs) = 0"
    )
    if imp.child:
        key = f"t_{reg.natural_key[0]}"
        cur.execute(
            f"INSERT INTO {imp.stg_set} (k, v) SELECT DISTINCT {key}, btrim(x) FROM {chk}, "
            f"regexp_split_to_table(t_{imp.child.column}, '[;,]') x "
            f"WHERE cardinality(errs) = 0 AND btrim(x) <> ''"
        )
