"""Login throttling: count failures per username + IP, lock the pair out, audit both."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from keleshek.core import audit

from .models import LoginFailure


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, "KELESHEK", {}).get(name, default))


def max_failures() -> int:
    return _setting("LOGIN_MAX_FAILURES", 5)


def lockout_minutes() -> int:
    return _setting("LOGIN_LOCKOUT_MINUTES", 15)


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_locked_until(*, username: str, ip: str | None) -> dt.datetime | None:
    """When the pair is locked out, the moment the lock ends; otherwise None."""
    row = LoginFailure.objects.filter(username=_key(username), ip=ip or "").first()
    if row and row.locked_until and row.locked_until > timezone.now():
        return row.locked_until
    return None


def login_failure_record(*, username: str, ip: str | None) -> LoginFailure:
    """Count one failed attempt; lock the pair when the count reaches the limit."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = LoginFailure.objects.select_for_update().get_or_create(
            username=_key(username), ip=ip or "", defaults={"last_failure_at": now}
        )
        if row.locked_until and row.locked_until <= now:
            row.failures = 0  # the previous lock expired: start counting again
            row.locked_until = None
        row.failures += 1
        row.last_failure_at = now
        locked = row.failures >= max_failures()
        if locked:
            row.locked_until = now + dt.timedelta(minutes=lockout_minutes())
        row.save()
        audit.record(
            "login_failed",
            object_type="accounts.user",
            object_id=_key(username),
            summary=f"failed login {row.failures}/{max_failures()}"
            + (" - locked out" if locked else ""),
            changes={"username": _key(username), "failures": row.failures, "locked": locked},
            ip=ip,
        )
    return row


def login_success_record(*, user: Any, ip: str | None) -> None:
    with transaction.atomic():
        LoginFailure.objects.filter(username=_key(user.get_username()), ip=ip or "").delete()
        audit.record("login", user, summary="logged in", user=user, ip=ip)


def logout_record(*, user: Any, ip: str | None) -> None:
    audit.record("login", user, summary="logged out", user=user, ip=ip)
