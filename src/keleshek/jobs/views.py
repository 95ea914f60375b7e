from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from keleshek.accounts.access import module_required

from .models import Job
from .services import visible_jobs


@module_required("jobs")
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = visible_jobs(request.user)[:100]
    return render(request, "jobs/list.html", {"jobs": jobs})


def _get(request: HttpRequest, pk: int) -> Job:
    job = visible_jobs(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/detail.html", {"job": _get(request, pk)})


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _get(request, pk)
    return JsonResponse(
        {
            "id": job.pk,
            "kind": job.kind,
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
            "error": job.error,
            "result": job.result,
        }
    )
