"""Exit 0 when the PostgreSQL server of the given URL answers, 1 otherwise (no test is skipped
silently: the Makefile prints that the PostgreSQL run was skipped)."""

import sys

import psycopg


def main() -> int:
    url = sys.argv[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(server, connect_timeout=3):
            return 0
    except psycopg.Error:
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
