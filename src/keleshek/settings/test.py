"""Settings for the test suite; DATABASE_URL selects SQLite (default) or PostgreSQL."""

from .base import *  # noqa: F403
from .base import HUEY, KELESHEK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; Argon2 in prod
HUEY = {**HUEY, "immediate": True}
if HUEY.get("huey_class") == "huey.SqliteHuey":
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "keleshek-test", "immediate": True}
KELESHEK = {**KELESHEK}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The second (progress) connection matters only with real commits (production stack tests, which
# use the production settings); in-process tests run inside one transaction on one connection.
DATABASES.pop("jobs", None)  # noqa: F405
