"""Login throttling and audit of logins, and that tampering with the audit chain is caught."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from keleshek.accounts.models import LoginFailure, User
from keleshek.core.audit import record, verify_chain
from keleshek.core.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"


@pytest.fixture
def alice() -> User:
    user = User.objects.create_user("alice", password="correct horse battery", role="auditor")
    return user


def _post(client: Client, password: str, ip: str = "10.0.0.1") -> int:
    resp = client.post(LOGIN, {"username": "alice", "password": password}, REMOTE_ADDR=ip)
    return resp.status_code


@override_settings(KELESHEK={"LOGIN_MAX_FAILURES": 3, "LOGIN_LOCKOUT_MINUTES": 15})
def test_lockout_after_n_failures_blocks_even_the_right_password(alice: User) -> None:
    client = Client()
    # given three wrong passwords from one address
    for _ in range(3):
        assert _post(client, "wrong") == 200
    row = LoginFailure.objects.get(username="alice", ip="10.0.0.1")
    assert row.failures == 3
    assert row.locked_until is not None
    # when the right password comes from the same address, it is refused
    assert _post(client, "correct horse battery") == 200
    assert "_auth_user_id" not in client.session
    # but the same user from another address may log in
    other = Client()
    assert _post(other, "correct horse battery", ip="10.0.0.2") == 302
    assert other.session["_auth_user_id"] == str(alice.pk)
    # and every failure and the lock are in the audit log
    failed = AuditEntry.objects.filter(action="login_failed", object_id="alice")
    assert failed.count() == 4
    assert failed.filter(summary__contains="locked out").count() == 2
    assert AuditEntry.objects.filter(action="login", actor=alice).count() == 1


@override_settings(KELESHEK={"LOGIN_MAX_FAILURES": 3, "LOGIN_LOCKOUT_MINUTES": 15})
def test_success_clears_the_failure_counter(alice: User) -> None:
    client = Client()
    assert _post(client, "wrong") == 200
    assert _post(client, "correct horse battery") == 302
    assert not LoginFailure.objects.filter(username="alice").exists()


def test_login_page_renders_in_each_language() -> None:
    for lang in ("ru", "kk", "en"):
        resp = Client().get(f"/{lang}/accounts/login/")
        assert resp.status_code == 200
        assert b'name="csrfmiddlewaretoken"' in resp.content


def test_logout_is_audited(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    resp = client.post("/en/accounts/logout/")
    assert resp.status_code == 302
    assert AuditEntry.objects.filter(actor=alice, summary="logged out").count() == 1


def test_audit_verify_detects_an_edited_entry() -> None:
    # given an intact chain
    first = record("update", object_type="x", object_id="1", summary="grade 3 -> 4")
    record("update", object_type="x", object_id="2", summary="second")
    assert verify_chain() == []
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    # when someone edits a row behind the application's back
    AuditEntry.objects.filter(pk=first.pk).update(summary="grade 3 -> 5")
    # then the check names that row
    problems = verify_chain()
    assert [p.entry_id for p in problems] == [first.pk]
    with pytest.raises(CommandError, match="audit chain broken: 1 problem"):
        call_command("audit_verify", stdout=io.StringIO(), stderr=io.StringIO())


def test_audit_verify_detects_a_deleted_entry() -> None:
    record("update", object_type="x", object_id="1")
    middle = record("update", object_type="x", object_id="2")
    last = record("update", object_type="x", object_id="3")
    AuditEntry.objects.filter(pk=middle.pk).delete()
    problems = verify_chain()
    assert [(p.entry_id, "row removed" in p.reason) for p in problems] == [(last.pk, True)]


@override_settings(KELESHEK={"LOGIN_MAX_FAILURES": 3, "LOGIN_LOCKOUT_MINUTES": 15})
@pytest.mark.parametrize("proxies", [0, 1])
def test_rotating_x_forwarded_for_does_not_lift_the_lockout(alice: User, proxies: int) -> None:
    from django.conf import settings

    settings.KELESHEK["TRUSTED_PROXIES"] = proxies
    client = Client()
    # with a proxy the connection comes from it and the proxy's own entry is last
    remote = "127.0.0.1" if proxies else "10.0.0.1"

    def post(password: str, n: int) -> int:
        xff = f"6.6.6.{n}" + (", 10.0.0.1" if proxies else "")
        resp = client.post(
            LOGIN,
            {"username": "alice", "password": password},
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=xff,
        )
        return resp.status_code

    for n in range(3):
        assert post("wrong", n) == 200
    assert post("correct horse battery", 99) == 200
    assert "_auth_user_id" not in client.session
    assert list(LoginFailure.objects.values_list("ip", flat=True)) == ["10.0.0.1"]


@pytest.mark.parametrize("xff", ["not-an-ip", "1.2.3.4'--", "\x00", "x" * 300])
def test_a_garbage_header_never_breaks_the_login_and_audits_a_valid_address(
    alice: User, xff: str
) -> None:
    with override_settings(KELESHEK={"TRUSTED_PROXIES": 1}):
        client = Client()
        resp = client.post(
            LOGIN,
            {"username": "alice", "password": "correct horse battery"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=xff,
        )
        assert resp.status_code == 302
        entry = AuditEntry.objects.filter(action="login", actor=alice).latest("id")
        assert entry.ip == "127.0.0.1"
        assert _post(Client(), "wrong") == 200
