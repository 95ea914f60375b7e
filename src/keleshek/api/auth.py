"""Authentication for the API: ``Authorization: Bearer <token>`` for integrators.

Two policies (ADR 0030):

* ``public_auth`` — public registries: anonymous callers are served; a caller who sends an
  Authorization header must send a valid token (a wrong token is a 401, never silently ignored).
* ``token_auth`` — restricted registries: a valid, unrevoked token of an active user is required;
  rows are then scoped with ``keleshek.core.scoping.scope_queryset`` for the token's owner.

``staff_auth`` (a token, or the session of a logged-in user with CSRF checked) is what the
staff-only routers of the domain apps (support, transport) are mounted with in ``main``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken
from .services import hash_token

# ``last_used_at`` is written at most this often per token, so reads stay reads.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def user_for_token(token: str) -> Any | None:
    """The active owner of an unrevoked token, or None. One query (plus a rare update)."""
    if not token or len(token) > 200 or "\x00" in token:
        return None
    row = (
        ApiToken.objects.select_related("owner", "owner__territory")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.owner.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.owner


class TokenAuth(HttpBearer):
    """Required bearer token; the request's ``auth`` (and ``user``) is the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class PublicAuth(TokenAuth):
    """Anonymous allowed; a presented token must be valid."""

    def __call__(self, request: HttpRequest) -> Any | None:
        header = request.headers.get(self.header)
        if not header:
            request.user = AnonymousUser()
            return request.user
        user = super().__call__(request)
        if user is None:
            raise AuthenticationError()
        return user


token_auth = TokenAuth()
public_auth = PublicAuth()
staff_auth = [token_auth, SessionAuth(csrf=True)]
