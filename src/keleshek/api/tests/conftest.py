"""A small, self-contained registry for the API tests (independent of the demo region: every
assertion filters on these records' own codes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from keleshek.accounts.models import Role, User
from keleshek.api.services import api_token_create
from keleshek.construction.models import FundingSource, Project, ProjectFunding
from keleshek.institutions.models import (
    Enrolment,
    Institution,
    InstitutionYear,
    Laboratory,
)
from keleshek.news.models import Article
from keleshek.partnerships.models import Agreement, InternationalStudents, Partner
from keleshek.programmes.models import Industry, LabourDemand, Offering, Specialty
from keleshek.territory.models import PopulationRecord, Territory

# KATO codes outside the real East Kazakhstan range, so they never collide with the demo.
OBLAST, DIST_A, DIST_B = "990000000", "991000000", "992000000"
SETT_A, SETT_B = "991010001", "992010001"


@dataclass
class World:
    oblast: Territory
    dist_a: Territory
    dist_b: Territory
    sett_a: Territory
    sett_b: Territory
    school_a: Institution
    school_b: Institution
    college: Institution
    specialty: Specialty
    offering_new: Offering
    offering_old: Offering
    project: Project
    partner: Partner
    agreement: Agreement


def _territory(kato: str, level: str, parent: Territory | None, name: str) -> Territory:
    return Territory.objects.create(
        kato=kato, level=level, parent=parent, name_ru=name, name_kk=name, name_en=name
    )


@pytest.fixture
def world(db: Any) -> World:
    oblast = _territory(OBLAST, "oblast", None, "Test oblast")
    dist_a = _territory(DIST_A, "district", oblast, "District A")
    dist_b = _territory(DIST_B, "district", oblast, "District B")
    sett_a = _territory(SETT_A, "settlement", dist_a, "Settlement A")
    sett_b = _territory(SETT_B, "settlement", dist_b, "Settlement B")
    for age in (6, 7):
        for sex in ("M", "F"):
            PopulationRecord.objects.create(
                territory=sett_a, year=2025, age=age, sex=sex, count=100 + age
            )
    school_a = Institution.objects.create(
        kind="school",
        name_ru="Школа А",
        name_en="School A",
        settlement=sett_a,
        design_capacity=600,
        languages=["kk", "ru"],
        bin="991240777718",
    )
    school_b = Institution.objects.create(
        kind="school", name_ru="Школа Б", settlement=sett_b, design_capacity=300, languages=["ru"]
    )
    college = Institution.objects.create(
        kind="college", name_ru="Колледж", settlement=sett_a, languages=["kk"]
    )
    Laboratory.objects.create(institution=college, name_ru="Лаборатория EV")
    InstitutionYear.objects.create(
        institution=school_a, year=2025, design_capacity=600, pupils_shift1=500, pupils_shift2=200
    )
    for school, count in ((school_a, 30), (school_b, 3)):
        Enrolment.objects.create(institution=school, year=2025, grade=1, sex="M", count=count)
    industry = Industry.objects.create(code="test-it", name_ru="ИТ")
    specialty = Specialty.objects.create(
        code="T0001", isced_level=4, name_ru="Беспилотные системы", industry=industry
    )
    partner = Partner.objects.create(code="test-allur", kind="employer", name_ru="Allur")
    offering_new = Offering.objects.create(
        institution=college,
        specialty=specialty,
        year=2025,
        language="kk",
        launch_year=2025,
        dual_training=True,
        dual_employer=partner,
    )
    offering_old = Offering.objects.create(
        institution=college, specialty=specialty, year=2025, language="ru", launch_year=2019
    )
    LabourDemand.objects.create(specialty=specialty, territory=dist_a, year=2025, demand=40)
    LabourDemand.objects.create(specialty=specialty, territory=dist_b, year=2025, demand=7)
    agreement = Agreement.objects.create(
        code="test-donation",
        kind="equipment_donation",
        title_ru="Дар оборудования",
        institution=college,
        amount=Decimal("4000000"),
        currency="CNY",
        kzt_rate=Decimal("70"),
        signed_on=dt.date(2025, 9, 1),
    )
    agreement.partners.add(partner)
    agreement.institutions.add(college)
    InternationalStudents.objects.create(institution=college, year=2025, country="CN", count=50)
    project = Project.objects.create(
        code="test-school-1",
        kind="new_school",
        name_ru="Новая школа",
        settlement=sett_a,
        stage="commissioned",
        places=600,
        actual_commissioning=dt.date(2025, 8, 30),
        institution=school_a,
    )
    project.relieves.add(school_b)
    ProjectFunding.objects.create(
        project=project, source=FundingSource.KELESHEK_MEKTEBI, share=Decimal("0.7")
    )
    ProjectFunding.objects.create(
        project=project, source=FundingSource.LOCAL_BUDGET, share=Decimal("0.3")
    )
    Project.objects.create(
        code="test-ground-1",
        kind="sports_ground",
        name_ru="Площадка",
        settlement=sett_b,
        stage="under_construction",
        planned_commissioning=dt.date(2026, 6, 1),
    )
    for i, published in enumerate((True, True, False)):
        Article.objects.create(
            slug=f"test-article-{i}",
            language="ru",
            title=f"Статья {i}",
            body="…",
            published_at=timezone.now() - dt.timedelta(days=i),
            tags=["тест", "news"],
            is_published=published,
        )
    return World(
        oblast, dist_a, dist_b, sett_a, sett_b, school_a, school_b, college, specialty,
        offering_new, offering_old, project, partner, agreement,
    )  # fmt: skip


def make_user(username: str, role: str = "", **extra: Any) -> User:
    return User.objects.create_user(username=username, password="x-unused-x", role=role, **extra)


@pytest.fixture
def integrator_token(world: World) -> str:
    user = make_user("test-integrator", Role.INTEGRATOR)
    return api_token_create(owner=user, name="tests")[1]


@pytest.fixture
def district_token(world: World) -> str:
    """An integrator limited to district A."""
    user = make_user("test-integrator-a", Role.INTEGRATOR, territory=world.dist_a)
    return api_token_create(owner=user, name="district A")[1]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
