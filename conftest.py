"""Shared test fixtures.

Every test starts from an empty, migrated database and builds the small world it needs with
factories. Tests marked ``demo`` run against the whole demo region instead: a template database
built once per code version and cloned once per worker (``tests/testdb.py``). Every test runs in
a transaction that is rolled back, so neither database keeps what a test wrote.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Property tests check behaviour, not speed: no per-example deadline (a loaded CI machine
# made a 200 ms deadline fail a correct function), and a slow generator is not an error.
settings.register_profile("keleshek", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("keleshek")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The demo switch must happen before pytest-django opens the test's transaction, so it goes
    # first among the test's fixtures.
    demo = [i for i in items if i.get_closest_marker("demo") is not None]
    for item in demo:
        if hasattr(item, "fixturenames"):
            item.fixturenames.insert(0, "_demo_database")  # type: ignore[attr-defined]
    # The demo tests go last, so that while the demo template is built (a minute, once per code
    # version) the workers run the tests that need nothing but an empty database; the build
    # itself starts now, in the background, instead of when the first demo test asks for it.
    if demo:
        chosen = set(demo)
        items[:] = [i for i in items if i not in chosen] + demo
    browser = any(i.get_closest_marker("browser") is not None for i in items)
    if demo or browser:
        _build_templates_in_background(sqlite=browser)


def _build_templates_in_background(*, sqlite: bool) -> None:
    """Start building the demo template(s) this run needs in a thread (the build runs in a
    subprocess under a file lock, so the second worker's thread just waits for the first's
    build and a test that needs the template before it is done waits the same way)."""
    import threading

    from django.db import connections
    from tests import testdb

    conn_settings = dict(connections["default"].settings_dict)

    def build() -> None:
        try:
            if conn_settings["ENGINE"].endswith("postgresql"):
                testdb.pg_template(conn_settings)
            if sqlite or conn_settings["ENGINE"].endswith("sqlite3"):
                testdb.sqlite_template()
        except Exception:  # the test that needs it builds again and says why
            return

    threading.Thread(target=build, name="demo-template", daemon=True).start()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def _demo_clone(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """This worker's copy of the demo template and a way to renew it.

    SQLite: the template file is copied into a shared-cache in-memory database (the backup
    API, about a second), kept alive by a connection of our own, as fast as the empty test
    database. PostgreSQL: ``CREATE DATABASE … TEMPLATE``."""
    import sqlite3

    from django.db import connections
    from tests import testdb

    conn = connections["default"]
    state: dict[str, Any] = {"vendor": conn.vendor, "settings": dict(conn.settings_dict)}
    if conn.vendor == "sqlite":
        # Closing Django's connection to the empty in-memory test database would destroy it:
        # hold one of our own while the demo tests borrow the connection.
        state["keep_default"] = sqlite3.connect(conn.settings_dict["NAME"], uri=True)
        state["name"] = f"file:keleshek_demo_{_worker()}?mode=memory&cache=shared"
        state["keep"] = sqlite3.connect(state["name"], uri=True)
        template = testdb.sqlite_template()

        def renew() -> None:
            with sqlite3.connect(template) as source:
                source.backup(state["keep"])

    else:

        def renew() -> None:
            state["name"] = testdb.pg_clone(state["settings"])

    state["renew"] = renew
    renew()
    yield state
    _point(conn, state["settings"]["NAME"])
    if conn.vendor == "sqlite":
        state["keep"].close()
        state["keep_default"].close()
    else:
        testdb.pg_drop(state["settings"], state["name"])


def _point(conn: Any, name: str) -> None:
    """Close the connection for real (Django keeps in-memory SQLite connections open on
    ``close()``) and let the next query open ``name``."""
    if conn.connection is not None:
        conn.connection.close()
        conn.connection = None
    conn.settings_dict["NAME"] = name


@pytest.fixture
def _demo_database(request: pytest.FixtureRequest, _demo_clone: dict[str, Any]) -> Iterator[None]:
    """Point the default connection at the demo copy for one test."""
    from django.db import connections

    conn = connections["default"]
    original = conn.settings_dict["NAME"]
    _point(conn, _demo_clone["name"])
    try:
        yield
    finally:
        _point(conn, original)
        marker = request.node.get_closest_marker("django_db")
        committed = "transactional_db" in request.fixturenames or (
            marker is not None and marker.kwargs.get("transaction", False)
        )
        if committed:  # the test wrote for real: the next demo test needs a fresh copy
            _demo_clone["renew"]()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: the test client's requests leave the page's
    language active in the thread, which would make the next test on this worker read Kazakh
    or English where it expects Russian, depending on the order the workers drew."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)
