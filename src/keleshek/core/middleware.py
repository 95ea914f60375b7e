from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from .clientip import client_ip
from .context import acting_as
from .errors import bad_request, database_unavailable

log = logging.getLogger("keleshek.db")


__all__ = [
    "DatabaseUnavailableMiddleware",
    "QueryGuardMiddleware",
    "RequestContextMiddleware",
    "client_ip",
]

# Longest query string and path a page reads; far above what any form of the site produces.
MAX_QUERY = 4096


class QueryGuardMiddleware:
    """Refuses, with a 400, what no page can use and the database cannot store: a NUL in the
    path or in any query key or value, and an address longer than any the site makes (ADR 0138).
    Not under /api/: the API's schema validates its parameters and answers 422.
    Each page then checks its own parameters' types and ranges (``core.params``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return self.get_response(request)  # the API validates its own parameters (422)
        query = request.META.get("QUERY_STRING", "")
        if (
            "\x00" in request.path
            or len(request.path) > MAX_QUERY
            or len(query) > MAX_QUERY
            or any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists())
        ):
            return bad_request(request)
        return self.get_response(request)


class RequestContextMiddleware:
    """Makes the authenticated user and client IP available to services for auditing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
        with acting_as(user, client_ip(request), "web"):
            return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A database that is down or restarting gets the user a clear 503 page with Retry-After
    (the site's frame and the visitor's language, drawn without the database), not a server
    error. Services run in transactions, so nothing was half-written; Django opens a fresh
    connection on the next request, so the service recovers by itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        from django.db import connections

        log.warning("database unavailable", extra={"path": request.path, "error": str(exception)})
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        return database_unavailable(request)
