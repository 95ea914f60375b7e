"""`keleshek serve`: the web application (gunicorn) and the job worker, supervised together, on
one machine (ADR 0091). Production runs them as two systemd services (docs/deploy.md).

This command prepares what needs Django — the listening socket (so a busy port is reported at
once), the static files, the checks — and then becomes the supervisor
(`keleshek.core.serving`) with ``os.execve``: same process id, so SIGTERM and Ctrl-C reach it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import OperationalError

from keleshek.core import gunicorn_config

BACKLOG = 2048
COLLECTED_MARKER = ".keleshek-collected"
IGNORE_PATTERNS = ["CVS", ".*", "*~"]  # collectstatic's defaults


def bind_listener(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port, or a CommandError that says what to do."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise CommandError(
            f"Unknown host {host!r} ({exc.strerror}). Use 127.0.0.1 (this machine only) or "
            "0.0.0.0 (every network interface)."
        ) from exc
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CommandError(
                f"Port {port} on {host} is already in use: another Keleshek or another program "
                f"is listening there. Stop it, or choose a free port: keleshek serve --port "
                f"{port + 1} (with make: make run PORT={port + 1})."
            ) from exc
        if exc.errno == errno.EACCES:
            raise CommandError(
                f"Port {port} needs administrator rights (ports below 1024). Choose a port "
                "above 1024, e.g. --port 8000, and put a reverse proxy in front (docs/deploy.md)."
            ) from exc
        if exc.errno == errno.EADDRNOTAVAIL:
            raise CommandError(
                f"{host} is not an address of this machine. Use 127.0.0.1 (this machine only) "
                "or 0.0.0.0 (every network interface)."
            ) from exc
        raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from exc
    return sock


def static_fingerprint() -> str:
    """Changes when a static file is added, removed or modified, or Django is upgraded."""
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(IGNORE_PATTERNS):
            prefix = getattr(storage, "prefix", None) or ""
            stat = os.stat(storage.path(path))
            entries.append(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    digest = hashlib.sha256(django.get_version().encode())
    for entry in sorted(entries):
        digest.update(entry.encode() + b"\n")
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Serve the web application (gunicorn, static files by WhiteNoise) and the background "
        "job worker, supervised together: both stop on SIGTERM/SIGINT, a stopped worker is "
        "restarted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address to listen on: 127.0.0.1 (default, this machine only), 0.0.0.0 (every "
            "network interface) or one of this machine's addresses",
        )
        parser.add_argument("--port", type=int, default=8000, help="default 8000")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="web server processes (default 2 x cores + 1, at most 9; "
            f"here {gunicorn_config.default_workers()}), each with "
            f"{gunicorn_config.threads} threads (KELESHEK_WEB_THREADS)",
        )
        parser.add_argument(
            "--allowed-host",
            action="append",
            default=[],
            metavar="NAME",
            help="a host name visitors use to reach this machine (repeatable; also "
            "KELESHEK_ALLOWED_HOSTS, comma-separated); loopback names are always allowed",
        )
        parser.add_argument("--no-worker", action="store_true", help="do not start the worker")

    def handle(self, *args: Any, **opts: Any) -> None:
        host: str = opts["host"]
        port: int = opts["port"]
        workers: int = opts["workers"] or gunicorn_config.default_workers()
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        if not 0 < workers <= 64:
            raise CommandError(f"--workers must be between 1 and 64, not {workers}.")

        listener = bind_listener(host, port)
        self._check_migrations()
        env = self._child_environment(host, opts["allowed_host"])
        self._collect_static(env)

        job_threads = 0 if opts["no_worker"] else 2
        shown = f"[{host}]" if ":" in host else host
        wildcard = host in ("0.0.0.0", "::")  # noqa: S104 - the user asked for every interface
        url = f"http://{'127.0.0.1' if wildcard else shown}:{port}/"
        banner = [
            "",
            f"Keleshek is serving at {url}{settings.LANGUAGE_CODE}/ (kk: {url}kk/, en: {url}en/)",
            f"  web: gunicorn, {workers} processes x {gunicorn_config.threads} threads; static "
            "files by WhiteNoise; "
            + (f"jobs: a worker with {job_threads} threads" if job_threads else "jobs: no worker"),
        ]
        if wildcard:
            banner.append(
                f"  listening on every network interface (port {port}); host names allowed: "
                + ", ".join(h for h in env["KELESHEK_ALLOWED_HOSTS"].split(",") if h)
            )
        banner.append("  Stop with Ctrl-C (or SIGTERM).")
        for config in apps.get_app_configs():  # apps add lines (the demo: its logins)
            notes = getattr(config, "serve_notes", None)
            if callable(notes):
                with contextlib.suppress(OperationalError):  # no database: said above
                    banner.extend(f"  {line}" for line in notes())

        fd = listener.fileno()
        os.set_inheritable(fd, True)
        argv = [
            sys.executable,
            "-m",
            "keleshek.core.serving",
            "--fd",
            str(fd),
            "--workers",
            str(workers),
            "--job-threads",
            str(job_threads),
        ]
        for line in banner:
            argv += ["--banner", line]
        for conn in connections.all(initialized_only=True):
            conn.close()
        self.stdout.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606 - our own interpreter and module

    def _child_environment(self, host: str, allowed: list[str]) -> dict[str, str]:
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = os.environ.get(
            "DJANGO_SETTINGS_MODULE", "keleshek.settings.dev"
        )
        hosts = [h for h in env.get("KELESHEK_ALLOWED_HOSTS", "").split(",") if h.strip()]
        extra = [*allowed]
        if host not in ("0.0.0.0", "::"):  # noqa: S104 - a named address is a host name too
            extra.append(f"[{host}]" if ":" in host else host)
        for name in extra:
            if name not in hosts:
                hosts.append(name)
        env["KELESHEK_ALLOWED_HOSTS"] = ",".join(hosts)
        env["KELESHEK_STATIC_COLLECTED"] = "1"
        env["PYTHONUNBUFFERED"] = "1"  # log lines reach a file or pipe as they happen
        return env

    def _check_migrations(self) -> None:
        try:
            connection = connections[DEFAULT_DB_ALIAS]
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except OperationalError as exc:
            self.stderr.write(
                f"The database does not answer ({exc}); serving anyway: pages say so until "
                "it is back."
            )
            return
        if plan:
            raise CommandError(
                f"The database lacks {len(plan)} migrations; run `keleshek migrate` first."
            )

    def _collect_static(self, env: dict[str, str]) -> None:
        """Collect the static files (hashed names, compressed) into STATIC_ROOT unless they
        were collected from exactly these sources already."""
        root = Path(settings.STATIC_ROOT)
        marker = root / COLLECTED_MARKER
        fingerprint = static_fingerprint()
        manifest = root / "staticfiles.json"
        if manifest.exists() and marker.exists() and marker.read_text() == fingerprint:
            return
        self.stdout.write(f"Collecting static files into {root} …")
        self.stdout.flush()
        proc = subprocess.run(
            [sys.executable, "-m", "keleshek.cli", "collectstatic", "--noinput", "-v0"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise CommandError(f"collectstatic failed:\n{proc.stdout}{proc.stderr}")
        root.mkdir(parents=True, exist_ok=True)
        marker.write_text(fingerprint)
