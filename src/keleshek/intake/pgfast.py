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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection

from .readers import Table, max_line_bytes
from .registry import (
    _FALSE,
    _TRUE,
    FORMULA_PREFIXES,
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
    Uuid,
)

if TYPE_CHECKING:
    from .pipeline import Importer, Outcome

SUPPORTED = (Text, Code, Integer, Float, Date, Choice, Iin, Bin, KatoCode, ChoiceList, Bool, Uuid)


class SqlColumns(dict[str, str]):
    """Column key -> its typed SQL value (``t_<key>``); a column the file leaves out is NULL."""

    def __missing__(self, key: str) -> str:
        return "NULL"


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
    if reg.row_checks and "sql_problems" not in reg.extra:
        return False
    if reg.derive and "sql_derive" not in reg.extra:
        return False
    if reg.transitions or imp.absent_inputs:
        return False  # stored values are read row by row on the streaming path
    if table.encoding is None or table.delimiter is None:
        return False
    for _i, col in mapped:
        if type(col.type) not in SUPPORTED or (col.ref and col.self_ref):
            return False
        if isinstance(col.type, ChoiceList) and not (imp.child and col.key == imp.child.column):
            return False
    return True


# --- per-type SQL -------------------------------------------------------------------------
#
# Each cell is validated in stages, each stage a sub-select behind an ``OFFSET 0`` fence so
# that PostgreSQL computes every helper once per row instead of inlining it into every place
# that uses it (ADR 0043): the trimmed text, then parsed parts (a date's regular-expression
# match, an IIN's digits), then sums, then the first failing check, then the typed value.


@dataclass
class CellPlan:
    """How one column is checked: helpers computed in stages 2 and 3 (``(name, expr)``), checks
    in order (the first true one is the cell's error) and the typed value of a valid cell."""

    value: str
    checks: list[tuple[str, str]]
    stage2: list[tuple[str, str]] = field(default_factory=list)
    stage3: list[tuple[str, str]] = field(default_factory=list)


def _valid_ymd(y: str, m: str, d: str) -> str:
    """A real calendar date, as integer arithmetic (no function calls)."""
    return (
        f"({y} BETWEEN 1 AND 9999 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND "
        f"CASE WHEN {m} IN (4, 6, 9, 11) THEN 30 WHEN {m} = 2 THEN "
        f"CASE WHEN {y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0) THEN 29 ELSE 28 END "
        f"ELSE 31 END)"
    )


# what Python's str.strip() removes, so that both paths agree on blank cells and trimming
_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_W1 = tuple(range(1, 12))
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_DATE_ISO = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"
_DATE_DMY = r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}$"
_FLOAT_RE = r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$"


def _trim(cell: str) -> str:
    """The cell without surrounding whitespace, NULL when nothing is left."""
    return f"NULLIF(btrim({cell}, {_lit(_SPACE)}), '')"


def _plan(col: Column, v: str, h: str) -> CellPlan:
    """The plan for a non-blank cell ``v``; helper names start with ``h``."""
    t = col.type
    if isinstance(t, Text):
        x = f"{h}x"
        unquote = (
            f"CASE WHEN left({v}, 1) = chr(39) AND substr({v}, 2, 1) IN "
            f"({', '.join(f'chr({ord(c)})' for c in FORMULA_PREFIXES)}) "
            f"THEN substr({v}, 2) ELSE {v} END"
        )
        return CellPlan(
            value=x,
            checks=[("too_long", f"char_length({x}) > {t.max_length}")],
            stage2=[(x, unquote)],
        )
    if isinstance(t, Code):
        return CellPlan(
            value=v,
            checks=[
                ("too_long", f"char_length({v}) > {t.max_length}"),
                ("choice", f"NOT {v} ~ {_lit('^(' + t.pattern + ')$')}"),
            ],
        )
    if isinstance(t, Integer):
        s = f"{h}s"
        checks = [("integer", f"NOT {s} ~ '^[-+]?[0-9]{{1,18}}$'")]
        if t.min is not None:
            checks.append(("min", f"{s}::numeric < {t.min}"))
        if t.max is not None:
            checks.append(("max", f"{s}::numeric > {t.max}"))
        return CellPlan(
            value=f"{s}::bigint",
            checks=checks,
            stage2=[(s, f"translate({v}, ' ' || chr(160), '')")],
        )
    if isinstance(t, Float):
        s = f"{h}s"
        checks = [("number", f"NOT {s} ~ {_lit(_FLOAT_RE)}")]
        if t.min is not None:
            checks.append(("min", f"{s}::float8 < {t.min}"))
        if t.max is not None:
            checks.append(("max", f"{s}::float8 > {t.max}"))
        return CellPlan(
            value=f"{s}::float8", checks=checks, stage2=[(s, f"replace({v}, ',', '.')")]
        )
    if isinstance(t, Date):
        # two plain matches and split_part: a single regexp_match with capture groups costs
        # ~15 µs a cell, ten times both of these together
        f, y, mo, d = f"{h}f", f"{h}y", f"{h}mo", f"{h}d"
        value = f"make_date({y}, {mo}, {d})"
        part = (
            "CASE {f} WHEN 1 THEN split_part({v}, '-', {a}) "
            "WHEN 2 THEN split_part({v}, '.', {b}) END"
        )
        return CellPlan(
            value=value,
            checks=[
                ("date", f"{f} IS NULL"),
                ("impossible_date", f"NOT {_valid_ymd(y, mo, d)}"),
                (
                    "date_range",
                    f"{value} NOT BETWEEN {_lit(t.min.isoformat())}::date "
                    f"AND {_lit(t.max.isoformat())}::date",
                ),
            ],
            stage2=[
                (
                    f,
                    f"CASE WHEN {v} ~ {_lit(_DATE_ISO)} THEN 1 "
                    f"WHEN {v} ~ {_lit(_DATE_DMY)} THEN 2 END",
                )
            ],
            stage3=[
                (y, f"({part.format(f=f, v=v, a=1, b=3)})::int"),
                (mo, f"({part.format(f=f, v=v, a=2, b=2)})::int"),
                (d, f"({part.format(f=f, v=v, a=3, b=1)})::int"),
            ],
        )
    if isinstance(t, Bool):
        b = f"{h}b"
        # the words the Python type accepts (registry.py), in a stable order
        true, false = (", ".join(_lit(x) for x in sorted(xs)) for xs in (_TRUE, _FALSE))
        expr = (
            f"CASE WHEN lower({v}) IN ({true}) THEN TRUE "
            f"WHEN lower({v}) IN ({false}) THEN FALSE END"
        )
        return CellPlan(value=b, checks=[("bool", f"{b} IS NULL")], stage2=[(b, expr)])
    if isinstance(t, Choice):
        c = f"{h}c"
        cases = " ".join(f"WHEN {_lit(x.lower())} THEN {_lit(x)}" for x in t.choices)
        return CellPlan(
            value=f"{c}::int" if isinstance(t, IntChoice) else c,
            checks=[("choice", f"{c} IS NULL")],
            stage2=[(c, f"CASE lower({v}) {cases} END")],
        )
    if isinstance(t, KatoCode):
        return CellPlan(value=v, checks=[("kato_format", f"NOT {v} ~ '^[0-9]{{9}}$'")])
    if isinstance(t, Uuid):
        x = f"{h}x"
        return CellPlan(
            value=f"{x}::uuid",
            checks=[("uuid", f"NOT {x} ~ '^[0-9a-f]{{32}}$'")],
            stage2=[(x, f"lower(translate({v}, '{{}}-', ''))")],
        )
    if isinstance(t, Iin | Bin):
        return _plan_identifier("iin" if isinstance(t, Iin) else "bin", v, h)
    raise Unavailable(type(t).__name__)


def _plan_identifier(kind: str, v: str, h: str) -> CellPlan:
    """IIN/BIN (DOMAIN.md section 3): the digits once as an array, the two weighted sums once."""
    a, q1, q2 = f"{h}a", f"{h}q1", f"{h}q2"
    s1 = "+".join(f"{a}[{i + 1}]*{w}" for i, w in enumerate(_W1))
    s2 = "+".join(f"{a}[{i + 1}]*{w}" for i, w in enumerate(_W2))
    checks = [
        (f"{kind}_format", f"{a} IS NULL"),
        (f"{kind}_unissuable", f"{q1} = 10 AND {q2} = 10"),
        (f"{kind}_check_digit", f"(CASE WHEN {q1} <> 10 THEN {q1} ELSE {q2} END) <> {a}[12]"),
    ]
    if kind == "iin":
        century = f"(CASE WHEN {a}[7] = 0 THEN 2000 ELSE (({a}[7] + 1) / 2 + 17) * 100 END)"
        year = f"({century} + {a}[1] * 10 + {a}[2])"
        month, day = f"({a}[3] * 10 + {a}[4])", f"({a}[5] * 10 + {a}[6])"
        checks += [
            ("iin_century", f"{a}[7] > 6"),
            ("iin_date", f"NOT {_valid_ymd(year, month, day)}"),
        ]
    else:
        checks += [
            ("bin_date", f"{a}[3] * 10 + {a}[4] > 12"),
            ("bin_entity_type", f"{a}[5] NOT IN (4, 5, 6)"),
        ]
    digits = f"CASE WHEN {v} ~ '^[0-9]{{12}}$' THEN string_to_array({v}, NULL)::int[] END"
    return CellPlan(
        value=v,
        checks=checks,
        stage2=[(a, digits)],
        stage3=[(q1, f"({s1}) % 11"), (q2, f"({s2}) % 11")],
    )


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
    """One pass over the raw rows (ADR 0201): cells, cross-field checks, keys found or made and
    the staged columns in a single ``CREATE TABLE … AS``, then duplicates, which need them all."""
    reg = imp.registry
    child = imp.child.column if imp.child else None
    cur.execute(f"CREATE TEMP TABLE {chk} AS {checked_query(imp, raw, mapped, width, child)}")
    # duplicates inside the file (the first valid occurrence wins): only keys seen twice are
    # sorted, found by a hash aggregate first
    _duplicates(imp, cur, chk, list(reg.natural_key))
    if reg.alt_key:
        alt = staged_column(imp, reg.alt_key)
        _duplicates(imp, cur, chk, [reg.alt_key], where=f"{alt} IS NOT NULL")
    cur.execute(f"SELECT count(*), count(*) FILTER (WHERE cardinality(errs) > 0) FROM {chk}")
    total, invalid = cur.fetchone()
    out.total, out.invalid = int(total), int(invalid)


def checked_query(
    imp: Importer, raw: str, mapped: list[tuple[int, Column]], width: int, child: str | None
) -> str:
    """``validation_query`` wrapped in the checks that used to be separate ``UPDATE`` passes,
    each rewriting every row: the registry's cross-field checks (``sql_problems``) on rows whose
    cells are all valid, the streaming path's ``_find_key`` (a blank natural key is the stored
    row's with the same alternative key, else a new one; a given key may not take another
    row's), and the staged columns (the file's values with their defaults, the derived fields
    from the registry's one SQL definition, cast to the target's column types)."""
    reg = imp.registry
    keys = [c.key for _i, c in mapped]
    t_cols = [f"t_{k}" for k in keys]
    sql = validation_query(raw, mapped, width, child)
    cols = SqlColumns({k: f"t_{k}" for k in keys})
    problems = reg.extra.get("sql_problems")
    if problems is not None:
        sql = (
            f"SELECT _row, {', '.join(t_cols)}, CASE WHEN cardinality(errs) = 0 "
            f"THEN errs || ({problems(cols)}) ELSE errs END AS errs FROM ({sql}) p OFFSET 0"
        )
    if reg.alt_key:
        sql = _keys_query(imp, sql, keys)
        keys = keys if reg.natural_key[0] in keys else [*keys, reg.natural_key[0]]
        cols = SqlColumns({k: f"t_{k}" for k in keys})
    q = connection.ops.quote_name
    staged: list[str] = []
    derive = reg.extra.get("sql_derive", {})
    model = imp.model
    from .pipeline import _model_field

    types = [_model_field(model, a).db_type(connection) for a in imp.attrs]
    exprs: list[str] = []
    for col in imp.scalar_cols:
        default = "NULL" if col.default is None else _lit(col.default)
        exprs.append(f"coalesce(t_{col.key}, {default})" if col.key in imp.present else default)
    for attr in reg.derived_attrs:
        exprs.append(derive[attr](cols))
    for expr, name, kind in zip(exprs, imp.db_cols, types, strict=True):
        staged.append(f"CAST({expr} AS {kind}) AS {q(name)}")
    if imp.child:
        staged.append("'1'::text AS _set")
    # the child set's cells stay for _stage; every other value is in its staged column
    own = [f"t_{k}" for k in keys if k in {c.key for c in imp.scalar_cols} | set(reg.natural_key)]
    kept = [c for c in (f"t_{k}" for k in keys) if c not in own]
    return f"SELECT {', '.join(['_row', 'errs', *kept, *staged])} FROM ({sql}) s OFFSET 0"


def staged_column(imp: Importer, key: str) -> str:
    """The staged (target's) column name holding the value of the file's column ``key``."""
    from .pipeline import _model_field

    field = _model_field(imp.model, imp.registry.column(key).db_attr)
    return connection.ops.quote_name(str(field.column))


def _keys_query(imp: Importer, sql: str, keys: list[str]) -> str:
    reg = imp.registry
    assert reg.alt_key
    q = connection.ops.quote_name
    model = imp.model
    from .pipeline import _model_field

    nk_key = reg.natural_key[0]
    nk_field = _model_field(model, reg.column(nk_key).db_attr)
    alt_field = _model_field(model, reg.column(reg.alt_key).db_attr)
    nk_col, alt_col = q(str(nk_field.column)), q(str(alt_field.column))
    given = f"k0.t_{nk_key}" if nk_key in keys else f"NULL::{nk_field.db_type(connection)}"
    others = [f"k0.t_{k}" for k in keys if k != nk_key]
    ok = "cardinality(k0.errs) = 0"
    return (
        f"SELECT k0._row, {', '.join(others)}, "
        f"CASE WHEN {ok} THEN coalesce({given}, k1.{nk_col}, gen_random_uuid()) "
        f"ELSE {given} END AS t_{nk_key}, "
        f"CASE WHEN {ok} AND k1.{nk_col} <> {given} "
        f"THEN k0.errs || '{reg.alt_key}:key_conflict'::text ELSE k0.errs END AS errs "
        f"FROM ({sql}) k0 LEFT JOIN {q(model._meta.db_table)} k1 "
        f"ON k1.{alt_col} = k0.t_{reg.alt_key} AND {ok} OFFSET 0"
    )


def _duplicates(imp: Importer, cur: Any, chk: str, keys: list[str], where: str = "TRUE") -> None:
    nk = ", ".join(staged_column(imp, k) for k in keys)
    valid = f"cardinality(errs) = 0 AND {where}"
    cur.execute(
        f"UPDATE {chk} c SET errs = errs || ('{keys[0]}:duplicate:' || d.first)::text "
        f"FROM (SELECT _row, min(_row) OVER (PARTITION BY {nk}) AS first FROM {chk} "
        f"WHERE {valid} AND ({nk}) IN (SELECT {nk} FROM {chk} "
        f"WHERE {valid} GROUP BY {nk} HAVING count(*) > 1)) d "
        f"WHERE c._row = d._row AND d.first < d._row"
    )


def validation_query(
    raw: str, mapped: list[tuple[int, Column]], width: int, child: str | None = None
) -> str:
    """One SELECT giving ``_row``, ``t_<key>`` (the typed value, NULL when blank or invalid)
    and ``errs`` (``key:code`` of each failing cell) for every non-blank row of ``raw``, whose
    text columns are ``c0 … c<width-1>``; ``child`` is the key of a child-set column."""
    joins: list[str] = []
    stage0 = ["r._row"]  # each cell trimmed once, then used by the blank test, joins and checks
    stage1 = ["z.*"]
    stage2: list[str] = []
    stage3: list[str] = []
    stage4: list[str] = []
    final = ["_row"]
    errors: list[str] = []
    for i, col in mapped:
        v, e = f"v{i}", f"e{i}"
        stage0.append(f"{_trim(f'r.c{i}')} AS {v}")
        if col.key == child:
            choices = ", ".join(_lit(c) for c in (*getattr(col.type, "choices", ()), ""))
            items = f"string_to_array(regexp_replace({v}, '\\s*[;,]\\s*', ';', 'g'), ';')"
            bad = f"{v} IS NOT NULL AND NOT {items} <@ ARRAY[{choices}]::text[]"
            stage4.append(f"CASE WHEN {bad} THEN '{col.key}:choice' END AS {e}")
            final.append(f"coalesce({v}, '') AS t_{col.key}")
            errors.append(e)
            continue
        plan = _plan(col, v, f"h{i}_")
        stage2 += [f"{expr} AS {name}" for name, expr in plan.stage2]
        stage3 += [f"{expr} AS {name}" for name, expr in plan.stage3]
        whens = " ".join(f"WHEN {cond} THEN '{col.key}:{code}'" for code, cond in plan.checks)
        if col.ref is not None:
            model = apps.get_model(col.ref.model)
            key_col = connection.ops.quote_name(model._meta.get_field(col.ref.key_field).column)
            alias = f"ref{i}"
            joins.append(
                f"LEFT JOIN {connection.ops.quote_name(model._meta.db_table)} {alias} "
                f"ON {alias}.{key_col} = z.{v}"
            )
            stage1.append(f"{alias}.{connection.ops.quote_name(model._meta.pk.column)} AS r{i}")
            cell = (
                f"CASE WHEN {v} IS NULL OR r{i} IS NOT NULL THEN NULL {whens} "
                f"ELSE '{col.key}:unknown_ref' END"
            )
            final.append(f"r{i} AS t_{col.key}")
        else:
            cell = f"CASE WHEN {v} IS NULL THEN NULL {whens} END"
            final.append(
                f"CASE WHEN {e} IS NULL AND {v} IS NOT NULL THEN {plan.value} END AS t_{col.key}"
            )
        if col.required:
            cell = f"CASE WHEN {v} IS NULL THEN '{col.key}:required' ELSE {cell} END"
        stage4.append(f"{cell} AS {e}")
        errors.append(e)
    in_file = {i for i, _c in mapped}
    blank = " AND ".join(
        f"v{i} IS NULL" if i in in_file else f"{_trim(f'c{i}')} IS NULL" for i in range(width)
    )
    final.append(f"array_remove(ARRAY[{', '.join(errors)}]::text[], NULL) AS errs")
    cells = ", ".join([*stage0, *(f"r.c{i}" for i in range(width) if i not in in_file)])
    sql = (
        f"SELECT {', '.join(stage1)} FROM (SELECT * FROM (SELECT {cells} FROM {raw} r OFFSET 0) z0 "
        f"WHERE NOT ({blank}) OFFSET 0) z {' '.join(joins)} OFFSET 0"
    )
    for n, stage in enumerate((stage2, stage3, stage4)):
        if stage:
            sql = f"SELECT *, {', '.join(stage)} FROM ({sql}) s{n} OFFSET 0"
    return f"SELECT {', '.join(final)} FROM ({sql}) s"


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
        key = reg.alt_key if col is not None and col.key == reg.alt_key else None
        return {"row": int(rest[0]) + 1 if rest else "", "key": key or ", ".join(reg.natural_key)}
    if code == "iin_birth_date":
        return {"iin_date": rest[0] if rest else ""}
    if code == "key_conflict":
        return {"what": col.header("en") if col else "", "value": value}
    return {}


def _stage(imp: Importer, cur: Any, chk: str, mapped: list[tuple[int, Column]]) -> None:
    """The checked table becomes the staging table (ADR 0201): its staged columns carry the
    target's names and types, so dropping the refused rows is all that is left to do, instead
    of copying every valid row once more."""
    reg = imp.registry
    keys = {c.key for _i, c in mapped}
    if imp.child:
        key = staged_column(imp, reg.natural_key[0])
        period = [
            f"t_{c}" if c and c in keys else "NULL::date"
            for c in (imp.child.start_column, imp.child.end_column)
        ]
        cur.execute(
            f"INSERT INTO {imp.stg_set} (k, v, s, e) SELECT DISTINCT {key}, btrim(x), "
            f"{', '.join(period)} FROM {chk}, "
            f"regexp_split_to_table(t_{imp.child.column}, '[;,]') x "
            f"WHERE cardinality(errs) = 0 AND btrim(x) <> ''"
        )
    cur.execute(f"DELETE FROM {chk} WHERE cardinality(errs) > 0")
    cur.execute(f"DROP TABLE {imp.stg}")
    cur.execute(f"ALTER TABLE {chk} RENAME TO {imp.stg}")
