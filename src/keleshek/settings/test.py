"""Settings for the test suite; DATABASE_URL selects SQLite (default) or PostgreSQL."""

import os

from .base import *  # noqa: F403
from .base import HUEY, KELESHEK, PASSWORD_HASHERS

MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"

DEBUG = False
# MD5 makes the users the tests create cheap; the production hashers stay listed so that the demo
# template (built once with them, see tests/testdb.py) logs in under the test and the dev settings.
PASSWORD_HASHERS = [
    *([] if os.environ.get("KELESHEK_PRODUCTION_HASHERS") == "1" else [MD5_HASHER]),
    *PASSWORD_HASHERS,
]
HUEY = {**HUEY, "immediate": True}
if HUEY.get("huey_class") == "huey.SqliteHuey":
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "keleshek-test", "immediate": True}
# Cached pages are off in tests unless a test turns them on (core/tests/test_pagecache.py): other
# tests change records through the ORM, which no cache hears of. In memory, one per process.
# Documents are not rendered ahead either (a PDF takes seconds; tests that optimise plans would
# wait for them): src/keleshek/transport/tests/test_documents_ahead.py turns it on.
KELESHEK = {**KELESHEK, "PAGE_CACHE": False, "DOCUMENTS_AHEAD": False}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    # Sessions and users are read from the database (other tests' rows share primary keys
    # after their rollbacks); accounts/tests/test_usercache.py turns a shared cache on.
    "sessions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
# A fixed audit key; no checkpoint file shared by the test processes (tests that need one point
# AUDIT_CHECKPOINT at their own temporary folder).
AUDIT_KEY = "test-audit-key-not-secret-" + "x" * 30
AUDIT_CHECKPOINT = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The second (progress) connection matters only with real commits (production stack tests, which
# use the production settings); in-process tests run inside one transaction on one connection.
DATABASES.pop("jobs", None)  # noqa: F405
