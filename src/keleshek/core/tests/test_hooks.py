from __future__ import annotations

from typing import Any

import pytest

from keleshek.core import hooks

pytestmark = pytest.mark.django_db


def test_subscribers_run_after_commit_only(django_capture_on_commit_callbacks: Any) -> None:
    seen: list[dict[str, Any]] = []

    def listener(**payload: Any) -> None:
        seen.append(payload)

    hooks.subscribe("test.topic", listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            hooks.publish_on_commit("test.topic", source="x")
        assert seen == []  # nothing before the commit
        for cb in callbacks:
            cb()
        assert seen == [{"source": "x"}]
    finally:
        hooks._subscribers["test.topic"].remove(listener)


@pytest.mark.demo  # commissions one of the demo's projects
def test_commissioning_asks_the_indicators_to_refresh(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from keleshek.construction.models import Project
    from keleshek.construction.services import commission_project
    from keleshek.indicators import services as indicator_services

    calls: list[object] = []

    def spy(years: object = None, scope: object = None) -> None:
        calls.append(scope)

    monkeypatch.setattr(indicator_services, "request_refresh", spy)
    project = Project.objects.filter(
        stage=Project.Stage.UNDER_CONSTRUCTION, kind="new_school"
    ).first()
    assert project is not None
    with django_capture_on_commit_callbacks(execute=True):
        commission_project(project=project, date=dt.date(2026, 8, 25))
    # one refresh, of the places the commissioning touched (ADR 0202)
    assert len(calls) == 1
    scope = calls[0]
    assert isinstance(scope, indicator_services.Scope)
    assert scope.institutions
