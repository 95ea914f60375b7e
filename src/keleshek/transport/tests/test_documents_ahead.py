"""Route sheets and the transport scheme rendered ahead (jobs.documents, ADR 0194): the files
exist once the plan completes, a change to their records re-renders them, and a download serves
exactly what a fresh render gives. A small world, no demo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from keleshek.institutions.selectors import current_school_year
from keleshek.jobs import documents
from keleshek.jobs.models import Job
from keleshek.transport import documents as tdocs
from keleshek.transport import services
from keleshek.transport.models import Driver, Plan
from keleshek.transport.scheme import scheme_html
from keleshek.transport.services import crew

from . import factories as tf

pytestmark = pytest.mark.django_db


@pytest.fixture
def ahead(settings: Any, tmp_path: Path) -> None:
    settings.KELESHEK = {**settings.KELESHEK, "DOCUMENTS_AHEAD": True}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w(ahead: None, django_capture_on_commit_callbacks: Callable[..., Any]) -> tf.World:
    w = tf.world()
    tf.riders(w, w.stops["hamlet-north"], 6)
    bus = tf.bus(w, "n-1", home=w.north_school, model_name="ПАЗ-32053", plate="123 ABC 16")
    bus.driver = Driver.objects.create(
        territory=w.district, full_name="Серик Ахметов", licence_categories="D"
    )
    bus.save()
    return w


def _complete_plan(w: tf.World, capture: Callable[..., Any]) -> Plan:
    plan = Plan.objects.create(
        territory=w.district, name="p", params={"iterations": 40, "max_ride_min": 60}
    )
    with capture(execute=True):
        services.optimise(plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DONE
    return plan


def test_the_files_exist_once_the_plan_completes_and_a_download_is_the_stored_file(
    w: tf.World, client: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    plan = _complete_plan(w, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=documents.JOB_KIND)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["rendered"] == 4  # route sheets and scheme, ru and kk
    year = current_school_year()
    client.force_login(w.coordinator)
    for lang in tdocs.LANGS:
        sheets = documents.stored_path(tdocs.ROUTE_SHEETS, tdocs.route_sheets_params(plan, lang))
        scheme = documents.stored_path(tdocs.SCHEME, tdocs.scheme_params(w.district, year, lang))
        assert sheets is not None
        assert sheets.read_bytes().startswith(b"%PDF")
        assert scheme is not None
        assert scheme.read_bytes().startswith(b"%PDF")
        # the download is the stored file, and the stored file is what a render gives now
        got = client.get(
            f"/ru/transport/{w.district.kato}/plans/{plan.pk}/route-sheets.pdf?lang={lang}"
        )
        assert got.content == sheets.read_bytes()
        assert got.content == tdocs.sheets_pdf(tdocs.route_sheets_html(plan, lang))
        got = client.get(f"/ru/transport/{w.district.kato}/scheme/file/?lang={lang}&format=pdf")
        assert got.content == scheme.read_bytes()
        assert got.content == tdocs.pdf(scheme_html(w.district, year, lang))
    # nothing was rendered for the downloads
    assert not documents.get(tdocs.ROUTE_SHEETS, tdocs.route_sheets_params(plan, "ru")).rendered


def test_a_change_to_their_records_renders_them_again(
    w: tf.World, client: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    plan = _complete_plan(w, django_capture_on_commit_callbacks)
    params = tdocs.route_sheets_params(plan, "ru")
    before = documents.stored_path(tdocs.ROUTE_SHEETS, params)
    assert before is not None
    old_bytes = before.read_bytes()
    html_before = tdocs.route_sheets_html(plan, "ru")
    assert "Серик Ахметов" in html_before

    driver = Driver.objects.get(full_name="Серик Ахметов")
    driver.full_name = "Ерлан Жумабаев"
    with django_capture_on_commit_callbacks(execute=True):
        crew.driver_save(driver)  # audited: the records-changed channel hears of it

    after = documents.stored_path(tdocs.ROUTE_SHEETS, params)
    assert after is not None
    assert after != before
    assert not before.exists()
    html_after = tdocs.route_sheets_html(plan, "ru")
    assert "Ерлан Жумабаев" in html_after
    assert after.read_bytes() != old_bytes
    assert after.read_bytes() == tdocs.sheets_pdf(html_after)
    # rendered in the background: the download only reads it
    assert not documents.get(tdocs.ROUTE_SHEETS, params).rendered
    client.force_login(w.coordinator)
    got = client.get(f"/ru/transport/{w.district.kato}/plans/{plan.pk}/route-sheets.pdf?lang=ru")
    assert got.content == after.read_bytes()


def test_a_change_no_notice_carried_still_gives_a_fresh_download(
    w: tf.World, client: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """The stored file is served only while it was made from what the records give now."""
    plan = _complete_plan(w, django_capture_on_commit_callbacks)
    Driver.objects.filter(full_name="Серик Ахметов").update(full_name="Ерлан Жумабаев")
    client.force_login(w.coordinator)
    got = client.get(f"/ru/transport/{w.district.kato}/plans/{plan.pk}/route-sheets.pdf?lang=ru")
    assert got.content == tdocs.sheets_pdf(tdocs.route_sheets_html(plan, "ru"))
    assert "Ерлан Жумабаев" in tdocs.route_sheets_html(plan, "ru")
    assert not documents.get(tdocs.ROUTE_SHEETS, tdocs.route_sheets_params(plan, "ru")).rendered
