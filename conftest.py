"""Shared test fixtures. The demo region is loaded once per test session into the test
database; every test runs in a transaction that is rolled back, so the demo stays pristine."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from keleshek.demo.loader import load_demo

    with django_db_blocker.unblock():
        load_demo()
