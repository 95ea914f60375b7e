"""The server log: each event once, as one JSON line; a refused request without a traceback."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from gunicorn.glogging import SafeAtoms

from keleshek.core.logging import JsonFormatter

TEST_URLS = pytest.mark.urls("keleshek.core.tests.error_urls")


def _ours(handler: logging.Handler) -> bool:
    return not type(handler).__module__.startswith("_pytest")  # pytest's capture handlers


def emitting_handlers(record: logging.LogRecord) -> list[logging.Handler]:
    """The handlers that would write ``record``, walking up the logger tree as logging does."""
    found: list[logging.Handler] = []
    logger: logging.Logger | None = logging.getLogger(record.name)
    while logger is not None:
        for handler in logger.handlers:
            if _ours(handler) and record.levelno >= handler.level and handler.filter(record):
                found.append(handler)
        if not logger.propagate:
            break
        logger = logger.parent
    return found


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("django.request", 500),
        ("django.security.csrf", 403),
        ("django.security.DisallowedHost", 400),
        ("django.server", 200),
        ("huey", None),
        ("keleshek.jobs", None),
        ("keleshek.db", None),
    ],
)
def test_every_event_reaches_exactly_one_handler_writing_json(
    name: str, status: int | None, debug: bool
) -> None:
    # With Django's defaults, DEBUG on, a django.* event came out twice: as text and as JSON.
    record = logging.makeLogRecord(
        {"name": name, "levelno": logging.ERROR, "levelname": "ERROR", "msg": "event"}
    )
    if status is not None:
        record.status_code = status
    with override_settings(DEBUG=debug):
        handlers = emitting_handlers(record)
    assert len(handlers) == 1, handlers
    assert isinstance(handlers[0].formatter, JsonFormatter)


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    """What the application writes to its log during the test."""
    (handler,) = [h for h in logging.getLogger().handlers if _ours(h)]
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def _lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]  # each line is JSON


@TEST_URLS
@pytest.mark.parametrize("debug", [True, False])
def test_a_refused_request_is_not_logged_with_a_traceback(
    server_log: io.StringIO, debug: bool
) -> None:
    with override_settings(DEBUG=debug):
        assert Client().get("/ru/test-errors/refused/").status_code == 403
        assert Client().get("/ru/no-such-page/").status_code == 404
    # The access log (gunicorn's) has these requests; the application adds nothing.
    assert "Traceback" not in server_log.getvalue()
    assert _lines(server_log) == []


def test_a_refused_form_is_one_line_without_a_traceback(server_log: io.StringIO) -> None:
    response = Client(enforce_csrf_checks=True).post("/ru/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    (line,) = _lines(server_log)
    assert line["logger"] == "django.security.csrf"
    assert line["status_code"] == 403
    assert "exc" not in line


@TEST_URLS
def test_a_server_error_is_one_line_with_its_traceback(server_log: io.StringIO) -> None:
    assert Client(raise_request_exception=False).get("/ru/test-errors/broken/").status_code == 500
    (line,) = _lines(server_log)
    assert line["logger"] == "django.request"
    assert line["level"] == "ERROR"
    assert "RuntimeError: a bug" in str(line["exc"])


def test_the_access_log_is_json_without_the_query_string() -> None:
    # A support search carries a child's IIN in its query string: it stays out of the log.
    atoms = SafeAtoms(
        {
            "h": "10.0.0.7",
            "m": "GET",
            "U": "/ru/support/",
            "q": "q=030415500123",
            "r": "GET /ru/support/?q=030415500123 HTTP/1.1",
            "s": "200",
            "M": 41,
            "B": 5120,
            "f": "http://127.0.0.1/ru/support/?q=030415500123",
            "a": "Mozilla/5.0",
        }
    )
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, "", 0, '%(h)s "%(r)s" %(s)s', (atoms,), None
    )
    line = JsonFormatter().format(record)
    assert "030415500123" not in line
    assert json.loads(line) | {"ts": None} == {
        "ts": None,
        "level": "INFO",
        "logger": "gunicorn.access",
        "msg": "GET /ru/support/ 200",
        "method": "GET",
        "path": "/ru/support/",
        "status": 200,
        "ms": 41,
        "bytes": 5120,
        "remote": "10.0.0.7",
    }
