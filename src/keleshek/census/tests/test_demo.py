"""The demo's census: the autumn census of the demo year with a mix of schools in Glubokoe."""

from __future__ import annotations

from collections import Counter

import pytest

from keleshek.census import selectors
from keleshek.census.models import Period, Return
from keleshek.demo.users import operator_school
from keleshek.territory.models import Territory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_glubokoe_has_a_mix_of_returns_and_the_operator_school_is_not_started() -> None:
    period = Period.objects.get(dataset__code="autumn", code="2025")
    statuses = Counter(
        Return.objects.filter(
            period=period, institution__settlement__path__contains="/634000000/"
        ).values_list("status", flat=True)
    )
    assert {"accepted", "approved", "submitted", "returned", "draft"} <= set(statuses)
    school = operator_school()
    assert school is not None
    assert not Return.objects.filter(period=period, institution=school).exists()
    glubokoe = Territory.objects.get(kato="634000000")
    t = selectors.tally(period, glubokoe, selectors.operating_schools())
    assert t.late > 0
    assert 0 < t.on_time < t.submitted
