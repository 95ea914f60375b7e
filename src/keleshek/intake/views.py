"""Staff pages: choose a registry, download a template, upload, preview, confirm, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from keleshek.jobs.models import Job
from keleshek.jobs.services import enqueue

from . import files, registries
from .models import ImportRun
from .pipeline import RowError, can_import
from .selectors import can_export, registries_for, visible_runs
from .services import export_registry, import_upload_store, template_file

FORMATS = ("csv", "xlsx")


class UploadForm(forms.Form):
    registry = forms.ChoiceField(label=_("Registry"))
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    partial = forms.BooleanField(
        label=_("Write the valid rows and return the rest to fix"), required=False
    )

    def __init__(self, *args: object, user: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["registry"].choices = [  # type: ignore[attr-defined]
            (r.name, r.label) for r, allowed in registries_for(user) if allowed
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = files.upload_max_bytes()
        if upload is not None and (upload.size or 0) > limit:
            raise forms.ValidationError(_upload_too_large(limit))
        return upload


def _upload_too_large(limit: int) -> str:
    return _("The file is larger than %(mb)s MB, the most this site accepts.") % {
        "mb": f"{limit / (1024 * 1024):g}"
    }


def _recent_runs(user: object) -> list[ImportRun]:
    """The user's latest runs, each with its registry's name in the page's language."""
    runs = list(visible_runs(user)[:20])
    for run in runs:
        try:
            run.registry_label = registries.get(run.registry).label  # type: ignore[attr-defined]
        except KeyError:
            run.registry_label = run.registry  # type: ignore[attr-defined]
    return runs


def _lang() -> str:
    return (get_language() or "ru")[:2]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not can_export(request.user):
        raise PermissionDenied
    runs = _recent_runs(request.user)
    return render(
        request,
        "intake/index.html",
        {
            "registries": registries_for(request.user),
            "form": UploadForm(user=request.user),
            "runs": runs,
            "lang": _lang(),
        },
    )


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    limit = files.upload_max_bytes()
    too_large = files.content_length(request.META) > limit + 64 * 1024  # the form's fields too
    form = UploadForm(
        {} if too_large else request.POST, {} if too_large else request.FILES, user=request.user
    )
    if too_large or not form.is_valid():
        if too_large:
            form.add_error(None, _upload_too_large(limit))
        runs = _recent_runs(request.user)
        return render(
            request,
            "intake/index.html",
            {
                "registries": registries_for(request.user),
                "form": form,
                "runs": runs,
                "lang": _lang(),
            },
            status=413 if too_large else 400,
        )
    reg = registries.get(form.cleaned_data["registry"])
    if not can_import(request.user, reg):
        raise PermissionDenied
    with transaction.atomic():
        run = import_upload_store(
            registry=reg.name,
            upload=form.cleaned_data["file"],
            user=request.user,
            language=_lang(),
            partial=form.cleaned_data["partial"],
        )
        job = enqueue(kind="intake.preview", params={"run": run.pk}, user=request.user)
        ImportRun.objects.filter(pk=run.pk).update(job_id=job.pk, status="validating")
    return redirect("intake:run", pk=run.pk)


def _run(request: HttpRequest, pk: int) -> ImportRun:
    run = visible_runs(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def _column_label(registry: Any, error: RowError) -> str:
    """The column of an error under its header in the page's language (errors store the
    column's key and the header as read, often the English one)."""
    if not error.column:
        return error.header
    try:
        return str(registry.column(error.column).header(_lang()))
    except (KeyError, AttributeError):
        return error.header


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    job = Job.objects.filter(pk=run.job_id).first() if run.job_id else None
    working = job is not None and job.status in (Job.Status.QUEUED, Job.Status.RUNNING)
    errors = [RowError.from_dict(e) for e in run.first_errors]
    registry = registries.get(run.registry)
    can_confirm = (
        run.status == ImportRun.Status.PREVIEWED
        and not working
        and (run.invalid == 0 or run.partial)
        and run.valid_rows > 0
    )
    return render(
        request,
        "intake/run.html",
        {
            "run": run,
            "job": job,
            "working": working,
            "errors": [(e, _column_label(registry, e), e.message()) for e in errors],
            "can_confirm": can_confirm,
            "registry": registry,
        },
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    reg = registries.get(run.registry)
    if not can_import(request.user, reg) or run.user_id != request.user.pk:
        raise PermissionDenied
    if run.status != ImportRun.Status.PREVIEWED or (run.invalid and not run.partial):
        return redirect("intake:run", pk=run.pk)
    with transaction.atomic():
        updated = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
            status=ImportRun.Status.RUNNING
        )
        if updated:
            job = enqueue(kind="intake.apply", params={"run": run.pk}, user=request.user)
            ImportRun.objects.filter(pk=run.pk).update(job_id=job.pk)
    return redirect("intake:run", pk=run.pk)


@login_required
def error_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = _run(request, pk)
    if not run.error_file or not Path(run.error_file).is_file():
        raise Http404
    return FileResponse(
        Path(run.error_file).open("rb"),
        as_attachment=True,
        filename=f"{run.registry}-errors-{run.pk}.xlsx",
    )


@login_required
def template(request: HttpRequest, registry: str, fmt: str) -> HttpResponse:
    if registry not in registries.names() or fmt not in FORMATS:
        raise Http404
    if not can_export(request.user):
        raise PermissionDenied
    name, data = template_file(registry=registry, language=_lang(), fmt=fmt)
    response = HttpResponse(data, content_type=_content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export(request: HttpRequest, registry: str, fmt: str) -> HttpResponseBase:
    if registry not in registries.names() or fmt not in FORMATS:
        raise Http404
    if not can_export(request.user):
        raise PermissionDenied
    result = export_registry(registry=registry, user=request.user, fmt=fmt, language=_lang())
    if result.path is not None:
        fh = result.path.open("rb")
        files.discard(result.path)  # sent from the open file; nothing stays on disk
        return FileResponse(fh, as_attachment=True, filename=result.filename)
    response = StreamingHttpResponse(result.stream or iter(()), content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


def _content_type(fmt: str) -> str:
    if fmt == "csv":
        return "text/csv; charset=utf-8"
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
