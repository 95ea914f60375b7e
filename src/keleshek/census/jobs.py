"""The census's background job: reminders to schools whose return is late, run daily for every
open period through the jobs app (a Job record says what it did)."""

from __future__ import annotations

from typing import Any

from keleshek.jobs.models import Job
from keleshek.jobs.services import Progress, handler

from . import services
from .models import Period


@handler("census.reminders")
def send_reminders(job: Job, progress: Progress) -> dict[str, Any]:
    periods = list(Period.objects.filter(is_open=True))
    schools = emails = 0
    for i, period in enumerate(periods):
        result = services.reminders_send(period=period)
        schools += result.schools
        emails += result.emails
        progress(100 * (i + 1) / max(1, len(periods)))
    return {"periods": len(periods), "schools": schools, "emails": emails}
