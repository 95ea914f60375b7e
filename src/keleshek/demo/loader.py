"""The demo region loader (being written: see issue 2)."""

from __future__ import annotations

DEMO_YEAR = 2025  # the school year 2025/26, in which the briefing (February 2026) was given


def load_demo() -> None:
    """Load the demo region idempotently."""
