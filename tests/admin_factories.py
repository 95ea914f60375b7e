"""Small factories for the admin tests: a private corner of the KATO tree (codes 98…), so
the assertions never depend on the demo region's numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission

from keleshek.accounts.models import User
from keleshek.construction.models import FundingSource, Project, ProjectFunding
from keleshek.institutions.models import Institution, InstitutionYear
from keleshek.territory.models import Territory


@dataclass
class Corner:
    oblast: Territory
    district_a: Territory
    district_b: Territory
    village_a: Territory
    village_b: Territory
    school_a: Institution
    school_b: Institution
    project: Project


def _t(kato: str, level: str, parent: Territory | None, name: str) -> Territory:
    return Territory.objects.create(
        kato=kato, level=level, parent=parent, name_ru=name, name_kk=name, name_en=name
    )


def make_corner() -> Corner:
    oblast = _t("980000000", "oblast", None, "Тест-область")
    district_a = _t("981000000", "district", oblast, "Район А")
    district_b = _t("982000000", "district", oblast, "Район Б")
    village_a = _t("981010001", "settlement", district_a, "Село А")
    village_b = _t("982010001", "settlement", district_b, "Село Б")
    school_a = Institution.objects.create(
        kind="school", name_ru="Школа в районе А", settlement=village_a, design_capacity=300
    )
    school_b = Institution.objects.create(
        kind="school", name_ru="Школа в районе Б", settlement=village_b, design_capacity=200
    )
    InstitutionYear.objects.create(
        institution=school_b, year=2025, design_capacity=200, pupils_shift1=320
    )
    project = Project.objects.create(
        code="test-admin-new-school",
        kind="new_school",
        name_ru="Новая школа в районе Б",
        settlement=village_b,
        stage="under_construction",
        places=300,
        readiness=95,
        planned_commissioning=dt.date(2025, 12, 1),
    )
    project.relieves.add(school_b)
    ProjectFunding.objects.create(
        project=project, source=FundingSource.LOCAL_BUDGET, share=Decimal("1")
    )
    return Corner(oblast, district_a, district_b, village_a, village_b, school_a, school_b, project)


def staff_user(username: str, role: str, perms: list[str], **scope: Any) -> User:
    """A staff user with model permissions given as "app_label.codename"."""
    user = User.objects.create_user(
        username=username, password="unused-pass-1", role=role, is_staff=True, **scope
    )
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # fresh, without the permission cache


def superuser(username: str = "test-admin-root") -> User:
    return User.objects.create_superuser(username=username, password="unused-pass-1")
