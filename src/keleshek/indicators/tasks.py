"""Background jobs of the indicators app."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def refresh_indicators_task(years: list[int] | None = None) -> int:
    from .services import refresh_indicators

    return refresh_indicators(years=years, trigger="background").rows
