"""Structured (JSON lines) logging: one line per event, from Django, huey, gunicorn and
`keleshek serve` alike (settings.LOGGING, keleshek.core.gunicorn_config, ADR 0091).

Imports nothing from Django, so that the `keleshek serve` supervisor can use it too."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

_RESERVED = set(vars(logging.makeLogRecord({})))
# Extra attributes Django attaches that say nothing a reader needs ("request" is the whole
# request object; its method and path are in the message and in the access log).
_SKIPPED = {"request", "server_time"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            payload.update(_access_fields(record.args))
        else:
            payload["msg"] = record.getMessage()
        payload.update(
            {k: v for k, v in vars(record).items() if k not in _RESERVED and k not in _SKIPPED}
        )
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def _access_fields(atoms: Mapping[str, Any]) -> dict[str, Any]:
    """One request as gunicorn saw it. The query string, referrer and user agent are left out:
    a query can carry a child's name or IIN (the support search), and logs are kept longer and
    read by more people than the records they describe."""

    def atom(key: str) -> Any:
        value = atoms.get(key)
        return None if value in (None, "-") else value

    method, path, status = atom("m"), atom("U"), atom("s")
    fields: dict[str, Any] = {
        "msg": f"{method} {path} {status}",
        "method": method,
        "path": path,
        "status": int(status) if str(status).isdigit() else status,
        "ms": atom("M"),
        "bytes": atom("B"),
        "remote": atom("h"),
    }
    return {k: v for k, v in fields.items() if v is not None}


class ClientErrorsOnce(logging.Filter):
    """A request the client got wrong or was refused (4xx: a 403 for a role without access, a
    404, a 400) is one line in the server's access log already; Django's own "Forbidden" or
    "Not Found" warning about it would be a second line, with the traceback of the exception
    by which the view said "no". Those are dropped. Other 4xx records (django.security: a
    CSRF failure, a disallowed host) say something the access log does not: they stay, as one
    line without a traceback. Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not (isinstance(status, int) and 400 <= status < 500):
            return True
        if record.name == "django.request":
            return False
        record.exc_info = None
        record.exc_text = None
        return True


def logging_config(level: str) -> dict[str, Any]:
    """settings.LOGGING: every record reaches exactly one handler (JSON on stderr).

    Django's own defaults would add a plain-text console handler to the "django" logger when
    DEBUG is on, and that logger also propagates to the root: each event twice. Huey sets up
    its own text handler unless its logger already has one."""
    handler = {"handlers": ["console"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "keleshek.core.logging.JsonFormatter"}},
        "filters": {"client_errors": {"()": "keleshek.core.logging.ClientErrorsOnce"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["client_errors"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": handler,
            "django.server": {**handler, "level": "INFO"},  # `keleshek runserver`'s access log
            "huey": handler,
        },
    }
