"""Background jobs of the indicators app."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def refresh_indicators_task(
    years: list[int] | None = None,
    institutions: list[int] | None = None,
    territories: list[int] | None = None,
) -> int:
    from .services import Scope, refresh_indicators

    if institutions is None and territories is None:
        return refresh_indicators(years=years, trigger="background").rows
    scope = Scope(frozenset(institutions or ()), frozenset(territories or ()))
    return refresh_indicators(years=years, scope=scope, trigger="background:scoped").rows
