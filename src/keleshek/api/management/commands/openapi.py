"""``keleshek openapi [--out docs/openapi.json]``: write the API's OpenAPI schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation


def render_schema() -> str:
    """The schema as committed: English descriptions, sorted keys, a trailing newline."""
    from keleshek.api.main import api

    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI schema of /api/v1/ (stdout, or --out FILE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="file to write, e.g. docs/openapi.json")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render_schema()
        if options.get("out"):
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {options['out']}")
        else:
            self.stdout.write(text, ending="")
