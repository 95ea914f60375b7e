"""The ministry's capacity arithmetic (ADR 0162): places in two-shift education, the deficit
over them, schools over 300 places; emergency and three-shift as independent flags, and the
migration that turned the old single choice into them keeping every record."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from keleshek.institutions.capacity import (
    counts_as_large_school,
    places_free,
    places_short,
    places_two_shift,
)


def test_places_are_counted_in_two_shift_education():
    assert places_two_shift(600) == 1200
    # a school of 600 places with 1,100 pupils lacks nothing: they fit in two shifts
    assert places_short(1100, 600) == 0
    assert places_free(1100, 600) == 100
    # 1,300 pupils: 100 would need a third shift
    assert places_short(1300, 600) == 100
    assert places_free(1300, 600) == 0
    assert places_short(1300.0, 600.0) == 100.0


def test_national_indicators_count_new_schools_over_300_places():
    assert not counts_as_large_school(300)
    assert counts_as_large_school(301)


@pytest.mark.django_db(transaction=True)
def test_the_flags_migration_keeps_every_record_and_the_old_choice():
    executor = MigrationExecutor(connection)
    old = [("institutions", "0002_website_http_only")]
    executor.migrate(old)
    apps = executor.loader.project_state(old).apps
    territory = apps.get_model("territory", "Territory").objects.create(
        kato="630000000", level="oblast", name_ru="ВКО", path="/630000000/"
    )
    institution = apps.get_model("institutions", "Institution")
    year = apps.get_model("institutions", "InstitutionYear")
    made = {}
    for i, condition in enumerate(["normal", "emergency", "three_shift", "normal"]):
        inst = institution.objects.create(
            kind="school", name_ru=f"Школа {i}", settlement=territory, condition=condition
        )
        made[i] = inst.pk
        year.objects.create(
            institution=inst,
            year=2025,
            design_capacity=100,
            condition=condition,
            pupils_shift1=50,
            pupils_shift2=40 if i == 3 else 0,
            pupils_shift3=10 if i == 3 else 0,  # a third shift without the old choice saying so
            shifts=3 if i == 3 else 1,
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from keleshek.institutions.models import Institution, InstitutionYear

    assert Institution.objects.count() == InstitutionYear.objects.count() == 4
    flags = {
        i: (y.is_emergency, y.is_three_shift)
        for i, pk in made.items()
        for y in InstitutionYear.objects.filter(institution_id=pk)
    }
    assert flags == {0: (False, False), 1: (True, False), 2: (False, True), 3: (False, True)}
    assert [
        (s.is_emergency, s.is_three_shift)
        for s in Institution.objects.filter(pk__in=made.values()).order_by("pk")
    ] == [(False, False), (True, False), (False, True), (False, False)]
    # now a school can be both
    InstitutionYear.objects.filter(institution_id=made[2]).update(is_emergency=True)
    both = InstitutionYear.objects.get(institution_id=made[2])
    assert (both.is_emergency, both.works_three_shifts) == (True, True)
