from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keleshek.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (PostgreSQL: pg_dump custom format; SQLite: backup API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            path = backup(opts["file"])
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(f"backup written to {path} ({path.stat().st_size} bytes)")
