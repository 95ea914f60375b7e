"""Settings for one machine: `make run`, `keleshek serve` and every `keleshek` command by default.

Production-like (ADR 0091): DEBUG off unless KELESHEK_DEBUG=1, the site's own error pages, a
secret key generated once and kept in the data folder (KELESHEK_WORK_DIR), loopback hosts plus
those in KELESHEK_ALLOWED_HOSTS. The module keeps its historical name `dev`.
"""

import os

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, AUDIT_KEY, AUDIT_KEY_FILE, WORK_DIR
from .secret_file import load_or_create_secret

SECRET_KEY = os.environ.get("KELESHEK_SECRET_KEY") or load_or_create_secret(
    WORK_DIR / "keleshek-secret.key"
)
AUDIT_KEY = AUDIT_KEY or load_or_create_secret(AUDIT_KEY_FILE)

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = LOOPBACK_HOSTS + [h for h in ALLOWED_HOSTS if h not in LOOPBACK_HOSTS]

# `keleshek serve` collects the static files (hashed names, compressed) before it starts the web
# server and says so through this variable; WhiteNoise then serves them as in production. Other
# commands (and `keleshek runserver`) find the files in the packages, nothing to collect first.
if os.environ.get("KELESHEK_STATIC_COLLECTED") == "1":
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "keleshek.core.staticfiles.CompressedManifestStorage"},
    }
    WHITENOISE_USE_FINDERS = False
