"""The fund's help records from what is stored (ADR 0155): paid payment lines become cash help,
the uniform deliveries handed out in kind become help in kind with their value. The deliveries
and lines stay as they were; reversing deletes the help records only (running forward again
makes them anew), so nothing recorded is lost either way."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
    from keleshek.support.help import help_from_records

    help_from_records(apps)


def backward(apps: Any, schema_editor: Any) -> None:
    apps.get_model("support", "FundHelp").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0007_fund_help"),
    ]

    operations = [migrations.RunPython(forward, backward)]
