"""A throw-away PostgreSQL instance in a temporary folder, for tests that must start, stop or
break the database server (production stack, fault injection) without touching the machine's
shared server."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"PostgreSQL server binary {name} not found")
    return path


class TempPostgres:
    def __init__(self, root: Path | None = None) -> None:
        # The postgres account must reach the folder: pytest's own tmp folders are private
        # to root, so the cluster lives in a world-traversable folder of its own.
        self.root = root or Path(tempfile.mkdtemp(prefix="keleshek-pg-"))
        self.data = self.root / "pgdata"
        self.sock = self.root / "sock"
        self.port = free_port()
        self.log = self.root / "postgres.log"
        # initdb and postgres refuse to run as root: use the postgres account then.
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._as, *args], capture_output=True, text=True, check=check, timeout=120
        )

    def init(self) -> TempPostgres:
        self.root.mkdir(parents=True, exist_ok=True)
        # The postgres account must traverse this folder (nothing secret is in it).
        os.chmod(self.root, 0o755)  # noqa: S103
        self.sock.mkdir(exist_ok=True)
        if self._as:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
        self._run(
            _bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        return self

    def start(self) -> None:
        self._run(
            _bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self, down_seconds: float = 0.0) -> None:
        self.stop("immediate")
        time.sleep(down_seconds)
        self.start()

    def createdb(self, name: str) -> str:
        self._run(_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def psql(self, sql: str, db: str = "postgres") -> str:
        proc = subprocess.run(
            [
                _bin("psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-Atc",
                sql,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        return proc.stdout

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"
