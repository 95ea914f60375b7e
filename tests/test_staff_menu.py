"""A way in for every role (issue 15, point 1; ADR 0140): the staff menu offers every module the
role may use and none it may not, because both the menu and the views read one table
(``keleshek.accounts.access``); every role lands on the page of its own work; the language of
the page is kept through login, logout and the redirects between them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from keleshek.accounts import access
from keleshek.accounts.models import Role, User
from keleshek.support.tests import factories as f
from keleshek.transport.models import Plan
from tests.test_permissions import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<nav class="staff"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*data-module="([^"]+)"')
ROLES = list(Role.values)


@pytest.fixture(autouse=True)
def _oblast(settings: Any) -> None:
    """The regional dashboards start at the test region's oblast."""
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "990000000"}


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _menu(html: str) -> dict[str, str]:
    m = MENU.search(html)
    return {key: url for url, key in LINK.findall(m.group(1))} if m else {}


def _refused(resp: Any) -> bool:
    return resp.status_code == 403 or (
        resp.status_code == 302 and "login" in resp.get("Location", "")
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_is_exactly_what_the_role_may_use(world: dict[str, Any], role: str) -> None:  # noqa: F811
    user = world["users"][role]
    c = _client(user)
    # given the role's start page in Kazakh
    start = c.get("/kk/accounts/start/", follow=True)
    assert start.status_code == 200, role
    assert start.redirect_chain, role
    assert all(url.startswith("/kk/") for url, _code in start.redirect_chain), start.redirect_chain
    menu = _menu(start.content.decode())
    assert menu, f"{role}: no staff menu"
    # every menu link answers 200, in Kazakh
    for key, url in menu.items():
        assert url.startswith("/kk/"), (role, key, url)
        resp = c.get(url, follow=True)
        assert resp.status_code == 200, (role, key, url, resp.status_code)
    # and every module's page answers 200 exactly when the menu offers it
    for module in access.MODULES:
        if not module.in_menu:
            continue
        with translation.override("kk"):
            url = reverse(module.url_name)
        resp = c.get(url)
        if module.key in menu:
            assert resp.status_code in (200, 302), (role, module.key, resp.status_code)
            assert not _refused(resp), (role, module.key)
        else:
            assert _refused(resp), (role, module.key, resp.status_code)


def test_menu_and_start_pages_per_role(world: dict[str, Any]) -> None:  # noqa: F811
    """What each role is offered, spelled out (the issue's list)."""
    users = world["users"]
    expected = {
        "institution_operator": {"dashboards", "indicators", "find_child", "coverage"},
        "support_officer": {"find_child", "coverage", "capacity", "labour"},
        "transport_coordinator": {"transport", "coverage"},
        "regional_analyst": {"dashboards", "capacity", "labour", "transport", "reports"},
        "auditor": {"audit", "dashboards", "transport", "reports", "coverage"},
        "regional_admin": {"dashboards", "find_child", "transport", "intake", "audit", "jobs"},
    }
    forbidden = {
        "institution_operator": {"capacity", "labour", "transport", "audit", "admin"},
        "support_officer": {"transport", "audit", "admin"},
        "transport_coordinator": {"find_child", "audit", "admin"},
        "regional_analyst": {"find_child", "audit", "admin"},
        "auditor": {"find_child", "admin"},
    }
    for role, keys in expected.items():
        got = {i.key for i in access.menu_for(users[role])}
        assert keys <= got, (role, keys - got)
        assert not (forbidden.get(role, set()) & got), (role, forbidden[role] & got)
    starts = {
        "institution_operator": f"/kk/staff/i/{world['reg'].village_school.pk}/",
        "support_officer": "/kk/support/",
        "auditor": "/kk/audit/",
        "regional_analyst": "/kk/staff/",
        "regional_admin": "/kk/staff/",
    }
    for role, url in starts.items():
        resp = _client(users[role]).get("/kk/accounts/start/", follow=True)
        final = resp.redirect_chain[-1][0] if resp.redirect_chain else ""
        assert final.split("?")[0] in (url, "/kk/staff/"), (role, final)
        assert resp.status_code == 200, role


def test_superuser_sees_the_admin_and_everything(world: dict[str, Any]) -> None:  # noqa: F811
    root = User.objects.create_superuser("root", password="pw-not-used-123")
    got = {i.key for i in access.menu_for(root)}
    assert {m.key for m in access.MODULES if m.in_menu} == got
    assert _client(root).get("/kk/admin/").status_code == 200


def test_transport_coordinator_starts_on_the_current_plan(world: dict[str, Any]) -> None:  # noqa: F811
    reg = world["reg"]
    user = world["users"]["transport_coordinator"]
    c = _client(user)
    # without a current plan: the district's page
    resp = c.get("/kk/accounts/start/")
    assert resp.status_code == 302
    assert c.get(resp["Location"])["Location"] == f"/kk/transport/{reg.district.kato}/"
    plan = Plan.objects.create(territory=reg.district, name="A", is_current=True)
    Plan.objects.create(territory=reg.district, name="B", is_current=False)
    assert c.get(resp["Location"])["Location"] == (
        f"/kk/transport/{reg.district.kato}/plans/{plan.pk}/"
    )


def test_login_keeps_the_language(db: None) -> None:
    reg = f.region()
    f.user("support_officer", territory_=reg.district, name="marat")
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    # a page that needs a login sends to the login page in the page's language
    resp = c.get("/kk/support/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/kk/accounts/login/?next=/kk/support/")
    # logging in without ``next`` lands on the start page in Kazakh, not the browser's English
    resp = c.post("/kk/accounts/login/", {"username": "marat", "password": "pw-not-used-123"})
    assert resp.status_code == 302
    assert resp["Location"] == "/kk/support/"
    # logging out stays in Kazakh
    resp = c.post("/kk/accounts/logout/")
    assert resp["Location"] == "/kk/"
    # a ``next`` in another language (the visitor switched language on the login page) is
    # followed in the login page's language
    resp = c.post(
        "/kk/accounts/login/?next=/ru/support/coverage/",
        {"username": "marat", "password": "pw-not-used-123"},
    )
    assert resp["Location"] == "/kk/support/coverage/"


def test_the_403_page_offers_the_start_page(world: dict[str, Any]) -> None:  # noqa: F811
    resp = _client(world["users"]["institution_operator"]).get("/kk/transport/")
    assert resp.status_code == 403
    body = resp.content.decode()
    assert 'href="/kk/accounts/start/"' in body
    assert 'href="/kk/accounts/login/"' in body
