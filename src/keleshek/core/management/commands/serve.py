"""`keleshek serve`: the web application plus the embedded background worker, for one machine.

Production runs gunicorn and the worker as separate services (docs/deploy.md).
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web application with the embedded job worker (development, demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="do not start the worker")

    def handle(self, *args: Any, **opts: Any) -> None:
        worker = None
        if not opts["no_worker"]:
            # Our own interpreter and command: no untrusted input reaches the arguments.
            worker = subprocess.Popen(
                [sys.executable, "-m", "keleshek.cli", "run_huey", "--workers", "2"]
            )
        try:
            call_command("runserver", f"{opts['host']}:{opts['port']}", use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
