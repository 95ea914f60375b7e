"""Who is acting and from where, for the audit log, set per request or per command."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any | None  # accounts.User, kept untyped to avoid importing models here
    ip: str | None = None
    via: str = "web"


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "keleshek_actor", default=None
)


def current_actor() -> Actor | None:
    return _current.get()


@contextmanager
def acting_as(user: Any | None, ip: str | None = None, via: str = "web") -> Iterator[Actor]:
    token = _current.set(Actor(user=user, ip=ip, via=via))
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)
