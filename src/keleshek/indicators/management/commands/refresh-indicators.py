"""``keleshek refresh-indicators``: the hyphenated spelling of ``refresh_indicators``."""

from .refresh_indicators import Command

__all__ = ["Command"]
