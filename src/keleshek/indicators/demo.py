"""Demo extension: called last by the demo loader, after every registry is loaded."""

from __future__ import annotations

from .services import refresh_indicators


def load(*, year: int) -> None:
    """Compute every indicator for the demo region (all years; ``year`` is the demo year)."""
    refresh_indicators(trigger=f"demo {year}")
