"""Faults on the production stack (a PostgreSQL instance the tests own, gunicorn, the worker):
the database restarted under page loads; a worker killed in the middle of a job."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.production.conftest import Stack
from tests.production.test_stack import wait_for_job

pytestmark = [pytest.mark.own_services, pytest.mark.faults]


def test_database_down_gives_a_clear_503_and_the_service_recovers_by_itself(
    stack: Stack, figure: Any
) -> None:
    assert stack.get("/readyz")[0] == 200
    assert stack.get("/ru/")[0] == 200
    stack.pg.stop("immediate")
    try:
        # A page already in the page cache (ADR 0193) is still served: it needs no database.
        assert stack.get("/ru/")[0] == 200
        # One that must be rendered needs the database: a clear 503.
        status, headers, body = stack.get("/ru/catalogue/?q=database-down")
        assert status == 503
        assert headers["retry-after"] == "30"
        assert "База данных временно недоступна" in body.decode()
        assert stack.get("/readyz")[0] == 503
    finally:
        stack.pg.start()
    # No restart of gunicorn: the next requests open fresh connections.
    t0 = time.monotonic()
    deadline = t0 + 30
    while stack.get("/ru/catalogue/?q=database-back")[0] != 200:
        assert time.monotonic() < deadline, "the service did not recover"
        time.sleep(0.1)
    figure("database back up → first page served again, s", f"{time.monotonic() - t0:.2f}")
    assert stack.get("/readyz")[0] == 200


def test_a_restart_under_continuous_load_never_yields_a_server_error(
    stack: Stack, figure: Any
) -> None:
    statuses: list[int] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            try:
                statuses.append(stack.get("/ru/")[0])
            except OSError:
                statuses.append(-1)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(2)
    stack.pg.restart(down_seconds=2)
    time.sleep(4)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert statuses, "no requests were made"
    figure(
        "restart under load: requests (200 / 503 / other)",
        f"{len(statuses)} ({statuses.count(200)} / {statuses.count(503)} / "
        f"{len(statuses) - statuses.count(200) - statuses.count(503)})",
    )
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert statuses[-1] == 200


def test_a_worker_killed_mid_job_leaves_nothing_half_written_and_the_job_is_retried(
    stack: Stack, figure: Any
) -> None:
    prefix = "99001"
    count = (
        "from keleshek.territory.models import Territory; "
        f"print(Territory.objects.filter(kato__startswith='{prefix}').count())"
    )
    code = (
        "from django.db import transaction\n"
        "from keleshek.jobs.services import enqueue\n"
        "from tests.production import fault_jobs  # registers fault_slow_write\n"
        "with transaction.atomic():\n"
        f"    job = enqueue(kind='fault_slow_write', params={{'rows': 60, 'delay': 0.25,"
        f" 'prefix': '{prefix}'}})\n"
        "print(job.pk)\n"
    )
    job_id = int(stack.shell(code).splitlines()[-1])
    progress = (
        f"from keleshek.jobs.models import Job; j = Job.objects.get(pk={job_id}); "
        "print(j.status, j.progress)"
    )
    deadline = time.monotonic() + 90
    while True:
        status, pct = stack.shell(progress).split()
        if status == "running" and float(pct) >= 20:
            break
        assert time.monotonic() < deadline, f"job never got going: {status} {pct}"
        time.sleep(0.3)
    stack.kill_worker()
    figure("worker killed at job progress, %", pct)
    # The killed worker's transaction is rolled back by the server: nothing half-written.
    deadline = time.monotonic() + 30
    while stack.shell(count) != "0":
        assert time.monotonic() < deadline, "rows of a killed job stayed in the database"
        time.sleep(0.5)
    assert stack.shell(progress).split()[0] == "running"  # the row still says so...
    time.sleep(4)  # ...until its heartbeat is stale (KELESHEK_JOB_STALE_SECONDS=3)
    stack.start_worker()  # the new worker re-queues it at start-up
    assert wait_for_job(stack, job_id, {"succeeded", "failed"}, seconds=120) == "succeeded"
    assert stack.shell(count) == "60"
    attempts = f"from keleshek.jobs.models import Job; print(Job.objects.get(pk={job_id}).attempts)"
    assert stack.shell(attempts) == "2"
    figure("killed job: rows left by the killed attempt / after the retry", "0 / 60")
    figure("killed job: attempts to succeed", 2)


def _territory_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = [
        "KATO code;Parent KATO;Level;Name (Russian);Name (Kazakh);Name (English);Urban;"
        "Latitude;Longitude;Valid from;Valid to"
    ]
    lines += [
        f"{k};{p};{lvl};Пункт {k};Елді мекен {k};Place {k};0;49.9;82.6;;" for k, p, lvl in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(stack: Stack, prefix: str) -> int:
    return int(
        stack.shell(
            "from keleshek.territory.models import Territory; "
            f"print(Territory.objects.filter(kato__startswith='{prefix}').count())"
        )
    )


def test_database_restarted_during_an_import_writes_nothing_and_the_rerun_succeeds(
    stack: Stack, figure: Any, tmp_path: Path
) -> None:
    root = _territory_csv(tmp_path / "root.csv", [("620000000", "", "oblast")])
    stack.cli("import", "territory", str(root), "--lang", "en", "--quiet")
    n = 60_000
    rows = [(f"62{i:07d}", "620000000", "settlement") for i in range(1, n + 1)]
    big = _territory_csv(tmp_path / "big.csv", rows)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "keleshek.cli",
            "import",
            "territory",
            str(big),
            "--lang",
            "en",
            "--quiet",
        ],
        env=stack.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Restart the server while the import is writing: wait until its session is busy.
    busy = (
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()"
        " AND (query ILIKE '%territory_territory%' OR query ILIKE 'COPY%')"
    )
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < 120:
        if stack.pg.psql(busy).strip() not in ("", "0"):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before the restart: make the file larger"
    stack.pg.restart(down_seconds=1)
    out, err = proc.communicate(timeout=300)
    figure("import restarted after, s", f"{time.monotonic() - t0:.1f}")
    assert proc.returncode != 0
    assert "Traceback" not in err, err[-2000:]
    assert "database" in (out + err).lower()
    assert _count(stack, "62") == 1  # the oblast from the first file; nothing of the big one
    stack.cli("import", "territory", str(big), "--lang", "en", "--quiet")
    assert _count(stack, "62") == n + 1
    figure("import after a mid-write restart: rows written / rerun", f"0 / {n}")


def test_disk_full_during_an_export_gives_a_clear_error_and_no_file(
    stack: Stack, tmp_path: Path
) -> None:
    mnt = Path(tempfile.mkdtemp(prefix="keleshek-full-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here: " + mounted.stderr.decode(errors="replace"))
    try:
        # Enough rows that the export does not fit in 64 KiB.
        root = _territory_csv(tmp_path / "root.csv", [("610000000", "", "oblast")])
        stack.cli("import", "territory", str(root), "--lang", "en", "--quiet")
        rows = [(f"61{i:07d}", "610000000", "settlement") for i in range(1, 3001)]
        stack.cli(
            "import",
            "territory",
            str(_territory_csv(tmp_path / "s.csv", rows)),
            "--lang",
            "en",
            "--quiet",
        )
        proc = subprocess.run(
            [sys.executable, "-m", "keleshek.cli", "export", "territory", str(mnt / "t.csv")],
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode != 0
        assert "No space left on device" in proc.stderr
        assert "no file was left behind" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert list(mnt.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
        mnt.rmdir()
