"""An applicant searches the catalogue the way people type, in Russian and in Kazakh."""

from __future__ import annotations

import re

import pytest

from .conftest import screenshot

# (page language, what is typed, the programme that must come first, a screenshot name)
FOUND = [
    ("ru", "сварщик", "Сварочное дело", "search-ru-occupation"),
    ("ru", "медсестры", "Сестринское дело", "search-ru-form"),
    ("ru", "svarshik", "Сварочное дело", "search-ru-translit"),
    ("ru", "беспилотник", "Эксплуатация беспилотных авиационных систем", "search-ru-uav"),
    ("kk", "дәнекерлеуші", "Дәнекерлеу ісі", "search-kk-occupation"),
    ("kk", "мұғалімдер", "Бастауыш білім беру", "search-kk-form"),
    ("kk", "бағдарламашы", "Бағдарламалық қамтамасыз ету", "search-kk-programmer"),
    ("kk", "мугалим", "Бастауыш білім беру", "search-kk-russian-keyboard"),
]
CORRECTED = {"ru": "Искали с исправленным написанием:", "kk": "Түзетілген жазылуымен іздедік:"}
NOTHING = {
    "ru": "В каталоге ничего не найдено по запросу",
    "kk": "сұрауы бойынша ештеңе табылмады",
}


def _search(page, base: str, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/{lang}/catalogue/")
    page.locator("#q").fill(text)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/{lang}/catalogue/\?q="))


@pytest.mark.parametrize(("lang", "text", "first", "shot"), FOUND)
def test_people_find_programmes_by_the_words_they_use(
    page, live_server_url, lang, text, first, shot
):
    _search(page, live_server_url, lang, text)
    assert page.locator("html").get_attribute("lang") == lang
    titles = page.locator("ol.results h2 a")
    assert titles.count() >= 1
    assert titles.first.inner_text() == first
    # every result row is a programme, the page fits its width
    assert page.locator("ol.results li.no-results").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, shot)


@pytest.mark.parametrize(("lang", "text"), [("ru", "сварщек"), ("kk", "мейрбике")])
def test_a_misspelt_word_is_corrected_and_said_so(page, live_server_url, lang, text):
    _search(page, live_server_url, lang, text)
    note = page.locator(".search-note").first
    assert CORRECTED[lang] in note.inner_text()
    assert page.locator("ol.results h2 a").count() >= 1
    screenshot(page, f"search-{lang}-typo")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_nonsense_finds_nothing_and_the_page_says_so_in_its_language(page, live_server_url, lang):
    _search(page, live_server_url, lang, "абырвалг")
    assert page.locator("ol.results h2 a").count() == 0
    message = page.locator("ol.results li.no-results").inner_text()
    assert NOTHING[lang] in message
    assert "абырвалг" in message
    screenshot(page, f"search-{lang}-nothing")


def test_search_notes_fit_a_phone(phone, live_server_url):
    # a long query with a misspelt and an unknown word on a 390 px screen
    _search(phone, live_server_url, "kk", "дәнекерлеушы абырвалгабырвалгабырвалгабырвалг")
    assert phone.locator(".search-note").count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "search-kk-phone")
