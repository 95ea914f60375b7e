"""`keleshek serve` as `make run` starts it: gunicorn and the job worker supervised together
(ADR 0091). Each test starts the real command in a subprocess on a free port, against a SQLite
database with a small world, and looks at the whole process tree, not only the parent."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.pgcluster import free_port

# One xdist worker runs them one after another: one small world, one server at a time.
pytestmark = [pytest.mark.own_services, pytest.mark.xdist_group("serve")]

SMALL_WORLD = """
from keleshek.support.tests.factories import enrol_counts, region
r = region()
enrol_counts(r.uk_school, 2025, 20)
enrol_counts(r.village_school, 2025, 6)
print(r.uk_school.pk)
"""
ENQUEUE_NOOP = """
from django.db import transaction
from keleshek.jobs.services import enqueue
with transaction.atomic():
    job = enqueue(kind="noop", params={"steps": 2})
print(job.pk)
"""


def _env(work: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KELESHEK_", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="keleshek.settings.dev",
        DATABASE_URL=f"sqlite:///{work / 'keleshek.sqlite3'}",
        KELESHEK_WORK_DIR=str(work),  # also marks every process of this site (see _site_pids)
        PYTHONUNBUFFERED="1",
    )
    return env


def _cli(work: Path, *args: str, timeout: float = 300) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "keleshek.cli", *args],
        env=_env(work),
        cwd=work,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A data folder with a migrated database and a small world; the school's id."""
    work = tmp_path_factory.mktemp("serve")
    _cli(work, "migrate", "--noinput", "-v0")
    school = int(_cli(work, "shell", "-v", "0", "-c", SMALL_WORLD).split()[-1])
    return work, school


# --- processes --------------------------------------------------------------------------------
def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def descendants(root: int) -> dict[int, str]:
    """Every living process below ``root`` (children, their children, …) and its command."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat is not None and stat[0] != "Z":
                parents[int(entry.name)] = stat[1]
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = _cmdline(pid)
                frontier.append(pid)
    return found


def _site_pids(work: Path) -> list[int]:
    """Every living process (any parent) started for this data folder."""
    marker = f"KELESHEK_WORK_DIR={work}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        stat = _proc_stat(int(entry.name))
        if marker in environ.split(b"\0") and stat is not None and stat[0] != "Z":
            pids.append(int(entry.name))
    return pids


def wait_until_gone(pids: list[int] | dict[int, str], work: Path, seconds: float) -> list[int]:
    """The processes among ``pids`` or of this site still alive after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        alive = [p for p in pids if (s := _proc_stat(p)) is not None and s[0] != "Z"]
        alive += [p for p in _site_pids(work) if p not in alive]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


class Served:
    """`keleshek serve` running in a subprocess (stdout and stderr to a log file)."""

    def __init__(self, work: Path, *args: str) -> None:
        self.work = work
        self.port = free_port()
        self.log_path = work / f"serve-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "keleshek.cli", "serve", "--port", str(self.port), *args],
            env=_env(work),
            cwd=work,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 180
        while "Keleshek is serving at" not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise AssertionError(f"keleshek serve did not come up:\n{self.log()[-4000:]}")
            time.sleep(0.2)
        # The banner is printed when the socket is bound; gunicorn forks its web workers
        # after that. Wait for the whole tree (arbiter, its workers, the job worker) so a
        # test never reads it half-born (CI once saw the arbiter with one worker of two).
        workers = int(args[args.index("--workers") + 1]) if "--workers" in args else 0
        expected = workers + 2 if workers else 0
        while len(self.children()) < expected:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tree = self.children()
                self.close()
                raise AssertionError(f"expected {expected} processes, saw {tree}")
            time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def children(self) -> dict[int, str]:
        return descendants(self.proc.pid)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            for pid in descendants(self.proc.pid):
                os.kill(pid, signal.SIGKILL)
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@pytest.fixture
def served(site: tuple[Path, int]) -> Iterator[Served]:
    s = Served(site[0], "--workers", "2")
    try:
        yield s
    finally:
        s.close()


def _roles(tree: dict[int, str]) -> list[str]:
    roles = []
    for cmd in tree.values():
        if "gunicorn" in cmd:
            roles.append("gunicorn")
        elif "run_huey" in cmd:
            roles.append("worker")
        else:
            roles.append(cmd)
    return sorted(roles)


def _log_events(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


# --- tests ------------------------------------------------------------------------------------
def test_serves_concurrent_clients_then_sigterm_leaves_no_process(
    served: Served, site: tuple[Path, int], figure: object
) -> None:
    work, school = site
    tree = served.children()
    # gunicorn's arbiter and its two web workers, and the job worker.
    assert _roles(tree) == ["gunicorn", "gunicorn", "gunicorn", "worker"], tree

    pages = [
        "/ru/",
        "/kk/",
        "/en/",
        "/ru/catalogue/",
        "/kk/catalogue/?q=school",
        f"/ru/institutions/{school}/",
        "/ru/news/",
        "/kk/open-data/",
        "/ru/accounts/login/",
        "/api/v1/territories",
        "/api/v1/docs",
        "/static/keleshek/site.css",
        "/readyz",
    ]
    requests = pages * 8  # 104 requests from 6 clients at once

    def fetch(path: str) -> tuple[str, int, float]:
        t0 = time.monotonic()
        status, _, _ = served.get(path)
        return path, status, time.monotonic() - t0

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(fetch, requests))
    elapsed = time.monotonic() - t0
    failed = [(path, status) for path, status, _ in results if status != 200]
    assert failed == []
    seconds = sorted(s for _, _, s in results)
    figure(  # type: ignore[operator]
        "keleshek serve, 6 concurrent clients: requests, errors, median / p95 s",
        f"{len(results)}, 0, {statistics.median(seconds):.3f} / "
        f"{seconds[int(len(seconds) * 0.95)]:.3f} ({len(results) / elapsed:.0f} req/s)",
    )

    # DEBUG is off: a missing page is the site's own, in the address's language.
    status, _, body = served.get("/kk/no-such-page/")
    assert status == 404
    assert "<h1>Бет табылмады</h1>" in body.decode()
    assert "URLconf" not in body.decode()

    # Static files through WhiteNoise as in production: hashed names, cached for a year.
    css = re.search(rb'href="(/static/keleshek/site\.[0-9a-f]{12}\.css)"', served.get("/ru/")[2])
    assert css is not None
    status, headers, _ = served.get(css.group(1).decode(), {"Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" in headers["cache-control"]
    assert headers.get("content-encoding") in ("gzip", "br")

    # The API docs need nothing from another host, and their files are served.
    docs = served.get("/api/v1/docs")[2].decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert assets
    assert not re.search(r"https?://", docs)
    for asset in assets:
        assert asset.startswith("/static/ninja/"), asset
        assert served.get(asset)[0] == 200, asset

    supervisor = served.proc.pid
    assert served.stop(signal.SIGTERM) == 0
    assert wait_until_gone(tree, work, seconds=10) == []
    assert _proc_stat(supervisor) is None or _proc_stat(supervisor)[0] == "Z"  # type: ignore[index]

    # The log: JSON lines, each request once, no traceback.
    text = served.log()
    assert "Traceback" not in text
    events = _log_events(text)
    access = [e for e in events if e["logger"] == "gunicorn.access"]
    for page in ("/ru/catalogue/", "/ru/news/", "/api/v1/territories"):
        assert sum(1 for e in access if e["path"] == page) == 8, page
    for line in text.splitlines():
        if line.startswith("{"):
            continue
        # Plain text only from the command itself: the collection notice and the banner.
        assert line == "" or line.startswith(("Collecting static files", "Keleshek is", "  ")), line


def test_sigint_stops_it_and_a_busy_port_is_said_clearly(site: tuple[Path, int]) -> None:
    work, _ = site
    first = Served(work, "--workers", "1", "--allowed-host", "school.local")
    try:
        tree = first.children()
        # Another server on the same port: refused at once, saying what to do.
        proc = subprocess.run(
            [sys.executable, "-m", "keleshek.cli", "serve", "--port", str(first.port)],
            env=_env(work),
            cwd=work,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode != 0
        assert f"Port {first.port} on 127.0.0.1 is already in use" in proc.stderr
        assert f"--port {first.port + 1}" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert first.get("/healthz")[0] == 200  # the first one is unharmed

        # Host names: loopback and the configured one; others get the 400 page.
        assert first.get("/ru/", {"Host": "school.local"})[0] == 200
        assert first.get("/ru/", {"Host": "localhost"})[0] == 200
        status, _, body = first.get("/kk/", {"Host": "evil.example"})
        assert status == 400
        assert "<h1>Сұранысты түсіну мүмкін болмады</h1>" in body.decode()

        assert first.stop(signal.SIGINT) == 0  # Ctrl-C
        assert wait_until_gone(tree, work, seconds=10) == []
    finally:
        first.close()


def test_a_killed_worker_is_restarted_and_runs_jobs(served: Served, site: tuple[Path, int]) -> None:
    work, _ = site
    (worker,) = [pid for pid, cmd in served.children().items() if "run_huey" in cmd]
    os.kill(worker, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        restarted = [pid for pid, cmd in served.children().items() if "run_huey" in cmd]
        if restarted and restarted != [worker]:
            break
        assert time.monotonic() < deadline, served.log()[-3000:]
        time.sleep(0.2)
    assert "worker exited (signal SIGKILL)" in served.log()
    assert served.get("/healthz")[0] == 200  # the web server went on meanwhile

    # The new worker does the work: a job started now is done.
    job = int(_cli(work, "shell", "-v", "0", "-c", ENQUEUE_NOOP).split()[-1])
    check = f"from keleshek.jobs.models import Job; print(Job.objects.get(pk={job}).status)"
    deadline = time.monotonic() + 60
    while (status := _cli(work, "shell", "-v", "0", "-c", check).strip()) != "succeeded":
        assert status in ("queued", "running"), status
        assert time.monotonic() < deadline, status
        time.sleep(1)

    tree = served.children()
    assert served.stop(signal.SIGTERM) == 0
    assert wait_until_gone(tree, work, seconds=10) == []


def test_a_killed_supervisor_takes_its_children_with_it(
    served: Served, site: tuple[Path, int]
) -> None:
    work, _ = site
    tree = served.children()
    assert len(tree) == 4
    served.proc.kill()  # SIGKILL: no chance to stop anything itself
    served.proc.wait()
    # The kernel tells each child (PR_SET_PDEATHSIG); they stop gracefully.
    assert wait_until_gone(tree, work, seconds=45) == []
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", served.port)) != 0  # nobody listens any more
