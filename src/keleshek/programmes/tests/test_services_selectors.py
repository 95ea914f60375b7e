"""Programme services and the selectors behind B9-B13 on the demo."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keleshek.demo import facts
from keleshek.demo.loader import DEMO_YEAR
from keleshek.institutions.models import Institution
from keleshek.programmes import selectors
from keleshek.programmes.models import Industry, Specialty
from keleshek.programmes.services import (
    labour_demand_set,
    offering_upsert,
    specialty_upsert,
)
from keleshek.territory.models import Territory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the source language)."""
    with translation.override("en"):
        yield


def test_new_offerings_b9_and_b13(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        colleges = selectors.new_offerings(DEMO_YEAR)
    assert {o.specialty.code for o in colleges} == set(facts.B9_CODES)
    assert [s.code for s in selectors.new_specialties(DEMO_YEAR)] == sorted(facts.B9_CODES)
    universities = selectors.new_offerings(DEMO_YEAR, ("university",))
    assert [(o.specialty.code, o.institution.short_name) for o in universities] == [
        (facts.B13_CODE, "ВКТУ")
    ]
    # last year's novelties were the B11 industries
    last_year = selectors.new_offerings(DEMO_YEAR - 1, kinds=None)
    assert {o.specialty.industry.code for o in last_year} == set(facts.B11_INDUSTRIES)


def test_offerings_by_industry_b11(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        rows = selectors.offerings_by_industry(DEMO_YEAR, facts.B11_INDUSTRIES)
    assert [r.code for r in rows] == sorted(facts.B11_INDUSTRIES)
    assert all(r.offerings >= 1 and r.enrolled > 0 for r in rows)


def test_competence_centres_b10_b12():
    summary = selectors.competence_centres_summary()
    assert summary.existing == 1
    assert (summary.planned, summary.planned_host_universities) == (3, 3)
    existing = selectors.competence_centres(status=("operating", "under_construction"))
    assert existing[0].parent.short_name == "УКВПК"


def test_a_new_offering_changes_the_answer():
    college = Institution.objects.get(short_name="УКВПК")
    spec = Specialty.objects.get(code="07161300")
    offering, created = offering_upsert(
        institution=college,
        specialty=spec,
        year=DEMO_YEAR,
        language="kk",
        launch_year=DEMO_YEAR,
        state_seats=25,
    )
    assert created
    assert offering in selectors.new_offerings(DEMO_YEAR)
    _same, created = offering_upsert(
        institution=college,
        specialty=spec,
        year=DEMO_YEAR,
        language="kk",
        launch_year=DEMO_YEAR,
        state_seats=25,
    )
    assert not created


def test_offering_rules():
    college = Institution.objects.get(short_name="УКВПК")
    school = Institution.objects.filter(kind="school").first()
    bachelor = Specialty.objects.get(code=facts.B13_CODE)
    tvet = Specialty.objects.get(code="07161300")
    with pytest.raises(ValidationError, match="university-level"):
        offering_upsert(
            institution=college,
            specialty=bachelor,
            year=DEMO_YEAR,
            language="ru",
            launch_year=DEMO_YEAR,
        )
    with pytest.raises(ValidationError, match="does not teach"):
        offering_upsert(
            institution=school, specialty=tvet, year=DEMO_YEAR, language="ru", launch_year=DEMO_YEAR
        )
    with pytest.raises(ValidationError):
        offering_upsert(
            institution=college,
            specialty=tvet,
            year=DEMO_YEAR,
            language="ru",
            launch_year=DEMO_YEAR + 1,
        )


def test_specialty_upsert_and_demand():
    industry = Industry.objects.get(code="it")
    spec, created = specialty_upsert(
        code="06139900", isced_level=4, industry=industry, name_ru="Кибербезопасность"
    )
    assert created
    with pytest.raises(ValidationError, match="ISCED"):
        specialty_upsert(code="06139901", isced_level=2, industry=industry, name_ru="x")
    oblast = Territory.objects.get(kato="630000000")
    labour_demand_set(specialty=spec, territory=oblast, year=DEMO_YEAR, demand=40)
    row = next(r for r in selectors.demand_vs_graduates(DEMO_YEAR) if r.specialty == spec)
    assert (row.demand, row.graduates, row.gap) == (40, 0, 40)


def test_catalogue_filters(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        found = list(selectors.catalogue(DEMO_YEAR, query="атомной"))
    assert [o.specialty.code for o in found] == [facts.B13_CODE]
    assert all(
        o.specialty.industry.code == "tourism"
        for o in selectors.catalogue(DEMO_YEAR, industry="tourism")
    )
