"""gunicorn settings for Keleshek (docs/deploy.md, ADR 0090): the values live in the package,
`keleshek.core.gunicorn_config`, shared with the embedded `keleshek serve` (ADR 0091).

Environment: KELESHEK_BIND (127.0.0.1:8000), KELESHEK_WEB_WORKERS (2 x cores + 1, at most 9),
KELESHEK_WEB_THREADS (4), KELESHEK_WEB_TIMEOUT (60 s), KELESHEK_WEB_GRACEFUL_TIMEOUT (30 s),
KELESHEK_FORWARDED_ALLOW_IPS (127.0.0.1). Logs: JSON lines on stdout/stderr."""

from keleshek.core.gunicorn_config import *  # noqa: F403
