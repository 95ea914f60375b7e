"""The forecast and the deficit plan as pure functions."""

from __future__ import annotations

import pytest

from keleshek.indicators.planning import (
    PlannedProject,
    School,
    forecast_grades,
    growth_factors,
    plan_deficit,
)


def test_cohorts_enter_grade_one_and_progress() -> None:
    # given 100 pupils in each grade 1..11, 100 six-year-olds and growing younger cohorts
    grades = dict.fromkeys(range(1, 12), 100.0)
    ages = {6: 100.0, 5: 110.0, 4: 120.0, 3: 130.0, 2: 140.0, 1: 150.0}
    # when forecast with no bound
    fc = forecast_grades(grades, ages, horizon=3, bound=1.0)
    # then grade 1 follows the cohorts (entry ratio 1.0) and grade 2 is last year's grade 1
    assert fc[1][1] == pytest.approx(110.0)
    assert fc[2][1] == pytest.approx(120.0)
    assert fc[2][2] == pytest.approx(110.0)
    assert fc[3][3] == pytest.approx(110.0)
    # grade 11 leaves: the total grows by the entering cohort minus the leaving one
    assert sum(fc[1].values()) == pytest.approx(1100 + 10)


def test_growth_is_bounded_per_year() -> None:
    grades = dict.fromkeys(range(1, 12), 100.0)
    ages = {6: 100.0, 5: 1000.0}  # a huge cohort arriving
    fc = forecast_grades(grades, ages, horizon=1, bound=0.05)
    assert sum(fc[1].values()) == pytest.approx(1100 * 1.05)
    fc = forecast_grades(grades, {6: 100.0, 5: 0.0}, horizon=1, bound=0.05)
    assert sum(fc[1].values()) == pytest.approx(1100 * 0.95)


def test_entry_ratio_scales_cohorts() -> None:
    fc = forecast_grades({1: 90.0}, {6: 100.0, 5: 200.0}, horizon=1, bound=10)
    assert fc[1][1] == pytest.approx(180.0)
    assert fc[1][2] == pytest.approx(90.0)  # last year's grade 1 moved up
    assert growth_factors(fc) == [pytest.approx(1.0), pytest.approx((180.0 + 90.0) / 90.0)]


def test_project_takes_the_overflow_of_the_schools_it_relieves() -> None:
    # overflow over the places in two-shift education (twice the design capacity, ADR 0162)
    schools = [
        School(1, "A", 10, capacity=500, pupils=1300),  # overflow 300
        School(2, "B", 10, capacity=250, pupils=600),  # overflow 100
        School(3, "C", 20, capacity=100, pupils=250),  # overflow 50, other settlement
    ]
    growth = {10: [1.0, 1.0, 1.1], 20: [1.0, 1.0, 1.0]}
    # 175 places seat 350 pupils in two shifts
    projects = [PlannedProject("p", "New", 10, places=175, year=2026, relieves=(1, 2))]
    res = plan_deficit(schools, growth, projects, [2025, 2026, 2027])
    assert [y.deficit_without for y in res.years] == pytest.approx([450, 450, 450 + 130 + 60])
    # 2026: the project absorbs 350 of the 400 overflow in A and B
    assert [y.deficit_with for y in res.years] == pytest.approx([450, 100, 290])
    assert res.absorbed["p"] == {2026: pytest.approx(350), 2027: pytest.approx(350)}
    assert res.years[1].capacity == 850 + 175


def test_project_without_relieves_serves_its_settlement_and_moving_it_moves_the_fall() -> None:
    schools = [School(1, "A", 10, capacity=50, pupils=150)]  # 100 places in two shifts
    early = plan_deficit(schools, {}, [PlannedProject("p", "P", 10, 40, 2025)], [2025, 2026])
    late = plan_deficit(schools, {}, [PlannedProject("p", "P", 10, 40, 2026)], [2025, 2026])
    never = plan_deficit(schools, {}, [PlannedProject("p", "P", 10, 40, None)], [2025, 2026])
    assert [y.deficit_with for y in early.years] == [0, 0]
    assert [y.deficit_with for y in late.years] == [50, 0]
    assert [y.deficit_with for y in never.years] == [50, 50]
