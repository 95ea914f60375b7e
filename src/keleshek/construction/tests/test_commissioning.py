"""Commissioning and the other construction services, on the demo region."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import translation

from keleshek.accounts.models import User
from keleshek.construction import selectors
from keleshek.construction.models import Project
from keleshek.construction.services import (
    commission_project,
    project_set_funding,
    project_update_progress,
)
from keleshek.core.models import AuditEntry
from keleshek.demo.loader import DEMO_YEAR
from keleshek.institutions.capacity import places_short
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear
from keleshek.institutions.selectors import places_by_unit, places_deficit
from keleshek.territory.models import Territory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the source language)."""
    with translation.override("en"):
        yield


DAY = dt.date(DEMO_YEAR + 1, 1, 15)  # in the demo school year


def oblast() -> Territory:
    return Territory.objects.get(kato="630000000")


def state() -> tuple:
    """Everything commissioning may touch, to prove that a refusal changes nothing."""
    return (
        list(
            Project.objects.order_by("code").values_list(
                "code", "stage", "readiness", "institution_id"
            )
        ),
        Institution.objects.count(),
        list(
            InstitutionYear.objects.order_by("pk").values_list(
                "design_capacity", "pupils_shift1", "pupils_shift2", "pupils_shift3"
            )
        ),
        Enrolment.objects.aggregate(n=Sum("count"))["n"],
        AuditEntry.objects.count(),
    )


def test_demo_answers_the_briefing():
    rows = selectors.schools_commissioned(DEMO_YEAR)
    assert [(r.source, r.count, r.places) for r in rows] == [
        ("keleshek_mektebi", 7, 3000),
        ("local_budget", 3, 300),
    ]
    besides = selectors.schools_under_construction(DEMO_YEAR, include_corporate=False)
    including = selectors.schools_under_construction(DEMO_YEAR, include_corporate=True)
    assert (besides.count, besides.corporate) == (7, 0)
    assert (including.count, including.corporate) == (8, 1)
    assert including.places - besides.places == 600
    assert [p.code for p in selectors.corporate_projects()] == ["kazzinc-ridder-600"]
    assert selectors.schools_commissioned(DEMO_YEAR - 1) == []


def test_commissioning_a_new_school_adds_places_relieves_and_is_audited():
    # given an under-construction school that relieves two overcrowded city schools
    project = Project.objects.get(code="uc-uk-1500")
    relieved = list(project.relieves.order_by("pk"))
    assert len(relieved) == 2
    deficit_before = places_deficit(DEMO_YEAR, territory=oblast())
    pupils_before = sum(
        y.pupils for y in InstitutionYear.objects.filter(year=DEMO_YEAR, institution__kind="school")
    )
    overflow = {
        s.pk: InstitutionYear.objects.get(institution=s, year=DEMO_YEAR).pupils - s.design_capacity
        for s in relieved
    }
    assert all(v > 0 for v in overflow.values())
    # the places they lack, as the ministry counts them (over two shifts, ADR 0162)
    short = {
        s.pk: places_short(
            InstitutionYear.objects.get(institution=s, year=DEMO_YEAR).pupils, s.design_capacity
        )
        for s in relieved
    }
    assert sum(short.values()) > 0
    actor = User.objects.get(username="analyst")
    audits = AuditEntry.objects.count()

    # when it is commissioned
    commission_project(project=project, date=DAY, actor=actor)

    # then the project is commissioned with a new school of 1,500 places
    project.refresh_from_db()
    assert (project.stage, project.readiness, project.actual_commissioning) == (
        "commissioned",
        100,
        DAY,
    )
    school = project.institution
    assert school.kind == "school"
    assert school.design_capacity == 1500
    assert school.status == "operating"
    new_year = InstitutionYear.objects.get(institution=school, year=DEMO_YEAR)
    # its 1,500 places take the overflow above design capacity, school by school
    room, took = 1500, {}
    for pk, n in overflow.items():
        took[pk] = min(room, n)
        room -= took[pk]
    moved = sum(took.values())
    assert new_year.pupils == moved
    # the relieved schools gave their pupils above capacity (as many as fitted), the third
    # shift first: it is gone
    for s in relieved:
        y = InstitutionYear.objects.get(institution=s, year=DEMO_YEAR)
        assert y.pupils == s.design_capacity + overflow[s.pk] - took[s.pk]
        assert y.pupils_shift3 == 0
        assert not y.is_three_shift
        s.refresh_from_db()
        assert not s.is_three_shift
        assert (
            Enrolment.objects.filter(institution=s, year=DEMO_YEAR).aggregate(n=Sum("count"))["n"]
            == y.pupils
        )
    assert (
        Enrolment.objects.filter(institution=school, year=DEMO_YEAR).aggregate(n=Sum("count"))["n"]
        == moved
    )
    # no pupil was lost or invented; the deficit fell by the places the relieved schools lacked
    # (the new school seats its pupils in one shift)
    pupils_after = sum(
        y.pupils for y in InstitutionYear.objects.filter(year=DEMO_YEAR, institution__kind="school")
    )
    assert pupils_after == pupils_before
    still_short = sum(
        places_short(
            InstitutionYear.objects.get(institution=s, year=DEMO_YEAR).pupils, s.design_capacity
        )
        for s in relieved
    )
    assert still_short < sum(short.values())
    assert places_deficit(DEMO_YEAR, territory=oblast()) == (
        deficit_before - sum(short.values()) + still_short
    )
    # the briefing's figures changed accordingly
    rows = {r.source: (r.count, r.places) for r in selectors.schools_commissioned(DEMO_YEAR)}
    assert rows["keleshek_mektebi"] == (8, 4500)
    assert selectors.schools_under_construction(DEMO_YEAR, include_corporate=False).count == 6
    # one audit entry, by the actor, with the effects
    entries = list(AuditEntry.objects.order_by("id")[audits:])
    commission = [e for e in entries if e.action == "commission"]
    assert len(commission) == 1
    assert commission[0].actor == actor
    assert commission[0].object_id == str(project.pk)
    assert commission[0].changes["stage"] == ["under_construction", "commissioned"]
    assert commission[0].changes["effects"]["places_added"] == 1500
    assert sum(commission[0].changes["effects"]["pupils_moved"].values()) == moved


def test_commissioning_without_relief_leaves_the_other_schools_alone():
    project = Project.objects.get(code="uc-uk-1200")
    deficit = places_deficit(DEMO_YEAR, territory=oblast())
    commission_project(
        project=project, date=DAY, relieve=False, maintenance_budget=Decimal("500000000")
    )
    project.refresh_from_db()
    assert project.institution.maintenance_budget == Decimal("500000000.00")
    assert InstitutionYear.objects.get(institution=project.institution, year=DEMO_YEAR).pupils == 0
    assert places_deficit(DEMO_YEAR, territory=oblast()) == deficit


def test_commissioning_an_extension_enlarges_the_school():
    # given the school lacking the most places and an extension project for it
    worst = max(
        InstitutionYear.objects.filter(year=DEMO_YEAR, institution__kind="school"),
        key=lambda y: places_short(y.pupils, y.design_capacity),
    )
    school = worst.institution
    project = Project.objects.create(
        code="test-extension",
        kind="extension",
        settlement=school.settlement,
        places=200,
        stage="under_construction",
        institution=school,
        name_ru="Пристройка",
    )
    deficit = places_deficit(DEMO_YEAR, territory=oblast())
    # when it is commissioned
    commission_project(project=project, date=DAY)
    # then the school has 200 more places this year (400 in two shifts) and the deficit fell
    worst.refresh_from_db()
    school.refresh_from_db()
    assert worst.design_capacity == school.design_capacity
    lacked = places_short(worst.pupils, worst.design_capacity - 200)
    assert lacked > places_short(worst.pupils, worst.design_capacity)
    assert places_deficit(DEMO_YEAR, territory=oblast()) == deficit - lacked + places_short(
        worst.pupils, worst.design_capacity
    )
    assert Institution.objects.filter(pk=school.pk, design_capacity=worst.design_capacity).exists()


def test_extension_without_institution_is_refused_and_changes_nothing():
    project = Project.objects.get(code="pl-uk-extension-300")
    before = state()
    with pytest.raises(ValidationError, match="needs the institution"):
        commission_project(project=project, date=DAY)
    assert state() == before


@pytest.mark.parametrize("code", ["cx-zaysan-100", "km-uk-1200"])
def test_cancelled_or_commissioned_projects_are_refused(code):
    project = Project.objects.get(code=code)
    before = state()
    message = "cancelled" if project.stage == "cancelled" else "already commissioned"
    with pytest.raises(ValidationError, match=message):
        commission_project(project=project, date=DAY)
    assert state() == before


def test_commissioning_a_social_facility_changes_no_school():
    project = Project.objects.create(
        code="test-ground",
        kind="sports_ground",
        settlement=Territory.objects.get(kato="631010000"),
        stage="under_construction",
        name_ru="Площадка",
    )
    before_schools = Institution.objects.count()
    commission_project(project=project, date=DAY)
    assert Institution.objects.count() == before_schools
    counts = {r.kind: r.count for r in selectors.social_facilities_commissioned(DEMO_YEAR)}
    assert counts["sports_ground"] == 7


def test_funding_shares_must_add_up_to_one():
    project = Project.objects.get(code="uc-katon-80")
    before = state()
    with pytest.raises(ValidationError, match="add up to 1"):
        project_set_funding(
            project=project,
            shares={"local_budget": Decimal("0.5"), "republican_budget": Decimal("0.4")},
        )
    with pytest.raises(ValidationError, match="unknown funding source"):
        project_set_funding(project=project, shares={"lottery": Decimal("1")})
    assert state() == before
    project_set_funding(
        project=project,
        shares={"local_budget": Decimal("0.4"), "republican_budget": Decimal("0.6")},
    )
    project.refresh_from_db()
    assert sorted(project.funding.values_list("source", "share")) == [
        ("local_budget", Decimal("0.4000")),
        ("republican_budget", Decimal("0.6000")),
    ]
    assert project.main_source == "republican_budget"
    assert sum(f.amount for f in project.funding.all()) == project.planned_cost
    assert AuditEntry.objects.count() == before[-1] + 1


def test_progress_moves_forward_only_and_never_commissions():
    project = Project.objects.get(code="uc-katon-80")
    project_update_progress(project=project, readiness=60, actual_cost=Decimal("1000"))
    project.refresh_from_db()
    assert (project.readiness, project.actual_cost) == (60, Decimal("1000.00"))
    before = state()
    with pytest.raises(ValidationError, match="cannot go down"):
        project_update_progress(project=project, readiness=50)
    with pytest.raises(ValidationError, match="use commissioning"):
        project_update_progress(project=project, readiness=100, stage="commissioned")
    with pytest.raises(ValidationError, match="no longer change"):
        project_update_progress(project=Project.objects.get(code="km-uk-600"), readiness=100)
    assert state() == before


def test_deficit_by_unit_adds_up(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        rows = places_by_unit(DEMO_YEAR, oblast())
    assert sum(r.deficit for r in rows) == places_deficit(DEMO_YEAR, territory=oblast())
    assert (
        sum(r.schools for r in rows)
        == InstitutionYear.objects.filter(year=DEMO_YEAR, institution__kind="school").count()
    )


def test_selectors_query_counts(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        selectors.schools_commissioned(DEMO_YEAR)
    with django_assert_max_num_queries(2):
        selectors.schools_under_construction(DEMO_YEAR)
