"""«Комфортная школа» and «Келешек мектептері / мектебі» are one national project (ADR 0163)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from keleshek.intake.registries import get
from keleshek.intake.registry import CellError


def test_a_file_with_the_old_name_is_read_as_the_one_source():
    column = get("project_funding").column("source")
    assert column.type.convert("comfortable_school") == "keleshek_mektebi"
    assert column.type.convert("keleshek_mektebi") == "keleshek_mektebi"
    with pytest.raises(CellError):
        column.type.convert("some_other_project")


@pytest.mark.django_db(transaction=True)
def test_the_national_projects_two_names_become_one_source_keeping_every_share():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    old = [("construction", "0001_initial")]
    executor.migrate(old)
    apps = executor.loader.project_state(old).apps
    place = apps.get_model("territory", "Territory").objects.create(
        kato="630000000", level="oblast", name_ru="ВКО", path="/630000000/"
    )
    project = apps.get_model("construction", "Project")
    funding = apps.get_model("construction", "ProjectFunding")
    both = project.objects.create(code="both", kind="new_school", name_ru="А", settlement=place)
    comfort = project.objects.create(code="comf", kind="new_school", name_ru="Б", settlement=place)
    funding.objects.create(
        project=both, source="keleshek_mektebi", share=Decimal("0.4"), amount=Decimal("40")
    )
    funding.objects.create(
        project=both, source="comfortable_school", share=Decimal("0.3"), amount=Decimal("30")
    )
    funding.objects.create(project=both, source="local_budget", share=Decimal("0.3"))
    funding.objects.create(project=comfort, source="comfortable_school", share=Decimal("1"))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from keleshek.construction.models import ProjectFunding

    rows = sorted(
        ProjectFunding.objects.values_list("project__code", "source", "share", "amount"),
        key=lambda r: (r[0], r[1]),
    )
    assert rows == [
        ("both", "keleshek_mektebi", Decimal("0.7"), Decimal("70")),
        ("both", "local_budget", Decimal("0.3"), None),
        ("comf", "keleshek_mektebi", Decimal("1"), None),
    ]
