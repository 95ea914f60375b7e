from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keleshek.core.audit import (
    CheckpointError,
    Head,
    checkpoint_now,
    read_checkpoint,
    verify_chain,
)
from keleshek.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Verify the audit log: every entry's keyed hash, the chain, and its end against the "
        "checkpoint kept outside the database; exits non-zero and lists problems if tampered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--accept-current-head",
            action="store_true",
            help="after a verified restore from backup: store the database's head as the "
            "checkpoint (only when the chain itself is intact)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        problems = verify_chain()
        total = AuditEntry.objects.count()
        if opts["accept_current_head"]:
            chain_problems = [p for p in problems if p.entry_id != 0]
            if chain_problems:
                raise CommandError("the chain itself is broken; the checkpoint is left as it is")
            accepted = checkpoint_now()
            self.stdout.write(f"checkpoint set to the database's head: {accepted.count} entries")
            return
        if problems:
            for p in problems[:50]:
                where = f"entry {p.entry_id}" if p.entry_id else "chain"
                self.stderr.write(f"{where}: {p.reason}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {total} entries")
        head: Head | None
        try:
            head = read_checkpoint()
        except CheckpointError:  # already reported by verify_chain
            head = None
        if head is None:
            self.stdout.write(
                f"audit chain intact: {total} entries (no checkpoint to compare the end with)"
            )
        else:
            self.stdout.write(
                f"audit chain intact: {total} entries, checkpoint at {head.count} matches"
            )
