"""Cached pages (core.pagecache, ADR 0193): every page that shows a changed record is fresh on
the next read, and no stored page reaches another user, role or scope."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from keleshek.accounts.models import User
from keleshek.core import audit, pagecache
from keleshek.core.models import AuditEntry
from keleshek.core.services import save_audited
from keleshek.indicators.services import refresh_indicators
from keleshek.indicators.tests.factories import Region, enrol, population, region
from keleshek.institutions.models import Institution, InstitutionYear
from keleshek.news.services import article_upsert
from keleshek.portal.tests.factories import industry, institution, offering, specialty
from keleshek.programmes.models import Offering

pytestmark = pytest.mark.django_db
Y = 2025
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
CHART_ID = re.compile(r"chart\d+-")  # a counter of the process (core.charts), not content


@pytest.fixture
def world(settings: Any) -> Iterator[Region]:
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "640000000", "PAGE_CACHE": True}
    caches[pagecache.CACHE_ALIAS].clear()
    r = region(Y)
    for g in range(0, 12):
        enrol(r.a, Y, g, 60, 50)
    for age in range(0, 19):
        population(r.town, Y, age, 60, 60)
    article_upsert(
        slug="new-school",
        language="ru",
        title="Школа открыта",
        body="Текст.",
        published_at=dt.datetime(2025, 9, 1, tzinfo=dt.UTC),
        is_published=True,
    )
    college = institution(r.town, name_ru="Колледж Тест")
    spec = specialty("0701001", "Химия", industry("C", "Химия"))
    offering(college, spec, year=Y, state_seats=25, enrolled=40)
    refresh_indicators()
    yield r
    caches[pagecache.CACHE_ALIAS].clear()


def _user(username: str, role: str, **scope: Any) -> Client:
    user = User.objects.create_user(
        username=username, password="x", role=role, first_name=username.title(), **scope
    )
    c = Client()
    c.force_login(user)
    return c


def _pages(r: Region) -> list[str]:
    public = [
        f"/{lang}/{p}"
        for lang in ("ru", "kk", "en")
        for p in ("", "catalogue/", "news/", f"institutions/{r.a.pk}/", "open-data/")
    ]
    staff = [
        "/ru/staff/",
        "/kk/staff/",
        "/ru/staff/t/641000000/",
        "/ru/staff/t/642000000/",
        f"/ru/staff/i/{r.a.pk}/",
        "/ru/staff/indicators/",
        "/ru/staff/capacity/",
        "/ru/staff/labour/",
    ]
    # The public API's anonymous reads (ADR 0204): the catalogue's offerings and the registry
    api = ["/api/v1/offerings?limit=50", "/api/v1/institutions?limit=500"]
    return [*public, "/ru/news/new-school/", *staff, *api]


def _body(resp: Any) -> str:
    return CHART_ID.sub("chart-", TOKEN.sub("", resp.content.decode()))


def _read_all(clients: dict[str, Client], pages: list[str]) -> dict[tuple[str, str], Any]:
    return {(who, p): c.get(p) for who, c in clients.items() for p in pages}


def _assert_fresh(
    settings: Any, clients: dict[str, Client], pages: list[str]
) -> dict[tuple[str, str], Any]:
    """Each page as the cache serves it equals the page drawn now without the cache."""
    served = _read_all(clients, pages)
    settings.KELESHEK = {**settings.KELESHEK, "PAGE_CACHE": False}
    try:
        fresh = _read_all(clients, pages)
    finally:
        settings.KELESHEK = {**settings.KELESHEK, "PAGE_CACHE": True}
    for key, resp in served.items():
        assert resp.status_code == fresh[key].status_code, key
        assert _body(resp) == _body(fresh[key]), key
    return served


def test_every_page_that_shows_a_changed_record_is_fresh(
    world: Region,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    clients = {
        "anon": Client(),
        "analyst": _user("analyst", "regional_analyst"),
        "district": _user("officer", "district_officer", territory=world.d1),
    }
    pages = _pages(world)
    first = _read_all(clients, pages)
    stored = [k for k, resp in first.items() if resp.get(pagecache.HEADER) == "miss"]
    assert len(stored) > 30  # public pages in three languages and the staff pages of both users
    again = _read_all(clients, pages)
    assert all(again[k].get(pagecache.HEADER) == "hit" for k in stored)

    # 1. a school renamed through its service (audited): every page naming it
    with django_capture_on_commit_callbacks(execute=True):
        save_audited(Institution, lookup={"pk": world.a.pk}, values={"name_ru": "Школа Жаңа"})
    served = _assert_fresh(settings, clients, pages)
    assert "Школа Жаңа" in _body(served[("anon", f"/ru/institutions/{world.a.pk}/")])
    api_schools = served[("anon", "/api/v1/institutions?limit=500")].json()["items"]
    assert "Школа Жаңа" in {i["name_ru"] for i in api_schools}
    assert "Школа Жаңа" in _body(served[("analyst", "/ru/staff/t/641000000/")])

    # 2. an article rewritten
    with django_capture_on_commit_callbacks(execute=True):
        article_upsert(
            slug="new-school",
            language="ru",
            title="Школа открыта в срок",
            body="Другой текст.",
            published_at=dt.datetime(2025, 9, 1, tzinfo=dt.UTC),
            is_published=True,
        )
    served = _assert_fresh(settings, clients, pages)
    assert "Школа открыта в срок" in _body(served[("anon", "/ru/news/")])

    # 3. an offering's state seats changed (audited): the API's list and the catalogue
    offer = Offering.objects.get(year=Y)
    with django_capture_on_commit_callbacks(execute=True):
        save_audited(Offering, lookup={"pk": offer.pk}, values={"state_seats": 31})
    served = _assert_fresh(settings, clients, pages)
    api_offerings = served[("anon", "/api/v1/offerings?limit=50")].json()["items"]
    assert [o["state_seats"] for o in api_offerings] == [31]

    # 4. pupils counted again: the indicators' refresh rewrites the values the dashboards show
    _read_all(clients, pages)
    InstitutionYear.objects.filter(institution=world.a, year=Y).update(pupils_shift1=1500)
    with django_capture_on_commit_callbacks(execute=True):
        refresh_indicators()
    _assert_fresh(settings, clients, pages)


def test_a_stored_staff_page_never_reaches_another_user_role_or_scope(
    world: Region, settings: Any
) -> None:
    oblast = _user("analyst", "regional_analyst")
    twin = _user("twin", "regional_analyst")  # same role and scope, another person
    district = _user("officer", "district_officer", territory=world.d1)
    district2 = _user("officer2", "district_officer", territory=world.d2)
    first = oblast.get("/ru/staff/")
    assert first.get(pagecache.HEADER) == "miss"
    assert oblast.get("/ru/staff/").get(pagecache.HEADER) == "hit"
    for other, name in ((twin, "Twin"), (district, "Officer"), (district2, "Officer2")):
        resp = other.get("/ru/staff/")
        assert resp.get(pagecache.HEADER) == "miss"
        body = resp.content.decode()
        assert "Analyst" not in body
        assert name in body
    # a district officer's page of their district is not the neighbour's
    d1 = district.get("/ru/staff/t/641000000/")
    assert d1.status_code == 200
    assert district2.get("/ru/staff/t/641000000/").status_code == 403
    # a signed-out visitor never gets a signed-in page of the same address
    oblast.get("/ru/")
    assert "Analyst" not in Client().get("/ru/").content.decode()
    # a role changed: the user's old page is not served
    User.objects.filter(username="analyst").update(role="district_officer", territory=world.d2)
    assert oblast.get("/ru/staff/").get(pagecache.HEADER) != "hit"


def test_a_stored_page_carries_each_readers_own_csrf_token(world: Region) -> None:
    user = User.objects.create_user(username="analyst", password="x", role="regional_analyst")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for c in (first, second):
        c.force_login(user)
    assert first.get("/ru/staff/").get(pagecache.HEADER) == "miss"
    page = second.get("/ru/staff/")  # another session of the same user: the stored page
    assert page.get(pagecache.HEADER) == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    assert "keleshek-csrf" not in page.content.decode()
    # the token drawn into the stored page is this session's own: the logout form works
    resp = second.post("/ru/accounts/logout/", {"csrfmiddlewaretoken": token.group(1)})
    assert resp.status_code == 302


def test_pages_in_each_language_are_stored_apart(world: Region) -> None:
    c = Client()
    ru, kk, en = c.get("/ru/"), c.get("/kk/"), c.get("/en/")
    assert {ru.content, kk.content, en.content} == {ru.content, kk.content, en.content}
    assert len({ru.content, kk.content, en.content}) == 3
    assert c.get("/kk/").content == kk.content
    assert c.get("/kk/").get(pagecache.HEADER) == "hit"


def test_a_page_that_logs_its_reads_is_drawn_for_every_read(settings: Any) -> None:
    settings.KELESHEK = {**settings.KELESHEK, "PAGE_CACHE": True}
    caches[pagecache.CACHE_ALIAS].clear()

    @pagecache.cached_page
    def personal(request: HttpRequest) -> HttpResponse:
        audit.record(AuditEntry.Action.READ_PERSONAL, object_type="support.pupil", object_id="1")
        return HttpResponse("pupil")

    @pagecache.cached_page
    def plain(request: HttpRequest) -> HttpResponse:
        return HttpResponse("plain")

    def get(path: str) -> HttpRequest:
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        return request

    before = AuditEntry.objects.count()
    for _ in range(3):
        assert personal(get("/ru/p/")).get(pagecache.HEADER) is None
    assert AuditEntry.objects.count() == before + 3
    assert plain(get("/ru/q/")).get(pagecache.HEADER) == "miss"
    assert plain(get("/ru/q/")).get(pagecache.HEADER) == "hit"
    # a read logged is no change: the stored page stays
    audit.record(AuditEntry.Action.READ_PERSONAL, object_type="support.pupil", object_id="1")
    assert plain(get("/ru/q/")).get(pagecache.HEADER) == "hit"
    pagecache.invalidate()
    assert plain(get("/ru/q/")).get(pagecache.HEADER) == "miss"
