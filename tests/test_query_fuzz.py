"""Every HTML page × every query parameter it reads × hostile values: never a server error
(issue 14, point 7; ADR 0138), on SQLite and PostgreSQL.

As schemathesis walks the API from its schema, this walks the HTML pages from the URL resolver;
a page's parameters are the names its views module reads (``request.GET.get("…")``,
``core.params`` readers, ``_flag(request, "…")``), found in the module's source, so a parameter
added later is walked too. Each value is sent alone, with the page's other parameters absent.
"""

from __future__ import annotations

import importlib
import inspect
import re
from functools import cache
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from keleshek.core.models import AuditEntry
from tests.test_permissions import (  # noqa: F401 - world: the fixture
    STAFF_PREFIXES,
    _fill,
    _walk,
    client,
    world,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    "-1",
    "0",
    "99999999",
    "9" * 30,
    "nan",
    "inf",
    "1e309",
    "1.5",
    "²",
    "abc",
    "",
    "\x00",
    "2025\x00",
    "\x01\x1f",
    "x" * 5000,
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "dim:\r\nX-Injected: 1",
    "🙂" * 50,
]
READS = re.compile(
    r"""(?:GET\.get\(|GET\[|_flag\(request,\s*|params\.\w+\(\s*request\.GET,\s*|"""
    r"""params\.\w+\(\s*query,\s*)"(\w+)\""""
)
EXTRA = {"keleshek.indicators.views": ["p_1", "add_settlement"]}
# Pages whose answer is a PDF or a whole briefing: one format is enough to walk the parameters.
VALUES = {
    "fmt": "html",
    "slug": "schools",
    "kind": "projects",
    "code": "meals",
}
SKIP = ("en/admin/", "en/i18n/", "en/accounts/logout/", "api/")


@cache
def module_params(module: str) -> tuple[str, ...]:
    source = inspect.getsource(importlib.import_module(module))
    found = set(READS.findall(source)) | set(EXTRA.get(module, []))
    if "params.year(" in source:  # reads "year" unless given another name
        found.add("year")
    return tuple(sorted(found - {"csrfmiddlewaretoken"}))


def html_pages(values: dict[str, str]) -> list[tuple[str, tuple[str, ...]]]:
    pages: list[tuple[str, tuple[str, ...]]] = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not isinstance(pattern, URLPattern) or not route.startswith("en/"):
            continue
        if route.startswith(SKIP):
            continue
        url = _fill(route, values)
        if url is None:
            continue
        module = getattr(pattern.callback, "__module__", "")
        if not module.startswith("keleshek."):
            continue
        pages.append((url, module_params(module)))
    return sorted(set(pages))


def _get(c: Client, url: str, query: dict[str, str]) -> str | None:
    """None when answered below 500; else what went wrong."""
    try:
        resp = c.get(url, query)
    except Exception as exc:  # the test client re-raises what the view raised
        return repr(exc)[:120]
    return str(resp.status_code) if resp.status_code >= 500 else None


def _walk_pages(c: Client, pages: list[tuple[str, tuple[str, ...]]]) -> tuple[int, list[str]]:
    failures: list[str] = []
    sent = 0
    for url, names in pages:
        if (problem := _get(c, url, {})) is not None:
            failures.append(f"{url}: {problem} without parameters")
            continue
        for name in names:
            for value in HOSTILE:
                sent += 1
                if (problem := _get(c, url, {name: value})) is not None:
                    failures.append(f"{url}?{name}={value[:20]!r}: {problem}")
    return sent, failures


def test_the_walk_finds_the_pages_and_their_parameters() -> None:
    pages = dict(html_pages({**VALUES, "kato": "994000000"}))
    assert {"year", "q", "programme", "by", "status"} <= set(pages["/en/support/coverage/"])
    assert {"year", "indicator", "add_places", "p_1"} <= set(pages["/en/staff/capacity/"])
    assert {"year", "q", "level", "industry", "dual"} <= set(pages["/en/catalogue/"])
    assert "year" in pages["/en/open-data/schools.html"]


# About 3,000 requests: cut into slices (every fourth page) that the workers share.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_no_hostile_query_value_is_a_server_error(world: dict[str, Any], part: int) -> None:  # noqa: F811
    reg = world["reg"]
    values = {
        **VALUES,
        "kato": reg.district.kato,
        "uid": str(world["inside"].uid),
        "pk": str(world["m_in"].pk),
        "institution_id": str(reg.village_school.pk),
    }
    pages = html_pages(values)[part::PARTS]
    total = 0
    failures: list[str] = []
    public = [(u, n) for u, n in pages if not u[1:].startswith(STAFF_PREFIXES)]
    # The regional administrator is served every staff page; anonymous visitors the public ones
    # (a staff page sends them to the login page before it reads anything).
    for role, walked in (("regional_admin", pages), ("anonymous", public)):
        c = client(world["users"][role])
        sent, failed = _walk_pages(c, walked)
        total += sent
        failures += [f"{role}: {f}" for f in failed]
    assert total > 800 // PARTS
    assert failures == []
    # Nothing that reached the audit log carries a NUL (PostgreSQL could not have stored it).
    assert not AuditEntry.objects.filter(summary__contains="\x01").exists()


def test_a_year_out_of_range_on_a_support_page_is_a_clear_400(world: dict[str, Any]) -> None:  # noqa: F811
    c = client(world["users"]["regional_admin"])
    for value in ("-1", "0", "99999999"):
        resp = c.get("/ru/support/coverage/", {"programme": "meals", "year": value})
        assert resp.status_code == 400
        assert "«year» должно быть от" in resp.content.decode()
    assert c.get("/ru/support/coverage/", {"programme": "meals", "year": "2025"}).status_code == 200
