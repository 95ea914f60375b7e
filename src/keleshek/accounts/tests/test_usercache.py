"""Sessions and the signed-in user read from the shared cache (ADR 0205): no query for either
on a signed-in request, and still a logout, a changed role, a deactivation or a new password
takes effect on the very next request, in every session of the user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from keleshek.accounts import usercache
from keleshek.accounts.models import Role, User

pytestmark = pytest.mark.django_db
PAGE = "/ru/staff/indicators/"  # a staff page (Indicator definitions), any staff role


@pytest.fixture(autouse=True)
def shared_cache(settings: Any) -> Iterator[None]:
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "usercache-tests",
        },
    }
    caches[usercache.CACHE_ALIAS].clear()
    yield
    caches[usercache.CACHE_ALIAS].clear()


def _user(**extra: Any) -> User:
    extra.setdefault("role", Role.REGIONAL_ANALYST)
    return User.objects.create_user(username="analyst", password="old-secret-1", **extra)


def _sessions(user: User, n: int = 2) -> list[Client]:
    """n sessions of the user, each logged in for real (the session hash is checked)."""
    clients = [Client() for _ in range(n)]
    for c in clients:
        assert c.login(username=user.username, password="old-secret-1")
        assert c.get(PAGE).status_code == 200  # the session and the user are now cached
    return clients


def test_a_signed_in_request_reads_neither_session_nor_user_from_the_database() -> None:
    user = _user()
    c = _sessions(user, 1)[0]
    request = RequestFactory().get(PAGE)
    request.session = SessionStore(c.cookies["sessionid"].value)
    with CaptureQueriesContext(connection) as queries:
        assert get_user(request).pk == user.pk
    assert len(queries) == 0
    # the cached copy keeps no password hash, yet checking a password still works
    cached = get_user(request)
    assert "password" not in cached.__dict__
    assert cached.check_password("old-secret-1")


def test_a_logout_ends_the_session_at_once() -> None:
    user = _user()
    first = _sessions(user, 1)[0]
    twin = Client()  # the same session from another tab
    twin.cookies = first.cookies
    assert twin.get(PAGE).status_code == 200
    first.post("/ru/accounts/logout/")
    assert twin.get(PAGE).status_code == 302  # to the login page


def test_a_changed_role_is_seen_at_once_by_every_session() -> None:
    user = _user()
    sessions = _sessions(user)
    # through the ORM's bulk update (no save(), no signal) ...
    User.objects.filter(pk=user.pk).update(role="")
    assert [c.get(PAGE).status_code for c in sessions] == [403, 403]
    # ... and through save(), as the admin does
    user.refresh_from_db()
    user.role = Role.REGIONAL_ANALYST
    user.save()
    assert [c.get(PAGE).status_code for c in sessions] == [200, 200]


def test_a_deactivated_user_is_signed_out_at_once() -> None:
    user = _user()
    sessions = _sessions(user)
    user.is_active = False
    user.save()
    assert [c.get(PAGE).status_code for c in sessions] == [302, 302]


def test_a_deleted_user_is_signed_out_at_once() -> None:
    user = _user()
    sessions = _sessions(user)
    User.objects.filter(pk=user.pk).delete()
    assert [c.get(PAGE).status_code for c in sessions] == [302, 302]


def test_a_new_password_ends_the_other_sessions() -> None:
    user = _user()
    sessions = _sessions(user)
    user.set_password("new-secret-2")
    user.save()
    assert [c.get(PAGE).status_code for c in sessions] == [302, 302]
    fresh = Client()
    assert fresh.login(username="analyst", password="new-secret-2")
    assert fresh.get(PAGE).status_code == 200


def test_a_row_read_before_a_change_commits_is_never_served(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = _user()
    c = _sessions(user, 1)[0]
    old_key = f"keleshek:user:{user.pk}:{usercache._version(str(user.pk))}"
    stale = User.objects.get(pk=user.pk)  # a request read the row before the change ...
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=user.pk).update(role="")
    # ... and stores it after the commit: under a version nobody reads any more
    caches[usercache.CACHE_ALIAS].set(old_key, usercache._storable(stale))
    assert c.get(PAGE).status_code == 403
