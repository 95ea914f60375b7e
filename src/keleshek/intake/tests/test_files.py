"""The intake's files: an upload size limit, rejected uploads deleted, files 0600, expiry by a
periodic job (issue 14, point 9)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from keleshek.intake import files
from keleshek.intake.models import ImportRun
from keleshek.intake.tasks import expire_intake_files

from .factories import csv_bytes, user
from .test_web import HEADER, _progress_on_the_test_connection  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db


def _upload(client, rows, name="e.csv"):  # type: ignore[no-untyped-def]
    data = {"registry": "enrolment", "file": SimpleUploadedFile(name, csv_bytes(rows))}
    return client.post("/ru/intake/upload/", data)


def _mode(path: str | Path) -> int:
    return os.stat(path).st_mode & 0o777


def test_an_upload_over_the_limit_is_refused_and_not_stored(client, world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KELESHEK = {**settings.KELESHEK, "UPLOAD_MAX_BYTES": 100}
    client.force_login(user("adm", "regional_admin"))
    rows = [HEADER] + [[world.school_a.bin, "2025", "1", "M", "30"]] * 20
    resp = _upload(client, rows)
    assert resp.status_code in (400, 413)
    assert "Файл больше" in resp.content.decode()
    assert not ImportRun.objects.exists()
    assert (
        not any((files.root() / "uploads").glob("*"))
        if (files.root() / "uploads").exists()
        else True
    )


def test_uploads_and_error_reports_are_private_and_rejected_uploads_deleted(  # type: ignore[no-untyped-def]
    client, world, django_capture_on_commit_callbacks
) -> None:
    client.force_login(user("adm", "regional_admin"))
    good = [HEADER, [world.school_a.bin, "2025", "1", "M", "30"]]
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, good, "good.csv")
    kept = ImportRun.objects.get(file_name="good.csv")
    assert kept.status == "previewed"
    assert _mode(kept.stored_file) == 0o600
    assert _mode(files.root() / "uploads") == 0o700
    bad = [HEADER, [world.school_a.bin, "2025", "1", "X", "30"]]
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, bad, "bad.csv")
    refused = ImportRun.objects.get(file_name="bad.csv")
    assert not Path(refused.stored_file).exists()  # can never be written: deleted
    assert _mode(refused.error_file) == 0o600  # the report of what to fix stays, private
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/ru/intake/upload/",
            {
                "registry": "enrolment",
                "file": SimpleUploadedFile("junk.csv", b"\x00\x01\x02 not a table"),
            },
        )
    junk = ImportRun.objects.get(file_name="junk.csv")
    assert junk.status in ("rejected", "refused")
    assert not Path(junk.stored_file).exists()


def test_a_web_export_leaves_no_file_behind(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user("adm", "regional_admin"))
    resp = client.get("/ru/intake/export/institutions.xlsx")
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content).startswith(b"PK")
    exports = files.root() / "exports"
    assert list(exports.glob("*")) == []


def test_the_periodic_job_expires_old_files(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KELESHEK = {**settings.KELESHEK, "FILE_RETENTION_HOURS": 24}
    old = files.private_dir("exports") / "old.xlsx"
    new = files.private_dir("errors") / "new.xlsx"
    for p in (old, new):
        with files.create_private(p) as fh:
            fh.write(b"x")
    past = time.time() - 25 * 3600
    os.utime(old, (past, past))
    assert expire_intake_files.call_local() == 1
    assert not old.exists()
    assert new.exists()
    assert _mode(new) == 0o600
