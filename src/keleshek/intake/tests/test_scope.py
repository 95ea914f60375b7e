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
    assert [(e["row"], e["code"]) for e in run.first_errors] == [(3, "not_found_in_scope")]
    assert _enrolments() == before
    run = import_file(registry="enrolment", path=path, user=officer, partial=True)
    assert (run.status, run.new, run.invalid) == ("partial", 1, 1)
    assert _enrolments() == [*before, (world.school_a.pk, 30)]


def test_operator_only_their_institution(world, tmp_path):
    operator = user("op", "institution_operator", institution=world.school_a)
    run = import_file(
        registry="enrolment", path=write(tmp_path / "e.csv", csv_bytes(_rows(world))), user=operator
    )
    assert [(e["row"], e["code"]) for e in run.first_errors] == [(3, "not_found_in_scope")]
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
    assert [(e["row"], e["code"]) for e in run.first_errors] == [(2, "not_found_in_scope")]
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


def _refusals(run):  # type: ignore[no-untyped-def]
    from keleshek.intake.pipeline import RowError

    errors = [RowError.from_dict(e) for e in run.first_errors]
    return [(e.column, e.code, e.message().replace(e.value, "<value>")) for e in errors]


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_not_yours_and_does_not_exist_read_the_same(world, tmp_path, lang):
    """Issue 14 point 8: a district officer learns nothing from a refused row about a record
    of another district — the school of district B and a BIN nobody has are refused alike
    (code, column and message), and so are a school of B and an unknown one as the key of the
    institutions registry (the first exists, the second would be new: what is refused is
    refused with the same words)."""
    from django.utils import translation

    officer = user("off", "district_officer", territory=world.district_a)
    nobody = bin_for(555)
    assert not Institution.objects.filter(bin=nobody).exists()
    with translation.override(lang):
        foreign = import_file(
            registry="enrolment",
            path=write(
                tmp_path / "f.csv", csv_bytes([HEADER, [world.school_b.bin, "2025", "1", "M", "4"]])
            ),
            user=officer,
        )
        unknown = import_file(
            registry="enrolment",
            path=write(tmp_path / "u.csv", csv_bytes([HEADER, [nobody, "2025", "1", "M", "4"]])),
            user=officer,
        )
        assert _refusals(foreign) == _refusals(unknown)
        assert _refusals(foreign)[0][1] == "not_found_in_scope"
        rows = [["bin", "kind", "name_ru", "settlement"]]
        taken = import_file(
            registry="institutions",
            path=write(
                tmp_path / "t.csv",
                csv_bytes([*rows, [world.school_b.bin, "school", "X", "651010000"]]),
            ),
            user=officer,
        )
        elsewhere = import_file(
            registry="institutions",
            path=write(
                tmp_path / "e.csv", csv_bytes([*rows, [nobody, "school", "X", "652010000"]])
            ),
            user=officer,
        )
        assert [r[1:] for r in _refusals(taken)] == [r[1:] for r in _refusals(elsewhere)]


def test_the_regional_administrator_still_reads_which_it_is(world, tmp_path):
    admin = user("adm", "regional_admin")
    run = import_file(
        registry="enrolment",
        path=write(tmp_path / "u.csv", csv_bytes([HEADER, [bin_for(555), "2025", "1", "M", "4"]])),
        user=admin,
    )
    assert [e["code"] for e in run.first_errors] == ["unknown_ref"]
