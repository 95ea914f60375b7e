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
    assert _v("capacity", "640000000") == 1500
    # deficit is per school, over the places in two-shift education (twice the capacity):
    # A 1300 − 1200 + C 300 − 200, not max(0, 2000 − 3000) = 0
    assert _v("places_deficit", "640000000") == 200
    assert _v("places_deficit", "641000000") == 200
    assert _v("places_deficit", "642000000") == 0
    assert _v("utilisation", "641000000") == pytest.approx(1900 / 1200 * 100)
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
    assert vals["places_deficit"].value == 100
    assert vals["utilisation"].value == pytest.approx(1300 / 600 * 100)


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
    # national indicators count the new school of 600 places, not the one of 100
    assert _v("large_schools_commissioned", "640000000") == 1
    assert _v("large_schools_commissioned", "640000000", source="keleshek_mektebi") == 0.75
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


def test_tvet_partnership_and_labour_figures(settings) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from keleshek.institutions.models import Institution
    from keleshek.partnerships.models import Agreement, InternationalStudents
    from keleshek.programmes.models import Industry, LabourDemand, Offering, Specialty

    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "640000000"}
    r = region(Y)
    college = Institution.objects.create(kind="college", name_ru="College", settlement=r.town)
    ind = Industry.objects.create(code="t", name_ru="T")
    s1 = Specialty.objects.create(code="T1", isced_level=4, industry=ind, name_ru="Drones")
    s2 = Specialty.objects.create(code="T2", isced_level=4, industry=ind, name_ru="Logistics")
    Offering.objects.create(
        institution=college,
        specialty=s1,
        year=Y,
        language="ru",
        launch_year=Y,
        state_seats=25,
        paid_seats=5,
        enrolled=30,
        graduates_expected=0,
        dual_training=True,
    )
    Offering.objects.create(
        institution=college,
        specialty=s2,
        year=Y,
        language="kk",
        launch_year=2015,
        state_seats=50,
        enrolled=90,
        graduates_expected=40,
    )
    LabourDemand.objects.create(specialty=s2, territory=r.oblast, year=Y, demand=70)
    InternationalStudents.objects.create(institution=college, year=Y, country="CN", count=12)
    InternationalStudents.objects.create(institution=college, year=Y, country="UZ", count=3)
    Agreement.objects.create(
        code="gift",
        kind="equipment_donation",
        title_ru="Gift",
        institution=college,
        signed_on=dt.date(2025, 10, 1),
        amount=Decimal("4000000"),
        currency="CNY",
        kzt_rate=Decimal("71.25"),
    )
    refresh_indicators()
    assert _v("tvet_students", "640000000") == 120
    assert _v("dual_share", "640000000") == pytest.approx(30 / 120 * 100)
    assert _v("new_programmes", "640000000") == 1
    assert _v("new_programme_seats", "640000000") == 30
    assert _v("foreign_students", "640000000") == 15
    assert _v("foreign_students", "640000000", country="CN") == 12
    assert _v("donations_kzt", "640000000") == 285_000_000
    assert _v("donations_kzt", "640000000", currency="CNY") == 285_000_000
    # specialty breakdowns exist for the oblast and the district, not for the settlement
    assert _v("graduates_expected", "641000000", specialty="T2") == 40
    assert _v("graduates_expected", "641010000", specialty="T2") is None
    (row,) = [x for x in selectors.labour_match("640000000", Y) if x.code == "T2"]
    assert row.demand[Y] == 70
    assert row.graduates[Y] == 40
    assert row.gap[Y] == 30
    # 40 graduates from 50 state seats: 0.8 graduates per seat, so 30 / 0.8 = 37.5 -> 38 seats
    assert row.seats_to_close[Y] == 38


def test_support_coverage_and_net_enrolment_from_the_pupil_registry(settings) -> None:  # type: ignore[no-untyped-def]
    from keleshek.support.models import Delivery, Membership, Programme, Pupil

    settings.KELESHEK = {**settings.KELESHEK, "CURRENT_YEAR": Y}
    r = region(Y)
    population(r.town, Y, 6, 5, 5)  # 10 children aged 6, official primary age
    meals = Programme.objects.create(
        code="meals-t", kind="meals", name_ru="Meals", rule={"grade_between": [1, 4]}
    )
    pupils = []
    for k, (born, grade) in enumerate(
        [
            (dt.date(2019, 3, 1), 1),  # 6 on 1 Sep 2025, grade 1: official age
            (dt.date(2019, 8, 31), 1),  # 6: official
            (dt.date(2019, 9, 2), 1),  # 5 on 1 Sep 2025: under age, not counted in NER
            (dt.date(2012, 1, 1), 4),  # 13 in grade 4: over age
        ]
    ):
        pupils.append(
            Pupil.objects.create(
                last_name=f"P{k}",
                first_name="X",
                birth_date=born,
                sex="F",
                school=r.a,
                grade=grade,
                home_settlement=r.town,
            )
        )
    states = ["enrolled", "enrolled", "paused", "exited"]
    for p, state in zip(pupils, states, strict=True):
        m = Membership.objects.create(pupil=p, programme=meals, year=Y, school=r.a, state=state)
        if p is pupils[0]:
            Delivery.objects.create(membership=m, delivered_on=dt.date(2025, 9, 2))
    refresh_indicators()
    # eligible by the rule (ADR 0146): all 4 in grades 1-4, whatever their membership (paused
    # and exited are not enrolled); served: the one enrolled child with a delivery
    assert _v("support_coverage", "640000000", programme="meals-t") == pytest.approx(100 / 4)
    assert _v("support_recipients", "640000000") == 1
    # NER primary: 2 pupils of official age in grades 1-4 / 10 children aged 6-9
    assert _v("ner_primary", "641010000") == pytest.approx(20.0)
