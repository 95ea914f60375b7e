"""Capacity planning in the browser: the deficit of places falls when projects come into service."""

from __future__ import annotations

import re

from .conftest import screenshot

OBLAST = "630000000"


def _number(text: str) -> float:
    """ "7 109,6" or "7 109.6" (grouped with any kind of space) -> 7109.6; "—" -> 0."""
    cleaned = re.sub(r"[^\d,.\-]", "", text).replace(",", ".")
    return float(cleaned) if re.search(r"\d", cleaned) else 0.0


def _deficits(page) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {
        str(cell.get_attribute("data-year")): _number(cell.inner_text())
        for cell in page.locator("#deficit-table td[data-year]").all()
    }


def _login(page, base: str, nxt: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/ru/accounts/login/?next={nxt}")
    page.locator("#id_username").fill("analyst")
    page.locator("#id_password").fill("keleshek-demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(nxt) + "$"))


def test_deficit_falls_when_the_projects_are_commissioned(page, live_server_url):
    # given the oblast's capacity plan with the construction pipeline as recorded
    _login(page, live_server_url, f"/ru/staff/capacity/{OBLAST}/")
    with_projects = _deficits(page)
    assert len(with_projects) >= 5  # today and the five-year forecast
    selects = page.locator("select[id^='p_']")
    assert selects.count() >= 1

    # when no project is ever commissioned (what-if: every project "not built")
    for i in range(selects.count()):
        selects.nth(i).select_option("none")
    page.get_by_role("button", name=re.compile("Пересчитать|Recalculate")).click()
    page.wait_for_url(re.compile(r"p_"))
    without = _deficits(page)
    screenshot(page, "staff-capacity-whatif")

    # then the deficit with the pipeline is never higher, and lower once projects are in service
    assert without.keys() == with_projects.keys()
    assert all(with_projects[y] <= without[y] for y in without)
    last = max(without)
    assert with_projects[last] < without[last]
