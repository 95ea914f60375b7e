from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from keleshek.core import audit
from keleshek.core.context import acting_as
from keleshek.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_entries_chain_and_verify() -> None:
    start = AuditEntry.objects.count()
    a = audit.record("update", object_type="x.y", object_id="1", changes={"f": [1, 2]})
    b = audit.record("export", object_type="x.y", object_id="2", summary="csv")
    assert b.prev_hash == a.hash
    assert AuditEntry.objects.count() == start + 2
    assert audit.verify_chain() == []


def test_tampering_is_detected_by_the_command() -> None:
    audit.record("update", object_type="x.y", object_id="1", changes={"f": [1, 2]})
    e = audit.record("update", object_type="x.y", object_id="1", changes={"f": [2, 3]})
    AuditEntry.objects.filter(pk=e.pk).update(changes={"f": [2, 999]})
    problems = audit.verify_chain()
    assert [p.entry_id for p in problems] == [e.pk]
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("audit_verify")


def test_removed_row_is_detected() -> None:
    audit.record("update", object_type="x.y", object_id="1")
    mid = audit.record("update", object_type="x.y", object_id="2")
    last = audit.record("update", object_type="x.y", object_id="3")
    AuditEntry.objects.filter(pk=mid.pk).delete()
    assert {p.entry_id for p in audit.verify_chain()} == {last.pk}


@pytest.fixture
def checkpointed(settings, tmp_path: Path, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A checkpoint file of this test's own; appends commit (their callbacks run at once)."""
    settings.AUDIT_CHECKPOINT = tmp_path / "audit-head.json"

    def append(n: int) -> list[AuditEntry]:
        out = []
        for i in range(n):
            with django_capture_on_commit_callbacks(execute=True):
                out.append(audit.record("update", object_type="x.y", object_id=str(i)))
        return out

    return append


def _rehash_from(first: AuditEntry, key: bytes) -> None:
    """What a database writer would do: edit, then recompute every hash after the edit."""
    prev = first.prev_hash
    for e in AuditEntry.objects.filter(id__gte=first.id).order_by("id"):
        e.prev_hash = prev
        e.hash = hmac.new(key, audit._body(e), hashlib.sha256).hexdigest()
        AuditEntry.objects.filter(pk=e.pk).update(prev_hash=e.prev_hash, hash=e.hash)
        prev = e.hash


def test_hashes_are_keyed_with_the_secret_outside_the_database(settings) -> None:  # type: ignore[no-untyped-def]
    e = audit.record("update", object_type="x.y", object_id="1")
    assert (
        e.hash == hmac.new(settings.AUDIT_KEY.encode(), audit._body(e), hashlib.sha256).hexdigest()
    )
    assert e.hash != hashlib.sha256(audit._body(e)).hexdigest()


def test_edit_and_rehash_without_the_key_is_detected() -> None:
    audit.record("update", object_type="x.y", object_id="1")
    e = audit.record("update", object_type="x.y", object_id="2", changes={"f": [1, 2]})
    audit.record("update", object_type="x.y", object_id="3")
    AuditEntry.objects.filter(pk=e.pk).update(changes={"f": [1, 999]})
    e.refresh_from_db()
    # The attacker recomputes the chain with plain SHA-256 or with a guessed key: both fail.
    _rehash_from(e, b"guessed-key")
    problems = audit.verify_chain()
    assert problems
    assert problems[0].entry_id == e.pk
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("audit_verify")


def test_edit_and_rehash_with_the_key_passes_the_chain_but_not_the_checkpoint(
    checkpointed, settings
) -> None:  # type: ignore[no-untyped-def]
    entries = checkpointed(3)
    e = entries[1]
    AuditEntry.objects.filter(pk=e.pk).update(summary="nothing happened")
    e.refresh_from_db()
    _rehash_from(e, settings.AUDIT_KEY.encode())
    assert [p.reason for p in audit.verify_chain()] == [
        "this entry is not the one checkpointed at this position"
    ]


def test_deleting_the_newest_entries_is_detected_by_the_checkpoint(checkpointed) -> None:  # type: ignore[no-untyped-def]
    entries = checkpointed(4)
    assert audit.verify_chain() == []
    AuditEntry.objects.filter(pk__in=[entries[2].pk, entries[3].pk]).delete()
    problems = audit.verify_chain()
    assert [p.entry_id for p in problems] == [0]
    assert "checkpoint records" in problems[0].reason
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("audit_verify")


def test_deleting_the_newest_then_appending_is_detected(checkpointed) -> None:  # type: ignore[no-untyped-def]
    entries = checkpointed(3)
    AuditEntry.objects.filter(pk=entries[2].pk).delete()
    # A new entry takes the deleted one's position; the checkpoint does not move back for it.
    audit.record("update", object_type="x.y", object_id="new")
    problems = audit.verify_chain()
    assert [p.reason for p in problems] == [
        "this entry is not the one checkpointed at this position"
    ]


def test_deleting_a_middle_entry_is_detected(checkpointed) -> None:  # type: ignore[no-untyped-def]
    entries = checkpointed(4)
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    problems = audit.verify_chain()
    assert {p.entry_id for p in problems} == {entries[2].pk}
    assert len(problems) == 1


def test_the_checkpoint_only_moves_forward_and_is_sealed(checkpointed, settings) -> None:  # type: ignore[no-untyped-def]
    entries = checkpointed(2)
    path: Path = settings.AUDIT_CHECKPOINT
    stored = json.loads(path.read_text())
    assert (stored["count"], stored["hash"]) == (2, entries[1].hash)
    assert path.stat().st_mode & 0o777 == 0o600
    audit.write_checkpoint(audit.Head(1, entries[0].hash))  # a late commit of an older entry
    assert audit.read_checkpoint() == audit.Head(2, entries[1].hash)
    # Lowering the count in the file by hand breaks its seal.
    path.write_text(json.dumps({**stored, "count": 1, "hash": entries[0].hash}))
    problems = audit.verify_chain()
    assert [p.entry_id for p in problems] == [0]
    assert "seal" in problems[0].reason


def test_no_checkpoint_is_written_for_a_rolled_back_entry(checkpointed, settings) -> None:  # type: ignore[no-untyped-def]
    checkpointed(1)
    from django.db import transaction

    def append_then_fail() -> None:
        with transaction.atomic():
            audit.record("update", object_type="x.y", object_id="gone")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        append_then_fail()
    assert audit.read_checkpoint() is not None
    assert audit.read_checkpoint().count == 1  # type: ignore[union-attr]
    assert audit.verify_chain() == []


def test_command_reports_the_checkpoint_and_accepts_a_restored_head(checkpointed, capsys) -> None:  # type: ignore[no-untyped-def]
    entries = checkpointed(3)
    call_command("audit_verify")
    assert "checkpoint at 3 matches" in capsys.readouterr().out
    AuditEntry.objects.filter(pk=entries[2].pk).delete()  # as a restore from backup would
    call_command("audit_verify", "--accept-current-head")
    call_command("audit_verify")
    assert "checkpoint at 2 matches" in capsys.readouterr().out


def test_actor_and_ip_come_from_context(django_user_model) -> None:  # type: ignore[no-untyped-def]
    u = django_user_model.objects.create_user("aud1", password="x-Long-pass-1")
    with acting_as(u, "10.1.2.3", "web"):
        e = audit.record("read_personal", object_type="support.pupil", object_id="9")
    assert (e.actor_id, e.actor_name, e.ip) == (u.pk, "aud1", "10.1.2.3")


def test_diff_lists_changed_fields_only() -> None:
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
        "b": [2, 3],
        "c": [None, 4],
    }
