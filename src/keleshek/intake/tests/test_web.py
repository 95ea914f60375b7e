"""The staff pages: templates, upload -> preview -> confirm as background jobs, exports."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from keleshek.institutions.models import Enrolment
from keleshek.intake.models import ImportRun

from .factories import csv_bytes, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _progress_on_the_test_connection(monkeypatch):  # type: ignore[no-untyped-def]
    # On PostgreSQL the jobs module writes progress through a second connection ("jobs") so
    # that it shows during a long transaction; inside a test's transaction use the same one.
    from keleshek.jobs import services

    monkeypatch.setattr(services, "_progress_alias", lambda: "default")


HEADER = ["bin", "year", "grade", "sex", "count"]


def _upload(client, world, rows, partial=False):  # type: ignore[no-untyped-def]
    data = {"registry": "enrolment", "file": SimpleUploadedFile("e.csv", csv_bytes(rows))}
    if partial:
        data["partial"] = "on"
    return client.post("/en/intake/upload/", data)


def test_login_required(client):
    for url in ("/en/intake/", "/en/intake/template/pupils.csv", "/en/intake/export/pupils.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_index_lists_every_registry_with_pinned_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(user("adm", "regional_admin"))
    with django_assert_max_num_queries(8):
        response = client.get("/en/intake/")
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("territory", "pupils", "projects", "news", "enrolment"):
        assert f"/en/intake/template/{name}.xlsx" in text


@pytest.mark.parametrize(
    ("lang", "first"), [("ru", "Код КАТО"), ("kk", "ӘАОЖ коды"), ("en", "KATO code")]
)
def test_templates_in_three_languages(client, world, lang, first):
    client.force_login(user("adm", "regional_admin"))
    csv_response = client.get(f"/{lang}/intake/template/population.csv")
    assert csv_response.content.decode("utf-8-sig").splitlines()[0].split(";")[0] == first
    xlsx = client.get(f"/{lang}/intake/template/population.xlsx")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws.cell(1, 1).value == first
    assert ws.max_row == 2  # headers and one example row


def test_upload_preview_confirm(client, world, django_capture_on_commit_callbacks):
    admin = user("adm", "regional_admin")
    client.force_login(admin)
    rows = [HEADER, [world.school_a.bin, "2025", "1", "M", "30"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, world, rows)
    run = ImportRun.objects.get(file_name="e.csv")
    assert response["Location"] == f"/en/intake/runs/{run.pk}/"
    assert (run.status, run.new, run.invalid) == ("previewed", 1, 0)
    assert not Enrolment.objects.filter(institution=world.school_a).exists()
    page = client.get(f"/en/intake/runs/{run.pk}/").content.decode()
    assert "Confirm and write" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/intake/runs/{run.pk}/confirm/")
    run.refresh_from_db()
    assert (run.status, run.new) == ("succeeded", 1)
    assert Enrolment.objects.get(institution=world.school_a).count == 30


def test_preview_with_errors_offers_the_report_not_the_write(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(user("adm", "regional_admin"))
    rows = [HEADER, [world.school_a.bin, "2025", "1", "X", "30"]]
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, world, rows)
    run = ImportRun.objects.get(file_name="e.csv")
    page = client.get(f"/en/intake/runs/{run.pk}/").content.decode()
    assert "Confirm and write" not in page
    assert "unknown value" in page
    report = client.get(f"/en/intake/runs/{run.pk}/errors.xlsx")
    assert report.status_code == 200
    assert b"".join(report.streaming_content).startswith(b"PK")
    # close the file without ending the test's database connection (request_finished does)
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        report.close()
    finally:
        request_finished.connect(close_old_connections)
    # a confirmation forced by hand changes nothing
    client.post(f"/en/intake/runs/{run.pk}/confirm/")
    assert not Enrolment.objects.filter(institution=world.school_a).exists()


def test_messages_in_russian(client, world, django_capture_on_commit_callbacks):
    client.force_login(user("adm", "regional_admin"))
    rows = [HEADER, [world.school_a.bin, "2025", "1", "M", "-1"]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/ru/intake/upload/",
            {"registry": "enrolment", "file": SimpleUploadedFile("e.csv", csv_bytes(rows))},
        )
    run = ImportRun.objects.get(file_name="e.csv")
    page = client.get(f"/ru/intake/runs/{run.pk}/").content.decode()
    assert "должно быть не меньше 0" in page


def test_analyst_may_export_but_not_upload(client, world):
    client.force_login(user("an", "regional_analyst"))
    before = ImportRun.objects.count()
    response = _upload(client, world, [HEADER, [world.school_a.bin, "2025", "1", "M", "3"]])
    assert response.status_code == 400
    assert ImportRun.objects.count() == before
    export = client.get("/en/intake/export/institutions.csv")
    assert world.school_b.bin in b"".join(export.streaming_content).decode("utf-8-sig")


def test_other_users_runs_are_hidden(client, world, django_capture_on_commit_callbacks):
    officer = user("off", "district_officer", territory=world.district_a)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, world, [HEADER, [world.school_a.bin, "2025", "1", "M", "3"]])
    run = ImportRun.objects.get(file_name="e.csv")
    client.force_login(user("other", "district_officer", territory=world.district_b))
    assert client.get(f"/en/intake/runs/{run.pk}/").status_code == 404
    client.post(f"/en/intake/runs/{run.pk}/confirm/")
    assert not Enrolment.objects.filter(institution=world.school_a).exists()
