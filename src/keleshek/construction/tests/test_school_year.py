"""A school commissioned in August is counted, and holds its places, in the school year it
opens for (ADR 0110): commissioning, the construction selectors, the briefing and the
indicators read one rule. A small world of its own (no demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keleshek.construction import selectors
from keleshek.construction.models import FundingSource, Project, ProjectFunding
from keleshek.construction.services import commission_project
from keleshek.indicators.elements import SOURCES, Context
from keleshek.institutions.models import InstitutionYear
from keleshek.reports.selectors import construction_facts
from keleshek.territory.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project() -> Project:
    oblast = Territory.objects.create(kato="659000000", level="oblast", name_ru="Область")
    town = Territory.objects.create(
        kato="659010100", level="settlement", name_ru="Посёлок", parent=oblast
    )
    project = Project.objects.create(
        code="august-school",
        kind=Project.Kind.NEW_SCHOOL,
        settlement=town,
        stage=Project.Stage.UNDER_CONSTRUCTION,
        places=300,
        name_ru="Школа на 300 мест",
    )
    ProjectFunding.objects.create(
        project=project, source=FundingSource.LOCAL_BUDGET, share=Decimal("1")
    )
    return project


def test_a_school_commissioned_in_august_opens_in_the_coming_school_year(project: Project) -> None:
    def counted() -> dict[int, tuple[int, int]]:
        """(schools, places) commissioned per school year, by the construction selectors."""
        out = {}
        for year in (2024, 2025):
            rows = selectors.schools_commissioned(year)
            out[year] = (sum(r.count for r in rows), sum(r.places for r in rows))
        return out

    before = counted()
    briefing_before = sum(r.places for r in construction_facts(2025).commissioned)
    commission_project(project=project, date=dt.date(2025, 8, 25), relieve=False)
    project.refresh_from_db()
    assert project.institution is not None
    # The capacity lands in 2025/26, the year the school opens for (1 September rule: 2024/25).
    assert list(
        InstitutionYear.objects.filter(institution=project.institution).values_list(
            "year", "design_capacity"
        )
    ) == [(2025, 300)]
    # Counted in the same year by the construction selectors, the briefing and the indicators.
    after = counted()
    assert after[2024] == before[2024]
    assert (after[2025][0] - before[2025][0], after[2025][1] - before[2025][1]) == (1, 300)
    briefing = sum(r.places for r in construction_facts(2025).commissioned)
    assert briefing - briefing_before == 300
    ctx = Context(current_year=2025, root_territory_id=None)
    facts = SOURCES["commissioned"].fn(ctx)
    assert {f[2] for f in facts if f[1] == project.settlement_id} == {2025}
