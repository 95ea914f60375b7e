"""The person at the desk (issue 15, "Done when"): every role's day in Chromium, in Russian and
Kazakh. Each role logs in from the language's own login page, lands on its start page, opens
every module its staff menu offers and a few pages deeper, and logs out. On every page:

* the status is 200 and the address keeps the language;
* nothing overflows sideways at 1366 px and at 390 px
  (``document.scrollingElement.scrollWidth <= innerWidth``);
* no raw ids in the visible text (UUIDs, ``bus-634000000-04``, ``stop:12``, ``school_id``,
  role or state codes such as ``regional_admin``);
* text of ours in a foreign language (Latin words on a Russian or Kazakh page, outside elements
  that declare their own ``lang`` or ``translate="no"`` — a record's language, a user name —
  and outside a small allow-list) is collected.

Screenshots of every page at both widths go to ``.cache/screens/<role>-<lang>-<n>-<w>.png``
(``KELESHEK_SCREENSHOTS`` to change), with ``walk.json`` there listing every page, what was
found on it, and the figures (pages per role, overflows, raw ids, foreign strings).

Every finding fails the walk. ``KNOWN`` (page prefix, kind) may list, for a short while, findings
that other work owns: they are then reported, not failed (``KELESHEK_WALK_STRICT=1`` fails on
them too). It is empty: the walk is strict.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

SHOTS = Path(os.environ.get("KELESHEK_SCREENSHOTS", ROOT / ".cache" / "screens"))
STRICT = os.environ.get("KELESHEK_WALK_STRICT") == "1"
PASSWORD = "keleshek-demo"
DISTRICT = "634000000"  # Glubokoe: the demo's district roles
WIDTHS = (1366, 390)

# Each role's day beyond its start page and menu: (path after the language, what it is).
DAYS: dict[str, list[str]] = {
    "operator": ["/news/"],
    "support": ["/support/?q=%D0%B0", "@pupil", "/support/budget/", "/support/duplicates/"],
    "transport": [
        f"/transport/{DISTRICT}/",
        f"/transport/{DISTRICT}/riders/",
        f"/transport/{DISTRICT}/stops/",
        f"/transport/{DISTRICT}/fleet/",
        f"/transport/{DISTRICT}/bells/",
    ],
    "analyst": [f"/staff/t/{DISTRICT}/", f"/staff/capacity/{DISTRICT}/"],
    "district": [],
    "auditor": ["/audit/?action=export", "/audit/?page=2"],
    "admin": ["/news/vko-new-specialties/", "/news/satpaev-why-now/"],
}
ROLES = list(DAYS)
LANGS = ("ru", "kk")

# Raw ids a person should never read.
RAW_IDS = [
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
    re.compile(r"\b[a-z]+-\d{6,}(?:-\d+)?\b"),  # bus-634000000-04
    re.compile(r"\b(?:stop|school|route|pupil|plan|id):\s?\d+\b", re.I),
    re.compile(r"\b[a-z]+_[a-z_]+\b"),  # snake_case codes: regional_admin, read_personal
]
# Latin words that belong on a Russian or Kazakh page.
ALLOWED_WORDS = (
    "keleshek pdf csv xlsx html api json it sha ip id kz m f km min ok vko kato bin iin isced "
    "uav gps allur astana motors kazzinc english www https http url kzt cny usd eur rub "
    "openstreetmap osm"
)
ALLOWED = frozenset(ALLOWED_WORDS.split(" "))
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")

# Findings on pages whose fix is other work (see the docstring): (path prefix, kind). Empty
# since 2026-12-02 (issue 15, point 4 closed the last ones): the walk asserts strictly.
KNOWN: set[tuple[str, str]] = set()


@dataclass
class Visit:
    role: str
    lang: str
    url: str
    status: int
    overflow: dict[int, int] = field(default_factory=dict)  # width -> scrollWidth, if wider
    raw_ids: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    shots: list[str] = field(default_factory=list)


RESULTS: list[Visit] = []

# Visible text nodes, each with the language it declares (the nearest lang attribute).
TEXT_NODES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const text = n.textContent.trim();
    if (!text) continue;
    const el = n.parentElement;
    if (!el || el.closest('script,style,noscript,svg,[hidden],[aria-hidden=true]')) continue;
    if (el.closest('[translate=no]')) continue;  // names and codes the page marks as such
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (!el.getClientRects().length) continue;
    const holder = el.closest('[lang]');
    out.push([text, holder ? holder.getAttribute('lang') : '']);
  }
  return out;
}"""


def _foreign(nodes: list[list[str]], lang: str) -> list[str]:
    found = []
    for text, declared in nodes:
        if declared and declared != lang:
            continue  # text that says which language it is in (a record, a version, a name)
        words = [w for w in LATIN_WORD.findall(text) if w.lower().strip("'’-") not in ALLOWED]
        if words and not re.fullmatch(r"[\w.@-]+@[\w.-]+", text):
            found.append(text[:120])
    return found


def _raw_ids(text: str) -> list[str]:
    hits: list[str] = []
    for pattern in RAW_IDS:
        hits += pattern.findall(text)
    return sorted(set(hits))[:20]


def _known(url: str, kind: str) -> bool:
    path = re.sub(r"^https?://[^/]+/(ru|kk|en)", "", url)
    return any(path.startswith(prefix) and kind == k for prefix, k in KNOWN)


def _check(page: Any, role: str, lang: str, url: str, status: int, n: int) -> Visit:
    visit = Visit(role, lang, page.url, status)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 800 else 844})
        page.wait_for_timeout(50)
        scroll, inner = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
        )
        if scroll > inner:
            visit.overflow[width] = scroll
        tall = page.evaluate("() => document.scrollingElement.scrollHeight") > 12000
        shot = SHOTS / f"{role}-{lang}-{n:02d}-{width}.png"
        page.screenshot(path=str(shot), full_page=not tall)
        visit.shots.append(str(shot.relative_to(SHOTS)))
    page.set_viewport_size({"width": 1366, "height": 900})
    text = page.locator("body").inner_text()
    visit.raw_ids = _raw_ids(text)
    visit.foreign = _foreign(page.evaluate(TEXT_NODES), lang)
    RESULTS.append(visit)
    return visit


def _goto(page: Any, url: str) -> int:
    response = page.goto(url)
    return response.status if response is not None else 0


def _menu(page: Any) -> list[str]:
    return page.eval_on_selector_all("nav.staff a", "els => els.map(e => e.href)")


def _walk(page: Any, base: str, role: str, lang: str) -> Iterator[tuple[str, int]]:
    """Log in from the language's login page, then the day's pages; yields (url, status)."""
    page.goto(f"{base}/{lang}/accounts/login/")
    page.locator("#id_username").fill(role)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    yield page.url, 200  # the start page (a redirect chain; its status is checked below)
    seen = {page.url}
    for href in _menu(page):
        if href not in seen:
            seen.add(href)
            yield href, _goto(page, href)
    for path in DAYS[role]:
        if path == "@pupil":  # the first child found by the search before
            link = page.locator("a[href*='/support/pupil/']").first
            if link.count() == 0:
                continue
            href = link.get_attribute("href") or ""
            url = f"{base}{href}"
        else:
            url = f"{base}/{lang}{path}"
        if url not in seen:
            seen.add(url)
            yield url, _goto(page, url)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
def test_role_walk(browser, live_server_url, role, lang):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    failures: list[str] = []
    try:
        for n, (url, status) in enumerate(_walk(page, live_server_url, role, lang)):
            if n == 0:  # the start page: reached through redirects that keep the language
                status = _goto(page, page.url)
            visit = _check(page, role, lang, url, status, n)
            where = visit.url
            if status != 200:
                failures.append(f"{where}: status {status}")
            if f"/{lang}/" not in where:
                failures.append(f"{where}: the language {lang} was lost")
            for kind, found in (
                ("overflow", visit.overflow),
                ("raw_ids", visit.raw_ids),
                ("foreign", visit.foreign),
            ):
                if found and (STRICT or not _known(where, kind)):
                    failures.append(f"{where}: {kind} {found}")
        # log out from the header: back to the home page in the same language
        with page.expect_navigation():
            page.locator("form.logout button").click()
        if not page.url.rstrip("/").endswith(f"/{lang}"):
            failures.append(f"logout went to {page.url}")
    finally:
        context.close()
        _write_report()
    assert failures == [], "\n".join(failures)


def _write_report() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    per_role: dict[str, int] = {}
    for v in RESULTS:
        per_role[f"{v.role}-{v.lang}"] = per_role.get(f"{v.role}-{v.lang}", 0) + 1
    report = {
        "pages": len(RESULTS),
        "pages_per_role": per_role,
        "overflows": sum(1 for v in RESULTS if v.overflow),
        "raw_ids": sum(1 for v in RESULTS if v.raw_ids),
        "foreign_strings": sum(len(v.foreign) for v in RESULTS),
        "visits": [v.__dict__ for v in RESULTS],
    }
    (SHOTS / "walk.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
