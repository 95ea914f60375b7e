"""Huey tasks: the queue-facing side of ``keleshek.jobs.services``."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from . import services


@db_task()
def execute_job_task(job_id: int) -> None:
    services.execute(job_id)


@db_periodic_task(crontab(minute="*"))
def reap_stale_jobs_task() -> None:
    services.reap_stale_jobs()


@HUEY.on_startup()
def reap_on_startup() -> None:
    """A worker that starts after a crash picks up the jobs its predecessor left running."""
    from django.db import close_old_connections

    close_old_connections()
    services.reap_stale_jobs()
