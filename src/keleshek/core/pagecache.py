"""Cached pages that are never stale (ADR 0193).

A page wrapped in :func:`cached_page` is stored whole (status 200, body, headers) under a key made
of the cache *generation*, the language, the full path with its query, and the viewer: one entry
for every anonymous visitor, one per signed-in user (the site's frame names the user), with the
user's role and scope in the key, so a changed role never reads the old page. Nothing is shared
between two users, whatever their role or scope. A form's CSRF token is stored as a mark and
replaced on every read by the reader's own token.

Every committed change moves the generation on: the records-changed channel (``core.hooks``:
``records.changed``, ``record.written`` — which ``core.audit`` publishes for every audited
change — and ``indicators.refreshed``) calls :func:`invalidate` after the commit. A page stored
under an old generation is never read again (the generation is read *before* the page reads its
records, so a page rendered during a change is stored under the old one). The entries age out
after ``PAGE_CACHE_SECONDS`` as a backstop for what depends on the clock (the current school
year).

A page is not stored when it wrote an audit entry while rendering (a read of personal data must
be logged on every read), set a cookie, or showed or left a flash message. The store is
Django's ``pages`` cache: Redis in production (``KELESHEK_CACHE_REDIS_URL`` or
``KELESHEK_REDIS_URL``), else files under the work directory, shared by every worker process.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import translation

from . import hooks

CACHE_ALIAS = "pages"
GENERATION_KEY = "keleshek:pages:generation"
HEADER = "X-Keleshek-Cache"
# Headers stored with a page; the others (cookies, Vary, Content-Language...) are added again
# by the middleware on every response.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "X-Robots-Tag", "Link")
# A form's CSRF token ({% csrf_token %}) is stored as a mark and drawn anew for each reader.
TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
TOKEN_MARK = b"\x00keleshek-csrf\x00"

_uncacheable: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "keleshek_pagecache_uncacheable", default=None
)

F = TypeVar("F", bound=Callable[..., HttpResponseBase])


def enabled() -> bool:
    return bool(settings.KELESHEK.get("PAGE_CACHE", True))


def _cache() -> Any:
    return caches[CACHE_ALIAS]


def shared_token(cache: Any, key: str) -> str:
    """The random token stored under ``key``; the first reader makes it, and two first readers
    racing agree on one (``add`` keeps the first). Moving it on (``set`` a new one) makes every
    key built from it new at once, in every process sharing ``cache``."""
    token = cache.get(key)
    if token is None:
        token = secrets.token_hex(8)
        if not cache.add(key, token, timeout=None):
            token = cache.get(key) or token
    return str(token)


def generation() -> str:
    """The current generation; a fresh one is made the first time."""
    return shared_token(_cache(), GENERATION_KEY)


def invalidate(**_payload: object) -> None:
    """Every stored page is out of date: a new generation (a random one, so that two processes
    moving it on at once never land on the same value twice)."""
    _cache().set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def mark_uncacheable(reason: str) -> None:
    """Called while a page renders (``core.audit`` does for every entry): do not store it."""
    reasons = _uncacheable.get()
    if reasons is not None:
        reasons.append(reason)


@contextmanager
def _watch() -> Iterator[list[str]]:
    reasons: list[str] = []
    token = _uncacheable.set(reasons)
    try:
        yield reasons
    finally:
        _uncacheable.reset(token)


def _viewer(request: HttpRequest) -> str:
    """Who the page is drawn for: every anonymous visitor alike, else the user with their role
    and scope (the frame names the user; the menu follows the role)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anon"
    return ":".join(
        [
            "u",
            str(user.pk),
            str(getattr(user, "role", "")),
            str(getattr(user, "territory_id", "") or ""),
            str(getattr(user, "institution_id", "") or ""),
            "s" if user.is_superuser else "",
            "t" if user.is_staff else "",
        ]
    )


def _key(request: HttpRequest, viewer: str, gen: str) -> str:
    where = hashlib.sha256(
        f"{request.get_host()}|{request.get_full_path()}|{viewer}".encode()
    ).hexdigest()
    return f"keleshek:page:{gen}:{translation.get_language() or ''}:{where}"


def _has_messages(request: HttpRequest) -> bool:
    if not hasattr(request, "_messages"):
        return False
    storage = get_messages(request)
    return bool(getattr(storage, "used", False) or len(storage))


def serve(
    request: HttpRequest, viewer: str, render: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    """The stored answer for this request and viewer under the current generation, else
    ``render()``'s, stored when it may be (200, not streamed, no cookie, no audit entry written,
    no flash message shown or left). ``viewer`` must name everything besides the address and the
    language that the answer depends on ("anon" where it depends on nothing)."""
    cache = _cache()
    key = _key(request, viewer, generation())
    stored = cache.get(key)
    if stored is not None:
        status, content, headers, with_token = stored
        if with_token:  # this request's own CSRF token where the page had one
            content = content.replace(TOKEN_MARK, get_token(request).encode())
        hit = HttpResponse(content, status=status)
        for name, value in headers:
            hit[name] = value
        hit[HEADER] = "hit"
        return hit
    with _watch() as reasons:
        response = render()
    storable = (
        isinstance(response, HttpResponse)
        and not reasons
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not _has_messages(request)
    )
    if storable and isinstance(response, HttpResponse):
        headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
        content = response.content
        with_token = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        if with_token:
            content = TOKEN_FIELD.sub(rb"\1" + TOKEN_MARK + rb"\2", content)
        cache.set(
            key,
            (response.status_code, content, headers, with_token),
            timeout=int(settings.KELESHEK.get("PAGE_CACHE_SECONDS", 600)),
        )
        response[HEADER] = "miss"
    return response


def cached_page(view: F) -> F:
    """Serve the page from the cache while no record it could show has changed."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not enabled() or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if _has_messages(request):
            return view(request, *args, **kwargs)
        return serve(request, _viewer(request), lambda: view(request, *args, **kwargs))

    return cast(F, wrapper)


def connect() -> None:
    """Subscribe :func:`invalidate` to the records-changed channel (``CoreConfig.ready``)."""
    for topic in (hooks.RECORDS_CHANGED, hooks.RECORD_WRITTEN, hooks.INDICATORS_REFRESHED):
        hooks.subscribe(topic, invalidate)
