"""keleshek briefing --year Y [--lang ru|kk|en] [--format html|pdf|text|xlsx] [--out FILE]"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keleshek.core.context import acting_as
from keleshek.reports import services
from keleshek.reports.numwords import LANGS


class Command(BaseCommand):
    help = "Generate the briefing from the records (text, HTML, PDF) or the ministry XLSX pack."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="school year by its first calendar year (default: latest with data)",
        )
        parser.add_argument("--lang", choices=LANGS, default="ru")
        parser.add_argument("--format", choices=services.FORMATS, default="text", dest="fmt")
        parser.add_argument("--out", default="-", help="file to write (default: standard output)")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            with acting_as(None, via="cli"):
                result = services.export_briefing(
                    year=opts["year"], lang=opts["lang"], fmt=opts["fmt"]
                )
        except services.NoDataError as exc:
            raise CommandError(str(exc)) from exc
        out = opts["out"]
        if out == "-":
            if opts["fmt"] in ("pdf", "xlsx"):
                raise CommandError("binary formats need --out FILE")
            self.stdout.write(result.content.decode(), ending="")
            return
        with open(out, "wb") as fh:
            fh.write(result.content)
        sys.stderr.write(f"{result.filename}: {len(result.content)} bytes -> {out}\n")
