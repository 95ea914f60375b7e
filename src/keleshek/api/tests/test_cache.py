"""Anonymous reads of the public registries from the page cache (ADR 0204); every answer that
can differ by caller — a token's, a session's on a staff registry, a refusal — is drawn for
every request. Freshness after a change: portal/tests/test_pagecache.py."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from keleshek.accounts.models import Role
from keleshek.api import caching
from keleshek.api.auth import public_auth, token_auth
from keleshek.core import pagecache

from .conftest import World, bearer, make_user

OFFERINGS = "/api/v1/offerings?limit=50"


@pytest.fixture
def cached(settings: Any, world: World) -> Iterator[World]:
    settings.KELESHEK = {**settings.KELESHEK, "PAGE_CACHE": True}
    caches[pagecache.CACHE_ALIAS].clear()
    yield world
    caches[pagecache.CACHE_ALIAS].clear()


def test_an_anonymous_public_read_is_stored_and_served_to_every_tokenless_caller(
    cached: World,
) -> None:
    first = Client().get(OFFERINGS)
    assert first.status_code == 200
    assert first.get(pagecache.HEADER) == "miss"
    again = Client().get(OFFERINGS)
    assert again.get(pagecache.HEADER) == "hit"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # a signed-in user without a token is anonymous to a public registry: the same answer
    staff = Client()
    staff.force_login(make_user("analyst", Role.REGIONAL_ANALYST))
    assert staff.get(OFFERINGS).get(pagecache.HEADER) == "hit"
    # another query is another entry
    assert Client().get(OFFERINGS + "&offset=1").get(pagecache.HEADER) == "miss"


def test_token_answers_refusals_and_staff_registries_are_never_stored(
    cached: World, integrator_token: str
) -> None:
    anon = Client()
    anon.get(OFFERINGS)  # the anonymous answer is stored
    for _ in range(2):
        with_token = anon.get(OFFERINGS, **bearer(integrator_token))
        assert with_token.status_code == 200
        assert with_token.get(pagecache.HEADER) is None
    # a wrong token is refused every time, stored anonymous answer or not
    assert anon.get(OFFERINGS, **bearer("not-a-token")).status_code == 401
    # a registry that needs a token: refused without one, nothing stored
    for _ in range(2):
        refused = anon.get("/api/v1/labour-demand")
        assert refused.status_code == 401
        assert refused.get(pagecache.HEADER) is None
    # a staff registry read through a session: drawn for each request (scope, audit)
    officer = Client()
    officer.force_login(make_user("officer", Role.SUPPORT_OFFICER, territory=cached.dist_a))
    for _ in range(2):
        pupils = officer.get("/api/v1/support/pupils")
        assert pupils.status_code == 200
        assert pupils.get(pagecache.HEADER) is None


def test_only_public_unthrottled_operations_qualify() -> None:
    def op(auth: list[Any], throttle: list[Any]) -> Any:
        return SimpleNamespace(auth_callbacks=auth, throttle_objects=throttle)

    assert caching._public_only(op([public_auth], []))
    assert not caching._public_only(op([public_auth], [object()]))  # a throttle counts reads
    assert not caching._public_only(op([token_auth], []))
    assert not caching._public_only(op([], []))
