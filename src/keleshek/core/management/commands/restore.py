from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keleshek.core.audit import checkpoint_now, verify_chain
from keleshek.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `keleshek backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["yes"]:
            answer = input("This replaces every record in the database. Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("restore cancelled")
        try:
            restore(opts["file"])
        except BackupError as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        self.stdout.write(f"restored from {opts['file']}")
        # The restored audit chain is shorter than the checkpoint on purpose: when the chain
        # itself is intact its head becomes the checkpoint (ADR 0135).
        if any(p.entry_id != 0 for p in verify_chain()):
            self.stderr.write("the restored audit chain is broken: run `keleshek audit_verify`")
        else:
            head = checkpoint_now()
            self.stdout.write(f"audit checkpoint set to the restored head ({head.count} entries)")
