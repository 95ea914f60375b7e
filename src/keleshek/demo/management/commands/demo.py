"""``keleshek demo``: load the demo region (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from keleshek.core.context import acting_as
from keleshek.demo.loader import DEMO_YEAR, load_demo
from keleshek.demo.users import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Load the demo region (East Kazakhstan) idempotently and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--core-only",
            action="store_true",
            help="load the core registries only, without the support, transport and "
            "indicators extensions",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, via="demo"):
            summary = load_demo(
                stdout=self.stdout,  # type: ignore[arg-type]
                extensions=not options["core_only"],
            )
        self.stdout.write(
            f"Demo region loaded in {summary.seconds:.1f} s (school year "
            f"{DEMO_YEAR}/{DEMO_YEAR + 1 - 2000}): "
            + ", ".join(f"{k} {v:,}" for k, v in summary.counts.items())
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for u in DEMO_USERS:
            if u.territory:
                scope = f"territory {u.territory}"
            else:
                scope = "one school" if u.institution else "whole region"
            self.stdout.write(f"  {u.username:<11} {u.role:<22} {scope}")
