"""The optimisation runs as a background job (keleshek.jobs) with progress and a time budget."""

from __future__ import annotations

from typing import Any

from keleshek.jobs.models import Job
from keleshek.jobs.services import JobError, Progress, handler

from .models import Plan


@handler("transport.optimise")
def optimise_job(job: Job, progress: Progress) -> dict[str, Any]:
    from .services.plans import optimise

    plan = Plan.objects.select_related("territory").filter(pk=job.params.get("plan")).first()
    if plan is None:
        raise JobError("the plan no longer exists")
    try:
        optimise(plan, progress)
    except Exception:
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.FAILED)
        raise
    plan.refresh_from_db()
    return {
        "plan": plan.pk,
        "buses": plan.buses,
        "km": plan.distance_km,
        "served": plan.pupils_served,
        "total": plan.pupils_total,
    }
