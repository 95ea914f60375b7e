"""The `keleshek` console command.

It wraps Django's management commands (``keleshek demo``, ``keleshek serve``,
``keleshek import`` …). ``solve-vrp`` runs the pure routing core without Django.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "solve-vrp":
        from keleshek.routing.cli import main as solve_main

        return solve_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keleshek.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["keleshek", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
