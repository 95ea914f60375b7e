"""The supervisor's failure policy, with stand-in children (the real ones:
tests/production/test_serve.py)."""

from __future__ import annotations

import signal
import socket
import sys
import textwrap
from collections.abc import Iterator

import pytest

from keleshek.core import serving

# A web server that answers /healthz on the socket it is handed, as gunicorn does.
WEB = textwrap.dedent(
    """
    import socket, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Health, bind_and_activate=False)
    server.socket = socket.socket(fileno=int(sys.argv[1]))
    server.serve_forever()
    """
)
FAILS = "raise SystemExit(3)"


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield sock
    sock.close()


@pytest.fixture(autouse=True)
def quick_restarts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(serving, "MAX_RESTART_DELAY", 0.05)
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _child(name: str, code: str, *args: str, fds: tuple[int, ...] = ()) -> serving.Child:
    return serving.Child(
        name=name,
        argv=[sys.executable, "-c", code, *args],
        stop_signal=signal.SIGTERM,
        stop_seconds=5,
        pass_fds=fds,
    )


def test_a_worker_that_keeps_failing_stops_the_service_with_an_error(
    listener: socket.socket, capsys: pytest.CaptureFixture[str]
) -> None:
    fd = listener.fileno()
    web = _child("web", WEB, str(fd), fds=(fd,))
    worker = _child("worker", FAILS)
    supervisor = serving.Supervisor(
        children=[web, worker], health=listener.getsockname(), banner=["ready"]
    )
    assert supervisor.run() == 1
    assert supervisor.failed.startswith("the worker process exited 5 times in a row")
    assert "exit code 3" in supervisor.failed
    assert worker.restarts == 4  # restarted after each quick exit, then given up
    assert web.proc is None  # the web server was stopped too
    assert "Error: the worker process exited 5 times" in capsys.readouterr().err


def test_a_web_server_that_cannot_start_is_an_error_at_once(listener: socket.socket) -> None:
    web = _child("web", FAILS)
    worker = _child("worker", "import time; time.sleep(60)")
    supervisor = serving.Supervisor(children=[web, worker], health=listener.getsockname())
    assert supervisor.run() == 1
    assert supervisor.failed == "the web server stopped before it answered (exit code 3)"
    assert web.restarts == 0
    assert worker.proc is None  # stopped, not left running


def test_the_health_check_asks_over_loopback_when_listening_everywhere() -> None:
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 0))  # noqa: S104 - the case under test
        host, port = serving._health_address(sock.fileno())
        assert (host, port) == ("127.0.0.1", sock.getsockname()[1])
