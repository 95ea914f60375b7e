"""Large PostgreSQL loads: secondary indexes and foreign keys set aside, then rebuilt (ADR 0044).

PostgreSQL's own advice for populating a table ("Populating a Database" in its manual) is to
drop indexes and foreign-key constraints, load, and create them again: one sort per index and
one join per foreign key instead of a B-tree insertion per index and a trigger per row. For an
import that adds at least as many rows as the table holds, that is several times faster.

Everything happens inside the caller's transaction, so a failed or killed import rolls the
definitions back with the rows. The price is an ``ACCESS EXCLUSIVE`` lock on the table until
the import commits: readers of that table wait for the merge (seconds for a million rows).
The primary key stays (other tables refer to it), and so does any unique constraint another
table's foreign key depends on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection


def min_rows() -> int:
    return int(getattr(settings, "KELESHEK", {}).get("INTAKE_BULK_MIN_ROWS", 50_000))


def worth_it(table: str, new_rows: int) -> bool:
    """True when a load of ``new_rows`` into ``table`` should rebuild instead of insert."""
    if connection.vendor != "postgresql" or new_rows < min_rows():
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [table])
        row = cur.fetchone()
    return row is not None and new_rows >= float(row[0])


@contextmanager
def indexes_set_aside(table: str) -> Iterator[dict[str, Any]]:
    """Inside a transaction: drop ``table``'s secondary indexes, unique constraints nobody
    refers to and outgoing foreign keys; recreate them, with their own names and definitions,
    on leaving. Yields what was set aside (for tests and logs)."""
    assert connection.in_atomic_block, "set indexes aside only inside a transaction"
    with connection.cursor() as cur:
        # checks still queued in this transaction would forbid ALTER TABLE: run them now
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND (contype = 'f' OR (contype = 'u' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = "
            "pg_constraint.conindid AND r.conrelid <> pg_constraint.conrelid))) "
            "ORDER BY contype DESC, conname",
            [table],
        )
        constraints = [(str(n), str(d), str(t)) for n, d, t in cur.fetchall()]
        cur.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
            "AND k.conrelid = i.indrelid) ORDER BY c.relname",
            [table],
        )
        indexes = [(str(n), str(d)) for n, d in cur.fetchall()]
        quoted = connection.ops.quote_name(table)
        for name, _definition, _kind in constraints:
            cur.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    aside = {"constraints": constraints, "indexes": indexes}
    yield aside
    with connection.cursor() as cur:
        # sorts for the index builds: as much memory as a session may reasonably take
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cur.execute(definition)
        # unique constraints before foreign keys ("u" sorts after "f": reversed)
        for name, definition, _kind in sorted(constraints, key=lambda c: c[2], reverse=True):
            cur.execute(
                f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                f"{definition}"
            )
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
