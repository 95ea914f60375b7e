"""The transport coordinator's day in the browser (issue 8): who rides and why, stops,
routes, a what-if side by side with the plan, and the drivers' route sheets."""

from __future__ import annotations

import re

from .conftest import screenshot

DISTRICT = "634000000"  # Glubokoe: the demo coordinator's district


def _login(page, base: str, nxt: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/en/accounts/login/?next={nxt}")
    page.locator("#id_username").fill("transport")
    page.locator("#id_password").fill("keleshek-demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(nxt) + "$"))


def _count(text: str) -> int:
    return int(re.sub(r"\D", "", text) or 0)


def test_coordinator_plans_routes_compares_a_what_if_and_gets_route_sheets(page, live_server_url):
    home = f"/en/transport/{DISTRICT}/"
    page.set_default_timeout(180_000)  # jobs run inside the request here (immediate mode)
    _login(page, live_server_url, home)
    assert _count(page.locator("#riders").inner_text()) > 0

    # who rides, and why: every listed pupil has a reason
    page.get_by_role("link", name="Who rides, and why").click()
    rows = page.locator("tbody tr")
    assert rows.count() > 10
    reasons = [rows.nth(i).locator("td").nth(5).inner_text().strip() for i in range(10)]
    assert all(reasons), reasons

    # stops generated within a walking limit
    page.goto(f"{live_server_url}{home}")
    page.locator("#limit_m").fill("1200")
    page.get_by_role("button", name="2. Generate stops").click()
    page.wait_for_url(re.compile(r"/stops/$"))
    assert page.get_by_text(re.compile(r"\d+ stops generated")).count() == 1

    # routes optimised (a short budget), checked, with per-route stop sequences
    page.goto(f"{live_server_url}{home}")
    page.locator("#max_ride_min").fill("60")
    page.locator("#seconds").fill("2")
    page.get_by_role("button", name="3. Optimise routes").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    plan_url = page.url
    assert _count(page.locator("#buses").inner_text()) > 0
    served, needing = (int(x) for x in page.locator("#served").inner_text().split("/"))
    assert 0 < served <= needing
    assert page.get_by_text("Feasibility check failed").count() == 0
    assert page.locator("#routes").count() == 1
    assert page.locator("a[href*='?route=']").count() > 0  # a page per route
    screenshot(page, "transport-plan")

    # what-if: one bus fewer, shown side by side with the plan it started from
    page.get_by_role("button", name="one bus fewer").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    assert page.url != plan_url
    header = page.locator("table.compare thead th")
    assert header.count() == 3  # the row label, the base plan, the what-if
    base_buses, fewer_buses = (
        _count(c)
        for c in page.locator("table.compare tbody tr").first.locator("td").all_inner_texts()
    )
    assert fewer_buses < base_buses
    screenshot(page, "transport-whatif")

    # the drivers' route sheets, in Russian and Kazakh, as PDF
    page.goto(plan_url)
    for name in ("Route sheets (PDF, Russian)", "Route sheets (PDF, Kazakh)"):
        href = page.get_by_role("link", name=name).get_attribute("href")
        resp = page.request.get(f"{live_server_url}{href}", timeout=180_000)
        assert resp.status == 200
        assert resp.headers["content-type"].startswith("application/pdf")
        assert resp.body()[:5] == b"%PDF-"
