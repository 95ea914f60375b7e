"""Huey tasks: the queue-facing side of ``keleshek.jobs.services``."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def execute_job_task(job_id: int) -> None:
    services.execute(job_id)


@db_periodic_task(crontab(minute="*"))
def reap_stale_jobs_task() -> None:
    services.reap_stale_jobs()
