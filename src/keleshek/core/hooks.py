"""After-commit notifications between layers, without lower layers importing higher ones.

A registry app (construction, intake) announces that records changed; a higher layer
(indicators) subscribes in its ``AppConfig.ready`` and refreshes what it maintains. The callback
runs after the surrounding transaction commits, never for a rolled-back change. This is the one
explicit side-effect channel (no Django signals carry business logic).
"""

from __future__ import annotations

import contextvars
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

RECORDS_CHANGED = "records.changed"
# One audited record was created, changed or deleted (``core.audit`` publishes it): finer than
# ``records.changed``, which sets off the indicators' refresh; the page cache listens to both.
RECORD_WRITTEN = "record.written"
# The indicators' maintained values were rewritten (``indicators.services``).
INDICATORS_REFRESHED = "indicators.refreshed"

_subscribers: dict[str, list[Callable[..., None]]] = defaultdict(list)
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
