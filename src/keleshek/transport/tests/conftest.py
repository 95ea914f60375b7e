"""The small transport world of ``factories`` lies in a test oblast (990000000): the pages list
the districts of the configured oblast only, so the tests that do not use the demo configure it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_oblast(request: pytest.FixtureRequest, settings: object) -> None:
    if request.node.get_closest_marker("demo") is None:
        settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "990000000"}  # type: ignore[attr-defined]
