"""«Комфортная школа» and «Келешек мектептері / мектебі» are one national project (ADR 0163).

Every funding share of the old name is moved to the one source; a project that had shares
under both names keeps one share, their sum (amounts added), so no money or place is lost.
"""

from decimal import Decimal

from django.db import migrations, models

OLD, NEW = "comfortable_school", "keleshek_mektebi"


def forward(apps, schema_editor):
    funding = apps.get_model("construction", "ProjectFunding")
    for old in funding.objects.filter(source=OLD).order_by("pk"):
        new = funding.objects.filter(project_id=old.project_id, source=NEW).first()
        if new is None:
            old.source = NEW
            old.save(update_fields=["source"])
            continue
        new.share = min(Decimal("1"), new.share + old.share)
        if old.amount is not None:
            new.amount = (new.amount or Decimal("0")) + old.amount
        new.save(update_fields=["share", "amount"])
        old.delete()


class Migration(migrations.Migration):
    dependencies = [("construction", "0001_initial")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="projectfunding",
            name="source",
            field=models.CharField(
                choices=[
                    (
                        "keleshek_mektebi",
                        "national project «Keleshek mektepteri» (formerly «Comfortable school»)",
                    ),
                    ("republican_budget", "republican budget"),
                    ("local_budget", "local budget"),
                    ("corporate_partner", "corporate social partnership"),
                ],
                max_length=30,
                verbose_name="funding source",
            ),
        ),
    ]
