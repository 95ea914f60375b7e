"""The site's own error pages: in its frame, in the visitor's language, never Django's debug or
bare pages; 500 and 503 drawn without the database (these tests, except the last, have no
database access at all: a query would fail them)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client, RequestFactory
from django.utils.functional import SimpleLazyObject

from keleshek.accounts.models import Role, User
from keleshek.core.errors import database_unavailable

TEST_URLS = pytest.mark.urls("keleshek.core.tests.error_urls")

# The heading of each page in each language.
TITLES = {
    400: {
        "ru": "Запрос не удалось понять",
        "kk": "Сұранысты түсіну мүмкін болмады",
        "en": "The request could not be understood",
    },
    403: {
        "ru": "У вас нет доступа к этой странице",
        "kk": "Бұл бетке қол жеткізу құқығыңыз жоқ",
        "en": "You do not have access to this page",
    },
    404: {"ru": "Страница не найдена", "kk": "Бет табылмады", "en": "Page not found"},
    500: {
        "ru": "На нашей стороне произошла ошибка",
        "kk": "Біз тарапта қате орын алды",
        "en": "Something went wrong on our side",
    },
    503: {
        "ru": "База данных временно недоступна",
        "kk": "Дерекқор уақытша қолжетімсіз",
        "en": "The database is temporarily unavailable",
    },
}
# Words of the site's frame (the main menu) in each language.
FRAME = {"ru": "Новости", "kk": "Жаңалықтар", "en": "News"}


def assert_site_page(response, status: int, lang: str) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert f'<html lang="{lang}">' in text
    assert f"<h1>{TITLES[status][lang]}</h1>" in text
    assert '<header class="site"' in text
    assert '<footer class="site">' in text
    assert FRAME[lang] in text
    assert f'class="brand" href="/{lang}/"' in text
    for other, words in TITLES[status].items():
        if other != lang:
            assert words not in text, f"{other} text on a {lang} page"
    # Not Django's pages: no debug listing, no bare technical page.
    for technical in ("URLconf", "Traceback", "Request Method", "<title>Not Found</title>"):
        assert technical not in text
    return text


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_404_speaks_the_language_of_the_address(client: Client, lang: str) -> None:
    text = assert_site_page(client.get(f"/{lang}/no-such-page/"), 404, lang)
    assert f'href="/{lang}/catalogue/"' in text
    # The language switcher leads to the same address in the other languages.
    assert 'href="/kk/no-such-page/" hreflang="kk"' in text


@pytest.mark.parametrize(
    ("headers", "cookies", "lang"),
    [
        ({}, {}, "ru"),  # nothing known: the site's default
        ({"HTTP_ACCEPT_LANGUAGE": "kk-KZ,kk;q=0.9,ru;q=0.8"}, {}, "kk"),
        ({"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, {}, "en"),
        ({"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, {"django_language": "kk"}, "kk"),
        ({"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}, {}, "ru"),
    ],
)
def test_404_without_a_language_prefix_falls_back_to_cookie_browser_then_russian(
    client: Client, headers: dict[str, str], cookies: dict[str, str], lang: str
) -> None:
    for name, value in cookies.items():
        client.cookies[name] = value
    text = assert_site_page(client.get("/no-such-page", **headers), 404, lang)  # type: ignore[arg-type]
    # No prefix to keep: the switcher leads to each language's home page, not a broken address.
    links = re.findall(r'href="([^"]+)" hreflang="(\w+)"', text)
    assert sorted(links) == [("/en/", "en"), ("/kk/", "kk"), ("/ru/", "ru")]


def test_a_missing_static_file_gets_the_page_too(client: Client) -> None:
    assert_site_page(client.get("/static/keleshek/no-such.css"), 404, "ru")


@TEST_URLS
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_403_in_the_site_frame_and_language(client: Client, lang: str) -> None:
    text = assert_site_page(client.get(f"/{lang}/test-errors/refused/"), 403, lang)
    explanation = {"ru": "Ваша роль не включает эту страницу", "kk": "Сіздің рөліңізге бұл бет"}
    assert explanation[lang] in text


@TEST_URLS
def test_403_shows_a_translated_reason_but_never_internal_text(client: Client) -> None:
    text = assert_site_page(client.get("/kk/test-errors/refused-reason/"), 403, "kk")
    assert "Бұл жазба сіздің қолжетімділік аймағыңыздан тыс." in html.unescape(text)
    text = assert_site_page(client.get("/ru/test-errors/refused-internal/"), 403, "ru")
    assert "module x" not in text
    assert "Ваша роль не включает эту страницу" in text


@TEST_URLS
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_400_in_the_site_frame_and_language(client: Client, lang: str) -> None:
    assert_site_page(client.get(f"/{lang}/test-errors/suspicious/"), 400, lang)


def test_a_disallowed_host_gets_the_400_page(client: Client) -> None:
    assert_site_page(client.get("/kk/", HTTP_HOST="evil.example"), 400, "kk")


@TEST_URLS
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_500_in_the_site_frame_and_language_without_the_database(lang: str) -> None:
    client = Client(raise_request_exception=False)
    text = assert_site_page(client.get(f"/{lang}/test-errors/broken/"), 500, lang)
    assert "a bug" not in text


@TEST_URLS
@pytest.mark.django_db  # the middleware closes the broken connections it finds
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_503_when_the_database_is_down_in_the_site_frame_and_language(
    client: Client, lang: str
) -> None:
    response = client.get(f"/{lang}/test-errors/database-down/")
    assert_site_page(response, 503, lang)
    assert response["Retry-After"] == "30"


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_503_page_is_drawn_without_the_database(lang: str) -> None:
    request = RequestFactory().get(f"/{lang}/support/")
    request.user = SimpleLazyObject(_no_database)  # type: ignore[assignment]
    response = database_unavailable(request)
    assert_site_page(response, 503, lang)
    assert response["Retry-After"] == "30"


def _no_database() -> None:
    raise AssertionError("the 503 page asked for the user (a database query)")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_refused_form_says_how_to_send_it_again(lang: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/{lang}/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    text = response.content.decode()
    assert f'<html lang="{lang}">' in text
    heading = {"ru": "Форму не удалось отправить", "kk": "Форманы жіберу мүмкін болмады"}[lang]
    assert f"<h1>{heading}</h1>" in text
    assert "CSRF" not in text


def test_errors_under_the_api_answer_json(client: Client) -> None:
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_the_api_docs_use_the_packages_own_files_and_no_external_host(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    text = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert any(a.endswith(".js") for a in assets)
    assert any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        assert not asset.startswith("//"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 100, asset
    # Nothing else on the page names another host either (the CDN, the schema validator).
    assert not re.search(r"https?://", text), re.findall(r"https?://[^\s\"'<>]+", text)
    assert '"validatorUrl": null' in text


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_role_without_access_is_refused_with_the_site_page(client: Client, lang: str) -> None:
    # A district officer without a district has no scope: the briefing refuses them.
    user = User.objects.create_user("no-scope", password="pw-not-used-123")
    user.role = Role.DISTRICT_OFFICER
    user.save()
    client.force_login(user)
    text = assert_site_page(client.get(f"/{lang}/reports/"), 403, lang)
    assert "no-scope" in text  # the frame shows who is logged in
