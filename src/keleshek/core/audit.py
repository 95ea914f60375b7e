"""The audit log: append an entry, and verify that nobody edited the chain.

Appends are serialised by locking the last row (PostgreSQL) or by SQLite's single writer, so
each entry's ``prev_hash`` is the hash of the entry before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .context import current_actor
from .models import AuditEntry

GENESIS = "0" * 64


def _digest(entry: AuditEntry) -> str:
    body = json.dumps(
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor_id,
            "actor_name": entry.actor_name,
            "ip": entry.ip,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "summary": entry.summary,
            "changes": entry.changes,
            "prev": entry.prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
    user: Any | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one audit entry. Actor and IP default to the current request or command."""
    actor = current_actor()
    if user is None and actor is not None:
        user = actor.user
    if ip is None and actor is not None:
        ip = actor.ip
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        last = AuditEntry.objects.select_for_update().order_by("-id").first()
        entry = AuditEntry(
            at=timezone.now(),
            actor=user if getattr(user, "pk", None) else None,
            actor_name=getattr(user, "username", "") or (actor.via if actor else "system"),
            ip=ip,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:500],
            changes=_jsonable(dict(changes or {})),
            prev_hash=last.hash if last else GENESIS,
        )
        entry.hash = _digest(entry)
        entry.save()
    return entry


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field-level changes as {field: [old, new]} for the fields that differ."""
    return {
        k: [_jsonable(before.get(k)), _jsonable(after.get(k))]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def snapshot(obj: models.Model) -> dict[str, Any]:
    return {
        f.attname: _jsonable(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in ("created_at", "updated_at")
    }


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    reason: str


def verify_chain() -> list[ChainProblem]:
    """Recompute every hash in order; return where the chain is broken (empty list = intact)."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            problems.append(ChainProblem(entry.id, "previous hash does not match (row removed?)"))
        if _digest(entry) != entry.hash:
            problems.append(ChainProblem(entry.id, "content does not match its hash (edited?)"))
        prev = entry.hash
    return problems


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log page asks for; empty fields do not filter."""

    user: str = ""  # the actor's user name (case-insensitive, part of it)
    action: str = ""  # an AuditEntry.Action value
    object_type: str = ""  # an app label and model, e.g. "support.pupil"
    object_id: str = ""  # the object's id, exactly
    since: dt.date | None = None  # from this day (local time), inclusive
    until: dt.date | None = None  # to this day, inclusive


def entries(f: AuditFilter) -> models.QuerySet[AuditEntry]:
    """The audit log, newest first, filtered; a read only (nothing here writes)."""
    qs = AuditEntry.objects.select_related("actor").order_by("-id")
    if f.user:
        qs = qs.filter(actor_name__icontains=f.user.strip())
    if f.action:
        qs = qs.filter(action=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id.strip())
    tz = timezone.get_current_timezone()
    if f.since:
        qs = qs.filter(at__gte=dt.datetime.combine(f.since, dt.time.min, tzinfo=tz))
    if f.until:
        qs = qs.filter(
            at__lt=dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return qs


def object_types() -> list[str]:
    """The object types the log holds (for the page's filter)."""
    return sorted(
        t
        for t in AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
        if t
    )
