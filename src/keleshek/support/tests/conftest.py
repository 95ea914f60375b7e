from __future__ import annotations

import pytest

from keleshek.support.models import Programme

from . import factories as f


@pytest.fixture
def reg(db: None) -> f.Region:
    return f.region()


@pytest.fixture
def progs(reg: f.Region) -> dict[str, Programme]:
    return f.programmes(reg)
