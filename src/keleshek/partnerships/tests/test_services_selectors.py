"""Partnership services and the selectors behind B14-B16 on the demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keleshek.demo.loader import DEMO_YEAR
from keleshek.institutions.models import Institution
from keleshek.partnerships import selectors
from keleshek.partnerships.models import Agreement
from keleshek.partnerships.services import (
    agreement_upsert,
    international_students_set,
    partner_upsert,
)

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the source language)."""
    with translation.override("en"):
        yield


def test_international_students_b16(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        rows = selectors.international_students(DEMO_YEAR)
    assert sum(r.count for r in rows) == 400
    assert len(rows) == 8
    assert rows[0].count >= rows[-1].count
    luban = Institution.objects.get(kind="workshop")
    international_students_set(institution=luban, year=DEMO_YEAR, country="in", count=5)
    total = selectors.international_students_total(DEMO_YEAR)
    assert (total.students, total.countries) == (405, 9)
    with pytest.raises(ValidationError):
        international_students_set(institution=luban, year=DEMO_YEAR, country="KZ", count=5)


def test_donation_in_kzt_b15():
    [row] = selectors.donations(DEMO_YEAR)
    assert (row.amount, row.currency) == (Decimal("3950000.00"), "CNY")
    assert row.amount_kzt == Decimal("3950000.00") * Decimal("72.15")
    assert selectors.donations(DEMO_YEAR - 1) == []


def test_consortium_and_research_groups_b14():
    parent, children = selectors.agreement_with_children("kz-de-consortium")
    assert parent.kind == "consortium"
    assert [c.kind for c in children] == ["research_group", "research_group"]


def test_agreement_upsert_rules_and_partners():
    partner, created = partner_upsert(
        code="test-cn", kind="company", name_ru="Партнёр", country="cn"
    )
    assert (created, partner.country) == (True, "CN")
    with pytest.raises(ValidationError, match="two-letter"):
        partner_upsert(code="bad", kind="company", name_ru="x", country="CHN")
    centre = Institution.objects.get(kind="engineering_centre")
    count = Agreement.objects.count()
    with pytest.raises(ValidationError, match="date of its KZT rate"):
        agreement_upsert(
            code="test-gift",
            kind="equipment_donation",
            title_ru="Дар",
            partners=[partner],
            institution=centre,
            amount=Decimal(100),
            currency="usd",
            kzt_rate=Decimal(500),
        )
    assert Agreement.objects.count() == count
    gift, _ = agreement_upsert(
        code="test-gift",
        kind="equipment_donation",
        title_ru="Дар",
        partners=[partner],
        institution=centre,
        amount=Decimal(100),
        currency="usd",
        kzt_rate=Decimal(500),
        rate_date=dt.date(DEMO_YEAR, 10, 1),
        signed_on=dt.date(DEMO_YEAR, 10, 1),
    )
    assert list(gift.partners.all()) == [partner]
    assert len(selectors.donations(DEMO_YEAR)) == 2
