"""The transport coordinator's walk of issue 18 in Chromium, in Russian and Kazakh: import the
district's roads from a small OpenStreetMap extract (written here: a road grid over Glubokoe),
move a stop by dragging it on the walks map, optimise (the plan says it is on those roads),
record a cancelled day, download the transport scheme and look at its pages as PNG (pdftoppm):
the title in the page's language, a map drawn in a route's colour, every page not blank. The
DOCX carries a PNG map per route. Screenshots and the pages are kept as artefacts."""

from __future__ import annotations

import datetime as dt
import io
import re
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import osmium
import pytest
from PIL import Image

from tests import testdb

from .conftest import SHOTS, screenshot

DISTRICT = "634000000"  # Glubokoe: the demo coordinator's district
ROUTE_BLUE = (0x0B, 0x4F, 0x8A)  # charts.COLOURS[0], the first route's colour
TEXT = {
    "ru": {
        "roads_used": "Планы района используют дороги",
        "moved": "остановка сохранена",
        "on_roads": "Расстояния по дорогам",
        "title": "Схема и порядок перевозки обучающихся",
    },
    "kk": {
        "roads_used": "Аудан жоспарлары",
        "moved": "аялдама сақталды",
        "on_roads": "жолдары бойынша (OpenStreetMap)",
        "title": "Оқушыларды тасымалдау схемасы мен тәртібі",
    },
}


def _district_box() -> tuple[float, float, float, float]:
    """Glubokoe's settlements (homes lie up to 11 km from them) with a 0.2° margin."""
    db = sqlite3.connect(f"file:{testdb.sqlite_template()}?mode=ro", uri=True)
    try:
        (path,) = db.execute(
            "select path from territory_territory where kato = ?", (DISTRICT,)
        ).fetchone()
        lo_lat, hi_lat, lo_lon, hi_lon = db.execute(
            "select min(lat), max(lat), min(lon), max(lon) from territory_territory "
            "where path like ? and lat is not null",
            (f"{path}%",),
        ).fetchone()
    finally:
        db.close()
    m = 0.2
    return lo_lon - m, lo_lat - m, hi_lon + m, hi_lat + m


def _road_grid(path: Path, step: float = 0.01) -> Path:
    """Unclassified roads every ``step`` degrees, both ways, over the district's box."""
    lo_lon, lo_lat, hi_lon, hi_lat = _district_box()
    cols = int((hi_lon - lo_lon) / step) + 1
    rows = int((hi_lat - lo_lat) / step) + 1
    w = osmium.SimpleWriter(str(path))

    def nid(i: int, j: int) -> int:
        return 1 + i * cols + j

    for i in range(rows):
        for j in range(cols):
            loc = osmium.osm.Location(lo_lon + j * step, lo_lat + i * step)
            w.add_node(osmium.osm.mutable.Node(id=nid(i, j), location=loc, version=1))
    way = 1
    tags = {"highway": "unclassified", "surface": "asphalt"}
    for i in range(rows):
        refs = [nid(i, j) for j in range(cols)]
        w.add_way(osmium.osm.mutable.Way(id=way, nodes=refs, tags=tags, version=1))
        way += 1
    for j in range(cols):
        refs = [nid(i, j) for i in range(rows)]
        w.add_way(osmium.osm.mutable.Way(id=way, nodes=refs, tags=tags, version=1))
        way += 1
    w.close()
    return path


def _login(page, base: str, lang: str, nxt: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/{lang}/accounts/login/?next={nxt}")
    page.locator("#id_username").fill("transport")
    page.locator("#id_password").fill("keleshek-demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(nxt) + "$"))


def _coords(row) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    # "50,15370, 82,56430" in ru and kk (decimal comma), the pair separated by ", "
    lat, lon = row.locator("td").nth(3).inner_text().strip().split(", ")
    return float(lat.replace(",", ".")), float(lon.replace(",", "."))


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_coordinator_roads_drag_optimise_cancel_and_scheme(
    browser, live_server_url, tmp_path, lang
):  # type: ignore[no-untyped-def]
    t = TEXT[lang]
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale={"ru": "ru-RU", "kk": "kk-KZ"}[lang]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(180_000)  # jobs run inside the request here (immediate mode)
    base = f"{live_server_url}/{lang}/transport/{DISTRICT}"
    home = f"/{lang}/transport/{DISTRICT}/"
    _login(page, live_server_url, lang, home)

    # 1. the district's roads from an OpenStreetMap extract
    extract = _road_grid(tmp_path / f"glubokoe-{lang}.osm.pbf")
    page.goto(f"{base}/roads/")
    page.locator("#roads-file").set_input_files(str(extract))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/roads/$"))
    status = page.locator("#road-status").inner_text()
    assert t["roads_used"] in status, status
    assert extract.name in status, status
    screenshot(page, f"transport-roads-{lang}")

    # 2. a stop dragged on the walks map: saved, the table shows its new place
    page.goto(f"{base}/stops/map/")
    options = page.locator("#m-school option").evaluate_all("os => os.map(o => o.value)")
    for value in options:
        page.goto(f"{base}/stops/map/?school={value}")
        if page.locator("rect.stop-handle").count() > 0:
            break
    else:
        pytest.fail("no school of the district has a stop")
    handle = page.locator("rect.stop-handle").first
    handle.scroll_into_view_if_needed()
    pk = handle.get_attribute("data-stop")
    row = page.locator("tbody tr").nth(0)
    before = _coords(row)
    box = handle.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_navigation(timeout=30_000):
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 30, y + 20, steps=5)
        page.mouse.up()
    assert not errors, errors
    assert t["moved"] in page.locator("ul.messages").inner_text()
    assert page.locator(f'rect.stop-handle[data-stop="{pk}"]').count() == 1
    after = _coords(page.locator("tbody tr").nth(0))
    assert after[1] > before[1]  # dragged right: east
    assert after[0] < before[0]  # dragged down: south
    screenshot(page, f"transport-stop-moved-{lang}")

    # 3. optimise: the plan is made on the imported roads and says so
    page.goto(f"{base}/")
    page.locator("#max_ride_min").fill("60")
    page.locator("#seconds").fill("2")
    page.locator("form[action$='/optimise/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    body = page.locator("main").inner_text()
    assert t["on_roads"] in body
    assert extract.name in body
    served, needing = (int(v) for v in page.locator("#served").inner_text().split("/"))
    assert 0 < served <= needing
    assert page.locator("svg.chart polyline").count() > 0
    screenshot(page, f"transport-plan-on-roads-{lang}")

    # 4. a cancelled day (blizzard) for the whole district: the pupils of the current plan
    day = dt.date.today() - dt.timedelta(days={"ru": 0, "kk": 1}[lang])
    page.goto(f"{base}/cancelled-days/?month={day:%Y-%m}")
    page.locator("#d-date").fill(day.isoformat())
    page.locator("#d-reason").select_option("blizzard")
    page.locator("#d-school").select_option("")
    page.locator("section[aria-labelledby=record] form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cancelled-days/"))
    page.goto(f"{base}/cancelled-days/?month={day:%Y-%m}")
    assert int(page.locator("#pupil-days").inner_text()) >= served
    screenshot(page, f"transport-cancelled-day-{lang}")

    # 5. the transport scheme in the page's language: PDF pages looked at as PNG
    page.goto(f"{base}/scheme/")
    pdf_href = page.locator(f"a[href*='lang={lang}'][href*='format=pdf']").get_attribute("href")
    resp = page.request.get(f"{live_server_url}{pdf_href}", timeout=300_000)
    assert resp.status == 200
    assert resp.body()[:5] == b"%PDF-"
    pdf = tmp_path / f"scheme-{lang}.pdf"
    pdf.write_bytes(resp.body())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert t["title"] in " ".join(text.split())
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-l", "6", str(pdf), str(prefix)], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2  # the summary, then a scheme per route
    blue_pages = 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    for n, png in enumerate(pages, start=1):
        img = Image.open(png).convert("RGB")
        colours = img.getcolors(maxcolors=1_000_000) or []
        assert len(colours) > 2, png  # not blank
        if any(_near(c, ROUTE_BLUE) for _count, c in colours):
            blue_pages += 1
        if n <= 3:
            img.save(SHOTS / f"transport-scheme-{lang}-page-{n}.png")
    assert blue_pages >= 1  # a route's map, drawn in its colour

    # and the DOCX: a PNG map per route
    docx_href = page.locator(f"a[href*='lang={lang}'][href*='format=docx']").get_attribute("href")
    resp = page.request.get(f"{live_server_url}{docx_href}", timeout=300_000)
    assert resp.status == 200
    with zipfile.ZipFile(io.BytesIO(resp.body())) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
        assert media
        first = Image.open(io.BytesIO(z.read(media[0]))).convert("RGB")
    assert any(_near(c, ROUTE_BLUE) for _n, c in first.getcolors(maxcolors=1_000_000) or [])
    context.close()


def _near(c: tuple[int, int, int], target: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(c, target, strict=True))
