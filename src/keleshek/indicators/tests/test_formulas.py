"""Indicator formulas against hand-computed values on a small fixture."""

from __future__ import annotations

import datetime as dt

import pytest

from keleshek.construction.models import FundingSource, Project
from keleshek.indicators import selectors
from keleshek.indicators.models import IndicatorValue
from keleshek.indicators.services import refresh_indicators

from .factories import enrol, population, project, region

pytestmark = pytest.mark.django_db
Y = 2025


def _v(code: str, kato: str, **disagg: str) -> float | None:
    return selectors.value(code, kato, Y, **disagg)


def test_capacity_and_shift_indicators_match_hand_computed_values() -> None:
    # given the four-school test oblast
    region(Y)
    # when the indicators are refreshed
    refresh_indicators()
    # then each formula gives the hand-computed figure at every level
    assert _v("pupils", "640000000") == 2000  # 1300 + 300 + 300 + 100
    assert _v("capacity", "640000000") == 2000
    # deficit is per school: A 300 + C 100, not max(0, 2000 - 2000) = 0
    assert _v("places_deficit", "640000000") == 400
    assert _v("places_deficit", "641000000") == 400
    assert _v("places_deficit", "642000000") == 0
    assert _v("utilisation", "641000000") == pytest.approx(1900 / 1700 * 100)
    assert _v("utilisation", "642000000") == pytest.approx(100 / 300 * 100)
    assert _v("shift23_pupils", "640000000") == 550
    assert _v("shift23_share", "640000000") == pytest.approx(550 / 2000 * 100)
    assert _v("shift3_pupils", "641030001") == 50
    assert _v("three_shift_schools", "640000000") == 1
    assert _v("emergency_schools", "640000000") == 1
    assert _v("emergency_share", "640000000") == pytest.approx(25.0)
    assert _v("pupil_teacher_ratio", "640000000") == pytest.approx(2000 / 90)
    # urban / rural split from the settlements
    assert _v("pupils", "640000000", area="urban") == 1600
    assert _v("pupils", "640000000", area="rural") == 400
    assert _v("places_deficit", "640000000", area="rural") == 100


def test_districts_sum_to_the_oblast_for_every_count_indicator() -> None:
    region(Y)
    refresh_indicators()
    oblast = selectors.territory_by_kato("640000000")
    children = list(oblast.children.all())
    for code in ("pupils", "capacity", "places_deficit", "shift23_pupils", "schools"):
        total = _v(code, "640000000")
        assert total == sum(_v(code, c.kato) or 0 for c in children), code


def test_institution_values_are_materialised() -> None:
    r = region(Y)
    refresh_indicators()
    vals = selectors.institution_values(r.a.pk, Y)
    assert vals["places_deficit"].value == 300
    assert vals["utilisation"].value == pytest.approx(130.0)


def test_ger_from_population_by_sex() -> None:
    r = region(Y)
    for g in (1, 2, 3, 4):
        enrol(r.a, Y, g, 50, 40)
    for age in (6, 7, 8, 9):
        population(r.town, Y, age, 60, 40)
    refresh_indicators()
    assert _v("ger_primary", "641010000") == pytest.approx(360 / 400 * 100)
    assert _v("ger_primary", "640000000", sex="M") == pytest.approx(200 / 240 * 100)
    assert _v("ger_primary", "640000000", sex="F") == pytest.approx(160 / 160 * 100)
    assert _v("pupils_by_grade", "640000000", grade="3") == 90


def test_places_added_by_funding_source_and_pipeline() -> None:
    r = region(Y)
    project(
        "p1",
        r.town,
        places=600,
        stage=Project.Stage.COMMISSIONED,
        actual=dt.date(2025, 8, 20),
        sources={FundingSource.KELESHEK_MEKTEBI: "0.75", FundingSource.LOCAL_BUDGET: "0.25"},
    )
    project("p2", r.aul, places=100, stage=Project.Stage.COMMISSIONED, actual=dt.date(2026, 2, 1))
    project(
        "p3",
        r.village,
        places=300,
        stage=Project.Stage.UNDER_CONSTRUCTION,
        readiness=40,
        planned=dt.date(2027, 8, 1),
        planned_cost="1000",
        actual_cost="400",
    )
    project(
        "p4",
        r.village,
        places=0,
        stage=Project.Stage.UNDER_CONSTRUCTION,
        readiness=80,
        kind=Project.Kind.SPORTS_GROUND,
    )
    refresh_indicators()
    assert _v("places_added", "640000000") == 700
    assert _v("places_added", "640000000", source="keleshek_mektebi") == 450
    assert _v("places_added", "640000000", source="local_budget") == 250
    assert _v("schools_commissioned", "640000000") == 2
    assert _v("pipeline_places", "640000000") == 300
    assert _v("pipeline_projects", "640000000") == 2
    assert _v("pipeline_readiness", "640000000") == pytest.approx(60.0)
    assert _v("pipeline_cost_execution", "640000000") == pytest.approx(40.0)


def test_refresh_replaces_values_and_is_idempotent() -> None:
    region(Y)
    refresh_indicators()
    n = IndicatorValue.objects.count()
    refresh_indicators()
    assert IndicatorValue.objects.count() == n
