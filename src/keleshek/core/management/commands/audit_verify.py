from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from keleshek.core.audit import verify_chain
from keleshek.core.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero and lists entries if tampered."

    def handle(self, *args: Any, **opts: Any) -> None:
        problems = verify_chain()
        total = AuditEntry.objects.count()
        if problems:
            for p in problems[:50]:
                self.stderr.write(f"entry {p.entry_id}: {p.reason}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {total} entries")
        self.stdout.write(f"audit chain intact: {total} entries")
