from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from .clientip import client_ip
from .context import acting_as
from .errors import database_unavailable

log = logging.getLogger("keleshek.db")


__all__ = ["DatabaseUnavailableMiddleware", "RequestContextMiddleware", "client_ip"]


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
