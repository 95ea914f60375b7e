"""``keleshek refresh-indicators`` (also ``refresh_indicators``): recompute the materialised
indicator values now, in the foreground."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from keleshek.core.context import acting_as


class Command(BaseCommand):
    help = "Recompute every indicator for every territory and year (or --year Y ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", dest="years")

    def handle(self, *args: Any, **options: Any) -> None:
        from keleshek.indicators.services import refresh_indicators

        with acting_as(None, via="cli"):
            run = refresh_indicators(years=options["years"], trigger="command")
        self.stdout.write(f"{run.rows} indicator values in {run.seconds:.2f} s")
