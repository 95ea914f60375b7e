"""The briefing's PDF rendered ahead when the indicators refresh (jobs.documents, ADR 0194): the
file exists after the refresh, a change re-renders it, the download is what a fresh render gives.
A small world (the indicators' two-district oblast), no demo."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from keleshek.core import charts
from keleshek.core.services import save_audited
from keleshek.indicators.services import refresh_indicators
from keleshek.indicators.tests.factories import enrol, region
from keleshek.institutions.models import Institution, InstitutionYear
from keleshek.jobs import documents
from keleshek.reports import documents as rdocs
from keleshek.reports import services

pytestmark = pytest.mark.django_db
Y = 2025


def _html(lang: str) -> str:
    with charts.numbered_in_document():  # as the stored document is drawn
        return rdocs.briefing_html(Y, lang)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<style.*?</style>", "", html)).split())


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> Any:
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "640000000", "DOCUMENTS_AHEAD": True}
    settings.MEDIA_ROOT = tmp_path / "media"
    r = region(Y)
    for g in range(0, 12):
        enrol(r.a, Y, g, 60, 50)
    return r


def test_the_briefing_is_ready_after_the_refresh_and_follows_its_records(
    world: Any, make_user: Any, client: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        refresh_indicators()
    for lang in ("ru", "kk", "en"):
        path = documents.stored_path(rdocs.BRIEFING, rdocs.params(Y, lang))
        assert path is not None
        assert path.read_bytes().startswith(b"%PDF")
    stored = documents.stored_path(rdocs.BRIEFING, rdocs.params(Y, "ru"))
    assert stored is not None
    got = services.export_briefing(year=Y, lang="ru", fmt="pdf")
    assert got.content == stored.read_bytes()
    assert got.content == rdocs.pdf(_html("ru"))
    assert not documents.get(rdocs.BRIEFING, rdocs.params(Y, "ru")).rendered

    # a school's pupils counted again, then the refresh: rendered again in the background
    html_before = _html("ru")
    assert "District one 200 200" in _text(html_before)
    with django_capture_on_commit_callbacks(execute=True):
        save_audited(
            InstitutionYear,
            lookup={"institution": world.a, "year": Y},
            values={"pupils_shift1": 1200},
        )
    with django_capture_on_commit_callbacks(execute=True):
        refresh_indicators()
    html_after = _html("ru")
    assert "District one 500 500" in _text(html_after)
    after = documents.stored_path(rdocs.BRIEFING, rdocs.params(Y, "ru"))
    assert after is not None
    assert after != stored
    assert after.read_bytes() == rdocs.pdf(html_after)
    assert not documents.get(rdocs.BRIEFING, rdocs.params(Y, "ru")).rendered

    # an audited change the indicators do not carry (a school's name): rendered again too
    with django_capture_on_commit_callbacks(execute=True):
        save_audited(Institution, lookup={"pk": world.a.pk}, values={"name_ru": "Школа Жаңа"})
    renamed = documents.stored_path(rdocs.BRIEFING, rdocs.params(Y, "ru"))
    assert renamed is not None
    assert renamed != after
    assert not documents.get(rdocs.BRIEFING, rdocs.params(Y, "ru")).rendered
    assert renamed.read_bytes() == rdocs.pdf(_html("ru"))
    after = renamed

    # the staff download serves it
    user = make_user("analyst", "regional_analyst")
    client.force_login(user)
    resp = client.get(f"/ru/reports/briefing.pdf?year={Y}")
    assert resp.status_code == 200
    assert resp.content == after.read_bytes()
