"""Every list endpoint answers a page in a fixed number of SQL queries, whatever the rows:
count + page (+ one per prefetched relation), plus the token lookup on restricted ones."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .conftest import World, bearer

PUBLIC_LISTS = {
    "/territories": 2,
    "/population": 2,
    "/institutions": 2,
    "/laboratories": 2,
    "/institution-years": 3,  # + the suppression of the year on the page (ADR 0139)
    "/industries": 2,
    "/specialties": 2,
    "/offerings": 4,  # + the suppression of the year on the page (ADR 0133): territories, rows
    "/projects?limit=500": 4,  # + funding, + relieved schools
    "/partners": 2,
    "/articles": 2,
}
TOKEN_LISTS = {
    "/enrolment": 3,
    "/labour-demand": 3,
    "/agreements?limit=500": 5,  # + participating institutions, + partners
    "/international-students": 3,
}


@pytest.mark.parametrize(("url", "queries"), sorted(PUBLIC_LISTS.items()))
def test_public_list_query_count(
    client: Client, world: World, django_assert_num_queries: Any, url: str, queries: int
) -> None:
    with django_assert_num_queries(queries):
        response = client.get(f"/api/v1{url}")
    assert response.status_code == 200
    assert response.json()["count"] >= 1


@pytest.mark.parametrize(("url", "queries"), sorted(TOKEN_LISTS.items()))
def test_token_list_query_count(
    client: Client,
    world: World,
    integrator_token: str,
    django_assert_num_queries: Any,
    url: str,
    queries: int,
) -> None:
    auth = bearer(integrator_token)
    client.get("/api/v1/industries", **auth)  # first use records last_used_at (one write)
    with django_assert_num_queries(queries):
        response = client.get(f"/api/v1{url}", **auth)
    assert response.status_code == 200
    assert response.json()["count"] >= 1
