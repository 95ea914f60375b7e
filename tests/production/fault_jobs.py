"""A job used by the fault tests: it writes many rows in one transaction, slowly, so that a
worker can be killed in the middle of it. Imported by the fault tests' worker (``worker.py``)."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

from keleshek.jobs.models import Job
from keleshek.jobs.services import Progress, handler


@handler("fault_slow_write")
def slow_write(job: Job, progress: Progress) -> dict[str, Any]:
    from keleshek.territory.models import Territory

    rows = int(job.params["rows"])
    delay = float(job.params.get("delay", 0))
    prefix = str(job.params["prefix"])
    with transaction.atomic():
        oblast, _ = Territory.objects.get_or_create(
            kato="990000000", defaults={"level": "oblast", "name_ru": "Тест"}
        )
        for i in range(rows):
            Territory.objects.update_or_create(
                kato=f"{prefix}{i:04d}",
                defaults={"parent": oblast, "level": "settlement", "name_ru": f"Пункт {i}"},
            )
            if i % 5 == 0:
                progress(100 * i / rows, f"{i} of {rows}")
            time.sleep(delay)
    return {"rows": rows}
