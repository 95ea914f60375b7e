from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import acting_as


def client_ip(request: HttpRequest) -> str | None:
    # The reverse proxy sets X-Forwarded-For; REMOTE_ADDR is the proxy itself then.
    fwd = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return fwd.split(",")[0].strip() if fwd else request.META.get("REMOTE_ADDR")


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
