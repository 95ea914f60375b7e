"""After-commit notifications between layers, without lower layers importing higher ones.

A registry app (construction, intake) announces that records changed; a higher layer
(indicators) subscribes in its ``AppConfig.ready`` and refreshes what it maintains. The callback
runs after the surrounding transaction commits, never for a rolled-back change. This is the one
explicit side-effect channel (no Django signals carry business logic).

The same registry also carries read-only contributions (ADR 0175): a lower layer's page
``gather`` what the higher layers ``provide`` for a topic (support's coverage shows transport's
cancelled days), as plain data, without importing them. A provider reads; it changes nothing.
"""

from __future__ import annotations

import contextvars
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

RECORDS_CHANGED = "records.changed"
# Its payload may say where (ADR 0202): ``institutions`` and/or ``territories`` (ids; name the
# settlement an institution left when it moved or closed), ``year`` or ``years``. A notice
# without ``institutions``/``territories`` means "anything may have changed" (a full refresh).
# One audited record was created, changed or deleted (``core.audit`` publishes it): finer than
# ``records.changed``, which sets off the indicators' refresh; the page cache listens to both.
RECORD_WRITTEN = "record.written"
# The indicators' maintained values were rewritten (``indicators.services``).
INDICATORS_REFRESHED = "indicators.refreshed"
# Days a programme's delivery did not happen (a cancelled school-bus day): each provider takes
# ``programme`` (code) and ``year`` (school year) and returns dicts with ``date``, ``reason``,
# ``place`` (words in the active language), ``territory`` (KATO path) and ``pupil_ids``.
DAYS_LOST = "coverage.days_lost"

_subscribers: dict[str, list[Callable[..., None]]] = defaultdict(list)
_providers: dict[str, list[Callable[..., list[Any]]]] = defaultdict(list)
_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("keleshek_hooks_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Bulk loaders (the demo) that refresh once at the end mute the per-change notices."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def subscribe(topic: str, fn: Callable[..., None]) -> None:
    if fn not in _subscribers[topic]:
        _subscribers[topic].append(fn)


def publish_on_commit(topic: str, **payload: Any) -> None:
    """Call every subscriber of ``topic`` once the current transaction has committed."""
    if _muted.get():
        return
    for fn in list(_subscribers[topic]):
        transaction.on_commit(lambda fn=fn: fn(**payload))  # type: ignore[misc]


def provide(topic: str, fn: Callable[..., list[Any]]) -> None:
    """Register a read-only contribution to ``topic`` (from an ``AppConfig.ready``)."""
    if fn not in _providers[topic]:
        _providers[topic].append(fn)


def gather(topic: str, **query: Any) -> list[Any]:
    """Every provider's contribution to ``topic`` for ``query``, in registration order."""
    out: list[Any] = []
    for fn in list(_providers[topic]):
        out.extend(fn(**query))
    return out
