"""The classifier's real codes for Markakol, Ulken Naryn and the 2022 transfer (ADR 0160).

A data migration: rows keep their primary keys, so schools, population, users' scopes and
plans stay attached to their units.
"""

from django.db import migrations


def forward(apps, schema_editor):
    from keleshek.territory import kato2022

    kato2022.apply(apps)


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
