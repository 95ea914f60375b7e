"""API tokens: hashed at rest, shown once, revocable, audited; the management command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from keleshek.api.models import ApiToken
from keleshek.api.services import api_token_create, api_token_revoke, hash_token
from keleshek.core.models import AuditEntry

from .conftest import World, bearer, make_user


def test_token_is_stored_as_hash_only(db: None) -> None:
    user = make_user("tok-owner", "integrator")
    row, token = api_token_create(owner=user, name="etl")
    assert token.startswith(row.prefix + "_")
    assert row.token_hash == hash_token(token)
    assert not ApiToken.objects.filter(token_hash=token).exists()
    assert token not in str(list(ApiToken.objects.filter(pk=row.pk).values()))
    entry = AuditEntry.objects.filter(object_type="api.apitoken", object_id=str(row.pk)).get()
    assert entry.action == "create"
    assert token not in str(entry.changes)
    assert token not in entry.summary


def test_revoked_token_is_refused_and_revocation_audited(client: Client, world: World) -> None:
    user = make_user("tok-revoke", "integrator")
    row, token = api_token_create(owner=user)
    assert client.get("/api/v1/enrolment", **bearer(token)).status_code == 200
    api_token_revoke(token=row)
    api_token_revoke(token=row)  # idempotent
    assert client.get("/api/v1/enrolment", **bearer(token)).status_code == 401
    actions = list(
        AuditEntry.objects.filter(object_type="api.apitoken", object_id=str(row.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "update"]


def test_inactive_owner_token_is_refused(client: Client, world: World) -> None:
    user = make_user("tok-inactive", "integrator")
    token = api_token_create(owner=user)[1]
    user.is_active = False
    user.save()
    assert client.get("/api/v1/enrolment", **bearer(token)).status_code == 401


def test_last_used_is_recorded(client: Client, world: World) -> None:
    user = make_user("tok-used", "integrator")
    row, token = api_token_create(owner=user)
    assert row.last_used_at is None
    client.get("/api/v1/enrolment", **bearer(token))
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_command_creates_prints_once_lists_and_revokes(db: None) -> None:
    make_user("cli-integrator", "integrator")
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "create", "cli-integrator", "--name", "etl", stdout=out, stderr=err)
    token = out.getvalue().strip()
    row = ApiToken.objects.get(owner__username="cli-integrator")
    assert row.token_hash == hash_token(token)
    assert "shown once" in err.getvalue()
    listing = io.StringIO()
    call_command("api-token", "list", "cli-integrator", stdout=listing)
    assert row.prefix in listing.getvalue()
    assert token not in listing.getvalue()
    call_command("api-token", "revoke", row.prefix, stdout=io.StringIO())
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_command_refuses_unknown_user(db: None) -> None:
    with pytest.raises(CommandError, match="no user"):
        call_command("api-token", "create", "nobody-here", stdout=io.StringIO())
    assert not ApiToken.objects.exists()
