"""An import killed with SIGKILL in the middle of its merge leaves the database as it was.

Each case runs the real command in a subprocess against its own database (a SQLite file in
tmp_path; the PostgreSQL database ``kel_intake_kill``), freezes it inside the merge
transaction (after the INSERT … ON CONFLICT has run) and kills it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .factories import csv_bytes

# Each test makes a database of its own in a subprocess (SQLite file, PostgreSQL database): the
# suite's engine makes no difference, so they run in the first pass only.
pytestmark = [pytest.mark.slow, pytest.mark.once]

ROOT = Path(__file__).resolve().parents[4]
KELESHEK = [sys.executable, "-c", "from keleshek.cli import main; raise SystemExit(main())"]


def _env(tmp_path: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KELESHEK_INTAKE")}
    env.update(
        DATABASE_URL=url,
        KELESHEK_MEDIA_ROOT=str(tmp_path / "media"),
        KELESHEK_WORK_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="keleshek.settings.dev",
    )
    return env


def _files(tmp_path: Path) -> tuple[Path, Path]:
    terr = tmp_path / "territory.csv"
    terr.write_bytes(
        csv_bytes(
            [
                ["kato", "parent", "level", "name_ru"],
                ["650000000", "", "oblast", "O"],
                ["651000000", "650000000", "district", "D"],
            ]
        )
    )
    pop = tmp_path / "population.csv"
    rows: list[list[object]] = [["kato", "year", "age", "sex", "count"]]
    rows += [["651000000", 2025, age, sex, 10 + age] for age in range(100) for sex in "MF"]
    pop.write_bytes(csv_bytes(rows))
    return terr, pop


def _kill_during_merge(tmp_path: Path, env: dict[str, str], pop: Path) -> None:
    marker = tmp_path / "merging"
    proc = subprocess.Popen(
        [*KELESHEK, "import", "population", str(pop), "--quiet"],
        env={**env, "KELESHEK_INTAKE_PAUSE_IN_MERGE": str(marker)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while not marker.exists():
        assert proc.poll() is None, "the import ended before reaching the merge"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def _prepare(tmp_path: Path, env: dict[str, str]) -> Path:
    terr, pop = _files(tmp_path)
    subprocess.run([*KELESHEK, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [*KELESHEK, "import", "territory", str(terr), "--quiet"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return pop


def test_kill_during_merge_sqlite(tmp_path):
    db = tmp_path / "kill.sqlite3"
    env = _env(tmp_path, f"sqlite:///{db}")
    pop = _prepare(tmp_path, env)
    con = sqlite3.connect(db)
    before = con.execute("SELECT count(*) FROM intake_importrun").fetchone()[0]
    audit_before = con.execute("SELECT count(*) FROM core_auditentry").fetchone()[0]
    con.close()
    _kill_during_merge(tmp_path, env, pop)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM territory_populationrecord").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM intake_importrun").fetchone()[0] == before
    assert con.execute("SELECT count(*) FROM core_auditentry").fetchone()[0] == audit_before
    con.close()


def test_kill_during_merge_postgres(tmp_path):
    psycopg = pytest.importorskip("psycopg")
    admin_url = os.environ.get(
        "KELESHEK_TEST_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL does not answer")
    # A name of its own: several test runs may share one server (CI, parallel checkouts).
    name = f"kel_intake_kill_{os.getpid()}"
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        env = _env(tmp_path, url)
        pop = _prepare(tmp_path, env)
        with psycopg.connect(url) as con:
            before = con.execute("SELECT count(*) FROM intake_importrun").fetchone()[0]
        _kill_during_merge(tmp_path, env, pop)
        time.sleep(1)  # the server notices the dropped connection and rolls back
        with psycopg.connect(url) as con:
            assert con.execute("SELECT count(*) FROM territory_populationrecord").fetchone()[0] == 0
            assert con.execute("SELECT count(*) FROM intake_importrun").fetchone()[0] == before
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
