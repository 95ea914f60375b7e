"""Public API reads from the page cache (core.pagecache, ADR 0193 and 0204).

An operation whose only authentication is ``public_auth``, called without an ``Authorization``
header, answers every caller alike: ``PublicAuth`` makes the request anonymous whatever session
cookie it carries, and the registries scope nothing for the anonymous. Such a GET is served
from the generation-keyed page store under the viewer ``api-anon``; the records-changed
channel moves the generation on, so the answer is never older than the records.

Everything else runs as before, on every request: a request with a token (valid or not: the
owner's scope can differ, a wrong token is a 401, and ``last_used_at`` is kept), any operation
that needs a token or a session, an operation with a throttle (none has one today: a stored
answer would skip its count), a write, a 4xx/5xx answer, and an answer whose render wrote an
audit entry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from keleshek.core import pagecache

from .auth import PublicAuth

VIEWER = "api-anon"


def _public_only(operation: Any) -> bool:
    callbacks = list(getattr(operation, "auth_callbacks", None) or [])
    return (
        bool(callbacks)
        and all(isinstance(cb, PublicAuth) for cb in callbacks)
        and not getattr(operation, "throttle_objects", None)
    )


def cached_public_read(
    run: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """A ninja "view" decorator (``api.add_decorator(..., mode="view")``): wraps an operation's
    ``run`` (authentication, validation, the view, serialisation)."""
    operation = getattr(run, "__self__", None)  # the bound Operation.run; else never cached

    @functools.wraps(run)
    def wrapper(request: HttpRequest, **kw: Any) -> HttpResponseBase:
        if (
            operation is None
            or not pagecache.enabled()
            or request.method not in ("GET", "HEAD")
            or "HTTP_AUTHORIZATION" in request.META
            or not _public_only(operation)
        ):
            return run(request, **kw)
        return pagecache.serve(request, VIEWER, lambda: run(request, **kw))

    return wrapper
