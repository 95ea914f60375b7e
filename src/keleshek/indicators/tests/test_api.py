"""The public indicators API: values from the materialised table, small counts suppressed."""

from __future__ import annotations

import pytest
from django.test import Client

from keleshek.indicators.services import refresh_indicators

from .factories import region

pytestmark = pytest.mark.django_db


def test_values_are_public_and_small_counts_suppressed(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    region(2025)
    refresh_indicators()
    c = Client()
    # count + page + definitions + one per (data element, year) on the page: the cells the
    # complementary suppression hides (ADR 0133)
    with django_assert_max_num_queries(4):
        resp = c.get(
            "/api/v1/indicators/values",
            {"indicator": "places_deficit", "year": 2025, "kato": "640000000"},
        )
    assert resp.status_code == 200
    items = {i["kato"]: i for i in resp.json()["items"]}
    assert items["640000000"]["value"] == 200
    assert items["641000000"]["value"] == 200
    assert items["642000000"]["value"] == 0
    # one three-shift school in the oblast: a count under 5 is suppressed
    resp = c.get(
        "/api/v1/indicators/values",
        {"indicator": "three_shift_schools", "year": 2025, "kato": "640000000", "level": "oblast"},
    )
    (item,) = resp.json()["items"]
    assert item["suppressed"] is True
    assert item["value"] is None
    defs = c.get("/api/v1/indicators/definitions").json()
    assert any(d["code"] == "ger_primary" and d["denominator"] == "pop_primary" for d in defs)
