"""Periodic jobs of the intake: uploads, exports and error reports expire (intake.files)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .files import expire


@db_periodic_task(crontab(minute="17"))
def expire_intake_files() -> int:
    """Hourly: delete intake files older than KELESHEK["FILE_RETENTION_HOURS"]."""
    return expire()
