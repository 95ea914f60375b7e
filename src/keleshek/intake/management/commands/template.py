"""``keleshek template <registry> <file.csv|file.xlsx> [--lang ru|kk|en]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from keleshek.intake import registries
from keleshek.intake.services import template_file


class Command(BaseCommand):
    help = "Write an empty template (headers and one example row). Registries: " + ", ".join(
        registries.names()
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registry", choices=registries.names())
        parser.add_argument("file", type=Path)
        parser.add_argument("--lang", default="ru", choices=["ru", "kk", "en"])

    def handle(self, *args: Any, **opts: Any) -> None:
        dest: Path = opts["file"]
        fmt = "xlsx" if dest.suffix.lower() == ".xlsx" else "csv"
        _name, data = template_file(registry=opts["registry"], language=opts["lang"], fmt=fmt)
        dest.write_bytes(data)
        self.stdout.write(f"{opts['registry']}: {dest}")
