"""Institution services (upsert by BIN, yearly figures) and selectors on the demo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keleshek.accounts.models import User
from keleshek.core.ids import make_bin
from keleshek.core.models import AuditEntry
from keleshek.demo.loader import DEMO_YEAR
from keleshek.institutions import selectors
from keleshek.institutions.models import Institution
from keleshek.institutions.services import (
    enrolment_set,
    institution_upsert,
    institution_year_set,
    support_fund,
)
from keleshek.territory.models import Territory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the source language)."""
    with translation.override("en"):
        yield


def test_upsert_by_bin():
    village = Territory.objects.get(kato="634010300")
    bin_ = make_bin("2510", 99001)
    inst, created = institution_upsert(
        bin=bin_, kind="school", name_ru="Новая школа", settlement=village, design_capacity=100
    )
    assert created
    again, created = institution_upsert(
        bin=bin_, kind="school", name_ru="Новая школа", settlement=village, design_capacity=120
    )
    assert (again.pk, created, again.design_capacity) == (inst.pk, False, 120)
    assert AuditEntry.objects.filter(object_id=str(inst.pk), action="update").count() == 1


def test_invalid_bin_historic_settlement_and_unknown_fields_are_refused():
    count = Institution.objects.count()
    village = Territory.objects.get(kato="634010300")
    with pytest.raises(ValidationError, match="invalid BIN"):
        institution_upsert(bin="940140000386", kind="school", name_ru="x", settlement=village)
    historic = Territory.objects.filter(valid_to__isnull=False).first()
    with pytest.raises(ValidationError, match="historic"):
        institution_upsert(
            bin=make_bin("2510", 99002), kind="school", name_ru="x", settlement=historic
        )
    with pytest.raises(TypeError):
        institution_upsert(
            bin=make_bin("2510", 99003),
            kind="school",
            name_ru="x",
            settlement=village,
            colour="red",
        )
    assert Institution.objects.count() == count


def test_year_figures_derive_shifts_and_the_three_shift_flag():
    school = Institution.objects.filter(kind="school").order_by("bin").first()
    y = institution_year_set(
        institution=school,
        year=DEMO_YEAR + 1,
        design_capacity=500,
        pupils_shift1=400,
        pupils_shift2=200,
        pupils_shift3=50,
        teachers_headcount=40,
        teachers_fte=Decimal("45.5"),
    )
    assert (y.shifts, y.is_three_shift, y.is_emergency, y.pupils) == (3, True, False, 650)
    with pytest.raises(ValidationError, match="third shift"):
        institution_year_set(
            institution=school,
            year=DEMO_YEAR + 1,
            design_capacity=500,
            pupils_shift1=400,
            pupils_shift3=50,
        )
    row = enrolment_set(institution=school, year=DEMO_YEAR + 1, grade=1, sex="F", count=30)
    assert row.count == 30
    with pytest.raises(ValidationError):
        enrolment_set(institution=school, year=DEMO_YEAR + 1, grade=14, sex="F", count=3)


def test_support_fund_floor_is_one_percent_of_the_budget():
    school = Institution.objects.filter(kind="school").order_by("bin").first()
    assert support_fund(school) == (school.maintenance_budget * Decimal("0.01")).quantize(
        Decimal("0.01")
    )


def test_school_totals_on_the_demo(django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        totals = selectors.school_totals(DEMO_YEAR)
    assert 110_000 <= totals.pupils <= 130_000
    assert 3 <= totals.three_shift_schools <= 5
    assert totals.third_shift > 0
    assert 60 < totals.utilisation < 100
    by_grade = selectors.enrolment_by_grade(DEMO_YEAR)
    assert sum(by_grade.values()) == totals.pupils
    crowded = selectors.overcrowded_schools(DEMO_YEAR)
    # largest first by the places they lack in two-shift education (ADR 0162)
    assert (
        crowded[0].pupils - 2 * crowded[0].design_capacity
        >= crowded[-1].pupils - 2 * crowded[-1].design_capacity
        > 0
    )


def test_scoped_listing_shows_a_district_user_only_their_district():
    district = User.objects.get(username="district")
    mine = list(selectors.institutions(user=district, kind="school"))
    assert mine
    assert all(i.settlement.path.startswith("/630000000/634000000/") for i in mine)
    operator = User.objects.get(username="operator")
    assert [i.pk for i in selectors.institutions(user=operator, kind="school")] == [
        operator.institution_id
    ]
    assert list(selectors.school_years(DEMO_YEAR, user=User(username="anon"))) == []
