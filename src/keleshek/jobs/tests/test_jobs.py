from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from keleshek.jobs import services
from keleshek.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky_handler() -> Any:
    calls: list[int] = []

    @services.handler("test_flaky")
    def flaky(job: Job, progress: services.Progress) -> dict[str, Any]:
        calls.append(job.attempts)
        if len(calls) < int(job.params["succeed_on"]):
            raise RuntimeError("database went away")
        return {"calls": len(calls)}

    yield calls
    services.HANDLERS.pop("test_flaky")


def test_job_runs_after_commit_and_reports_progress(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue(kind="noop", params={"steps": 4})
    job.refresh_from_db()
    assert (job.status, job.progress, job.message, job.result) == (
        Job.Status.SUCCEEDED,
        100,
        "step 4 of 4",
        {"steps": 4},
    )


def test_expected_failure_is_visible_and_not_retried(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue(kind="noop", params={"fail": "file has 3 bad rows"})
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == (Job.Status.FAILED, "file has 3 bad rows", 1)


def test_unexpected_failure_is_retried_then_succeeds(
    flaky_handler: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue(kind="test_flaky", params={"succeed_on": 2})
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (Job.Status.SUCCEEDED, 2, {"calls": 2})
    assert flaky_handler == [1, 2]


def test_retries_stop_at_max_attempts(
    flaky_handler: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue(kind="test_flaky", params={"succeed_on": 99}, max_attempts=3)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 3)
    assert "database went away" in job.error


def test_idempotency_key_returns_the_same_job() -> None:
    a = services.enqueue(kind="noop", idempotency_key="import:abc")
    b = services.enqueue(kind="noop", idempotency_key="import:abc")
    assert a.pk == b.pk
    assert Job.objects.filter(idempotency_key="import:abc").count() == 1


def test_a_finished_job_is_not_run_again() -> None:
    job = Job.objects.create(kind="noop", status=Job.Status.SUCCEEDED, attempts=1, result={"x": 1})
    assert services.execute(job.pk).result == {"x": 1}
    job.refresh_from_db()
    assert job.attempts == 1


def test_reaper_requeues_a_job_whose_worker_died() -> None:
    old = timezone.now() - dt.timedelta(minutes=30)
    dead = Job.objects.create(kind="noop", status=Job.Status.RUNNING, attempts=1, heartbeat_at=old)
    exhausted = Job.objects.create(
        kind="noop", status=Job.Status.RUNNING, attempts=3, heartbeat_at=old
    )
    alive = Job.objects.create(
        kind="noop", status=Job.Status.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    requeued = services.reap_stale_jobs()
    assert requeued == [dead.pk]
    dead.refresh_from_db()
    exhausted.refresh_from_db()
    alive.refresh_from_db()
    # Immediate mode in tests: the re-queued job ran to completion at once.
    assert dead.status == Job.Status.SUCCEEDED
    assert exhausted.status == Job.Status.FAILED
    assert alive.status == Job.Status.RUNNING


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown job kind"):
        services.enqueue(kind="no-such-kind")


def test_job_pages_are_visible_to_their_owner_only(client: Any, django_user_model: Any) -> None:
    owner = django_user_model.objects.create_user("jobowner", password="x-Long-pass-1")
    other = django_user_model.objects.create_user("jobother", password="x-Long-pass-1")
    job = Job.objects.create(kind="noop", created_by=owner, status=Job.Status.FAILED, error="bad")
    client.force_login(owner)
    page = client.get(f"/en/jobs/{job.pk}/")
    assert page.status_code == 200
    assert b"bad" in page.content
    assert client.get(f"/en/jobs/{job.pk}/status.json").json()["status"] == "failed"
    client.force_login(other)
    assert client.get(f"/en/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/en/jobs/{job.pk}/status.json").status_code == 404
