"""Background jobs on a real queue (huey: SQLite-backed by default, Redis in production).

A job kind is a handler registered with ``@handler("kind")``: ``fn(job, progress) -> dict``.
Handlers must be idempotent and do their writes in one transaction, so that a retry after a
crash (worker killed, database restarted) never applies anything twice or half. The
``Job`` row is the user's view: status, progress, result or a readable error.

Claiming a job is a conditional UPDATE, so two workers never run the same attempt; a job whose
worker died (no heartbeat for ``STALE_AFTER``) is re-queued by ``reap_stale_jobs`` until it runs
out of attempts, then marked failed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Job

log = logging.getLogger("keleshek.jobs")


def stale_after() -> dt.timedelta:
    seconds: Any = settings.KELESHEK["JOB_STALE_SECONDS"]
    return dt.timedelta(seconds=int(seconds))


def _progress_alias() -> str:
    # PostgreSQL: a separate autocommit connection, so progress is visible mid-transaction.
    return "jobs" if "jobs" in settings.DATABASES else "default"


class Progress(Protocol):
    def __call__(self, percent: float, message: str = "") -> None: ...


Handler = Callable[[Job, Progress], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


class JobError(Exception):
    """An expected failure with a message for the user (no retry)."""


def enqueue(
    *,
    kind: str,
    params: dict[str, Any] | None = None,
    user: Any | None = None,
    idempotency_key: str | None = None,
    max_attempts: int = 3,
) -> Job:
    """Record a job and put it on the queue after the surrounding transaction commits.

    With an idempotency key, asking twice returns the first job instead of starting another.
    """
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    if idempotency_key:
        existing = Job.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    job = Job.objects.create(
        kind=kind,
        params=params or {},
        created_by=user if getattr(user, "pk", None) else None,
        idempotency_key=idempotency_key,
        max_attempts=max_attempts,
    )
    job_id = job.pk
    transaction.on_commit(lambda: _schedule(job_id))
    return job


def _schedule(job_id: int) -> None:
    from .tasks import execute_job_task

    execute_job_task(job_id)


def _claim(job_id: int) -> bool:
    now = timezone.now()
    return (
        Job.objects.filter(
            pk=job_id, status=Job.Status.QUEUED, attempts__lt=F("max_attempts")
        ).update(
            status=Job.Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            error="",
        )
        == 1
    )


def execute(job_id: int) -> Job:
    """Run one attempt of a job (called by the worker). Returns the job's final row."""
    if not _claim(job_id):
        return Job.objects.get(pk=job_id)  # already done, running elsewhere, or exhausted
    job = Job.objects.get(pk=job_id)

    def progress(percent: float, message: str = "") -> None:
        Job.objects.using(_progress_alias()).filter(pk=job_id).update(
            progress=max(0.0, min(100.0, percent)),
            message=message[:500],
            heartbeat_at=timezone.now(),
        )

    try:
        result = HANDLERS[job.kind](job, progress)
    except JobError as exc:
        _finish(job_id, Job.Status.FAILED, error=str(exc))
    except Exception as exc:  # unexpected: retry while attempts remain
        log.exception("job failed", extra={"job": job_id, "kind": job.kind})
        job.refresh_from_db()
        message = f"{type(exc).__name__}: {exc}"
        if job.attempts < job.max_attempts:
            Job.objects.filter(pk=job_id).update(status=Job.Status.QUEUED, error=message)
            _schedule(job_id)
        else:
            _finish(job_id, Job.Status.FAILED, error=message)
    else:
        _finish(job_id, Job.Status.SUCCEEDED, result=result or {})
    return Job.objects.get(pk=job_id)


def _finish(
    job_id: int, status: str, *, result: dict[str, Any] | None = None, error: str = ""
) -> None:
    Job.objects.filter(pk=job_id).update(
        status=status,
        result=result or {},
        error=error[:5000],
        finished_at=timezone.now(),
        progress=100 if status == Job.Status.SUCCEEDED else F("progress"),
    )


def reap_stale_jobs(*, now: dt.datetime | None = None) -> list[int]:
    """Re-queue jobs whose worker stopped sending heartbeats; fail those out of attempts."""
    now = now or timezone.now()
    stale = Job.objects.filter(
        Q(heartbeat_at__lt=now - stale_after()) | Q(heartbeat_at__isnull=True),
        status=Job.Status.RUNNING,
    )
    requeued: list[int] = []
    for job in stale:
        if job.attempts < job.max_attempts:
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.QUEUED, message="worker stopped; retrying"
            )
            requeued.append(job.pk)
            _schedule(job.pk)
        else:
            _finish(job.pk, Job.Status.FAILED, error="the worker stopped and no attempts remain")
    return requeued


def visible_jobs(user: Any) -> Any:
    """The jobs a user may see: their own; regional administrators see all."""
    qs = Job.objects.select_related("created_by")
    if getattr(user, "is_superuser", False) or getattr(user, "role", "") == "regional_admin":
        return qs
    return qs.filter(created_by=user)


@handler("noop")
def _noop(job: Job, progress: Progress) -> dict[str, Any]:
    """A trivial job used by health checks and tests of the queue itself."""
    steps = int(job.params.get("steps", 1))
    for i in range(steps):
        progress(100 * (i + 1) / steps, f"step {i + 1} of {steps}")
    if job.params.get("fail"):
        raise JobError(str(job.params["fail"]))
    return {"steps": steps}
