"""Writes of the indicators app: keep definitions in place and maintain the materialised values.

- ``sync_definitions()`` creates the default indicator records that are missing.
- ``refresh_indicators(years=None)`` recomputes every indicator for every territory of the KATO
  tree (and every institution) from one set-based query per source, and replaces the stored
  values in one transaction (readers see the old or the new values, never half).
  With ``scope=Scope(institutions=…, territories=…)`` only what depends on those units: their
  subtrees and the ancestors up to the root (ADR 0202), equal to a full refresh's values.
- ``request_refresh()`` queues that refresh in the background (huey). Other modules call it
  after their writes commit: ``transaction.on_commit(request_refresh)``; or they announce
  ``core.hooks.RECORDS_CHANGED`` (with the units changed, for a scoped refresh), which
  ``on_records_changed`` turns into the refresh.
"""

from __future__ import annotations

import io
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from keleshek.core import hooks
from keleshek.institutions.selectors import current_school_year
from keleshek.territory.selectors import oblast_kato

from .elements import REGISTRY, SOURCES, Context, facts
from .models import Indicator, IndicatorValue, RefreshRun

Key = tuple[int, int, str, str]  # (territory or institution id, year, dimension, category)


def sync_definitions() -> int:
    """Create the default indicators that do not exist yet; returns how many were created.
    Existing records are left as edited, except that a description still empty in a language
    receives the default one (records made before the descriptions were translated)."""
    from .definitions import DEFAULTS

    existing = {i.code: i for i in Indicator.objects.all()}
    new = [Indicator(**d) for d in DEFAULTS if d["code"] not in existing]
    Indicator.objects.bulk_create(new)
    fields = ("description_ru", "description_kk", "description_en")
    filled = []
    for d in DEFAULTS:
        ind = existing.get(d["code"])
        if ind is not None and any(not getattr(ind, f) and d[f] for f in fields):
            for f in fields:
                setattr(ind, f, getattr(ind, f) or d[f])
            filled.append(ind)
    Indicator.objects.bulk_update(filled, fields)
    return len(new)


# Dimensions with many categories (a specialty, a country, a programme) are materialised for
# the upper levels only (oblast, district, city): that is where the labour-market match and the
# breakdowns read them, and it keeps the table from growing with settlements × categories.
UPPER_ONLY_DIMS = frozenset({"specialty", "country", "programme"})
UPPER_LEVELS = frozenset({"oblast", "district", "city"})


@dataclass
class _Tree:
    ancestors: dict[int, list[int]]  # territory id -> its ancestors from the root, then itself
    area: dict[int, str]  # settlement id -> "urban" / "rural"
    root_id: int | None
    upper: frozenset[int] = frozenset()  # territories of the upper levels
    children: dict[int, list[int]] = field(default_factory=dict)

    def subtree(self, tid: int) -> set[int]:
        """``tid`` and every territory below it."""
        out, todo = set(), [tid]
        while todo:
            t = todo.pop()
            out.add(t)
            todo.extend(self.children.get(t, ()))
        return out


def _tree() -> _Tree:
    from keleshek.territory.models import Territory

    rows = list(Territory.objects.values_list("id", "kato", "path", "level", "is_urban"))
    by_kato = {kato: tid for tid, kato, _p, _l, _u in rows}
    ancestors: dict[int, list[int]] = {}
    area: dict[int, str] = {}
    upper = frozenset(tid for tid, _k, _p, level, _u in rows if level in UPPER_LEVELS)
    for tid, _kato, path, level, urban in rows:
        ancestors[tid] = [by_kato[k] for k in path.strip("/").split("/") if k in by_kato] or [tid]
        if level == "settlement":
            area[tid] = "urban" if urban else "rural"
    children: dict[int, list[int]] = defaultdict(list)
    for tid, chain in ancestors.items():
        if len(chain) > 1 and chain[-1] == tid:
            children[chain[-2]].append(tid)
    root_kato = oblast_kato()
    return _Tree(ancestors, area, by_kato.get(root_kato), upper, dict(children))


@dataclass
class Computed:
    territory: dict[str, dict[Key, float]]  # element code -> key -> value
    institution: dict[str, dict[Key, float]]
    institution_territory: dict[int, int]


def compute_elements(
    element_dims: dict[str, set[str]], ctx: Context, tree: _Tree | None = None
) -> Computed:
    """Aggregate the named data elements to every territory (rolled up the KATO tree) and
    every institution, with the requested dimensions besides the total."""
    tree = tree or _tree()
    by_source: dict[str, list[str]] = defaultdict(list)
    for code in element_dims:
        by_source[REGISTRY[code].source].append(code)
    terr_out: dict[str, dict[Key, float]] = {c: defaultdict(float) for c in element_dims}
    inst_out: dict[str, dict[Key, float]] = {c: defaultdict(float) for c in element_dims}
    inst_terr: dict[int, int] = {}
    for src_code, codes in by_source.items():
        src = SOURCES[src_code]
        plan = [(c, REGISTRY[c].measure, tuple(sorted(element_dims[c]))) for c in codes]
        leaf: dict[str, dict[Key, float]] = {c: defaultdict(float) for c in codes}
        for inst, terr, year, dims, measures in facts(ctx, src_code):
            for code, measure, wanted in plan:
                v = measures.get(measure)
                if v is None:
                    continue
                bucket = leaf[code]
                bucket[(terr, year, "", "")] += v
                for dim in wanted:
                    cat = tree.area.get(terr) if dim == "area" else dims.get(dim)
                    if cat is not None:
                        bucket[(terr, year, dim, cat)] += v
                if src.institution_level and inst is not None:
                    inst_out[code][(inst, year, "", "")] += v
                    inst_terr[inst] = terr
        for code in codes:
            out = terr_out[code]
            for (terr, year, dim, cat), v in leaf[code].items():
                upper_only = dim in UPPER_ONLY_DIMS
                for anc in tree.ancestors.get(terr, (terr,)):
                    if upper_only and anc not in tree.upper:
                        continue
                    out[(anc, year, dim, cat)] += v
    return Computed(terr_out, inst_out, inst_terr)


Row = tuple[int, int, int | None, int, str, str, float, float | None, float | None]


def _indicator_rows(ind: Indicator, comp: Computed) -> Iterable[Row]:
    allowed = {"", *ind.disaggregations}
    for level in ("territory", "institution"):
        store = comp.territory if level == "territory" else comp.institution
        num = store.get(ind.numerator, {})
        den = store.get(ind.denominator) if ind.denominator else None
        if level == "institution" and not num and not den:
            continue
        keys = {k for k in num if k[2] in allowed}
        if den is not None:
            keys |= {k for k in den if k[2] in allowed}
        for key in keys:
            unit_id, year, dim, cat = key
            n = num.get(key, 0.0)
            d: float | None = None
            if den is not None:
                d = den.get(key)
                value = n / d * ind.factor if d else None
            else:
                value = n * ind.factor
            if level == "territory":
                yield (ind.pk, unit_id, None, year, dim, cat, n, d, value)
            else:
                terr = comp.institution_territory.get(unit_id)
                if terr is not None:
                    yield (ind.pk, terr, unit_id, year, dim, cat, n, d, value)


COLUMNS = (
    "indicator_id",
    "territory_id",
    "institution_id",
    "year",
    "dimension",
    "category",
    "numerator",
    "denominator",
    "value",
)


def _write(rows: list[Row]) -> None:
    if connection.vendor == "postgresql":
        table = IndicatorValue._meta.db_table
        buf = io.StringIO()
        for r in rows:
            buf.write(
                "\t".join("\\N" if x is None else str(x).replace("\t", " ") for x in r) + "\n"
            )
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            copy.write(buf.getvalue())
        return
    # SQLite and others: a plain parameterised INSERT, many rows per call (the ORM's
    # bulk_create spends most of its time building expressions for each value).
    table = IndicatorValue._meta.db_table
    marks = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608  # fixed names
    with connection.cursor() as cur:
        for start in range(0, len(rows), 5000):
            cur.executemany(sql, rows[start : start + 5000])


@dataclass(frozen=True)
class Scope:
    """What a change touched, for a scoped refresh: institutions and territories by id. An
    institution stands for its current settlement; the settlement an institution left (moved,
    closed, deleted) must be named among the territories."""

    institutions: frozenset[int] = frozenset()
    territories: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.institutions) + len(self.territories)


# The advisory lock that serialises the refreshes (PostgreSQL): "kelind" in ASCII.
REFRESH_LOCK = 0x6B656C696E64

# A change to more units than this is refreshed whole: past a few districts, recomputing the
# subtrees costs about as much as the full refresh (ADR 0202).
SCOPED_MAX_UNITS = 20


def on_records_changed(
    *,
    institutions: Iterable[int] | None = None,
    territories: Iterable[int] | None = None,
    year: int | None = None,
    years: Iterable[int] | None = None,
    **_payload: object,
) -> None:
    """``core.hooks.RECORDS_CHANGED``: queue the refresh the notice calls for. A notice that
    names the institutions and/or territories changed (and the years) is refreshed in scope
    when it names few; a notice without them (an import of whole files, an unknown change)
    refreshes everything."""
    year_list: list[int] | None = None
    if years is not None:
        year_list = sorted({int(y) for y in years})
    elif year is not None:
        year_list = [int(year)]
    if institutions is None and territories is None:
        request_refresh(None)  # unknown scope: every year, as before
        return
    scope = Scope(
        frozenset(int(i) for i in institutions or ()), frozenset(int(t) for t in territories or ())
    )
    if not scope:
        return  # nothing placed changed
    request_refresh(year_list, scope if len(scope) <= SCOPED_MAX_UNITS else None)


def _plan() -> tuple[list[Indicator], dict[str, set[str]]]:
    indicators = [i for i in Indicator.objects.all() if i.numerator in REGISTRY]
    element_dims: dict[str, set[str]] = defaultdict(set)
    for ind in indicators:
        for code in (ind.numerator, ind.denominator):
            if code and code in REGISTRY:
                element_dims[code] |= set(ind.disaggregations)
    return indicators, element_dims


def refresh_indicators(
    *, years: Iterable[int] | None = None, trigger: str = "", scope: Scope | None = None
) -> RefreshRun:
    """Recompute and replace the materialised values (all years, or only ``years``); with a
    ``scope``, only the values that depend on the changed units (ADR 0202)."""
    started = timezone.now()
    t0 = time.perf_counter()
    year_set = frozenset(int(y) for y in years) if years is not None else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One refresh at a time: a scoped refresh sums an ancestor from its children's
            # stored values, which a refresh running beside it could be rewriting (it would
            # lose the other's change). Held to the end of the transaction.
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        sync_definitions()
        tree = _tree()
        ctx = Context(
            current_year=current_school_year(), root_territory_id=tree.root_id, years=year_set
        )
        indicators, element_dims = _plan()
        rows = _scoped_rows(scope, tree, ctx, indicators, element_dims) if scope else None
        if rows is None:  # everything
            comp = compute_elements(element_dims, ctx, tree)
            rows = []
            for ind in indicators:
                rows.extend(_indicator_rows(ind, comp))
            old = IndicatorValue.objects.all()
            if year_set is not None:
                old = old.filter(year__in=year_set)
            old._raw_delete(old.db)  # no cascades point here: a plain DELETE
        _write(rows)
        if connection.vendor == "postgresql" and ctx.territories is None:
            # fresh statistics, or the planner takes the rewritten table for empty
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {IndicatorValue._meta.db_table}")
        run = RefreshRun.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            seconds=round(time.perf_counter() - t0, 3),
            rows=len(rows),
            years=sorted(year_set) if year_set is not None else [],
            trigger=trigger[:100],
            current_year=ctx.current_year,
        )
    if (
        connection.vendor == "postgresql"
        and ctx.territories is None
        and not connection.in_atomic_block
    ):
        # The old values are dead rows now; until they are vacuumed, every index scan of the
        # table (a scoped refresh's delete and reads, the pages) visits them too. Outside a
        # transaction only; a caller's transaction leaves it to autovacuum.
        with connection.cursor() as cur:
            cur.execute(f"VACUUM {IndicatorValue._meta.db_table}")
    # Pages and documents drawn from the values are out of date (page cache, briefing).
    hooks.publish_on_commit(hooks.INDICATORS_REFRESHED, years=sorted(year_set or ()))
    return run


def _scoped_rows(
    scope: Scope,
    tree: _Tree,
    ctx: Context,
    indicators: list[Indicator],
    element_dims: dict[str, set[str]],
) -> list[Row] | None:
    """Recompute what depends on the changed units, delete the stale values, and return the
    new rows (None: the scope cannot be placed in the tree, or covers most of it; refresh
    everything).

    A territory's value is the sum over its subtree. The *touched* territories (the scope's,
    and its institutions' settlements) are recomputed from the sources over their subtrees.
    Each of their ancestors is the sum of (a) the facts recomputed within the scope below it,
    including its own facts, and (b) the stored values of its other children. A stored child
    holds every dimension only at the upper levels (``UPPER_ONLY_DIMS``), so an ancestor's
    other children below the upper levels (a district's settlements) are recomputed from the
    sources too. Ratios are recomputed from the summed numerators and denominators. Exact:
    the result equals a full refresh (``tests/test_scoped_refresh.py``)."""
    from keleshek.institutions.models import Institution

    touched = set(scope.territories)
    touched |= set(
        Institution.objects.filter(pk__in=scope.institutions, settlement__isnull=False)
        .values_list("settlement_id", flat=True)
        .order_by()
    )
    touched &= tree.ancestors.keys()
    if not touched:
        return None
    chain: set[int] = set()
    recomputed: set[int] = set()
    for t in touched:
        chain.update(tree.ancestors[t])
        recomputed |= tree.subtree(t)
    merged = chain - recomputed  # ancestors: recomputed facts below + stored other children
    stored_children: set[int] = set()
    extra: set[int] = set()  # other children's subtrees recomputed (not kept whole)
    for m in merged:
        for c in tree.children.get(m, ()):
            if c in chain:
                continue
            if c in tree.upper:
                stored_children.add(c)
            else:
                extra |= tree.subtree(c)
    written = recomputed | merged
    if 2 * len(written | extra) > len(tree.ancestors):
        return None  # most of the tree: the full refresh is as quick and simpler
    ctx.territories = frozenset(written | extra)
    comp = compute_elements(element_dims, ctx, tree)

    rows: list[Row] = []
    acc: dict[tuple[int, int, int, str, str], list[Any]] = {}  # -> [numerator, denominator]
    for ind in indicators:
        for r in _indicator_rows(ind, comp):
            if r[1] not in written:
                continue
            if r[2] is None and r[1] in merged:
                acc[(r[0], r[1], r[3], r[4], r[5])] = [r[6], r[7]]
            else:
                rows.append(r)
    by_id = {i.pk: i for i in indicators}
    stored = IndicatorValue.objects.filter(
        territory_id__in=stored_children, institution__isnull=True
    )
    if ctx.years is not None:
        stored = stored.filter(year__in=ctx.years)
    for ind_id, terr, year, dim, cat, n, d in stored.values_list(
        "indicator_id", "territory_id", "year", "dimension", "category", "numerator", "denominator"
    ).iterator(chunk_size=5000):
        if ind_id not in by_id:
            continue
        upper_only = dim in UPPER_ONLY_DIMS
        for anc in tree.ancestors[terr][:-1]:
            if upper_only and anc not in tree.upper:
                continue
            a = acc.get((ind_id, anc, year, dim, cat))
            if a is None:
                acc[(ind_id, anc, year, dim, cat)] = [n, d]
                continue
            a[0] += n
            if d is not None:
                a[1] = d if a[1] is None else a[1] + d
    for (ind_id, terr, year, dim, cat), (n, d) in acc.items():
        ind = by_id[ind_id]
        if ind.denominator and ind.denominator in comp.territory:
            value = n / d * ind.factor if d else None
        else:
            value = n * ind.factor
        rows.append((ind_id, terr, None, year, dim, cat, n, d, value))

    old = IndicatorValue.objects.filter(
        Q(territory_id__in=written) | Q(institution_id__in=scope.institutions)
    )
    if ctx.years is not None:
        old = old.filter(year__in=ctx.years)
    old._raw_delete(old.db)
    return rows


def request_refresh(years: Iterable[int] | None = None, scope: Scope | None = None) -> None:
    """Queue a background refresh (of ``scope`` only, when given). Call it after your write
    commits: ``transaction.on_commit(request_refresh)``."""
    from .tasks import refresh_indicators_task

    refresh_indicators_task(
        sorted(years) if years is not None else None,
        sorted(scope.institutions) if scope else None,
        sorted(scope.territories) if scope else None,
    )
