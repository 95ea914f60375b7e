"""Intake services: import a file, export a registry, make a template. Each import is recorded
(``ImportRun``) and audited; for a written import the record and the audit entry are part of the
same transaction as the data."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from keleshek.accounts import privacy
from keleshek.core import audit, hooks
from keleshek.core.scoping import scope_for, scope_queryset

from . import classifier, files, registries
from .models import ImportRun
from .pipeline import Importer, Outcome, Progress
from .registry import Registry
from .writers import (
    csv_stream,
    export_rows,
    headers,
    template_bytes,
    write_error_report,
    write_xlsx,
)

STATUS_OF = {
    "written": ImportRun.Status.SUCCEEDED,
    "partial": ImportRun.Status.PARTIAL,
    "dry_run": ImportRun.Status.PREVIEWED,
    "refused": ImportRun.Status.REFUSED,
    "rejected": ImportRun.Status.REJECTED,
}


def intake_dir(*parts: str) -> Path:
    return files.private_dir(*parts)  # mode 0700; files in it 0600 (intake.files)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def import_upload_store(
    *, registry: str, upload: Any, user: Any, language: str, partial: bool
) -> ImportRun:
    """Keep an uploaded file for a preview and a later confirmation."""
    registries.get(registry)
    name = Path(getattr(upload, "name", "upload")).name[:200]
    dest = intake_dir("uploads") / f"{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(6)}"
    dest = dest.with_suffix(Path(name).suffix.lower()[:6] or ".csv")
    if (getattr(upload, "size", 0) or 0) > files.upload_max_bytes():
        raise ValueError("upload larger than KELESHEK['UPLOAD_MAX_BYTES']")
    with files.create_private(dest) as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return ImportRun.objects.create(
        registry=registry,
        user=user if getattr(user, "pk", None) else None,
        actor_name=getattr(user, "username", "") or "system",
        via="web",
        file_name=name,
        sha256=sha256_of(dest),
        size=dest.stat().st_size,
        stored_file=str(dest),
        language=language,
        partial=partial,
        dry_run=True,
    )


def import_file(
    *,
    registry: str,
    path: Path,
    user: Any | None,
    file_name: str | None = None,
    dry_run: bool = False,
    partial: bool = False,
    language: str | None = None,
    via: str = "cli",
    run: ImportRun | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Validate and (unless a dry run or refused) merge ``path`` into ``registry``."""
    reg = registries.get(registry)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if run is None:
        run = ImportRun(
            registry=registry,
            user=user if getattr(user, "pk", None) else None,
            actor_name=getattr(user, "username", "") or "system",
            via=via,
            file_name=(file_name or path.name)[:255],
            sha256=sha256_of(path),
            size=path.stat().st_size,
            language=language,
        )
    run.dry_run = dry_run
    run.partial = partial

    def record(outcome: Outcome) -> None:
        _fill(run, outcome)
        run.status = STATUS_OF[outcome.status]
        run.finished_at = timezone.now()
        run.save()
        audit.record(
            "import",
            run,
            summary=f"{reg.name}: {run.file_name} — {run.get_status_display()}",
            changes=_counts(run),
            user=user,
        )

    with translation.override(language):
        importer = Importer(
            reg, user=user, partial=partial, dry_run=dry_run, progress=progress, on_merge=record
        )
        # the statistics bureau's KATO spreadsheet, as published, into the registry's columns
        converted = classifier.convert(path) if reg.name == "territory" else None
        try:
            outcome = importer.run(converted or path)
        finally:
            if converted is not None:
                converted.unlink(missing_ok=True)
        _fill(run, outcome)
        run.status = STATUS_OF[outcome.status]
        if outcome.invalid and outcome.bad_rows_path:
            report = intake_dir("errors") / f"{run.sha256[:16]}-{secrets.token_hex(4)}-errors.xlsx"
            write_error_report(report, outcome.header, outcome.bad_rows_path, reg)
            run.error_file = str(files.make_private(report))
        if outcome.bad_rows_path:
            outcome.bad_rows_path.unlink(missing_ok=True)
    if run.stored_file and (
        run.status in (ImportRun.Status.REJECTED, ImportRun.Status.REFUSED)
        or (run.status == ImportRun.Status.PREVIEWED and outcome.invalid and not partial)
    ):
        # An upload that can never be written is not kept (intake.files).
        files.discard(run.stored_file)
    if outcome.status in ("written", "partial"):
        # Recorded and audited inside the merge; keep the error file path as well.
        ImportRun.objects.filter(pk=run.pk).update(error_file=run.error_file)
        if outcome.new or outcome.changed:
            # Maintained indicators are recomputed in the background (core.hooks).
            hooks.publish_on_commit(hooks.RECORDS_CHANGED, source=f"intake:{reg.name}")
    else:
        run.finished_at = timezone.now()
        with transaction.atomic():
            run.save()
            audit.record(
                "import",
                run,
                summary=f"{reg.name}: {run.file_name} — {run.get_status_display()}",
                changes=_counts(run),
                user=user,
            )
    return run


def _fill(run: ImportRun, outcome: Outcome) -> None:
    run.total = outcome.total
    run.new, run.changed, run.unchanged = outcome.new, outcome.changed, outcome.unchanged
    run.invalid = outcome.invalid
    run.seconds = round(outcome.seconds, 3)
    run.first_errors = [e.as_dict() for e in outcome.errors[:50]]
    if outcome.rejection is not None:
        run.message = outcome.rejection.message()
    elif outcome.children_added or outcome.children_closed:
        run.message = f"+{outcome.children_added} / -{outcome.children_closed}"


def _counts(run: ImportRun) -> dict[str, Any]:
    return {
        "registry": run.registry,
        "sha256": run.sha256,
        "file": run.file_name,
        "status": run.status,
        "total": run.total,
        "new": run.new,
        "changed": run.changed,
        "unchanged": run.unchanged,
        "invalid": run.invalid,
        "dry_run": run.dry_run,
        "partial": run.partial,
    }


def import_confirm(*, run: ImportRun, user: Any, progress: Progress | None = None) -> ImportRun:
    """Write a previewed upload (the file is re-read and re-validated: the data may have
    changed since the preview)."""
    fresh = ImportRun(
        registry=run.registry,
        user=run.user,
        actor_name=run.actor_name,
        via="web",
        file_name=run.file_name,
        sha256=run.sha256,
        size=run.size,
        stored_file=run.stored_file,
        language=run.language,
        job_id=run.job_id,
    )
    fresh.pk = run.pk
    fresh.created_at = run.created_at
    return import_file(
        registry=run.registry,
        path=Path(run.stored_file),
        user=user,
        dry_run=False,
        partial=run.partial,
        language=run.language,
        via="web",
        run=fresh,
        progress=progress,
    )


# --- export and templates -----------------------------------------------------------------


def export_queryset(reg: Registry, user: Any | None) -> Any:
    qs = reg.model._default_manager.filter(_identifiable(reg))
    if user is None or reg.export_scope is None:
        return qs
    territory, institution = reg.export_scope
    if territory == "__self__":  # the territory tree itself
        scope = scope_for(user)
        if scope.everything:
            return qs
        if scope.territory_path:
            return qs.filter(path__startswith=scope.territory_path)
        return qs.none()
    return scope_queryset(qs, user, territory=territory, institution=institution)


def _identifiable(reg: Registry) -> Q:
    """Rows a file can carry: their key and required references have a value (a school the
    commissioning service made has no BIN until it is registered; its import would be refused,
    so the export leaves it out — ADR 0127)."""
    q = Q()
    for c in reg.columns:
        if not c.m2m and (c.key in reg.natural_key or (c.required and c.ref)):
            q &= Q(**{f"{c.lookup}__isnull": False})
    return q


@dataclass
class ExportFile:
    filename: str
    content_type: str
    stream: Iterator[bytes] | None = None
    path: Path | None = None


def export_registry(
    *, registry: str, user: Any | None, fmt: str = "csv", language: str = "ru"
) -> ExportFile:
    """Export in the template's columns, scoped to the user; audited."""
    reg = registries.get(registry)
    qs = export_queryset(reg, user)
    head = headers(reg, language)
    stamp = timezone.localdate().isoformat()
    personal = [c.personal for c in reg.columns if c.personal]
    clear = sorted({p for p in personal if user is None or privacy.clear(user, privacy.Field(p))})
    audit.record(
        "export",
        object_type=reg.model._meta.label_lower,
        summary=f"export {reg.name} ({fmt})",
        changes={
            "registry": reg.name,
            "format": fmt,
            "language": language,
            # every export of personal data is audited with its row count (ADR 0132)
            "rows": qs.count(),
            "personal": reg.personal,
            "clear": clear,
        },
        user=user,
    )
    if fmt == "csv":
        return ExportFile(
            f"{reg.name}-{stamp}.csv",
            "text/csv; charset=utf-8",
            stream=csv_stream(head, export_rows(reg, qs, user)),
        )
    out = intake_dir("exports") / f"{reg.name}-{stamp}-{secrets.token_hex(4)}.xlsx"
    write_xlsx(out, head, export_rows(reg, qs, user), title=reg.name)
    files.make_private(out)
    return ExportFile(
        f"{reg.name}-{stamp}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        path=out,
    )


def export_to_file(*, registry: str, user: Any | None, fmt: str, language: str, dest: Path) -> int:
    """Write an export to ``dest``; returns the number of bytes.

    The file appears complete or not at all: it is written beside ``dest`` under a temporary
    name and renamed at the end, and removed if anything fails (a full disk, say)."""
    result = export_registry(registry=registry, user=user, fmt=fmt, language=language)
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        if result.path is not None:
            shutil.copyfile(result.path, partial)
        else:
            with partial.open("wb") as fh:
                for chunk in result.stream or ():
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        if result.path is not None:
            Path(result.path).unlink(missing_ok=True)
    return dest.stat().st_size


def template_file(*, registry: str, language: str, fmt: str) -> tuple[str, bytes]:
    reg = registries.get(registry)
    return f"{reg.name}-template-{language}.{fmt}", template_bytes(reg, language, fmt)
