"""The permission matrix: every role x every staff URL and API endpoint x in-scope and
out-of-scope objects.

URLs come from the resolver, so a page added later is walked too. Two layers:

* generic, for every staff URL of every app: anonymous callers are never served; no role makes
  a page fail (5xx); a request that is denied (401/403/404/405, or a redirect to a login page)
  changes nothing in the database;
* exact, for the support pages and API (issue 4): which roles are served, which get 403,
  out-of-scope children are 404, masked roles never see an IIN.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

from keleshek.accounts.models import Role, User
from keleshek.accounts.roles import (
    PERSONAL_DATA_ROLES,
    RULE_EDIT_ROLES,
    SUPPORT_READ_ROLES,
    SUPPORT_WRITE_ROLES,
)
from keleshek.census import services as census_services
from keleshek.census.models import Dataset
from keleshek.core.models import AuditEntry
from keleshek.support import services
from keleshek.support.models import DuplicateCandidate, Membership
from keleshek.support.tests import factories as f

pytestmark = pytest.mark.django_db

STAFF_PREFIXES = (
    "en/admin/",
    "en/staff/",
    "en/intake/",
    "en/support/",
    "en/transport/",
    "en/reports/",
    "en/jobs/",
    "en/census/",
)
LOGIN_PAGES = ("en/admin/login/", "en/admin/logout/", "en/accounts/")
DENIED = {401, 403, 404, 405}
YEAR = 2025


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        part = "en/" if isinstance(p.pattern, LocalePrefixPattern) else str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + part)
        else:
            yield prefix + part, p


CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _fill(route: str, values: dict[str, str]) -> str | None:
    """A concrete URL for a route, or None for regex routes we cannot fill."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    if "(?P" in route or "\\" in route:
        return None

    def sub(m: re.Match[str]) -> str:
        conv, name = m.group("conv") or "str", m.group("name")
        if name in values:
            return values[name]
        return {"int": "1", "uuid": values.get("uid", "00000000-0000-0000-0000-000000000000")}.get(
            conv, "x"
        )

    return "/" + CONVERTER.sub(sub, route)


def staff_routes() -> list[str]:
    routes = sorted({r for r, _p in _walk(get_resolver().url_patterns)})
    return [r for r in routes if r.startswith(STAFF_PREFIXES) or r.startswith("api/")]


LOGS = ("core_auditentry", "accounts_loginfailure", "django_session", "api_apitoken")


def fingerprint() -> tuple[Any, ...]:
    """Rows written so far in this test's transaction, in every table but the logs: one cheap
    query (PostgreSQL's per-transaction table statistics; SQLite's ``total_changes()`` less
    the audit entries appended)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables WHERE NOT (relname = ANY(%s))",
                [list(LOGS)],
            )
            return (int(cur.fetchone()[0]),)
        cur.execute("SELECT total_changes()")
        changes = int(cur.fetchone()[0])
    return (changes - AuditEntry.objects.count(),)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    reg = f.region()
    progs = f.programmes(reg)
    inside = f.pupil(reg.village_school, 2, last_name="Внутренний")
    outside = f.pupil(reg.uk_school, 2, last_name="Внешний")
    services.category_add(pupil=inside, category="asp", valid_from=dt.date(2025, 1, 1))
    services.category_add(pupil=outside, category="asp", valid_from=dt.date(2025, 1, 1))
    admin = f.user("regional_admin")
    m_in = services.membership_enrol(pupil=inside, programme=progs["meals"], year=YEAR, user=admin)
    m_out = services.membership_enrol(
        pupil=outside, programme=progs["meals"], year=YEAR, user=admin
    )
    twin_in = f.pupil(reg.village_school, 2, last_name="Внутренний", iin=None)
    twin_out = f.pupil(reg.uk_school, 2, last_name="Внешний", iin=None)
    dup_in = DuplicateCandidate.objects.create(a=inside, b=twin_in, kind="fuzzy", score=0.9)
    dup_out = DuplicateCandidate.objects.create(a=outside, b=twin_out, kind="fuzzy", score=0.9)
    users: dict[str, User | None] = {"anonymous": None}
    for role in Role.values:
        users[role] = f.user(
            role,
            territory_=reg.district
            if role in ("district_officer", "support_officer", "transport_coordinator")
            else None,
            institution=reg.village_school if role == "institution_operator" else None,
            name=f"matrix-{role}",
        )
    users["no_role"] = f.user("", name="matrix-norole")
    census_services.datasets_sync()
    census_period = census_services.period_open(
        dataset=Dataset.objects.get(code="autumn"), year=YEAR
    )
    return {
        "census_period": census_period,
        "reg": reg,
        "inside": inside,
        "outside": outside,
        "m_in": m_in,
        "m_out": m_out,
        "dup_in": dup_in,
        "dup_out": dup_out,
        "users": users,
    }


def client(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _is_login_redirect(resp: Any) -> bool:
    return resp.status_code == 302 and "login" in resp.get("Location", "")


# The walk is about 9,000 requests: cut into slices (every sixth route) that the workers share.
PARTS = 6


@pytest.mark.parametrize("part", range(PARTS))
def test_every_staff_url_for_every_role(world: dict[str, Any], part: int) -> None:
    """Generic layer: anonymous never served; nobody gets a 5xx; denied POSTs change nothing."""
    every = staff_routes()
    assert any(r.startswith("en/support/") for r in every)
    routes = every[part::PARTS]
    assert routes
    values = {
        "uid": str(world["outside"].uid),
        "pk": str(world["m_out"].pk),
        "code": "meals",
        "period_id": str(world["census_period"].pk),
        "institution_id": str(world["reg"].village_school.pk),
    }
    failures: list[str] = []
    for route in routes:
        url = _fill(route, values)
        if url is None:
            continue
        for name, user in world["users"].items():
            c = client(user)
            resp = c.get(url)
            if resp.status_code >= 500:
                failures.append(f"GET {url} as {name}: {resp.status_code}")
            if (
                user is None
                and url.startswith("/en/")
                and not url[1:].startswith(LOGIN_PAGES)
                and resp.status_code == 200
            ):
                failures.append(f"GET {url} served to anonymous")
            before = fingerprint()
            resp = c.post(url, {"state": "exited", "reason": "matrix", "status": "same"})
            if resp.status_code >= 500:
                failures.append(f"POST {url} as {name}: {resp.status_code}")
            denied = resp.status_code in DENIED or _is_login_redirect(resp)
            if denied and fingerprint() != before:
                failures.append(f"POST {url} as {name} denied ({resp.status_code}) but wrote")
    assert failures == []


SUPPORT_GET = {
    "/en/support/": PERSONAL_DATA_ROLES,
    "/en/support/coverage/?programme=meals": SUPPORT_READ_ROLES,
    "/en/support/budget/": SUPPORT_READ_ROLES,
    "/en/support/duplicates/": PERSONAL_DATA_ROLES,
    "/en/support/programmes/meals/rule/": RULE_EDIT_ROLES,
}


@pytest.mark.parametrize("role", [*Role.values, "anonymous", "no_role"])
def test_support_pages_exact(world: dict[str, Any], role: str) -> None:
    user = world["users"][role]
    c = client(user)
    for url, allowed in SUPPORT_GET.items():
        resp = c.get(url)
        if user is None:
            assert _is_login_redirect(resp), url
        elif role in allowed:
            assert resp.status_code == 200, (url, role)
        else:
            assert resp.status_code == 403, (url, role)
    # the child's page: in scope served to personal-data roles, out of scope never
    inside, outside = world["inside"], world["outside"]
    for pupil, in_scope in ((inside, True), (outside, False)):
        audits = AuditEntry.objects.filter(action="read_personal", object_id=str(pupil.pk))
        n = audits.count()
        resp = c.get(f"/en/support/pupil/{pupil.uid}/")
        served = role in PERSONAL_DATA_ROLES and (in_scope or role in ("regional_admin",))
        if user is None:
            assert _is_login_redirect(resp)
        elif served:
            assert resp.status_code == 200, (role, pupil.last_name)
            assert audits.count() == n + 1
        else:
            assert resp.status_code in (403, 404), (role, pupil.last_name, resp.status_code)
            assert audits.count() == n
            assert pupil.iin not in resp.content.decode()


@pytest.mark.parametrize("role", [*Role.values, "anonymous", "no_role"])
def test_support_writes_exact(world: dict[str, Any], role: str) -> None:
    user = world["users"][role]
    c = client(user)
    for m_key, dup_key, in_scope in (("m_in", "dup_in", True), ("m_out", "dup_out", False)):
        m: Membership = world[m_key]
        allowed = role in SUPPORT_WRITE_ROLES and (in_scope or role == "regional_admin")
        posts = [
            (f"/en/support/membership/{m.pk}/state/", {"state": "paused", "reason": "matrix"}),
            (
                f"/en/support/membership/{m.pk}/deliver/",
                {"delivered_on": "2025-10-01", "quantity": "1"},
            ),
            (f"/en/support/duplicates/{world[dup_key].pk}/resolve/", {"status": "different"}),
            (f"/en/support/pupil/{m.pupil.uid}/enrol/uniform/", {"year": YEAR}),
        ]
        for url, data in posts:
            before = fingerprint()
            resp = c.post(url, data)
            if allowed:
                assert resp.status_code == 302, (url, role)
                assert not _is_login_redirect(resp)
            else:
                assert resp.status_code in (302, 403, 404), (url, role, resp.status_code)
                if resp.status_code == 302:
                    assert _is_login_redirect(resp)
                assert fingerprint() == before, (url, role)
    # rule edits: only the rule roles, and a denied edit leaves the rule alone
    before = fingerprint()
    resp = c.post(
        "/en/support/programmes/meals/rule/", {"rule": '{"always": true}', "reason": "matrix"}
    )
    if role in RULE_EDIT_ROLES:
        assert resp.status_code == 302
    else:
        assert resp.status_code in (302, 403)
        assert fingerprint() == before


@pytest.mark.parametrize("role", [*Role.values, "anonymous", "no_role"])
def test_support_api_exact(world: dict[str, Any], role: str) -> None:
    user = world["users"][role]
    c = client(user)
    inside, outside = world["inside"], world["outside"]
    # Filtered by school: the demo region's ~117 thousand pupils come first by id.
    resp = c.get(f"/api/v1/support/pupils?limit=500&school={inside.school_id}")
    if user is None:
        assert resp.status_code == 401
        return
    if role == "no_role":
        assert resp.status_code == 403
        return
    assert resp.status_code == 200, resp.content
    items = resp.json()["items"]
    uids = {i["uid"] for i in items}
    other = c.get(f"/api/v1/support/pupils?limit=500&school={outside.school_id}")
    assert other.status_code == 200
    other_uids = {i["uid"] for i in other.json()["items"]}
    regional = role in ("regional_admin", "regional_analyst", "auditor", "integrator")
    assert str(inside.uid) in uids
    assert (str(outside.uid) in other_uids) == regional
    body = resp.content.decode()
    if role in PERSONAL_DATA_ROLES:
        mine = next(i for i in items if i["uid"] == str(inside.uid))
        assert mine["iin"] == inside.iin
        assert [c_["category"] for c_ in mine["categories"]] == ["asp"]
    else:
        assert inside.iin not in body
        assert '"categories": null' in body.replace('":null', '": null')
    detail = c.get(f"/api/v1/support/pupils/{outside.uid}")
    assert detail.status_code == (200 if regional else 404)
    cov = c.get("/api/v1/support/coverage?programme=meals&year=2025")
    assert cov.status_code == 200


TRANSPORT_PAGES = ("", "riders/", "stops/", "fleet/", "bells/")
TRANSPORT_DISTRICT_ROLES = ("district_officer", "transport_coordinator")


def test_transport_pages_by_role_and_district(world: dict[str, Any], settings: Any) -> None:
    """Exact layer for the transport pages, with real districts (the generic walk can only
    use a dummy code): who is served, who is refused, and that a district-scoped user gets
    404 for another district; reading the riders (children) is audited. The transport pages
    list the configured oblast's districts only, so the test region's oblast is configured."""
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "990000000"}
    from keleshek.transport.selectors import ROLES

    reg = world["reg"]
    inside, outside = reg.district.kato, reg.uk.kato
    failures: list[str] = []
    for name, user in world["users"].items():
        c = client(user)
        for kato in (inside, outside):
            for page in TRANSPORT_PAGES:
                url = f"/en/transport/{kato}/{page}"
                audited = AuditEntry.objects.filter(action="read_personal").count()
                resp = c.get(url)
                if user is None:
                    expected = {302}
                elif name not in ROLES:
                    expected = {403}
                elif name in TRANSPORT_DISTRICT_ROLES and kato == outside:
                    expected = {404}
                else:
                    expected = {200}
                if resp.status_code not in expected:
                    failures.append(f"GET {url} as {name}: {resp.status_code}, not {expected}")
                if user is None and not _is_login_redirect(resp):
                    failures.append(f"GET {url} as anonymous: not sent to log in")
                after = AuditEntry.objects.filter(action="read_personal").count()
                if page == "riders/" and resp.status_code == 200 and after != audited + 1:
                    failures.append(f"GET {url} as {name}: riders read not audited")
    assert failures == []
