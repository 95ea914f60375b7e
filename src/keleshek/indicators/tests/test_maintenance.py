"""Maintenance: after a project is commissioned and the refresh runs, the deficit falls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from keleshek.construction.models import Project
from keleshek.construction.services import commission_project
from keleshek.indicators import selectors
from keleshek.indicators.models import RefreshRun
from keleshek.indicators.services import request_refresh

from .factories import project, region

pytestmark = pytest.mark.django_db


def test_commissioning_then_refresh_lowers_the_deficit(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "640000000"}
    # given school A (1300 pupils, 600 places: 1200 in two shifts) and a 250-place school being
    # built to relieve it
    r = region(2025)
    p = project(
        "relief",
        r.town,
        places=250,
        stage=Project.Stage.UNDER_CONSTRUCTION,
        planned=dt.date(2025, 8, 25),
        relieves=[r.a],
    )
    request_refresh()  # huey runs immediately in tests
    assert selectors.value("places_deficit", "640000000", 2025) == 200
    assert selectors.value("pipeline_places", "640000000", 2025) == 250
    # when the project is commissioned: the service itself asks for the refresh after commit
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        commission_project(project=p, date=dt.date(2025, 9, 1))
    # then the materialised deficit fell: 250 pupils moved into the new places, A's 1050 fit in
    # two shifts, C still lacks 100
    assert selectors.value("places_deficit", "640000000", 2025) == 100
    assert selectors.value("places_deficit", "641010000", 2025) == 0
    assert selectors.value("places_added", "640000000", 2025) == 250
    assert selectors.value("pipeline_places", "640000000", 2025) == 0
    assert selectors.value("pipeline_readiness", "640000000", 2025) is None  # 0 / 0
    assert selectors.value("capacity", "640000000", 2025) == 1750
    # the first refresh was whole; the commissioning's only what depends on it (ADR 0202)
    triggers = list(RefreshRun.objects.order_by("id").values_list("trigger", flat=True))
    assert triggers == ["background", "background:scoped"]
