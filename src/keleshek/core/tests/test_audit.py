from __future__ import annotations

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
    assert [p.entry_id for p in audit.verify_chain()] == [last.pk]


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
