from __future__ import annotations

from pathlib import Path

import pytest

from . import factories


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return factories.world()
