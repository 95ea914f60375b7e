"""An analyst drills down from the oblast to a district to a school and exports a table."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .conftest import screenshot

DISTRICT = "634000000"  # Glubokoe district in the demo region


def test_analyst_drills_down_and_exports(page, live_server_url):
    # given an analyst who logs in
    page.goto(f"{live_server_url}/ru/accounts/login/?next=/ru/staff/")
    page.locator("#id_username").fill("analyst")
    page.locator("#id_password").fill("keleshek-demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ru/staff/$"))
    assert "630000000" in page.locator("h1").inner_text()

    # when they open a district from the oblast's table
    page.locator(f"section[aria-labelledby=drill-h] a[href*='/staff/t/{DISTRICT}/']").first.click()
    page.wait_for_url(re.compile(rf"/ru/staff/t/{DISTRICT}/"))
    assert DISTRICT in page.locator("h1").inner_text()
    district_url = page.url

    # and a school of that district
    school = page.locator("section[aria-labelledby=drill-h] a[href*='/staff/i/']").first
    school_name = school.inner_text()
    school.click()
    page.wait_for_url(re.compile(r"/ru/staff/i/\d+/"))
    assert school_name in page.locator("h1").inner_text()
    screenshot(page, "staff-school")

    # then the district's table exports as CSV with the district's rows
    page.goto(district_url)
    with page.expect_download() as info:
        page.locator("a[href*='/staff/export/'][href*='.csv']").first.click()
    path = info.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 2
    assert any(school_name in ",".join(r) for r in rows)
