"""The audit log page (issue 15, point 2; ADR 0141): auditors and administrators filter the log
by user, action, object and date, page through it and export it; the export is itself audited;
nothing on the page writes to the log's entries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from keleshek.accounts.models import User
from keleshek.core import audit
from keleshek.core.models import AuditEntry

pytestmark = pytest.mark.django_db
TEN_DAYS = dt.timedelta(days=10)


def _user(role: str, name: str) -> User:
    return User.objects.create_user(name, password="pw-not-used-123", role=role)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def log() -> dict[str, User]:
    """A small log: two actors, a few actions and objects, two days."""
    alice, bob = _user("support_officer", "alice"), _user("district_officer", "bob")
    for i in range(3):
        audit.record("read_personal", object_type="support.pupil", object_id=f"{i}", user=alice)
    audit.record("export", object_type="institutions.institution", summary="x", user=bob)
    # an entry of ten days ago (the chain's hash covers ``at``: the clock is set back)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - TEN_DAYS):
        audit.record("update", object_type="support.pupil", object_id="7", user=bob)
    return {"alice": alice, "bob": bob}


def _rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>") - body.count("No entries match") - body.count("Подходящих")


def test_who_may_open_it(log: dict[str, User]) -> None:
    for role, status in (
        ("auditor", 200),
        ("regional_admin", 200),
        ("regional_analyst", 403),
        ("institution_operator", 403),
        ("support_officer", 403),
    ):
        c = _client(_user(role, f"u-{role}"))
        assert c.get("/kk/audit/").status_code == status, role
        assert c.get("/kk/audit/export.csv").status_code == status, role
    anonymous = Client().get("/kk/audit/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/kk/accounts/login/")


def test_filters(log: dict[str, User]) -> None:
    c = _client(_user("auditor", "auditor"))
    everything = _rows(c.get("/en/audit/").content.decode())
    assert everything == AuditEntry.objects.count()
    assert _rows(c.get("/en/audit/?user=alic").content.decode()) == 3
    assert _rows(c.get("/en/audit/?action=export").content.decode()) == 1
    assert _rows(c.get("/en/audit/?object_type=support.pupil").content.decode()) == 4
    assert _rows(c.get("/en/audit/?object_type=support.pupil&object_id=7").content.decode()) == 1
    today = timezone.localdate()
    since = (today - dt.timedelta(days=1)).isoformat()
    assert _rows(c.get(f"/en/audit/?object_type=support.pupil&since={since}").content.decode()) == 3
    until = (today - dt.timedelta(days=5)).isoformat()
    assert _rows(c.get(f"/en/audit/?until={until}").content.decode()) == 1
    # the object filter offers the model's name, not its label
    page = c.get("/ru/audit/").content.decode()
    assert 'value="support.pupil"' in page
    # a period that ends before it starts is refused with a message in the page's language
    bad = c.get(f"/ru/audit/?since={today.isoformat()}&until={until}")
    assert bad.status_code == 400
    assert "Первый день позже последнего" in bad.content.decode()


def test_pages(log: dict[str, User]) -> None:
    auditor = _user("auditor", "auditor")
    for i in range(60):
        audit.record("read_personal", object_type="support.pupil", object_id=f"p{i}", user=auditor)
    c = _client(auditor)
    first = c.get("/en/audit/?action=read_personal").content.decode()
    assert _rows(first) == 50
    assert "action=read_personal&amp;page=2" in first
    second = c.get("/en/audit/?action=read_personal&page=2").content.decode()
    assert _rows(second) == 63 - 50


def test_export_is_audited_and_follows_the_filter(log: dict[str, User]) -> None:
    auditor = _user("auditor", "auditor")
    c = _client(auditor)
    before = AuditEntry.objects.count()
    resp = c.get("/ru/audit/export.csv?user=alice")
    assert resp.status_code == 200
    text = b"".join(resp.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Когда", "Пользователь", "Действие"]
    assert len(rows) == 1 + 3
    assert {r[1] for r in rows[1:]} == {"alice"}
    # the export is written to the log, by whom and with which filter
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    assert (entry.action, entry.actor, entry.object_type) == ("export", auditor, "core.auditentry")
    assert entry.changes == {"user": "alice"}
    # and the chain still verifies
    assert audit.verify_chain() == []
    from openpyxl import load_workbook

    xlsx = c.get("/ru/audit/export.xlsx?action=export")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "Когда"
    # the earlier export (bob's) and the CSV export just made
    assert len(values) == 1 + 2


def test_read_only(log: dict[str, User]) -> None:
    c = _client(_user("regional_admin", "admin"))
    before = list(AuditEntry.objects.values_list("id", "hash"))
    assert c.post("/en/audit/", {"action": "delete"}).status_code == 405
    assert c.post("/en/audit/export.csv").status_code == 405
    assert c.get("/en/audit/export.docx").status_code == 404
    assert list(AuditEntry.objects.values_list("id", "hash")) == before


def test_an_auditor_does_not_read_a_childs_name_or_iin_in_summaries(log: dict[str, User]) -> None:
    """The log records searches and admin edits with what was typed; the page shows those in
    clear only to roles that read every personal field in clear (ADR 0132)."""
    audit.record(
        "read_personal", object_type="support.pupil", summary="search '160317500123'", user=None
    )
    audit.record(
        "read_personal", object_type="support.pupil", summary="search 'Nurlanova'", user=None
    )
    audit.record("export", object_type="institutions.institution", summary="file 160317500123")
    auditor = _client(_user("auditor", "auditor"))
    page = auditor.get("/en/audit/").content.decode()
    assert "160317500123" not in page
    assert "Nurlanova" not in page  # a name cannot be masked by pattern: the summary is hidden
    assert "hidden for your role" in page
    assert "16••••••••23" in page
    csv_text = b"".join(
        auditor.get("/en/audit/export.csv").streaming_content  # type: ignore[attr-defined]
    ).decode("utf-8-sig")
    assert "160317500123" not in csv_text
    assert "Nurlanova" not in csv_text
    admin = _client(_user("regional_admin", "admin"))
    assert "160317500123" in admin.get("/en/audit/").content.decode()
