"""The current school year (ADR 0110): the setting, else the latest year with school records,
else the school year of today by the one rule. A world of its own (no demo)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from keleshek.institutions.models import Institution, InstitutionYear
from keleshek.institutions.selectors import current_school_year
from keleshek.territory.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(settings.KELESHEK, "CURRENT_YEAR", None)


@pytest.mark.usefixtures("no_setting")
def test_without_records_it_is_the_school_year_of_today() -> None:
    if InstitutionYear.objects.exists():
        pytest.skip("the database holds school records")
    assert current_school_year(dt.date(2026, 6, 30)) == 2025
    assert current_school_year(dt.date(2026, 7, 1)) == 2026


@pytest.mark.usefixtures("no_setting")
def test_the_latest_year_with_school_records_wins_over_the_calendar() -> None:
    village = Territory.objects.create(kato="658010100", level="settlement", name_ru="Село")
    school = Institution.objects.create(
        kind=Institution.Kind.SCHOOL, name_ru="Школа", settlement=village, design_capacity=100
    )
    InstitutionYear.objects.create(institution=school, year=2090, design_capacity=100)
    assert current_school_year(dt.date(2026, 12, 2)) == 2090


def test_the_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(settings.KELESHEK, "CURRENT_YEAR", "2031")
    assert current_school_year() == 2031
