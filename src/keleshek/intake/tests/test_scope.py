"""Who may import what: regional administrators everything, district officers and operators only
rows in their scope; every other role is refused, and a refused import changes nothing."""

from __future__ import annotations

import pytest

from keleshek.institutions.models import Enrolment, Institution
from keleshek.intake.services import export_registry, import_file

from .factories import bin_for, csv_bytes, user, write

pytestmark = pytest.mark.django_db

HEADER = ["bin", "year", "grade", "sex", "count"]


def _rows(world):  # type: ignore[no-untyped-def]
    return [
        HEADER,
        [world.school_a.bin, "2025", "1", "M", "30"],
        [world.school_b.bin, "2025", "1", "M", "40"],
    ]


def _enrolments() -> list[tuple[int, int]]:
    return list(Enrolment.objects.order_by("pk").values_list("institution_id", "count"))


def test_regional_admin_imports_everything(world, tmp_path):
    admin = user("adm", "regional_admin")
    run = import_file(
        registry="enrolment", path=write(tmp_path / "e.csv", csv_bytes(_rows(world))), user=admin
    )
    assert (run.status, run.new) == ("succeeded", 2)


def test_district_officer_rows_outside_the_district_are_errors(world, tmp_path):
    officer = user("off", "district_officer", territory=world.district_a)
    path = write(tmp_path / "e.csv", csv_bytes(_rows(world)))
    before = _enrolments()
    run = import_file(registry="enrolment", path=path, user=officer)
    assert run.status == "refused"
    assert [(e["row"], e["code"]) for e in run.first_errors] == [(3, "out_of_scope")]
    assert _enrolments() == before
    run = import_file(registry="enrolment", path=path, user=officer, partial=True)
    assert (run.status, run.new, run.invalid) == ("partial", 1, 1)
    assert _enrolments() == [*before, (world.school_a.pk, 30)]


def test_operator_only_their_institution(world, tmp_path):
    operator = user("op", "institution_operator", institution=world.school_a)
    run = import_file(
        registry="enrolment", path=write(tmp_path / "e.csv", csv_bytes(_rows(world))), user=operator
    )
    assert [(e["row"], e["code"]) for e in run.first_errors] == [(3, "out_of_scope")]
    assert not Enrolment.objects.filter(institution__in=[world.school_a, world.school_b]).exists()


def test_officer_cannot_take_over_another_districts_school(world, tmp_path):
    officer = user("off", "district_officer", territory=world.district_a)
    rows = [
        ["bin", "kind", "name_ru", "settlement"],
        [world.school_b.bin, "school", "Захвачена", "651010000"],
        [bin_for(77), "school", "Новая", "651010000"],
    ]
    before = list(Institution.objects.order_by("pk").values_list("pk", "name_ru", "settlement_id"))
    run = import_file(
        registry="institutions", path=write(tmp_path / "i.csv", csv_bytes(rows)), user=officer
    )
    assert [(e["row"], e["code"]) for e in run.first_errors] == [(2, "not_in_scope_existing")]
    after = list(Institution.objects.order_by("pk").values_list("pk", "name_ru", "settlement_id"))
    assert after == before


@pytest.mark.parametrize(
    "role",
    ["regional_analyst", "auditor", "support_officer", "transport_coordinator", "integrator", ""],
)
def test_other_roles_are_refused_and_nothing_changes(world, tmp_path, role):
    someone = user("u", role, territory=world.district_a)
    before = _enrolments()
    run = import_file(
        registry="enrolment", path=write(tmp_path / "e.csv", csv_bytes(_rows(world))), user=someone
    )
    assert run.status == "rejected"
    assert _enrolments() == before


def test_district_officer_may_not_import_reference_data(world, tmp_path):
    officer = user("off", "district_officer", territory=world.district_a)
    rows = [["code", "kind", "name_ru"], ["acme", "employer", "ACME"]]
    run = import_file(
        registry="partners", path=write(tmp_path / "p.csv", csv_bytes(rows)), user=officer
    )
    assert run.status == "rejected"
    from keleshek.partnerships.models import Partner

    assert not Partner.objects.filter(code="acme").exists()


def test_export_is_scoped_and_audited(world):
    from keleshek.core.models import AuditEntry

    officer = user("off", "district_officer", territory=world.district_a)
    before = AuditEntry.objects.filter(action="export").count()
    result = export_registry(registry="institutions", user=officer, fmt="csv", language="en")
    text = b"".join(result.stream or []).decode("utf-8-sig")
    assert world.school_a.bin in text
    assert world.school_b.bin not in text
    assert AuditEntry.objects.filter(action="export").count() == before + 1
