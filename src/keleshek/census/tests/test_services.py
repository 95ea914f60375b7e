"""The census's services on a small world: datasets from their file, a form's values with
conflicts, rules on entry and on import, the approval chain and what approval writes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keleshek.census import services
from keleshek.census.models import DataElement, Dataset, Return, ReturnEvent, ValidationRule
from keleshek.core.models import AuditEntry
from keleshek.institutions.models import Enrolment, InstitutionYear

from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_definition_file_gives_three_datasets_and_loading_twice_changes_nothing() -> None:
    first = services.datasets_sync()
    second = services.datasets_sync()
    assert first == second
    assert set(Dataset.objects.values_list("code", flat=True)) == {
        "autumn",
        "meals-monthly",
        "transport-monthly",
    }
    autumn = Dataset.objects.get(code="autumn")
    # 12 grades × 2 sexes + the total, languages, shifts, staff, qualification, building, meals
    assert autumn.elements.filter(section="enrolment").count() == 25
    assert DataElement.objects.filter(dataset=autumn).count() == first.elements - 6
    assert autumn.rules.count() == 7
    g0 = autumn.elements.get(code="g0_f")
    assert (g0.name_ru, g0.name_kk, g0.name_en) == (
        "предшкольный класс, девочки",
        "мектепалды сынып, қыздар",
        "grade pre-school, girls",
    )
    assert g0.target == "enrolment:0:F"


def test_a_monthly_period_is_as_of_the_last_day_and_due_days_later() -> None:
    services.datasets_sync()
    meals = Dataset.objects.get(code="meals-monthly")
    period = services.period_open(dataset=meals, year=2026, month=10)
    assert (period.code, str(period.reference_date), str(period.due)) == (
        "2026-10",
        "2026-10-31",
        "2026-11-05",
    )
    assert period.school_year == 2026
    assert services.period_open(dataset=meals, year=2026, month=10) == period


def test_bad_values_write_nothing_and_say_what_is_wrong() -> None:
    w = f.world()
    ret = services.return_for(w.period, w.r.village_school)
    result = services.values_save(
        ret=ret,
        entries={
            "g1_m": services.Entry("12"),
            "g1_f": services.Entry("-3"),
            "condition": services.Entry("ruined"),
        },
        actor=w.operator,
    )
    assert set(result.errors) == {"g1_f", "condition"}
    assert not ret.values.exists()


def test_a_value_changed_on_both_sides_is_a_conflict_and_is_not_overwritten() -> None:
    w = f.world()
    ret = services.return_for(w.period, w.r.village_school)
    services.values_save(ret=ret, entries={"capacity": services.Entry("200")}, actor=w.operator)
    # The operator's offline copy starts from version 1; meanwhile someone sets 220 (version 2).
    services.values_save(
        ret=ret, entries={"capacity": services.Entry("220", base_version=1)}, actor=w.admin
    )
    result = services.values_save(
        ret=ret,
        entries={
            "capacity": services.Entry("210", base_version=1),
            "canteen_seats": services.Entry("60", base_version=None),
        },
        actor=w.operator,
    )
    assert [c.code for c in result.conflicts] == ["capacity"]
    assert (result.conflicts[0].yours, result.conflicts[0].theirs) == ("210", "220")
    assert result.saved == ["canteen_seats"]
    assert ret.values.get(element__code="capacity").value == "220"
    # The operator chooses theirs, now against version 2: written.
    again = services.values_save(
        ret=ret, entries={"capacity": services.Entry("210", base_version=2)}, actor=w.operator
    )
    assert again.saved == ["capacity"]
    assert not again.conflicts


def test_rules_are_checked_and_a_comment_explains_a_capacity_change() -> None:
    w = f.world()
    InstitutionYear.objects.create(
        institution=w.r.village_school, year=2025, design_capacity=200, pupils_shift1=100
    )
    ret = f.filled(w, g3_m=6, capacity=300, teachers_total=200)
    codes = {v.rule.code: v for v in services.violations(ret)}
    assert set(codes) == {
        "grades_add_up",
        "fewer_teachers_than_pupils",
        "qualification_adds_up",
        "capacity_change_explained",
    }
    assert codes["grades_add_up"].left == 121
    assert codes["grades_add_up"].right == 120
    assert not codes["fewer_teachers_than_pupils"].blocking  # a warning
    services.values_save(
        ret=ret,
        entries={"capacity": services.Entry("300", comment="a new wing opened in August")},
        actor=w.operator,
    )
    explained = {v.rule.code: v for v in services.violations(ret)}["capacity_change_explained"]
    assert explained.explained
    assert not explained.blocking


def test_the_chain_submit_return_approve_accept_and_what_approval_writes() -> None:
    w = f.world()
    ret = f.filled(w, g3_m=6)
    with pytest.raises(ValidationError) as err, translation.override("en"):
        services.return_submit(ret=ret, actor=w.operator)
    assert "The pupils by grade do not add up to the total" in err.value.messages
    services.values_save(ret=ret, entries={"g3_m": services.Entry("5")}, actor=w.operator)
    services.return_submit(ret=ret, actor=w.operator)
    with pytest.raises(ValidationError):  # locked once submitted
        services.values_save(ret=ret, entries={"g3_m": services.Entry("7")}, actor=w.operator)
    with pytest.raises(ValidationError):  # a return needs a comment
        services.return_send_back(ret=ret, comment=" ", actor=w.officer)
    services.return_send_back(ret=ret, comment="check grade 3", actor=w.officer)
    ret.refresh_from_db()
    assert (ret.status, ret.comment) == (Return.Status.RETURNED, "check grade 3")
    assert not InstitutionYear.objects.filter(institution=w.r.village_school).exists()
    services.values_save(
        ret=ret, entries={"teachers_total": services.Entry("20")}, actor=w.operator
    )
    services.return_submit(ret=ret, actor=w.operator)
    services.return_approve(ret=ret, actor=w.officer)
    year = InstitutionYear.objects.get(institution=w.r.village_school, year=2026)
    assert (year.design_capacity, year.pupils, year.teachers_headcount) == (200, 120, 20)
    assert year.teachers_fte == Decimal("22.5")
    assert Enrolment.objects.filter(institution=w.r.village_school, year=2026).count() == 24
    services.return_accept(ret=ret, actor=w.analyst)
    ret.refresh_from_db()
    assert ret.status == Return.Status.ACCEPTED
    assert list(ret.events.values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "approved",
        "accepted",
    ]


def test_unapproving_needs_a_reason_is_audited_and_reopens_the_form() -> None:
    w = f.world()
    ret = f.filled(w)
    services.return_submit(ret=ret, actor=w.operator)
    services.return_approve(ret=ret, actor=w.officer)
    with pytest.raises(ValidationError):
        services.return_unapprove(ret=ret, reason="", actor=w.officer)
    before = AuditEntry.objects.count()
    services.return_unapprove(ret=ret, reason="grade 5 was miscounted", actor=w.officer)
    ret.refresh_from_db()
    assert ret.status == Return.Status.RETURNED
    assert not ret.is_locked
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry is not None
    assert entry.changes["status"] == ["approved", "returned"]
    assert entry.changes["comment"] == "grade 5 was miscounted"
    assert ReturnEvent.objects.filter(ret=ret, to_status="returned").exists()


def test_an_import_is_checked_like_the_form_and_a_bad_row_writes_nothing() -> None:
    w = f.world()
    bin_ = w.r.village_school.bin
    rows = [{"bin": bin_, "element": k, "value": v} for k, v in f.good_values(g2_f=9).items()]
    bad = [*rows, {"bin": bin_, "element": "capacity", "value": "many"}]
    with translation.override("en"):
        result = services.values_import(period=w.period, rows=bad, actor=w.admin)
    assert result.errors == [f"row {len(bad) + 1}, capacity: a whole number of 0 or more"]
    assert not Return.objects.filter(values__isnull=False).exists()
    result = services.values_import(period=w.period, rows=rows, actor=w.admin)
    assert not result.errors
    assert result.returns == 1
    [found] = result.violations.values()
    assert [v.rule.code for v in found] == ["grades_add_up"]
    assert ValidationRule.objects.filter(code="grades_add_up").exists()


def test_a_rule_edited_as_data_is_checked_and_audited() -> None:
    from keleshek.census.models import Dataset

    services.datasets_sync()
    autumn = Dataset.objects.get(code="autumn")
    rule = ValidationRule(
        dataset=autumn,
        code="x",
        left="staff_admin",
        operator="<=",
        right="teachers_totl",
        message_ru="a",
        message_kk="b",
        message_en="c",
    )
    with pytest.raises(ValidationError) as err:
        services.rule_save(rule=rule)
    assert "right" in err.value.message_dict
    rule.right = "teachers_total"
    services.rule_save(rule=rule)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    assert entry.action == "rule_change"


def test_a_comment_alone_is_saved_and_audited() -> None:
    w = f.world()
    ret = services.return_for(w.period, w.r.village_school)
    services.values_save(ret=ret, entries={"capacity": services.Entry("200")}, actor=w.operator)
    services.values_save(
        ret=ret,
        entries={"capacity": services.Entry("200", comment="new wing", base_version=1)},
        actor=w.operator,
    )
    value = ret.values.get(element__code="capacity")
    assert (value.comment, value.version) == ("new wing", 2)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    assert entry.changes == {"capacity (comment)": ["", "new wing"]}
