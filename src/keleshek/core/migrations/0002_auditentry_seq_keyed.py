"""Audit entries get their position in the chain and an HMAC keyed outside the database (ADR 0135).

Entries written before this migration were hashed with plain SHA-256. The migration checks that
old chain first and refuses to go on if it is broken (the evidence stays as it was); an intact
chain is sealed again, in order, with the key of ``settings.AUDIT_KEY``.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


def _body(e, *, seq: bool) -> bytes:
    data = {
        "at": e.at.isoformat(),
        "actor": e.actor_id,
        "actor_name": e.actor_name,
        "ip": e.ip,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "summary": e.summary,
        "changes": e.changes,
        "prev": e.prev_hash,
    }
    if seq:
        data["seq"] = e.seq
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()


def seal(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    entries = list(AuditEntry.objects.using(schema_editor.connection.alias).order_by("id"))
    if not entries:
        return
    prev = GENESIS
    for e in entries:
        if e.prev_hash != prev or hashlib.sha256(_body(e, seq=False)).hexdigest() != e.hash:
            raise RuntimeError(
                f"audit entry {e.id} does not match the unkeyed chain: the log was altered before "
                "this upgrade; keep a copy of the database and investigate before migrating"
            )
        prev = e.hash
    key = settings.AUDIT_KEY
    key = key.encode() if isinstance(key, str) else bytes(key)
    prev = GENESIS
    for n, e in enumerate(entries, start=1):
        e.seq = n
        e.prev_hash = prev
        e.hash = hmac.new(key, _body(e, seq=True), hashlib.sha256).hexdigest()
        prev = e.hash
    AuditEntry.objects.using(schema_editor.connection.alias).bulk_update(
        entries, ["seq", "prev_hash", "hash"], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(default=0, verbose_name="position"),
        ),
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
