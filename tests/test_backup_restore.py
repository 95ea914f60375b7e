"""`keleshek backup` / `keleshek restore` round trip on a database of its own (SQLite file, and a
PostgreSQL database created for the test): after restore, every table's row count and content
checksum equal those taken at backup time, although the data was changed in between."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

PG_SERVER = os.environ.get("KELESHEK_TEST_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
# Both round trips work on databases of their own (a SQLite file, a PostgreSQL database made
# here): the suite's engine makes no difference, so they run in the first pass only.
pytestmark = pytest.mark.once

SEED = """
from keleshek.territory.models import Territory
from keleshek.core import audit
ob = Territory.objects.create(kato="630000000", level="oblast", name_ru="ВКО", name_kk="ШҚО")
for i in range(150):
    Territory.objects.create(
        kato=f"63{i + 1:03d}0000", parent=ob, level="district",
        name_ru=f"Район {i}", name_kk=f"Аудан {i} әғқңөұүһі", lat=49.9 + i / 1000,
    )
for i in range(20):
    audit.record("update", object_type="t", object_id=str(i), changes={"n": [i, i + 1]})
"""
MUTATE = """
from keleshek.territory.models import Territory
Territory.objects.filter(level="district", kato__startswith="6301").delete()
Territory.objects.create(kato="639990000", level="district", name_ru="Лишний")
"""
CHECKSUMS = """
import json
from keleshek.core.backup import table_checksums
print(json.dumps(table_checksums()))
"""


def _keleshek(env: dict[str, str], *args: str, code: str | None = None) -> str:
    cmd = [sys.executable, "-m", "keleshek.cli", *args]
    if code is not None:
        cmd = [sys.executable, "-m", "keleshek.cli", "shell", "-v", "0", "-c", code]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _round_trip(env: dict[str, str], backup_file: Path) -> None:
    _keleshek(env, "migrate", "--noinput")
    _keleshek(env, code=SEED)
    before = json.loads(_keleshek(env, code=CHECKSUMS))
    _keleshek(env, "backup", str(backup_file))
    assert backup_file.stat().st_size > 0
    _keleshek(env, code=MUTATE)
    changed = json.loads(_keleshek(env, code=CHECKSUMS))
    assert changed["territory_territory"] != before["territory_territory"]
    _keleshek(env, "restore", "--yes", str(backup_file))
    after = json.loads(_keleshek(env, code=CHECKSUMS))
    assert after == before
    assert before["territory_territory"][0] == 151
    assert before["core_auditentry"][0] == 20
    verify = _keleshek(env, "audit_verify")
    assert "audit chain intact: 20 entries" in verify


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="keleshek.settings.dev",
        KELESHEK_WORK_DIR=str(tmp_path),
    )
    return env


def test_sqlite_round_trip(tmp_path: Path) -> None:
    env = _env(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)
    _round_trip(env, tmp_path / "backup.sqlite3")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    env = _env(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)
    _keleshek(env, "migrate", "--noinput")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    proc = subprocess.run(
        [sys.executable, "-m", "keleshek.cli", "restore", "--yes", str(junk)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0
    assert "restore failed" in proc.stderr


@pytest.fixture
def pg_database() -> Iterator[str]:
    name = f"kel_backup_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        if os.environ.get("KELESHEK_REQUIRE_POSTGRES"):
            raise
        pytest.skip("no PostgreSQL server answers at " + PG_SERVER)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG_SERVER}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_round_trip(pg_database: str, tmp_path: Path) -> None:
    _round_trip(_env(pg_database, tmp_path), tmp_path / "backup.dump")
