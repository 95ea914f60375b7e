"""Faults on the production stack (a PostgreSQL instance the tests own, gunicorn, the worker):
the database restarted under page loads; a worker killed in the middle of a job."""

from __future__ import annotations

import threading
import time
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
        status, headers, body = stack.get("/ru/")
        assert status == 503
        assert headers["retry-after"] == "30"
        assert "База данных временно недоступна" in body.decode()
        assert stack.get("/readyz")[0] == 503
    finally:
        stack.pg.start()
    # No restart of gunicorn: the next requests open fresh connections.
    t0 = time.monotonic()
    deadline = t0 + 30
    while stack.get("/ru/")[0] != 200:
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
