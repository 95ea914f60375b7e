"""Test databases: empty by default, the demo region for the tests marked ``demo``.

Most tests build the small world they need with factories, in the empty database pytest-django
migrates for each worker. The few that need the whole demo region carry ``@pytest.mark.demo``:

- the demo is built **once per code version** as a *template* — ``keleshek migrate`` and
  ``keleshek demo`` run in a subprocess into a SQLite file under ``.cache/testdb/`` or into a
  PostgreSQL database used as ``TEMPLATE`` — keyed by a hash of the product code (everything
  under ``src/keleshek`` except tests) and the migrations. A second run with the same code reuses
  it; CI, on a clean clone, builds it once per database engine.
- each pytest worker **clones** it once (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
  PostgreSQL), and a demo test runs with the ``default`` connection pointed at that clone, inside
  the usual rolled-back transaction, so the clone stays pristine for the next demo test. A
  transactional demo test (which commits) gets a fresh clone afterwards.

The same SQLite template is what the browser tests' server starts from.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "keleshek"
CACHE = Path(os.environ.get("KELESHEK_TEST_CACHE", ROOT / ".cache" / "testdb"))
# What the demo's content depends on besides the code (the routing budget of the demo loader).
_ENV_KEYS = ("KELESHEK_DEMO_ROUTING_SECONDS", "KELESHEK_DEMO_ROUTING_ITERATIONS")
_CODE_SUFFIXES = {".py", ".json", ".csv", ".txt", ".toml"}


def code_hash() -> str:
    """A hash of everything that decides the demo database's content: the product code (models,
    migrations, services, the demo loaders and their data files) and the environment knobs."""
    h = hashlib.sha256()
    for path in sorted(SRC.rglob("*")):
        rel = path.relative_to(SRC)
        if (
            not path.is_file()
            or path.suffix not in _CODE_SUFFIXES
            or "tests" in rel.parts
            or "__pycache__" in rel.parts
        ):
            continue
        h.update(str(rel).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    for key in _ENV_KEYS:
        h.update(f"{key}={os.environ.get(key, '')}".encode())
    return h.hexdigest()[:16]


def _checkout_id() -> str:
    """Several checkouts (worktrees) share one PostgreSQL server: each keeps its own templates."""
    return hashlib.sha256(str(ROOT).encode()).hexdigest()[:6]


@contextmanager
def _lock(name: str) -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / f"{name}.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run_keleshek(database_url: str, *args: str) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keleshek.settings.test",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        # the demo users' passwords hashed as in production, so the browser tests' server
        # (dev settings) accepts them too
        "KELESHEK_PRODUCTION_HASHERS": "1",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    cmd = [sys.executable, "-m", "keleshek.cli", *args]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"building the demo template: {' '.join(args)} failed\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )


# --- SQLite ------------------------------------------------------------------------------------


def sqlite_template() -> Path:
    """The demo region in a SQLite file, built if this code version has none yet."""
    key = code_hash()
    path = CACHE / f"demo-{key}.sqlite3"
    with _lock("sqlite-template"):
        if path.exists():
            return path
        building = CACHE / f"demo-{key}.building.sqlite3"
        building.unlink(missing_ok=True)
        url = f"sqlite:///{building}"
        _run_keleshek(url, "migrate", "--noinput")
        _run_keleshek(url, "demo")
        os.replace(building, path)
        for old in CACHE.glob("demo-*.sqlite3"):  # older code versions of this checkout
            if old != path and "-clone-" not in old.name:
                old.unlink(missing_ok=True)
    return path


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_admin(settings: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        user=settings.get("USER") or "postgres",
        password=settings.get("PASSWORD") or None,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        autocommit=True,
    )


def _pg_url(settings: dict[str, Any], name: str) -> str:
    url = os.environ["DATABASE_URL"]
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _pg_exists(admin: Any, name: str) -> bool:
    row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def pg_template(settings: dict[str, Any]) -> str:
    """The demo region in a PostgreSQL database used as a template, built if missing."""
    key = code_hash()
    prefix = f"kel_demo_{_checkout_id()}_"
    name = f"{prefix}{key}"
    with _lock("pg-template"), _pg_admin(settings) as admin:
        if _pg_exists(admin, name):
            return name
        building = f"{name}_building"
        admin.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{building}"')
        url = _pg_url(settings, building)
        _run_keleshek(url, "migrate", "--noinput")
        _run_keleshek(url, "demo")
        admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        stale = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            (prefix + "%", name),
        ).fetchall()
        for (old,) in stale:
            admin.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
    return name


def pg_clone(settings: dict[str, Any]) -> str:
    template = pg_template(settings)
    clone = f"{settings['NAME']}_demo"[:60]
    with _pg_admin(settings) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{clone}" TEMPLATE "{template}"')
    return clone


def pg_drop(settings: dict[str, Any], name: str) -> None:
    with _pg_admin(settings) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
