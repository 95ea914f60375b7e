"""Backup and restore of the whole database.

PostgreSQL uses its own tools (``pg_dump -Fc`` / ``pg_restore``) so that a backup is a standard
artefact an administrator can restore without Keleshek; SQLite uses its online backup API, which
copies a consistent snapshot while the application keeps running.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections


class BackupError(Exception):
    pass


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def backup(target: Path, *, alias: str = "default") -> Path:
    """Write a consistent backup of the database to ``target`` (written atomically)."""
    conn = connections[alias]
    db = conn.settings_dict
    target = Path(target)
    tmp = target.with_name(target.name + ".partial")
    try:
        if conn.vendor == "postgresql":
            args, env = _pg_env(db)
            subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
                [_tool("pg_dump"), *args, "-Fc", "--no-owner", "-f", str(tmp), str(db["NAME"])],
                env=env,
                check=True,
                capture_output=True,
            )
        elif conn.vendor == "sqlite":
            conn.ensure_connection()
            dest = sqlite3.connect(tmp)
            try:
                conn.connection.backup(dest)
            finally:
                dest.close()
        else:
            raise BackupError(f"unsupported database {conn.vendor}")
        os.replace(tmp, target)
    except subprocess.CalledProcessError as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(exc.stderr.decode(errors="replace").strip()) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def restore(source: Path, *, alias: str = "default") -> None:
    """Replace the database's contents with the backup in ``source``."""
    conn = connections[alias]
    db = conn.settings_dict
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if conn.vendor == "postgresql":
        args, env = _pg_env(db)
        conn.close()
        proc = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
            [
                _tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                str(db["NAME"]),
                str(source),
            ],
            env=env,
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise BackupError(proc.stderr.decode(errors="replace").strip())
    elif conn.vendor == "sqlite":
        src = sqlite3.connect(source)
        try:
            try:
                intact = src.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            except sqlite3.DatabaseError:
                intact = False
            if not intact:
                raise BackupError(f"{source} is not an intact SQLite database")
            conn.ensure_connection()
            src.backup(conn.connection)
        finally:
            src.close()
    else:
        raise BackupError(f"unsupported database {conn.vendor}")
    # Every record may differ now and no change notice said so: stored pages are old (ADR 0193).
    from . import pagecache

    pagecache.invalidate()


def table_checksums(*, alias: str = "default") -> dict[str, tuple[int, str]]:
    """Row count and an order-independent content checksum of every table."""
    conn = connections[alias]
    out: dict[str, tuple[int, str]] = {}
    with conn.cursor() as cur:
        for table in sorted(conn.introspection.table_names(cur)):
            q = conn.ops.quote_name(table)
            cur.execute(f"SELECT * FROM {q}")  # noqa: S608 - table names from introspection
            rows = sorted(repr(r) for r in cur.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            out[table] = (len(rows), digest)
    return out
