"""The audit log: append an entry, checkpoint the head outside the database, verify the chain.

Each entry carries its position in the chain (``seq``, 1, 2, 3, ...) and ``prev_hash``, the
hash of the entry before it; its ``hash`` is an HMAC-SHA256 over its content keyed with
``settings.AUDIT_KEY``, a secret kept outside the database (ADR 0135). Someone who can write
the database but does not hold the key cannot edit an entry and recompute the hashes after it.

After every commit that appended entries, the head of the chain (its length and last hash) is
written to ``settings.AUDIT_CHECKPOINT``, a file outside the database, so that deleting the
newest entries (which leaves a shorter, intact chain) is detected as well. The file only moves
forward: a process that commits an older entry after a newer one was checkpointed leaves it.

Appends are serialised by locking the last row (PostgreSQL) or by SQLite's single writer, so
each entry's ``prev_hash`` is the hash of the entry before it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from . import hooks, pagecache
from .clientip import valid_ip
from .context import current_actor
from .models import AuditEntry

GENESIS = "0" * 64
# Entries that record a read, an export or a login: no record changed.
NOT_CHANGES = frozenset(
    {
        AuditEntry.Action.READ_PERSONAL,
        AuditEntry.Action.EXPORT,
        AuditEntry.Action.DOWNLOAD,
        AuditEntry.Action.LOGIN,
        AuditEntry.Action.LOGIN_FAILED,
    }
)


def _key() -> bytes:
    key = getattr(settings, "AUDIT_KEY", "") or ""
    if not key:
        raise ImproperlyConfigured(
            "AUDIT_KEY is not set: the audit log needs a secret kept outside the database "
            "(KELESHEK_AUDIT_KEY, or the key file in the data folder; ADR 0135)."
        )
    return key.encode() if isinstance(key, str) else bytes(key)


def _body(entry: AuditEntry) -> bytes:
    return json.dumps(
        {
            "seq": entry.seq,
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
    ).encode()


def _digest(entry: AuditEntry, key: bytes | None = None) -> str:
    return hmac.new(key if key is not None else _key(), _body(entry), hashlib.sha256).hexdigest()


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
    key = _key()
    with transaction.atomic():
        last = AuditEntry.objects.select_for_update().order_by("-id").first()
        entry = AuditEntry(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            actor=user if getattr(user, "pk", None) else None,
            actor_name=getattr(user, "username", "") or (actor.via if actor else "system"),
            ip=valid_ip(ip),
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:500],
            changes=_jsonable(dict(changes or {})),
            prev_hash=last.hash if last else GENESIS,
        )
        entry.hash = _digest(entry, key)
        entry.save()
        head = Head(entry.seq, entry.hash)
        transaction.on_commit(lambda: write_checkpoint(head))
    # A page that logs its reads is drawn for each read; a change makes stored pages old.
    pagecache.mark_uncacheable(action)
    if action not in NOT_CHANGES:
        hooks.publish_on_commit(hooks.RECORD_WRITTEN, object_type=object_type)
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


# --- The checkpoint: the head of the chain, kept outside the database -------------------------


@dataclass(frozen=True)
class Head:
    """The chain's length and the hash of its last entry."""

    count: int
    hash: str


_process_lock = threading.Lock()


def _checkpoint_path() -> Path | None:
    path = getattr(settings, "AUDIT_CHECKPOINT", None)
    return Path(path) if path else None


def _seal(head: Head, key: bytes) -> str:
    return hmac.new(key, f"head:{head.count}:{head.hash}".encode(), hashlib.sha256).hexdigest()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        with _process_lock:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class CheckpointError(Exception):
    """The checkpoint file exists but cannot be trusted (unreadable, or its seal is wrong)."""


def read_checkpoint() -> Head | None:
    """The head last checkpointed; None when no checkpoint is configured or written yet."""
    path = _checkpoint_path()
    if path is None or not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        head = Head(int(data["count"]), str(data["hash"]))
        seal = str(data["seal"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"{path} is not a readable audit checkpoint: {exc}") from exc
    if not hmac.compare_digest(seal, _seal(head, _key())):
        raise CheckpointError(f"{path}: the checkpoint's seal does not match (edited?)")
    return head


def write_checkpoint(head: Head, *, force: bool = False) -> None:
    """Store ``head`` unless the stored one is further along (``force``: store it anyway)."""
    path = _checkpoint_path()
    if path is None:
        return
    key = _key()
    with _locked(path):
        if not force:
            with contextlib.suppress(CheckpointError):
                stored = read_checkpoint()
                if stored is not None and stored.count >= head.count:
                    return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(
                {
                    "count": head.count,
                    "hash": head.hash,
                    "at": timezone.now().isoformat(),
                    "seal": _seal(head, key),
                },
                f,
            )
        os.replace(tmp, path)


def current_head() -> Head:
    last = AuditEntry.objects.order_by("-id").first()
    return Head(last.seq, last.hash) if last else Head(0, GENESIS)


def checkpoint_now() -> Head:
    """Store the database's head as the checkpoint, even if it is behind the stored one.

    For an administrator after a restore from backup (the restored chain is shorter than the
    checkpoint on purpose); ``keleshek restore`` calls it and writes an audit entry after it.
    """
    head = current_head()
    write_checkpoint(head, force=True)
    return head


# --- Verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    reason: str


def verify_chain() -> list[ChainProblem]:
    """Recompute every hash in order and compare the end with the checkpoint.

    Returns where the chain is broken (empty list = intact). ``entry_id`` is 0 for a problem
    with the chain as a whole (entries missing at its end, an unreadable checkpoint).
    """
    key = _key()
    problems: list[ChainProblem] = []
    prev = GENESIS
    count = 0
    try:
        checkpoint = read_checkpoint()
    except CheckpointError as exc:
        problems.append(ChainProblem(0, str(exc)))
        checkpoint = None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.prev_hash != prev:
            problems.append(ChainProblem(entry.id, "previous hash does not match (row removed?)"))
        elif entry.seq != count:
            problems.append(
                ChainProblem(entry.id, f"position {entry.seq} where {count} was expected")
            )
        count = entry.seq  # one report per gap, not one per entry after it
        if not hmac.compare_digest(_digest(entry, key), entry.hash):
            problems.append(ChainProblem(entry.id, "content does not match its hash (edited?)"))
        if checkpoint is not None and count == checkpoint.count and entry.hash != checkpoint.hash:
            problems.append(
                ChainProblem(entry.id, "this entry is not the one checkpointed at this position")
            )
        prev = entry.hash
    if checkpoint is not None and count < checkpoint.count:
        problems.append(
            ChainProblem(
                0,
                f"the checkpoint records {checkpoint.count} entries, the database holds {count} "
                "(newest entries removed?)",
            )
        )
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
