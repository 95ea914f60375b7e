"""Huey's daily trigger for the census reminders (the work is a jobs-app job)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from keleshek.jobs.services import enqueue


@db_periodic_task(crontab(hour="6", minute="0"))
def census_reminders_daily() -> None:
    from django.utils import timezone

    enqueue(
        kind="census.reminders",
        idempotency_key=f"census.reminders:{timezone.localdate().isoformat()}",
    )
