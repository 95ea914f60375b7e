"""``keleshek export <registry> <file.csv|file.xlsx>``: the whole registry in template columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keleshek.core.context import acting_as
from keleshek.intake import registries
from keleshek.intake.services import export_to_file


class Command(BaseCommand):
    help = "Export a registry to CSV or XLSX (streamed). Registries: " + ", ".join(
        registries.names()
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registry", choices=registries.names())
        parser.add_argument("file", type=Path)
        parser.add_argument("--lang", default="ru", choices=["ru", "kk", "en"])
        parser.add_argument(
            "--user",
            default=None,
            help="export as this user: their scope and what the privacy policy shows them "
            "(without it, the operator at the server: everything, in clear; audited)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        dest: Path = opts["file"]
        fmt = "xlsx" if dest.suffix.lower() == ".xlsx" else "csv"
        user = None
        if opts["user"]:
            from keleshek.accounts.models import User

            user = User.objects.filter(username=opts["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {opts['user']!r}")
        try:
            with acting_as(user, via="cli"):
                size = export_to_file(
                    registry=opts["registry"], user=user, fmt=fmt, language=opts["lang"], dest=dest
                )
        except OSError as exc:
            raise CommandError(
                f"could not write {dest}: {exc.strerror or exc}; no file was left behind"
            ) from exc
        self.stdout.write(f"{opts['registry']}: {dest} ({size:,} bytes)")
