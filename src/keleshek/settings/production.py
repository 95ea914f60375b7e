"""Production settings: everything that matters comes from the environment (docs/deploy.md)."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AUDIT_KEY, AUDIT_KEY_FILE
from .secret_file import load_or_create_secret

DEBUG = False
SECRET_KEY = os.environ.get("KELESHEK_SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("KELESHEK_SECRET_KEY must be set in production")
# The audit log's key: from the environment, else generated once into the key file (ADR 0135).
AUDIT_KEY = AUDIT_KEY or load_or_create_secret(AUDIT_KEY_FILE)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("KELESHEK_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("KELESHEK_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Only a loopback benchmark without TLS turns these off (KELESHEK_SECURE_COOKIES=0).
SESSION_COOKIE_SECURE = os.environ.get("KELESHEK_SECURE_COOKIES", "1") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("KELESHEK_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "keleshek.core.staticfiles.CompressedManifestStorage"},
}
WHITENOISE_USE_FINDERS = False
