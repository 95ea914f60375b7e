"""Background jobs for web imports: the preview (a dry run) and the confirmed write."""

from __future__ import annotations

from typing import Any

from keleshek.core.context import acting_as
from keleshek.jobs.models import Job
from keleshek.jobs.services import JobError, Progress, handler

from .models import ImportRun


def _progress(progress: Progress) -> Any:
    def report(rows: int, fraction: float | None, rate: float) -> None:
        progress(100 * (fraction or 0.0), f"{rows} rows, {rate:.0f} rows/s")

    return report


@handler("intake.preview")
def preview_job(job: Job, progress: Progress) -> dict[str, Any]:
    from pathlib import Path

    from .services import import_file

    run = ImportRun.objects.filter(pk=job.params.get("run")).first()
    if run is None:
        raise JobError("import not found")
    with acting_as(job.created_by, via="job"):
        done = import_file(
            registry=run.registry,
            path=Path(run.stored_file),
            user=job.created_by,
            dry_run=True,
            partial=run.partial,
            language=run.language,
            via="web",
            run=run,
            progress=_progress(progress),
        )
    return {"run": done.pk, "status": done.status}


@handler("intake.apply")
def apply_job(job: Job, progress: Progress) -> dict[str, Any]:
    from .services import import_confirm

    run = ImportRun.objects.filter(pk=job.params.get("run")).first()
    if run is None:
        raise JobError("import not found")
    if run.status != ImportRun.Status.PREVIEWED and run.status != ImportRun.Status.RUNNING:
        return {"run": run.pk, "status": run.status}  # already applied (a retried job)
    with acting_as(job.created_by, via="job"):
        done = import_confirm(run=run, user=job.created_by, progress=_progress(progress))
    return {"run": done.pk, "status": done.status}
