"""Recompute every stored pupil's name key and review flag with the one definition
(``support.derived``, ADR 0125): rows written by the importer before it kept neither the middle
name nor the folded Kazakh letters, and pupils without an IIN were not held for review."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def recompute(apps: Any, schema_editor: Any) -> None:
    from keleshek.support import derived

    Pupil = apps.get_model("support", "Pupil")
    batch: list[Any] = []
    rows = Pupil.objects.order_by("pk").only(
        "pk", "iin", "last_name", "first_name", "middle_name", "name_key", "needs_review"
    )
    for p in rows.iterator(chunk_size=5000):
        key = derived.name_key(p.last_name, p.first_name, p.middle_name)
        review = derived.needs_review(p.iin)
        if (key, review) != (p.name_key, p.needs_review):
            p.name_key, p.needs_review = key, review
            batch.append(p)
        if len(batch) >= 5000:
            Pupil.objects.bulk_update(batch, ["name_key", "needs_review"])
            batch = []
    if batch:
        Pupil.objects.bulk_update(batch, ["name_key", "needs_review"])


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
