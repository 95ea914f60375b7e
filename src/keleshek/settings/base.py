"""Settings shared by every environment. Values that differ come from environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from keleshek.core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent  # src/keleshek
WORK_DIR = Path(os.environ.get("KELESHEK_WORK_DIR", Path.cwd()))

SECRET_KEY = os.environ.get("KELESHEK_SECRET_KEY", "dev-only-insecure-key-change-me")
# Off unless asked for: a debug page lists every URL pattern and the settings (ADR 0091).
DEBUG = os.environ.get("KELESHEK_DEBUG", "0") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("KELESHEK_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "ninja",  # its templates and static files: the API docs work offline, nothing from a CDN
    # The layers of docs/architecture.md, in order (checked by `make lint`, import-linter)
    "keleshek.core",
    "keleshek.territory",
    "keleshek.institutions",
    "keleshek.partnerships",
    "keleshek.programmes",
    "keleshek.construction",
    "keleshek.news",
    "keleshek.accounts",
    "keleshek.jobs",
    "keleshek.support",
    "keleshek.transport",
    "keleshek.indicators",
    "keleshek.intake",
    "keleshek.census",
    "keleshek.portal",
    "keleshek.reports",
    "keleshek.api",
    "keleshek.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "keleshek.core.middleware.QueryGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "keleshek.core.middleware.RequestContextMiddleware",
    "keleshek.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "keleshek.urls"
WSGI_APPLICATION = "keleshek.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "keleshek.accounts.access.staff_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{WORK_DIR / 'keleshek.sqlite3'}"),
        conn_max_age=int(os.environ.get("KELESHEK_CONN_MAX_AGE", "0")),
    )
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a restarted server is noticed at once
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A second connection in autocommit mode for job progress and heartbeats, so that they are
    # visible while the job's own transaction is still open (keleshek.jobs.services).
    DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"  # URL names: reversed in the language of the page
CSRF_FAILURE_VIEW = "keleshek.core.errors.csrf_failure"
LOGIN_REDIRECT_URL = "accounts:start"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Kazakh number and date formats; Django ships none (ADR 0145).
FORMAT_MODULE_PATH = ["keleshek.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("KELESHEK_STATIC_ROOT", WORK_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("KELESHEK_MEDIA_ROOT", WORK_DIR / "media"))
WHITENOISE_USE_FINDERS = True

# Background jobs: an embedded SQLite-backed queue by default, Redis in production (ADR 0003).
HUEY_REDIS_URL = os.environ.get("KELESHEK_REDIS_URL", "")
if HUEY_REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("KELESHEK_HUEY_NAME", "keleshek"),
        "url": HUEY_REDIS_URL,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "keleshek",
        "filename": str(WORK_DIR / "keleshek-jobs.sqlite3"),
        "immediate": os.environ.get("KELESHEK_JOBS_IMMEDIATE", "0") == "1",
    }

# Cached pages (core.pagecache, ADR 0193): Redis in production, else files in the work directory
# that every worker process of the machine shares. The default cache stays in memory.
PAGE_CACHE_REDIS_URL = os.environ.get("KELESHEK_CACHE_REDIS_URL", "") or HUEY_REDIS_URL
CACHES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": PAGE_CACHE_REDIS_URL,
            "KEY_PREFIX": os.environ.get("KELESHEK_CACHE_PREFIX", "keleshek"),
        }
        if PAGE_CACHE_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(WORK_DIR / "keleshek-cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
        }
    ),
    # Sessions and the signed-in users' rows (ADR 0205), shared by every worker process like the
    # pages: a logout or a changed user is seen by all of them on the next request.
    "sessions": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": PAGE_CACHE_REDIS_URL,
            "KEY_PREFIX": os.environ.get("KELESHEK_CACHE_PREFIX", "keleshek") + "-sessions",
        }
        if PAGE_CACHE_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(WORK_DIR / "keleshek-sessions"),
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
        }
    ),
}
# Sessions are written through to the database and read from the shared cache (ADR 0205); the
# user row too (accounts.usercache), with every change of a user dropping it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
AUTHENTICATION_BACKENDS = ["keleshek.accounts.backends.CachedUserBackend"]

# Domain settings (DOMAIN.md marks these unconfirmed: they are settings with documented defaults)
KELESHEK: dict[str, Any] = {
    "OBLAST_KATO": "630000000",
    # The general-education fund: "not less than 1 %" of a school's maintenance budget, a
    # floor (DOMAIN.md section 4; ADR 0151).
    "SUPPORT_FUND_SHARE": 0.01,
    # The minimum payment per child and school year, KZT: the subsistence minimum (ADR 0151).
    "SUPPORT_MIN_PAYMENT": {2023: 40567, 2025: 46228},
    "SUPPORT_DECISION_WORKING_DAYS": 10,  # the collegial body decides within (unconfirmed)
    "SUPPORT_COLLEGIAL_QUORUM": 3,  # members present for a decision (unconfirmed)
    "SUPPORT_REVERIFY_DAYS": 30,  # remind this many days before a category's evidence expires
    "SUPPORT_MEAL_DAILY_COST": 650,  # free hot meal, KZT per child and school day (unconfirmed)
    "RURAL_TRANSPORT_THRESHOLD_KM": 3.0,  # unconfirmed 3 km
    "WALKING_LIMIT_KM": 1.0,
    "ROAD_CIRCUITY": 1.3,
    "BUS_SPEED_KMH": 50.0,  # average on rural roads (unconfirmed)
    "MAX_RIDE_MIN": 60,  # longest ride of a pupil, dwell included (unconfirmed)
    # From the first bell to the end of the last lesson when a school gives no dismissal time:
    # six 45-minute lessons and their breaks (unconfirmed).
    "SCHOOL_DAY_MIN": 330,
    "FORECAST_GROWTH_BOUND": 0.05,  # the Ministry bounds growth at +-5 %/year
    "PUBLIC_SUPPRESS_BELOW": 5,
    # Intake files (intake.files): the largest upload accepted; how long uploads, exports and
    # error reports stay on disk before the hourly job deletes them.
    "UPLOAD_MAX_BYTES": int(os.environ.get("KELESHEK_UPLOAD_MAX_MB", "200")) * 1024 * 1024,
    "FILE_RETENTION_HOURS": int(os.environ.get("KELESHEK_FILE_RETENTION_HOURS", "24")),
    # Reverse proxies in front of the application that append to X-Forwarded-For (ADR 0136):
    # 0 = none, the client address is the connection's; the nginx of deploy/ is 1.
    "TRUSTED_PROXIES": int(os.environ.get("KELESHEK_TRUSTED_PROXIES", "0") or 0),
    "CNY_KZT_RATE_DEFAULT": 70.0,
    # A running job without a heartbeat for this long is presumed dead and re-queued.
    "JOB_STALE_SECONDS": int(os.environ.get("KELESHEK_JOB_STALE_SECONDS", "300")),
    # Cached pages (ADR 0193): on unless KELESHEK_PAGE_CACHE=0; the most a stored page lives.
    "PAGE_CACHE": os.environ.get("KELESHEK_PAGE_CACHE", "1") == "1",
    "PAGE_CACHE_SECONDS": int(os.environ.get("KELESHEK_PAGE_CACHE_SECONDS", "600")),
    # Route sheets, schemes and the briefing rendered in the background ahead of their
    # downloads (jobs.documents, ADR 0194); a download is exact either way.
    "DOCUMENTS_AHEAD": os.environ.get("KELESHEK_DOCUMENTS_AHEAD", "1") == "1",
}

# The audit log (ADR 0135): entries are keyed with AUDIT_KEY, a secret kept outside the database
# (dev/production settings: KELESHEK_AUDIT_KEY, else a key generated once into
# KELESHEK_AUDIT_KEY_FILE); the head of the chain is checkpointed to AUDIT_CHECKPOINT, a file
# outside the database (None: no checkpoint). Keep both where a database writer cannot write.
AUDIT_KEY = os.environ.get("KELESHEK_AUDIT_KEY", "")
AUDIT_KEY_FILE = Path(os.environ.get("KELESHEK_AUDIT_KEY_FILE", WORK_DIR / "keleshek-audit.key"))
AUDIT_CHECKPOINT: Path | None = Path(
    os.environ.get("KELESHEK_AUDIT_CHECKPOINT", WORK_DIR / "keleshek-audit-head.json")
)

LOGGING = logging_config(os.environ.get("KELESHEK_LOG_LEVEL", "WARNING"))
