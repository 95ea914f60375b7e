"""``keleshek census_sync``: load the census datasets, elements and rules from their file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from keleshek.census import services


class Command(BaseCommand):
    help = "Load the census datasets, their elements and validation rules (data/datasets.toml)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.datasets_sync()
        self.stdout.write(
            f"{result.datasets} datasets, {result.elements} elements, {result.rules} rules"
        )
