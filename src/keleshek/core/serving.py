"""The supervisor behind `keleshek serve` (ADR 0091): gunicorn and the job worker as one service.

`keleshek serve` (a management command) prepares — the listening socket, the static files, the
checks — and then replaces itself with ``python -m keleshek.core.serving`` (``os.execve``):
same process id, none of Django's memory. This module imports nothing from Django.

The supervisor
- starts gunicorn on the socket it was handed (``--bind fd://N``: the port was taken once, by
  the command, so a busy port is reported before anything starts, and a restarted gunicorn
  finds the same socket) and the huey worker;
- waits until ``/healthz`` answers, then prints where the site is;
- restarts a child that exits on its own, after 1 s, doubling the wait after quick exits; a
  child that exits quickly five times in a row (or gunicorn before it ever answered) stops the
  whole service with an error;
- on SIGTERM, SIGINT or SIGHUP stops both gracefully (gunicorn finishes the requests in flight,
  the worker the jobs it runs, each within its timeout), a second signal kills at once; every
  child runs in its own process group, which is swept with SIGKILL at the end, so nothing
  outlives the service;
- on Linux, asks the kernel to send SIGTERM to each child if the supervisor itself dies
  (``PR_SET_PDEATHSIG``), so even ``kill -9`` of the supervisor leaves no server behind.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType

from keleshek.core.logging import JsonFormatter

log = logging.getLogger("keleshek.serve")

POLL_SECONDS = 0.2
READY_TIMEOUT_SECONDS = 180.0  # a cold start on a slow machine imports a lot
QUICK_EXIT_SECONDS = 10.0
MAX_QUICK_EXITS = 5
MAX_RESTART_DELAY = 30.0
WEB_STOP_SECONDS = 35.0  # gunicorn's graceful_timeout (30 s) and a margin
WORKER_STOP_SECONDS = 15.0  # the worker's --shutdown-timeout (10 s) and a margin

_PR_SET_PDEATHSIG = 1


@dataclass
class Child:
    name: str
    argv: list[str]
    stop_signal: signal.Signals
    stop_seconds: float
    pass_fds: tuple[int, ...] = ()
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    ever_ready: bool = False
    quick_exits: int = 0
    restart_at: float | None = None
    restarts: int = 0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None


def _describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"


def _child_preexec(parent: int) -> Callable[[], None]:
    # The interpreter's own symbols include the C library's prctl on Linux.
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None

    def preexec() -> None:
        # Runs in the child between fork and exec; the supervisor has no threads.
        if libc is not None:
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
            if os.getppid() != parent:  # the supervisor died before prctl took effect
                os.kill(os.getpid(), signal.SIGTERM)

    return preexec


@dataclass
class Supervisor:
    children: list[Child]
    health: tuple[str, int]  # where to ask /healthz
    banner: list[str] = field(default_factory=list)
    signals_received: int = 0
    failed: str = ""

    # --- signals ---------------------------------------------------------------------------
    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals_received += 1
        if self.signals_received == 1:
            log.info("stopping", extra={"signal": signal.Signals(signum).name})

    def _install_signals(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    # --- children --------------------------------------------------------------------------
    def _start(self, child: Child) -> None:
        child.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            child.argv,
            pass_fds=child.pass_fds,
            start_new_session=True,  # own process group: Ctrl-C reaches the supervisor only
            preexec_fn=_child_preexec(os.getpid()),  # the supervisor runs no threads
        )
        child.started = time.monotonic()
        child.restart_at = None
        log.info(f"{child.name} started", extra={"pid": child.proc.pid})

    @staticmethod
    def _sweep(child: Child) -> None:
        """Kill whatever is left in the child's process group (gunicorn's web workers after
        their arbiter died, say)."""
        if child.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.proc.pid, signal.SIGKILL)

    def _exited(self, child: Child, now: float) -> None:
        assert child.proc is not None
        code = child.proc.returncode
        self._sweep(child)
        lived = now - child.started
        child.proc = None
        if child.name == "web" and not child.ever_ready:
            self.failed = f"the web server stopped before it answered ({_describe(code)})"
            return
        child.quick_exits = child.quick_exits + 1 if lived < QUICK_EXIT_SECONDS else 0
        if child.quick_exits >= MAX_QUICK_EXITS:
            self.failed = (
                f"the {child.name} process exited {MAX_QUICK_EXITS} times in a row within "
                f"{QUICK_EXIT_SECONDS:.0f} s of starting (last: {_describe(code)})"
            )
            return
        delay = min(2.0**child.quick_exits, MAX_RESTART_DELAY)
        child.restart_at = now + delay
        child.restarts += 1
        log.warning(
            f"{child.name} exited ({_describe(code)}) after {lived:.0f} s; "
            f"restarting in {delay:.0f} s",
            extra={"child": child.name, "returncode": code},
        )

    def _healthy(self) -> bool:
        host, port = self.health
        conn = http.client.HTTPConnection(host, port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.proc is not None and c.proc.poll() is None]
        for child in running:
            assert child.proc is not None
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(child.stop_signal)
        deadline = time.monotonic() + max((c.stop_seconds for c in running), default=0)
        signals_at_start = self.signals_received
        while any(c.proc is not None and c.proc.poll() is None for c in running):
            if time.monotonic() > deadline:
                log.warning("children did not stop in time: killing them")
                break
            if self.signals_received > max(signals_at_start, 1):
                log.warning("second signal: killing the children now")
                break
            time.sleep(POLL_SECONDS)
        for child in self.children:
            self._sweep(child)
            if child.proc is not None:
                child.proc.wait()
                child.proc = None

    # --- the loop --------------------------------------------------------------------------
    def run(self) -> int:
        self._install_signals()
        web = self.children[0]
        try:
            for child in self.children:
                self._start(child)
            ready_by = time.monotonic() + READY_TIMEOUT_SECONDS
            while not self.signals_received and not self.failed:
                now = time.monotonic()
                for child in self.children:
                    if child.proc is not None and child.proc.poll() is not None:
                        self._exited(child, now)
                    elif child.proc is None and child.restart_at and now >= child.restart_at:
                        self._start(child)
                if not web.ever_ready and not self.failed:
                    if self._healthy():
                        web.ever_ready = True
                        print("\n".join(self.banner), flush=True)
                    elif now > ready_by:
                        self.failed = (
                            f"the web server did not answer within {READY_TIMEOUT_SECONDS:.0f} s"
                        )
                time.sleep(POLL_SECONDS)
        finally:
            self._stop_all()
        if self.failed:
            log.error(f"keleshek serve stopped: {self.failed}")
            print(f"Error: {self.failed}. See the messages above.", file=sys.stderr, flush=True)
            return 1
        log.info("stopped")
        return 0


def _health_address(fd: int) -> tuple[str, int]:
    with socket.socket(fileno=os.dup(fd)) as sock:
        host, port = sock.getsockname()[:2]
        family = sock.family
    if host in ("0.0.0.0", "::"):  # noqa: S104 - listening everywhere: ask over loopback
        host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    return host, int(port)


def build_children(
    fd: int, workers: int, job_threads: int, python: str = sys.executable
) -> list[Child]:
    web = Child(
        name="web",
        argv=[
            python,
            "-m",
            "gunicorn",
            "--config",
            "python:keleshek.core.gunicorn_config",
            "--bind",
            f"fd://{fd}",
            "--workers",
            str(workers),
            # The application is imported once, before the web workers fork: they start at
            # once and share its memory until they write to it (copy on write).
            "--preload",
        ],
        stop_signal=signal.SIGTERM,  # gunicorn: graceful stop
        stop_seconds=WEB_STOP_SECONDS,
        pass_fds=(fd,),
    )
    children = [web]
    if job_threads > 0:
        children.append(
            Child(
                name="worker",
                argv=[
                    python,
                    "-m",
                    "keleshek.cli",
                    "run_huey",
                    "--workers",
                    str(job_threads),
                    "--shutdown-timeout",
                    "10",
                ],
                stop_signal=signal.SIGINT,  # huey: finish the running jobs, then stop
                stop_seconds=WORKER_STOP_SECONDS,
            )
        )
    return children


def _setup_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m keleshek.core.serving",
        description="Supervise gunicorn and the job worker (started by `keleshek serve`).",
    )
    ap.add_argument("--fd", type=int, required=True, help="the listening socket")
    ap.add_argument("--workers", type=int, required=True, help="gunicorn worker processes")
    ap.add_argument("--job-threads", type=int, default=2, help="0: no job worker")
    ap.add_argument("--banner", action="append", default=[], help="a line to print when ready")
    args = ap.parse_args(argv)
    _setup_logging()
    supervisor = Supervisor(
        children=build_children(args.fd, args.workers, args.job_threads),
        health=_health_address(args.fd),
        banner=args.banner,
    )
    return supervisor.run()


if __name__ == "__main__":
    raise SystemExit(main())
