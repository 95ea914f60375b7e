"""A visitor uses the public portal in a real browser."""

from __future__ import annotations

import re

from .conftest import screenshot


def test_visitor_searches_in_russian_opens_an_offering_and_switches_to_kazakh(
    page, live_server_url
):
    # given the catalogue in Russian
    page.goto(f"{live_server_url}/ru/catalogue/")
    assert page.locator("html").get_attribute("lang") == "ru"

    # when the visitor types an inflected Russian phrase with the keyboard and submits
    page.locator("#q").fill("беспилотных систем")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ru/catalogue/\?q="))

    # then the unmanned-systems offering is found although the words are inflected
    result = page.locator("ol.results h2 a", has_text="беспилотных")
    assert result.count() >= 1
    screenshot(page, "catalogue-search-ru")

    # when the visitor opens it
    result.first.click()
    page.wait_for_url(re.compile(r"/ru/catalogue/\d+/$"))
    assert "беспилотн" in page.locator("h1").inner_text().lower()
    offering_path = page.url.removeprefix(live_server_url).removeprefix("/ru")

    # and switches the interface to Kazakh
    page.get_by_role("link", name="Қазақ").click()
    page.wait_for_url(f"{live_server_url}/kk{offering_path}")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert "Ұшқышсыз" in page.locator("h1").inner_text()
    screenshot(page, "offering-kk")


def test_filters_work_without_javascript(browser, live_server_url):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    pg = context.new_page()
    pg.goto(f"{live_server_url}/en/catalogue/")
    total = int(re.search(r"(\d+) programme", pg.locator("[role=status]").inner_text()).group(1))
    pg.get_by_label("new this year").check()
    pg.get_by_role("button", name="Find programmes").click()
    shown = int(re.search(r"(\d+) programme", pg.locator("[role=status]").inner_text()).group(1))
    assert 0 < shown < total
    assert pg.locator("ol.results > li").count() == min(shown, 20)
    assert pg.locator("ol.results .tags li.new").count() == min(shown, 20)
    context.close()


def test_home_news_and_open_data_render_on_a_phone(phone, live_server_url):
    phone.goto(f"{live_server_url}/kk/")
    assert phone.locator("svg.chart").count() >= 3
    # no horizontal scrolling on a phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "home-phone-kk")
    phone.goto(f"{live_server_url}/ru/news/")
    phone.locator("ol.news h2 a").first.click()
    assert phone.locator("a[href='#top']").count() >= 1
    assert phone.locator("aside.feed li").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "article-phone-ru")
    phone.goto(f"{live_server_url}/en/open-data/")
    assert phone.locator("a[href$='.csv?year=2025'], a[href*='.csv']").count() == 5


def test_keyboard_reaches_the_skip_link_and_the_search(page, live_server_url):
    page.goto(f"{live_server_url}/ru/catalogue/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    # the jump to #main is a navigation of its own: wait for it rather than read the URL at once
    page.wait_for_url("**#main", timeout=10_000)
    assert page.url.endswith("#main")
