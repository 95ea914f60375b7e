from __future__ import annotations

from typing import Any

import pytest

from keleshek.demo.loader import DEMO_YEAR


@pytest.fixture
def demo_year() -> int:
    return DEMO_YEAR


@pytest.fixture
def make_user(db: Any) -> Any:
    from keleshek.accounts.models import User

    def make(username: str, role: str = "", **kw: Any) -> User:
        return User.objects.create_user(
            username=username, password="pw-Keleshek-1", role=role, **kw
        )

    return make
