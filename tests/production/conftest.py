"""The production stack on loopback, started by the tests themselves: a PostgreSQL instance
initialised in a temporary folder (so the machine's shared server is never touched), migrations
under the production settings, gunicorn with the project's config, and the huey worker on Redis."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from tests.pgcluster import TempPostgres, free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("KELESHEK_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")

pytestmark = pytest.mark.own_services

# Figures measured by the fault tests; `make test-faults` writes them to docs/reliability.md.
FIGURES: dict[str, str] = {}


@pytest.fixture
def figure() -> Any:
    def record(name: str, value: object) -> None:
        FIGURES[name] = str(value)

    return record


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not FIGURES or os.environ.get("KELESHEK_WRITE_RELIABILITY") != "1":
        return
    doc = ROOT / "docs" / "reliability.md"
    current = doc.read_text() if doc.exists() else "# Reliability — measured\n"
    start, end = "<!-- faults:start -->", "<!-- faults:end -->"
    rows = "\n".join(f"| {k} | {v} |" for k, v in sorted(FIGURES.items()))
    block = (
        f"{start}\n## Faults (`make test-faults`), last run {time.strftime('%Y-%m-%d %H:%M')}"
        f" — exit status {exitstatus}\n\n| figure | value |\n|---|---|\n{rows}\n{end}"
    )
    if start in current:
        tail = current[current.index(end) + len(end) :]
        current = current[: current.index(start)] + block + tail
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    doc.write_text(current)


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


class Stack:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.pg = TempPostgres().init()
        self.pg.start()
        self.port = free_port()
        self.env = dict(os.environ)
        self.env.update(
            DJANGO_SETTINGS_MODULE="keleshek.settings.production",
            DATABASE_URL=self.pg.createdb("keleshek"),
            KELESHEK_SECRET_KEY=secrets.token_urlsafe(50),
            KELESHEK_ALLOWED_HOSTS="127.0.0.1",
            KELESHEK_REDIS_URL=REDIS_URL,
            KELESHEK_HUEY_NAME=f"keleshek-test-{secrets.token_hex(4)}",
            KELESHEK_WORK_DIR=str(root),
            KELESHEK_STATIC_ROOT=str(root / "static"),
            KELESHEK_BIND=f"127.0.0.1:{self.port}",
            KELESHEK_WEB_WORKERS="2",
            KELESHEK_JOB_STALE_SECONDS="3",
            PYTHONPATH=str(ROOT),
        )
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self._logs: list[IO[bytes]] = []

    # --- processes -------------------------------------------------------------------------
    def cli(self, *args: str, check: bool = True, timeout: int = 300) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "keleshek.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(proc.stdout[-2000:] + proc.stderr[-4000:])
        return proc.stdout

    def shell(self, code: str) -> str:
        return self.cli("shell", "-v", "0", "-c", code).strip()

    def _log(self, name: str) -> IO[bytes]:
        f = open(self.root / name, "ab")  # noqa: SIM115 - closed in close()
        self._logs.append(f)
        return f

    def start_web(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        log = self._log("gunicorn.log")
        self.web = subprocess.Popen(
            [gunicorn, "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError((self.root / "gunicorn.log").read_text(errors="replace"))
            time.sleep(0.5)

    def start_worker(self) -> None:
        log = self._log("worker.log")
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "tests.production.worker", "--workers", "1"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill_worker(self) -> None:
        assert self.worker is not None
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait(timeout=30)
        self.worker = None

    def get(self, path: str, *, https: bool = True) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
        finally:
            conn.close()

    def close(self) -> None:
        for p in (self.web, self.worker):
            if p is not None:
                p.terminate()
        for p in (self.web, self.worker):
            if p is not None:
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for f in self._logs:
            f.close()
        self.pg.remove()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not _redis_up():
        if os.environ.get("KELESHEK_REQUIRE_POSTGRES"):
            raise AssertionError(f"no Redis answers at {REDIS_URL}")
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    s = Stack(tmp_path_factory.mktemp("stack"))
    try:
        s.cli("migrate", "--noinput")
        s.cli("collectstatic", "--noinput", "-v0")
        s.start_web()
        s.start_worker()
        yield s
    finally:
        s.close()
