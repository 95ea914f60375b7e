"""``keleshek import <registry> <file> [--dry-run] [--partial]``: validate and merge a file."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import InterfaceError, OperationalError

from keleshek.core.context import acting_as
from keleshek.intake import registries
from keleshek.intake.pipeline import RowError
from keleshek.intake.services import import_file

# The PostgreSQL fast path writes through psycopg's COPY directly, outside Django's error
# wrapping, so its connection errors are caught by their own class too.
try:
    from psycopg import OperationalError as PsycopgOperationalError

    CONNECTION_ERRORS: tuple[type[Exception], ...] = (
        OperationalError,
        InterfaceError,
        PsycopgOperationalError,
    )
except ImportError:  # SQLite-only installation
    CONNECTION_ERRORS = (OperationalError, InterfaceError)


class Command(BaseCommand):
    help = "Import a CSV or XLSX file into a registry. Registries: " + ", ".join(registries.names())

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registry", choices=registries.names())
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="validate and count only")
        parser.add_argument(
            "--partial", action="store_true", help="write the valid rows, report the rest"
        )
        parser.add_argument("--lang", default="ru", choices=["ru", "kk", "en"])
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        started = time.monotonic()
        last = [0.0]

        def progress(rows: int, fraction: float | None, rate: float) -> None:
            if opts["quiet"] or time.monotonic() - last[0] < 0.5:
                return
            last[0] = time.monotonic()
            if fraction is not None:
                filled = int(fraction * 30)
                bar = "[" + "#" * filled + "." * (30 - filled) + f"] {fraction:6.1%}"
            else:
                bar = ""
            sys.stderr.write(f"\r{bar} {rows:>10,} rows {rate:>10,.0f} rows/s")
            sys.stderr.flush()

        try:
            with acting_as(None, via="cli"):
                run = import_file(
                    registry=opts["registry"],
                    path=path,
                    user=None,
                    dry_run=opts["dry_run"],
                    partial=opts["partial"],
                    language=opts["lang"],
                    via="cli",
                    progress=progress,
                )
        except CONNECTION_ERRORS as exc:
            # The merge is one transaction: a lost connection means nothing was written.
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(
                f"the database connection was lost during the import ({first}); nothing was "
                "written — run the same command again when the database is back"
            ) from exc
        if not opts["quiet"]:
            sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{run.registry}: {run.get_status_display()} — rows {run.total}, new {run.new}, "
            f"changed {run.changed}, unchanged {run.unchanged}, invalid {run.invalid} "
            f"({elapsed:.1f} s, run #{run.pk}, sha256 {run.sha256[:12]}…)"
        )
        if run.message:
            self.stdout.write(run.message)
        for e in run.first_errors[:20]:
            err = RowError.from_dict(e)
            where = f"row {err.row}" + (f", {err.header}" if err.header else "")
            value = f" «{err.value}»" if err.value else ""
            self.stdout.write(f"  {where}{value}: {err.message()}")
        if run.error_file:
            self.stdout.write(f"error report: {run.error_file}")
        if run.status not in ("succeeded", "previewed") or run.invalid:
            sys.exit(1)
