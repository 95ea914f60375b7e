"""Browser tests: real Chromium (Debian's package) driven by Playwright.

A session fixture copies the demo region's SQLite template (``tests/testdb.py``) and
starts ``keleshek serve --no-worker`` (gunicorn, jobs run inline) on a free loopback port, all
in subprocesses; the tests only speak HTTP to it. Chromium comes from
``scripts/install_browser.py`` (run here when ``/usr/bin/chromium`` is missing), never from
``playwright install``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import testdb

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(os.environ.get("KELESHEK_SCREENSHOTS", ROOT / "tests" / "browser" / "screenshots"))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist names the group in the test's id
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            # one server and one Chromium for all of them: the same xdist worker runs them all
            item.add_marker(pytest.mark.xdist_group("browser"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _keleshek(args: list[str], env: dict[str, str], timeout: float) -> None:
    cmd = [sys.executable, "-m", "keleshek.cli", *args]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )


@pytest.fixture(scope="session")
def live_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("browser-site")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keleshek.settings.dev",
        "DATABASE_URL": f"sqlite:///{work / 'site.sqlite3'}",
        "KELESHEK_WORK_DIR": str(work),
        "KELESHEK_DEBUG": "0",
        "KELESHEK_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KELESHEK_JOBS_IMMEDIATE": "1",
        # Jobs run inside the request here: documents rendered ahead (ADR 0194) would make each
        # click that changes records wait for every PDF the change makes stale, a wait that
        # production's worker takes off the request. Their own tests cover them; here a
        # download renders what it needs.
        "KELESHEK_DOCUMENTS_AHEAD": "0",
        "PYTHONUNBUFFERED": "1",
    }
    # The demo region comes from the suite's template (built once per code version, shared
    # with the tests marked ``demo``); ``migrate`` then is a no-op check.
    shutil.copyfile(testdb.sqlite_template(), work / "site.sqlite3")
    _keleshek(["migrate", "--noinput"], env, timeout=600)
    _keleshek(["portal_reindex"], env, timeout=600)
    port = _free_port()
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [
            *[sys.executable, "-m", "keleshek.cli", "serve", "--no-worker"],
            *["--port", str(port), "--workers", "2"],
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a first start collects the static files
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 - loopback
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((work / "server.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()  # gunicorn and the worker stop gracefully (a few seconds)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for one module. Playwright's synchronous API keeps an event loop running in
    this thread while it is open, and Django refuses to open a database connection under a
    running loop: closing it after each module keeps the loop from reaching the database tests
    that this worker runs next (a second or so per module to start it again)."""
    if not Path(CHROMIUM).exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "install_browser.py")], check=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def phone(browser, live_server_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="kk-KZ"
    )
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def screenshot(pg, name: str) -> Path:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path
