# ruff: noqa: S608 - SQL is built from model identifiers (quoted), never from file content
"""The import pipeline: stream, validate, stage, classify, merge (ADR 0040).

1. Rows are streamed from the file (``readers``) and converted column by column; identifiers
   are checked (IIN/BIN check digits) in Python while streaming, references resolved against
   in-memory maps of the reference tables, duplicates inside the file caught by natural key,
   and rows outside the user's scope refused.
2. Valid rows go into a TEMP staging table: ``COPY`` on PostgreSQL, batched ``executemany`` on
   SQLite. Staging runs outside the merge transaction (it touches only the temp table), so a
   background job can report progress meanwhile.
3. One SQL query classifies the staged rows against the target table by natural key: new,
   changed, unchanged.
4. Unless it is a dry run, or there are invalid rows and ``partial`` is off, one transaction
   merges: ``INSERT … SELECT … ON CONFLICT (natural key) DO UPDATE … WHERE changed``, then
   deferred parent links, many-to-many sets and child sets (pupil categories), then the
   caller's ``on_merge`` (the ImportRun record and the audit entry). A crash anywhere leaves
   the database as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from keleshek.core.scoping import Scope, scope_for

from . import bulk
from .readers import FileRejected, Table, open_table
from .registry import MESSAGES, CellError, Column, Ref, RefInfo, Registry, Transition, Uuid

# Header of the error column added to error reports; ignored when such a file is re-sent.
ERROR_HEADERS = {
    "errors",
    "ошибки",
    "қателер",
    "row in the sent file",
    "строка в отправленном файле",
    "жіберілген файлдағы жол",
}
IMPORT_ROLES = frozenset({"regional_admin", "district_officer", "institution_operator"})
MAX_ERRORS_KEPT = 200

Progress = Callable[[int, float | None, float], None]  # rows, fraction of file, rows/second


@dataclass
class RowError:
    row: int
    column: str  # column key, "" for the whole row
    header: str
    value: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        template = MESSAGES.get(self.code, self.code)
        text = str(template)
        params = {
            k: (str(v) if not isinstance(v, int | float) else v) for k, v in self.params.items()
        }
        if "what" in params:
            params["what"] = _t(str(self.params["what"]))
        try:
            return text % params if params else text
        except (KeyError, TypeError, ValueError):
            return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value[:200],
            "code": self.code,
            "params": {k: str(v) for k, v in self.params.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RowError:
        return cls(d["row"], d["column"], d["header"], d["value"], d["code"], d.get("params", {}))


# A user with a scope learns nothing about records outside it from a refused row: "not yours"
# and "does not exist" read the same, code and message (issue 14 point 8, ADR 0131).
UNSEEN_CODES = frozenset({"unknown_ref", "out_of_scope", "not_in_scope_existing"})


def _unseen(error: RowError) -> RowError:
    if error.code not in UNSEEN_CODES:
        return error
    value = str(error.params.get("value", error.value))
    return RowError(
        error.row, error.column, error.header, error.value, "not_found_in_scope", {"value": value}
    )


@dataclass
class Outcome:
    status: str  # "written", "partial", "dry_run", "refused", "rejected"
    total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    invalid: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejection: FileRejected | None = None
    bad_rows_path: Path | None = None  # CSV of (row, cells, errors) for the error report
    header: list[str] = field(default_factory=list)
    seconds: float = 0.0
    children_added: int = 0
    children_closed: int = 0

    @property
    def valid(self) -> int:
        return self.new + self.changed + self.unchanged


def can_import(user: Any, registry: Registry) -> bool:
    if user is None:
        return True  # the command line runs as the system actor with full scope
    if getattr(user, "is_superuser", False) or getattr(user, "role", "") == "regional_admin":
        return True
    role = getattr(user, "role", "")
    if role not in IMPORT_ROLES or registry.scope_column is None:
        return False
    scope = scope_for(user)
    if scope.territory_path:
        return scope_reaches(registry, "territory")
    if scope.institution_id:
        return scope_reaches(registry, "institution")
    return False


def scope_reaches(registry: Registry, kind: str) -> bool:
    """Can a row of ``registry`` ever be inside a scope of ``kind`` ("territory": a district's
    path; "institution": one school)? The row checks of ``Importer`` decide per row; this says
    whether offering the registry to such a user makes sense at all (an operator is not offered
    territories or population: every row would be refused)."""
    sc = registry.scope_column
    if sc is None:
        return False
    if sc == "self":
        # a territory row has a path only; an institution row is the institution itself
        return kind == "territory" or registry.name != "territory"
    ref = registry.column(sc).ref
    if ref is None:
        return False
    if kind == "territory":
        return ref.path_lookup is not None
    return ref.institution_lookup is not None


def _norm_header(text: str) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def map_header(registry: Registry, header: list[str]) -> list[tuple[int, Column]]:
    lookup: dict[str, Column] = {}
    for col in registry.columns:
        for h in (col.key, *col.headers.values()):
            lookup[_norm_header(h)] = col
    mapped: list[tuple[int, Column]] = []
    seen: set[str] = set()
    for i, h in enumerate(header):
        n = _norm_header(h)
        if not n or n in ERROR_HEADERS:
            continue
        found = lookup.get(n)
        if found is None:
            raise FileRejected("unknown_column", header=h)
        if found.key in seen:
            raise FileRejected("duplicate_column", header=h)
        seen.add(found.key)
        mapped.append((i, found))
    for col in registry.columns:
        if col.required and col.key not in seen:
            raise FileRejected("missing_column", header=col.header("en"))
    if registry.alt_key and not ({registry.alt_key, *registry.natural_key} & seen):
        # neither the key nor the column that finds it: every row would be a new record
        raise FileRejected("missing_column", header=registry.column(registry.alt_key).header("en"))
    return mapped


# --- reference maps -----------------------------------------------------------------------


class RefMaps:
    """Natural key -> RefInfo for each referenced model, loaded once per import."""

    def __init__(self) -> None:
        self._maps: dict[tuple[str, str], dict[str, RefInfo]] = {}

    def get(self, ref: Ref) -> dict[str, RefInfo]:
        key = (ref.model, ref.key_field)
        if key not in self._maps:
            model = apps.get_model(ref.model)
            fields = [ref.key_field, "pk"]
            fields.append(ref.path_lookup or "pk")
            fields.append(ref.institution_lookup or "pk")
            fields.append(ref.parent_institution_lookup or "pk")
            m: dict[str, RefInfo] = {}
            for k, pk, path, inst, parent in model.objects.values_list(*fields).iterator(
                chunk_size=5000
            ):
                m[str(k)] = RefInfo(
                    pk,
                    path if ref.path_lookup else None,
                    inst if ref.institution_lookup else None,
                    parent if ref.parent_institution_lookup else None,
                )
            self._maps[key] = m
        return self._maps[key]


def _in_scope(scope: Scope, info: RefInfo | None) -> bool:
    if scope.everything:
        return True
    if info is None:
        return False
    if scope.territory_path:
        return bool(info.path and info.path.startswith(scope.territory_path))
    if scope.institution_id:
        return scope.institution_id in (info.institution_id, info.parent_institution_id)
    return False


# --- SQL helpers --------------------------------------------------------------------------


def _q(name: str | None) -> str:
    assert name is not None
    return connection.ops.quote_name(name)


def _distinct(a: str, b: str) -> str:
    if connection.vendor == "postgresql":
        return f"{a} IS DISTINCT FROM {b}"
    return f"{a} IS NOT {b}"


def _copy_escape(v: Any) -> str:
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, str):
        if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
            v = (
                v.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return v
    if isinstance(v, dt.datetime):
        return v.isoformat()
    return str(v)


def _model_field(model: type[models.Model], attname: str) -> models.Field:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    raise KeyError(attname)


def _defaults_for(
    model: type[models.Model], provided: Iterable[str], now: dt.datetime
) -> tuple[list[str], list[str], list[Any], list[str]]:
    """Columns the file does not provide: (columns, SQL expressions, params, auto_now columns)."""
    provided = set(provided)
    cols: list[str] = []
    exprs: list[str] = []
    params: list[Any] = []
    auto_now: list[str] = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in provided:
            continue
        column = str(f.column)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            cols.append(column)
            exprs.append("%s")
            params.append(f.get_db_prep_save(now, connection))
            if getattr(f, "auto_now", False):
                auto_now.append(column)
        elif isinstance(f, models.UUIDField) and f.has_default():
            cols.append(column)
            if connection.vendor == "postgresql":
                exprs.append("gen_random_uuid()")
            else:
                exprs.append("lower(hex(randomblob(16)))")
        elif f.has_default():
            cols.append(column)
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
        elif not f.null and isinstance(f, models.CharField | models.TextField):
            cols.append(column)
            exprs.append("%s")
            params.append("")
    return cols, exprs, params, auto_now


# --- the importer -------------------------------------------------------------------------


class Importer:
    def __init__(
        self,
        registry: Registry,
        *,
        user: Any | None = None,
        partial: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
        on_merge: Callable[[Outcome], None] | None = None,
        batch_size: int | None = None,
    ) -> None:
        self.registry = registry
        self.model = registry.model
        self.user = user
        self.scope = scope_for(user) if user is not None else Scope(everything=True)
        self.partial = partial
        self.dry_run = dry_run
        self.progress = progress
        self.on_merge = on_merge
        self.pg = connection.vendor == "postgresql"
        self.batch_size = batch_size or (20_000 if self.pg else 5_000)
        self.refs = RefMaps()
        self.stg = f"intake_stg_{secrets.token_hex(4)}"
        self.stg_set = f"{self.stg}_set"
        self.now = timezone.now()
        self.used_fast_path = False
        self.used_bulk = False

    # -- staging layout --

    def _layout(self, mapped: list[tuple[int, Column]]) -> None:
        present = {c.key for _i, c in mapped}
        reg = self.registry
        if reg.alt_key:
            present |= set(reg.natural_key)  # a blank or absent key is found or made per row
        self.present = present
        self.scalar_cols = [c for c in reg.scalar_columns if c.key in present]
        self.attrs = [c.db_attr for c in self.scalar_cols] + list(reg.derived_attrs)
        self.nk_attrs = reg.nk_attrs
        self.compare_attrs = [a for a in self.attrs if a not in self.nk_attrs]
        self.self_refs = [c for c in self.scalar_cols if c.self_ref]
        self.m2m_cols = [c for c in reg.columns if c.m2m and c.key in present]
        self.child = reg.child_set if reg.child_set and reg.child_set.column in present else None
        self.extra_cols = [f"_ref_{c.key}" for c in self.self_refs] + [
            f"_m2m_{c.key}" for c in self.m2m_cols
        ]
        if self.child:
            self.extra_cols.append("_set")
        self.table = self.model._meta.db_table
        self.db_cols = [str(_model_field(self.model, a).column) for a in self.attrs]
        self.nk_cols = [str(_model_field(self.model, a).column) for a in self.nk_attrs]
        # inputs of the derived fields the file leaves out: read from the stored rows
        self.absent_inputs = [k for k in reg.derive_inputs if k not in present]
        self.transits: list[tuple[Transition, Any, dict[str, Any], dict[str, Any] | None]] = []

    def _create_staging(self) -> None:
        cols = ", ".join(_q(c) for c in self.db_cols)
        with connection.cursor() as cur:
            cur.execute(
                f"CREATE TEMP TABLE {self.stg} AS SELECT {cols} FROM {_q(self.table)} WHERE 1=0"
            )
            for extra in self.extra_cols:
                cur.execute(f"ALTER TABLE {self.stg} ADD COLUMN {extra} TEXT")
            if self.child:
                # k has the natural key's type: joined with the target's key (a uuid on PostgreSQL)
                cur.execute(
                    f"CREATE TEMP TABLE {self.stg_set} AS SELECT {_q(self.nk_cols[0])} AS k "
                    f"FROM {_q(self.table)} WHERE 1=0"
                )
                cur.execute(f"ALTER TABLE {self.stg_set} ADD COLUMN v TEXT")
                # the codes' period when the file gives it (DATE: joined into a date column)
                cur.execute(f"ALTER TABLE {self.stg_set} ADD COLUMN s DATE")
                cur.execute(f"ALTER TABLE {self.stg_set} ADD COLUMN e DATE")

    def _drop_staging(self) -> None:
        try:
            with connection.cursor() as cur:
                cur.execute(f"DROP TABLE IF EXISTS {self.stg}")
                cur.execute(f"DROP TABLE IF EXISTS {self.stg_set}")
        except DatabaseError:  # pragma: no cover - connection already gone
            pass

    def _flush(self, batch: list[tuple[Any, ...]], pairs: list[tuple[Any, ...]]) -> None:
        if not batch and not pairs:
            return
        all_cols = self.db_cols + self.extra_cols
        with connection.cursor() as cur:
            if self.pg:
                raw = cur.cursor
                names = ", ".join(_q(c) for c in all_cols)
                with raw.copy(f"COPY {self.stg} ({names}) FROM STDIN") as cp:
                    cp.write("".join("\t".join(map(_copy_escape, r)) + "\n" for r in batch))
                if pairs:
                    with raw.copy(f"COPY {self.stg_set} (k, v, s, e) FROM STDIN") as cp:
                        cp.write("".join("\t".join(map(_copy_escape, p)) + "\n" for p in pairs))
            else:
                marks = ", ".join(["%s"] * len(all_cols))
                names = ", ".join(_q(c) for c in all_cols)
                cur.executemany(f"INSERT INTO {self.stg} ({names}) VALUES ({marks})", batch)
                if pairs:
                    cur.executemany(
                        f"INSERT INTO {self.stg_set} (k, v, s, e) VALUES (%s, %s, %s, %s)", pairs
                    )
        batch.clear()
        pairs.clear()

    # -- the run --

    def run(self, path: Path) -> Outcome:
        started = time.monotonic()
        outcome = Outcome(status="rejected")
        table: Table | None = None
        staged = False
        try:
            if not can_import(self.user, self.registry):
                raise FileRejected("forbidden")
            table = open_table(path)
            outcome.header = table.header
            mapped = map_header(self.registry, table.header)
            self._layout(mapped)
            self._create_staging()
            staged = True
            if not self._fast(table, mapped, path, outcome):
                self._stream(table, mapped, outcome)
            self._classify(outcome)
            if self.dry_run and outcome.invalid and not self.partial:
                outcome.status = "refused"  # a preview that could never be confirmed
            elif self.dry_run:
                outcome.status = "dry_run"
            elif outcome.invalid and not self.partial:
                outcome.status = "refused"
            else:
                outcome.status = "partial" if outcome.invalid else "written"
                self._merge(outcome)
        except FileRejected as exc:
            outcome.status = "rejected"
            outcome.rejection = exc
        finally:
            if table is not None:
                table.close()
            if staged:
                self._drop_staging()
            outcome.seconds = time.monotonic() - started
        return outcome

    def _fast(
        self, table: Table, mapped: list[tuple[int, Column]], path: Path, out: Outcome
    ) -> bool:
        """The PostgreSQL set-based path for large CSV files (ADR 0043); False: not taken."""
        from . import pgfast

        if not pgfast.eligible(self, table, mapped, path):
            return False
        # Inside an outer transaction (a test, a caller's atomic block) a failed COPY would
        # poison it: run under a savepoint there. In autocommit the COPY is its own statement.
        guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
        try:
            with guard:
                pgfast.run(self, table, mapped, path, out)
        except pgfast.Unavailable:
            # start again on the streaming path, which reports the problem row by row
            out.total = out.invalid = 0
            out.errors.clear()
            if out.bad_rows_path:
                out.bad_rows_path.unlink(missing_ok=True)
            with connection.cursor() as cur:
                cur.execute(f"DELETE FROM {self.stg}")
                if self.child:
                    cur.execute(f"DELETE FROM {self.stg_set}")
            table.close()
            fresh = open_table(path)
            table.header, table.rows, table._fh = fresh.header, fresh.rows, fresh._fh
            return False
        self.used_fast_path = True
        return True

    def _stream(self, table: Table, mapped: list[tuple[int, Column]], out: Outcome) -> None:
        reg = self.registry
        scope = self.scope
        width = len(table.header)
        strict_width = table.kind == "csv"
        nk_keys = list(reg.natural_key)
        seen: dict[Any, int] = {}
        own_new: set[str] = set()  # natural keys of rows earlier in this file (self refs)
        own_paths: dict[str, str] = {}  # territory: path of rows earlier in this file
        ref_maps = {c.key: self.refs.get(c.ref) for _i, c in mapped if c.ref}
        self_map: dict[str, RefInfo] | None = None
        for c in self.self_refs:
            self_map = ref_maps[c.key]
        attr_of = {c.key: c.db_attr for c in self.scalar_cols}
        child_key = self.child.column if self.child else None
        is_territory = reg.name == "territory"
        check_existing = (
            not scope.everything and reg.scope_territory_lookup is not None and len(nk_keys) == 1
        )
        owner_of = self._owners() if reg.alt_key else {}
        seen_alt: dict[Any, int] = {}
        stored_inputs = self._stored(self.absent_inputs) if self.absent_inputs else {}
        stored_states = [(t, self._stored([t.column, *t.held, *t.frozen])) for t in reg.transitions]
        batch: list[tuple[Any, ...]] = []
        pairs: list[tuple[Any, ...]] = []
        pending: list[tuple[int, list[Any], Any, tuple[Any, ...], list[tuple[Any, ...]]]] = []
        fd, bad_name = tempfile.mkstemp(prefix="keleshek-intake-", suffix=".csv")
        bad_path = Path(bad_name)
        out.bad_rows_path = bad_path
        rate_t0 = time.monotonic()
        with open(fd, "w", encoding="utf-8", newline="") as bad_fh:
            bad = csv.writer(bad_fh)

            def fail(row_no: int, cells: list[Any], errors: list[RowError]) -> None:
                if not scope.everything:
                    errors = [_unseen(e) for e in errors]
                out.invalid += 1
                if len(out.errors) < MAX_ERRORS_KEPT:
                    out.errors.extend(errors[: MAX_ERRORS_KEPT - len(out.errors)])
                bad.writerow(
                    [
                        row_no,
                        json.dumps([_cell_text(c) for c in cells], ensure_ascii=False),
                        json.dumps([e.as_dict() for e in errors], ensure_ascii=False),
                    ]
                )

            def settle_pending() -> None:
                if not pending:
                    return
                if check_existing:
                    foreign = self._existing_out_of_scope([p[2] for p in pending])
                else:
                    foreign = set()
                nk_col = reg.column(nk_keys[0]) if nk_keys else None
                for row_no, cells, key, staged_row, row_pairs in pending:
                    if key in foreign and nk_col is not None:
                        fail(
                            row_no,
                            cells,
                            [
                                RowError(
                                    row_no,
                                    nk_col.key,
                                    nk_col.header("en"),
                                    str(key),
                                    "not_in_scope_existing",
                                )
                            ],
                        )
                        seen.pop(key, None)
                        continue
                    batch.append(staged_row)
                    pairs.extend(row_pairs)
                pending.clear()
                if len(batch) >= self.batch_size:
                    self._flush(batch, pairs)

            for row_no, cells, problem in table.rows:
                if not any(c not in (None, "") and str(c).strip() for c in cells):
                    continue
                out.total += 1
                errors: list[RowError] = []
                if problem:
                    errors.append(RowError(row_no, "", "", "", problem))
                if strict_width and len(cells) != width:
                    errors.append(
                        RowError(
                            row_no, "", "", "", "ragged", {"got": len(cells), "expected": width}
                        )
                    )
                    fail(row_no, cells, errors)
                    continue
                values: dict[str, Any] = {}
                m2m_ids: dict[str, str] = {}
                for i, col in mapped:
                    raw = cells[i] if i < len(cells) else None
                    blank = raw is None or (isinstance(raw, str) and not raw.strip())
                    if blank:
                        if col.required:
                            errors.append(
                                RowError(row_no, col.key, col.header("en"), "", "required")
                            )
                        values[col.key] = col.default if col.key != child_key else "[]"
                        if col.m2m:
                            m2m_ids[col.key] = ""
                        continue
                    try:
                        if col.m2m:
                            items = [p.strip() for p in str(raw).replace(",", ";").split(";")]
                            ids: list[int] = []
                            for item in (p for p in items if p):
                                key = col.type.convert(item)
                                info = ref_maps[col.key].get(key)
                                if info is None:
                                    raise CellError(
                                        "unknown_ref",
                                        what=col.ref.what if col.ref else "",
                                        value=key,
                                    )
                                if info.pk is not None:
                                    ids.append(info.pk)
                            m2m_ids[col.key] = ",".join(str(x) for x in sorted(set(ids)))
                            continue
                        if col.ref is not None and type(raw) is str:
                            # A key already in the reference table was valid when written:
                            # skip its check digits (the hot path for BIN / KATO columns).
                            text = raw.strip()
                            if text in ref_maps[col.key]:
                                values[col.key] = text
                                continue
                        values[col.key] = col.type.convert(raw)
                    except CellError as exc:
                        errors.append(
                            RowError(
                                row_no,
                                col.key,
                                col.header("en"),
                                _cell_text(raw),
                                exc.code,
                                exc.params,
                            )
                        )
                if errors:
                    fail(row_no, cells, errors)
                    continue
                # references
                resolved: dict[str, Any] = {}
                deferred: dict[str, str | None] = {}
                infos: dict[str, RefInfo | None] = {}
                for _i, col in mapped:
                    if not col.ref or col.m2m:
                        continue
                    key = values.get(col.key)
                    if key is None:
                        resolved[col.key] = None
                        deferred[col.key] = None
                        continue
                    info = ref_maps[col.key].get(key)
                    if col.self_ref:
                        deferred[col.key] = None
                        if info is None and key in own_new:
                            deferred[col.key] = key
                            resolved[col.key] = None
                            infos[col.key] = RefInfo(None, own_paths.get(key), None, None)
                            continue
                        if info is None:
                            errors.append(
                                RowError(
                                    row_no,
                                    col.key,
                                    col.header("en"),
                                    key,
                                    "parent_order",
                                    {"value": key},
                                )
                            )
                            continue
                    if info is None:
                        errors.append(
                            RowError(
                                row_no,
                                col.key,
                                col.header("en"),
                                key,
                                "unknown_ref",
                                {"what": col.ref.what, "value": key},
                            )
                        )
                        continue
                    resolved[col.key] = info.pk
                    infos[col.key] = info
                if not errors:
                    for check in reg.row_checks:
                        for key, code, params in check(values):
                            c = reg.column(key)
                            errors.append(
                                RowError(
                                    row_no,
                                    key,
                                    c.header("en"),
                                    _cell_text(values.get(key)),
                                    code,
                                    params,
                                )
                            )
                if reg.alt_key and not errors:
                    self._find_key(row_no, values, owner_of, errors)
                transit = None
                if stored_states and not errors:
                    transit = self._check_transitions(
                        row_no, values, resolved, stored_states, errors
                    )
                # scope
                row_path = None
                if is_territory:
                    parent = infos.get("parent")
                    row_path = f"{parent.path if parent and parent.path else '/'}{values['kato']}/"
                if not errors and not scope.everything:
                    sc = reg.scope_column
                    if sc == "self":
                        if is_territory:
                            info = RefInfo(None, row_path, None, None)
                        else:
                            existing = (self_map or self.refs.get(_own_ref(reg))).get(
                                values[nk_keys[0]]
                            )
                            settle = infos.get("settlement")
                            info = RefInfo(
                                None,
                                settle.path if settle else None,
                                existing.pk if existing else None,
                                existing.parent_institution_id if existing else None,
                            )
                        ok = _in_scope(scope, info)
                        where = nk_keys[0]
                    elif sc:
                        ok = _in_scope(scope, infos.get(sc))
                        where = sc
                    else:
                        ok, where = False, nk_keys[0]
                    if not ok:
                        c = reg.column(where)
                        errors.append(
                            RowError(
                                row_no,
                                where,
                                c.header("en"),
                                _cell_text(values.get(where)),
                                "out_of_scope",
                            )
                        )
                # duplicates inside the file
                key = (
                    values.get(nk_keys[0])
                    if len(nk_keys) == 1
                    else tuple(values.get(k) for k in nk_keys)
                )
                alt_value = values.get(reg.alt_key) if reg.alt_key else None
                if not errors:
                    first = seen.get(key)
                    if first is not None:
                        errors.append(
                            RowError(
                                row_no,
                                nk_keys[0],
                                reg.column(nk_keys[0]).header("en"),
                                _cell_text(key),
                                "duplicate",
                                {"row": first, "key": ", ".join(nk_keys)},
                            )
                        )
                    elif alt_value is not None and alt_value in seen_alt:
                        assert reg.alt_key
                        errors.append(
                            RowError(
                                row_no,
                                reg.alt_key,
                                reg.column(reg.alt_key).header("en"),
                                _cell_text(alt_value),
                                "duplicate",
                                {"row": seen_alt[alt_value], "key": reg.alt_key},
                            )
                        )
                if errors:
                    fail(row_no, cells, errors)
                    continue
                seen[key] = row_no
                if alt_value is not None:
                    seen_alt[alt_value] = row_no
                if transit is not None:
                    self.transits.append((transit[0], key, dict(values), transit[1]))
                # the staged row
                row_values: dict[str, Any] = {}
                for col in self.scalar_cols:
                    row_values[attr_of[col.key]] = (
                        resolved[col.key] if col.ref else values.get(col.key)
                    )
                if reg.derive:
                    derived = dict(values)
                    if stored_inputs:
                        derived.update(stored_inputs.get(key, {}))
                    reg.derive(derived)
                    for a in reg.derived_attrs:
                        row_values[a] = derived[a]
                if is_territory:
                    row_values["path"] = row_path
                    own_paths[values["kato"]] = row_path or ""
                if self.self_refs:
                    own_new.add(str(values[nk_keys[0]]))
                staged_row = [row_values[a] for a in self.attrs]
                staged_row += [deferred.get(c.key) for c in self.self_refs]
                staged_row += [m2m_ids.get(c.key, "") for c in self.m2m_cols]
                row_pairs: list[tuple[Any, ...]] = []
                if self.child:
                    codes = json.loads(values.get(self.child.column) or "[]")
                    staged_row.append("1")
                    start = values.get(self.child.start_column or "") or None
                    end = values.get(self.child.end_column or "") or None
                    row_pairs = [(str(key), code, start, end) for code in codes]
                if check_existing:
                    pending.append((row_no, cells, key, tuple(staged_row), row_pairs))
                    if len(pending) >= 2000:
                        settle_pending()
                else:
                    batch.append(tuple(staged_row))
                    pairs.extend(row_pairs)
                    if len(batch) >= self.batch_size:
                        self._flush(batch, pairs)
                if self.progress and out.total % 10_000 == 0:
                    elapsed = time.monotonic() - rate_t0
                    self.progress(
                        out.total, _fraction(table), out.total / elapsed if elapsed else 0.0
                    )
            settle_pending()
            self._flush(batch, pairs)
        if self.progress:
            elapsed = time.monotonic() - rate_t0
            self.progress(out.total, 1.0, out.total / elapsed if elapsed else 0.0)

    def _owners(self) -> dict[Any, Any]:
        """{alternative key: natural key} of the stored rows (a pupil's IIN -> internal id)."""
        reg = self.registry
        assert reg.alt_key
        alt = reg.column(reg.alt_key).db_attr
        nk = reg.column(reg.natural_key[0]).db_attr
        qs = self.model._default_manager.filter(**{f"{alt}__isnull": False})
        return {a: _as_cell(k) for a, k in qs.values_list(alt, nk).iterator(chunk_size=5000)}

    def _find_key(
        self, row_no: int, values: dict[str, Any], owner_of: dict[Any, Any], errors: list[RowError]
    ) -> None:
        """A blank key is the key of the stored row with the same alternative key, or a new one;
        a given key must not take another row's alternative key."""
        reg = self.registry
        assert reg.alt_key
        nk, alt = reg.natural_key[0], reg.column(reg.alt_key)
        mine = values.get(alt.key)
        owner = owner_of.get(mine) if mine is not None else None
        if values.get(nk) is None:
            values[nk] = owner if owner is not None else Uuid.new()
        elif owner is not None and owner != values[nk]:
            errors.append(
                RowError(
                    row_no,
                    alt.key,
                    alt.header("en"),
                    _cell_text(mine),
                    "key_conflict",
                    {"what": alt.header("en"), "value": mine},
                )
            )

    def _stored(self, keys: list[str]) -> dict[Any, dict[str, Any]]:
        """{natural key: {column key: stored value, as a cell converts}} for every stored row
        (a reference gives its id, and its target's key under ``"<key>:key"``)."""
        reg = self.registry
        cols = [reg.column(k) for k in keys]
        lookups = [reg.column(reg.natural_key[0]).db_attr]
        for c in cols:
            lookups.append(c.db_attr)
            if c.ref:
                lookups.append(f"{c.key}__{c.ref.key_field}")
        out: dict[Any, dict[str, Any]] = {}
        for row in self.model._default_manager.values_list(*lookups).iterator(chunk_size=5000):
            rest = iter(row[1:])
            stored: dict[str, Any] = {}
            for c in cols:
                stored[c.key] = next(rest) if c.ref else _as_cell(next(rest))
                if c.ref:
                    stored[f"{c.key}:key"] = next(rest)
            out[_as_cell(row[0])] = stored
        return out

    def _check_transitions(
        self,
        row_no: int,
        values: dict[str, Any],
        resolved: dict[str, Any],
        stored_states: list[tuple[Transition, dict[Any, dict[str, Any]]]],
        errors: list[RowError],
    ) -> tuple[Transition, dict[str, Any] | None] | None:
        """Refuse leaving a transition's value or changing its frozen columns; return the
        transition this row makes, if any (the merge lets the domain's service make it)."""
        reg = self.registry
        key = values.get(reg.natural_key[0])
        made = None
        for t, states in stored_states:
            stored = states.get(key)
            was, now = (stored or {}).get(t.column), values.get(t.column)
            col = reg.column(t.column)
            if was == t.value and now != t.value:
                errors.append(
                    RowError(
                        row_no,
                        t.column,
                        col.header("en"),
                        _cell_text(now),
                        "transition_back",
                        {"value": t.value},
                    )
                )
            elif was == t.value:
                assert stored is not None
                for f in t.frozen:
                    c = reg.column(f)
                    mine, theirs = (
                        (resolved.get(f), stored[f]) if c.ref else (values.get(f), stored[f])
                    )
                    if c.ref and mine is None and theirs is not None and not stored[f"{f}:key"]:
                        # a reference to a record without a key (a school made by the service
                        # has no BIN yet) cannot be written in a file: it stays as stored
                        resolved[f] = theirs
                        continue
                    if mine != theirs:
                        shown = stored[f"{f}:key"] if c.ref else theirs
                        errors.append(
                            RowError(
                                row_no,
                                f,
                                c.header("en"),
                                _cell_text(values.get(f)),
                                "frozen",
                                {"value": t.value, "stored": _cell_text(shown) or "—"},
                            )
                        )
            elif now == t.value:
                made = (t, stored)
        return made

    def _existing_out_of_scope(self, keys: list[Any]) -> set[Any]:
        reg = self.registry
        nk_field = reg.column(reg.natural_key[0]).db_attr
        scope = self.scope
        inside = Q()
        if scope.territory_path and reg.scope_territory_lookup:
            inside = Q(**{f"{reg.scope_territory_lookup}__startswith": scope.territory_path})
        elif scope.institution_id and reg.scope_institution_lookup:
            inside = Q(**{reg.scope_institution_lookup: scope.institution_id})
            if reg.scope_institution_lookup == "pk":
                inside |= Q(parent_id=scope.institution_id)
        else:
            inside = Q(pk__in=[])
        qs = self.model._default_manager.filter(**{f"{nk_field}__in": keys}).exclude(inside)
        return set(qs.values_list(nk_field, flat=True))

    # -- classification and merge --

    def _join(self) -> str:
        return " AND ".join(f"t.{_q(c)} = s.{_q(c)}" for c in self.nk_cols)

    def _changed_expr(self, left: str = "t", right: str = "s") -> str:
        cols = [c for c in self.db_cols if c not in self.nk_cols]
        if not cols:
            return "1=0"
        return " OR ".join(_distinct(f"{left}.{_q(c)}", f"{right}.{_q(c)}") for c in cols)

    def _classify(self, out: Outcome) -> None:
        pk = _q(self.model._meta.pk.column)
        sql = (
            f"SELECT COALESCE(SUM(CASE WHEN t.{pk} IS NULL THEN 1 ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN t.{pk} IS NOT NULL AND ({self._changed_expr()}) "
            f"THEN 1 ELSE 0 END), 0), COUNT(*) "
            f"FROM {self.stg} s LEFT JOIN {_q(self.table)} t ON {self._join()}"
        )
        with connection.cursor() as cur:
            cur.execute(sql)
            new, changed, total = cur.fetchone()
        out.new, out.changed, out.unchanged = int(new), int(changed), int(total - new - changed)
        if self.m2m_cols:
            moved = len(self._m2m_diffs(only_unchanged=True))
            out.changed += moved
            out.unchanged -= moved

    def _m2m_diffs(self, *, only_unchanged: bool) -> dict[tuple[int, str], set[int]]:
        """{(object id, m2m field): wanted ids} where the set differs from the database."""
        pk = _q(self.model._meta.pk.column)
        nk = self.nk_cols[0]
        m2m_sel = ", ".join(f"s._m2m_{c.key}" for c in self.m2m_cols)
        cond = f"AND NOT ({self._changed_expr()})" if only_unchanged else ""
        sql = (
            f"SELECT t.{pk}, {m2m_sel} FROM {self.stg} s JOIN {_q(self.table)} t "
            f"ON t.{_q(nk)} = s.{_q(nk)} {cond}"
        )
        with connection.cursor() as cur:
            cur.execute(sql)
            rows = cur.fetchall()
        diffs: dict[tuple[int, str], set[int]] = {}
        for c_index, col in enumerate(self.m2m_cols):
            assert col.m2m
            through = getattr(self.model, col.m2m).through
            src = f"{self.model._meta.model_name}_id"
            dst = next(
                f.attname for f in through._meta.concrete_fields if f.attname not in ("id", src)
            )
            ids = [r[0] for r in rows]
            current: dict[int, set[int]] = {i: set() for i in ids}
            for a, b in through.objects.filter(**{f"{src}__in": ids}).values_list(src, dst):
                current[a].add(b)
            for r in rows:
                want = {int(x) for x in (r[1 + c_index] or "").split(",") if x}
                if want != current.get(r[0], set()):
                    diffs[(r[0], col.key)] = want
        if only_unchanged:
            return {(obj, ""): set() for obj, _k in diffs}
        return diffs

    def _merge(self, out: Outcome) -> None:
        insert_cols = list(self.db_cols)
        absent = [
            c
            for c in self.registry.scalar_columns
            if c.key not in self.present and c.default is not None
        ]
        def_cols, def_exprs, def_params, auto_now = _defaults_for(
            self.model, self.attrs + [c.db_attr for c in absent], self.now
        )
        for c in absent:  # columns the file leaves out: their default, for new rows only
            def_cols.append(str(_model_field(self.model, c.db_attr).column))
            def_exprs.append("%s")
            def_params.append(c.default)
        cols_sql = ", ".join(_q(c) for c in insert_cols + def_cols)
        select_sql = ", ".join([f"s.{_q(c)}" for c in insert_cols] + def_exprs)
        update_cols = [c for c in insert_cols if c not in self.nk_cols]
        sets = [f"{_q(c)} = excluded.{_q(c)}" for c in update_cols]
        sets += [f"{_q(c)} = excluded.{_q(c)}" for c in auto_now]
        target = _q(self.table)
        if update_cols:
            where = " OR ".join(
                _distinct(f"{target}.{_q(c)}", f"excluded.{_q(c)}") for c in update_cols
            )
            conflict = f"DO UPDATE SET {', '.join(sets)} WHERE {where}"
        else:
            conflict = "DO NOTHING"
        sql = (
            f"INSERT INTO {target} ({cols_sql}) SELECT {select_sql} FROM {self.stg} s WHERE 1=1 "
            f"ON CONFLICT ({', '.join(_q(c) for c in self.nk_cols)}) {conflict}"
        )
        # a large load into a table no bigger than it: rebuild indexes instead (ADR 0044)
        self.used_bulk = (
            not self.self_refs and not self.m2m_cols and bulk.worth_it(self.table, out.new)
        )
        try:
            with transaction.atomic():
                transits = self._hold_transitions()
                if self.used_bulk:
                    with bulk.indexes_set_aside(self.table), connection.cursor() as cur:
                        self._bulk_write(cur, cols_sql, select_sql, def_params, update_cols)
                        _pause_for_tests()
                else:
                    with connection.cursor() as cur:
                        cur.execute(sql, def_params)
                        _pause_for_tests()
                with connection.cursor() as cur:
                    for col in self.self_refs:
                        self._resolve_deferred(cur, col)
                if self.m2m_cols:
                    for (obj_id, key), wanted in self._m2m_diffs(only_unchanged=False).items():
                        obj = self.model._default_manager.get(pk=obj_id)
                        getattr(obj, self.registry.column(key).m2m or "").set(sorted(wanted))
                if self.child and self.used_bulk:
                    child_table = apps.get_model(self.child.model)._meta.db_table
                    with bulk.indexes_set_aside(child_table):
                        self._sync_children(out)
                elif self.child:
                    self._sync_children(out)
                self._make_transitions(transits)
                if self.on_merge:
                    self.on_merge(out)
        except DatabaseError as exc:
            raise FileRejected("database", detail=str(exc).splitlines()[0][:300]) from exc

    def _hold_transitions(self) -> list[tuple[Transition, Any, dict[str, Any]]]:
        """The staged rows that make a transition are written without it: the column and the
        held columns as stored (a new row: ``before`` and blank)."""
        made = []
        nk = _q(self.nk_cols[0])
        with connection.cursor() as cur:
            for t, key, values, stored in self.transits:
                sets = {t.column: stored[t.column] if stored else t.before}
                sets.update({h: stored[h] if stored else None for h in t.held})
                cols = [
                    str(_model_field(self.model, self.registry.column(k).db_attr).column)
                    for k in sets
                ]
                assignments = ", ".join(f"{_q(c)} = %s" for c in cols)
                cur.execute(
                    f"UPDATE {self.stg} SET {assignments} WHERE {nk} = %s", [*sets.values(), key]
                )
                if cur.rowcount:
                    made.append((t, key, values))
        return made

    def _column_of(self, key: str) -> str:
        return str(_model_field(self.model, self.registry.column(key).db_attr).column)

    def _make_transitions(self, made: list[tuple[Transition, Any, dict[str, Any]]]) -> None:
        """The domain's service makes each transition, with its effects (ADR 0126)."""
        from django.core.exceptions import ValidationError

        nk = self.nk_attrs[0]
        for t, key, values in made:
            pk = self.model._default_manager.filter(**{nk: key}).values_list("pk", flat=True).get()
            try:
                t.apply(pk, values, self.user)
            except ValidationError as exc:
                raise FileRejected("service", key=str(key), detail="; ".join(exc.messages)) from exc

    def _bulk_write(
        self,
        cur: Any,
        cols_sql: str,
        select_sql: str,
        def_params: list[Any],
        update_cols: list[str],
    ) -> None:
        """Without the unique index ON CONFLICT cannot arbitrate: update the changed rows by
        a join on the natural key, then insert the new ones (the file has no duplicate keys:
        validation refused them)."""
        target = _q(self.table)
        join = " AND ".join(f"t.{_q(c)} = s.{_q(c)}" for c in self.nk_cols)
        if update_cols:
            auto = [f for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]
            sets = [f"{_q(c)} = s.{_q(c)}" for c in update_cols]
            sets += [f"{_q(f.column)} = %s" for f in auto]
            cur.execute(
                f"UPDATE {target} t SET {', '.join(sets)} FROM {self.stg} s "
                f"WHERE {join} AND ({self._changed_expr()})",
                [f.get_db_prep_save(self.now, connection) for f in auto],
            )
        cur.execute(
            f"INSERT INTO {target} ({cols_sql}) SELECT {select_sql} FROM {self.stg} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE {join})",
            def_params,
        )

    def _resolve_deferred(self, cur: Any, col: Column) -> None:
        assert col.ref
        target = _q(self.table)
        key_col = _q(_model_field(self.model, col.ref.key_field).column)
        fk = _q(col.db_attr)
        nk = _q(self.nk_cols[0])
        cur.execute(
            f"UPDATE {target} SET {fk} = (SELECT p.{_q(self.model._meta.pk.column)} "
            f"FROM {target} p WHERE p.{key_col} = (SELECT s._ref_{col.key} FROM {self.stg} s "
            f"WHERE s.{nk} = {target}.{nk})) "
            f"WHERE {nk} IN (SELECT s.{nk} FROM {self.stg} s WHERE s._ref_{col.key} IS NOT NULL)"
        )

    def _sync_children(self, out: Outcome) -> None:
        child = self.child
        assert child
        cm = apps.get_model(child.model)
        ct = _q(cm._meta.db_table)
        fk = _q(_model_field(cm, child.fk_attr).column)
        val = _q(_model_field(cm, child.value_attr).column)
        start = _q(_model_field(cm, child.start_attr).column)
        end = _q(_model_field(cm, child.end_attr).column)
        pk = _q(self.model._meta.pk.column)
        nk = _q(self.nk_cols[0])
        target = _q(self.table)
        today = timezone.localdate()
        yesterday = today - dt.timedelta(days=1)
        active = f"(c.{end} IS NULL OR c.{end} >= %s)"
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {ct} SET {end} = %s WHERE ({end} IS NULL OR {end} >= %s) "
                f"AND {fk} IN (SELECT t.{pk} FROM {self.stg} s JOIN {target} t ON t.{nk} = s.{nk}) "
                f"AND NOT EXISTS (SELECT 1 FROM {self.stg_set} x JOIN {target} t2 ON t2.{nk} = x.k "
                f"WHERE t2.{pk} = {ct}.{fk} AND x.v = {ct}.{val})",
                [yesterday.isoformat(), today.isoformat()],
            )
            out.children_closed = max(cur.rowcount, 0)
            fixed = dict(child.fixed)
            def_cols, def_exprs, def_params, _auto = _defaults_for(
                cm,
                [child.fk_attr, child.value_attr, child.start_attr, child.end_attr, *fixed],
                self.now,
            )
            fixed_cols = [_q(_model_field(cm, a).column) for a in fixed]
            cols = ", ".join([fk, val, start, end, *fixed_cols, *(_q(c) for c in def_cols)])
            exprs = ", ".join(
                [f"t.{pk}", "x.v", "COALESCE(x.s, %s)", "x.e"]
                + ["%s"] * len(fixed)
                + list(def_exprs)
            )
            first = (child.default_start or (lambda d: d))(today).isoformat()
            # not again: a code already active, or already recorded from the same start
            cur.execute(
                f"INSERT INTO {ct} ({cols}) SELECT {exprs} FROM {self.stg_set} x "
                f"JOIN {target} t ON t.{nk} = x.k WHERE NOT EXISTS (SELECT 1 FROM {ct} c "
                f"WHERE c.{fk} = t.{pk} AND c.{val} = x.v AND "
                f"({active} OR c.{start} = COALESCE(x.s, %s)))",
                [first, *fixed.values(), *def_params, today.isoformat(), first],
            )
            out.children_added = max(cur.rowcount, 0)


def _pause_for_tests() -> None:
    """The kill -9 test sets this to freeze an import inside its merge transaction."""
    import os

    marker = os.environ.get("KELESHEK_INTAKE_PAUSE_IN_MERGE")
    if marker:
        Path(marker).write_text("merging")
        time.sleep(120)


def _own_ref(reg: Registry) -> Ref:
    for c in reg.columns:
        if c.self_ref and c.ref:
            return c.ref
    raise KeyError(reg.name)


def _as_cell(value: Any) -> Any:
    """A stored value as a converted cell holds it (ids and dates as text)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _fraction(table: Table) -> float | None:
    if table.total_rows:
        return None
    return table.fraction()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def read_bad_rows(path: Path) -> Iterable[tuple[int, list[str], list[RowError]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row_no, cells, errors in csv.reader(fh):
            yield (
                int(row_no),
                json.loads(cells),
                [RowError.from_dict(e) for e in json.loads(errors)],
            )
