"""gunicorn settings shared by production (`deploy/gunicorn.conf.py`, ADR 0090) and the
embedded `keleshek serve` (ADR 0091), which passes `--bind` and `--workers` on top.

Values come from the environment so that the systemd unit, `keleshek serve` and the tests share
this module. gunicorn reads the module's settings by name; other names are ignored.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from keleshek.core.logging import JsonFormatter


def default_workers(cpus: int | None = None) -> int:
    """gunicorn's rule of thumb, 2 x cores + 1, capped at 9: each process holds the whole
    application (~120-160 MB), and with 4 threads each, 9 processes already answer far more
    concurrent requests than one database serves well."""
    cpus = cpus or os.cpu_count() or 1
    return min(2 * cpus + 1, 9)


class JsonLogger(Logger):
    """gunicorn's own messages and its access log as JSON lines, like the application's."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())


bind = os.environ.get("KELESHEK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KELESHEK_WEB_WORKERS", "0")) or default_workers()
threads = int(os.environ.get("KELESHEK_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("KELESHEK_WEB_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("KELESHEK_WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
logger_class = JsonLogger
forwarded_allow_ips = os.environ.get("KELESHEK_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "keleshek.wsgi:application"
# gunicorn >= 25.1 opens a control socket in $XDG_RUNTIME_DIR or ~/.gunicorn by default: two
# servers on one machine would share its path, and a hardened unit cannot write there.
control_socket_disable = True
