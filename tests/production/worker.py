"""The fault tests' worker: the product's ``keleshek run_huey``, with the fault job of
``fault_jobs`` registered first (product code imports no test module and reads no list of
job modules: its own jobs register in their apps' ``ready``).

    python -m tests.production.worker --workers 1
"""

from __future__ import annotations

import sys

import django
from django.core.management import execute_from_command_line


def main(argv: list[str]) -> None:
    django.setup()
    from tests.production import fault_jobs  # noqa: F401 - registers fault_slow_write

    execute_from_command_line(["keleshek", "run_huey", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
