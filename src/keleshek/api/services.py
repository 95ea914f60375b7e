"""Writes for the API app: creating and revoking integrator tokens (audited)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from keleshek.core import audit
from keleshek.core.models import AuditEntry

from .models import ApiToken

TOKEN_PREFIX = "klsk_"  # noqa: S105 - a public marker, not a secret


def hash_token(token: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough: there is nothing to
    # brute-force, and lookups by hash stay one indexed query (ADR 0030).
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, owner: Any, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for ``owner``; returns the row and the plain token (shown only once)."""
    public = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{public}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        row = ApiToken.objects.create(
            owner=owner,
            name=name[:100],
            prefix=f"{TOKEN_PREFIX}{public}",
            token_hash=hash_token(token),
        )
        audit.record(
            AuditEntry.Action.CREATE,
            row,
            summary=f"API token {row.prefix} created for {owner.username}",
            changes={"owner": owner.pk, "name": name, "prefix": row.prefix},
        )
    return row, token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent: revoking twice keeps the first revocation time)."""
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().get(pk=token.pk)
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
            audit.record(
                AuditEntry.Action.UPDATE,
                row,
                summary=f"API token {row.prefix} revoked",
                changes={"revoked_at": [None, row.revoked_at]},
            )
    return row
