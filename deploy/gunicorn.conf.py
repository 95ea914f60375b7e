"""gunicorn settings for Keleshek (docs/deploy.md, ADR 0090). Values come from the environment
so the systemd unit and the tests share this file."""

import multiprocessing
import os

bind = os.environ.get("KELESHEK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KELESHEK_WEB_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("KELESHEK_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("KELESHEK_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("KELESHEK_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "keleshek.wsgi:application"
