"""The support officer's flow in the browser: find a child, see why, record a delivery,
coverage; scope and masking on each page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from keleshek.core.models import AuditEntry
from keleshek.institutions.models import InstitutionYear
from keleshek.support import rules, selectors, services
from keleshek.support.models import Delivery, Membership, MembershipChange, Programme

from . import factories as f

pytestmark = pytest.mark.django_db
YEAR = 2025


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_officer_finds_child_sees_why_and_records_delivery(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    # given a grade-3 pupil in the village and an officer of that district
    child = f.pupil(reg.village_school, 3, last_name="Сериков", first_name="Алмас")
    officer = f.user("support_officer", territory_=reg.district)
    c = client_for(officer)
    # when the officer searches by name
    resp = c.get("/en/support/", {"q": "сери алм"})
    assert resp.status_code == 200
    assert resp.context["results"] == [child]
    # and by IIN
    assert c.get("/en/support/", {"q": child.iin}).context["results"] == [child]
    # then the child's page says why they qualify for meals, in words
    resp = c.get(f"/en/support/pupil/{child.uid}/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "grade 3 is within 1–4" in body
    assert (
        AuditEntry.objects.filter(
            action="read_personal", object_type="support.pupil", object_id=str(child.pk)
        ).count()
        == 1
    )
    # when the officer applies for meals, the rule enrols the child
    resp = c.post(f"/en/support/pupil/{child.uid}/enrol/meals/", {"year": YEAR, "reason": "x"})
    assert resp.status_code == 302
    m = Membership.objects.get(pupil=child, programme=progs["meals"])
    assert m.state == "enrolled"
    assert list(
        MembershipChange.objects.filter(membership=m).values_list("new_state", flat=True)
    ) == ["draft", "enrolled"]
    # and records a delivery
    resp = c.post(
        f"/en/support/membership/{m.pk}/deliver/",
        {"delivered_on": "2026-01-31", "quantity": "19", "items": "January"},
    )
    assert resp.status_code == 302
    d = Delivery.objects.get(membership=m)
    assert (d.quantity, d.amount, d.recorded_by) == (19, Decimal("12350.00"), officer)
    # and coverage for the district counts the child as covered
    resp = c.get("/en/support/coverage/", {"programme": "meals", "year": YEAR})
    report = resp.context["report"]
    assert (report.total.eligible, report.total.enrolled, report.total.delivered) == (1, 1, 1)


def test_not_eligible_child_is_not_enrolled_and_explained(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    child = f.pupil(reg.village_school, 7)
    officer = f.user("support_officer", territory_=reg.district)
    c = client_for(officer)
    body = c.get(f"/en/support/pupil/{child.uid}/").content.decode()
    assert "grade 7 is not within 1–4" in body
    c.post(f"/en/support/pupil/{child.uid}/enrol/uniform/", {"year": YEAR})
    m = Membership.objects.get(pupil=child, programme=progs["uniform"])
    assert m.state == "not_eligible"
    # a delivery to a not-eligible membership is refused and nothing is written
    c.post(f"/en/support/membership/{m.pk}/deliver/", {"delivered_on": "2025-09-01"})
    assert not Delivery.objects.filter(membership=m).exists()


def test_out_of_scope_child_is_404_and_not_audited(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    city_child = f.pupil(reg.uk_school, 2)
    officer = f.user("support_officer", territory_=reg.district)
    c = client_for(officer)
    assert c.get(f"/en/support/pupil/{city_child.uid}/").status_code == 404
    assert c.get("/en/support/", {"q": city_child.iin}).context["results"] == []
    before = Membership.objects.count()
    assert (
        c.post(f"/en/support/pupil/{city_child.uid}/enrol/meals/", {"year": YEAR}).status_code
        == 404
    )
    assert Membership.objects.count() == before
    assert not AuditEntry.objects.filter(
        object_id=str(city_child.pk), action="read_personal"
    ).exists()


def test_operator_sees_only_their_school(reg: f.Region, progs: dict[str, Programme]) -> None:
    mine = f.pupil(reg.village_school, 2)
    other = f.pupil(reg.uk_school, 2)
    op = f.user("institution_operator", institution=reg.village_school)
    assert list(selectors.pupils_for(op)) == [mine]
    c = client_for(op)
    assert c.get(f"/en/support/pupil/{mine.uid}/").status_code == 200
    assert c.get(f"/en/support/pupil/{other.uid}/").status_code == 404


def test_analyst_sees_counts_only(reg: f.Region, progs: dict[str, Programme]) -> None:
    f.pupil(reg.village_school, 2, last_name="Уникальный")
    analyst = f.user("district_officer", territory_=reg.district)
    c = client_for(analyst)
    resp = c.get("/en/support/coverage/", {"programme": "meals", "year": YEAR})
    assert resp.status_code == 200
    assert resp.context["report"].not_covered_count == 1
    assert "Уникальный" not in resp.content.decode()
    assert c.get("/en/support/").status_code == 403
    csv_resp = c.get("/en/support/coverage/", {"programme": "meals", "year": YEAR, "format": "csv"})
    assert "Уникальный" not in csv_resp.content.decode()
    assert AuditEntry.objects.filter(action="export", object_id="meals").count() == 1


def test_transit_is_territory_scoped(reg: f.Region, progs: dict[str, Programme]) -> None:
    city = f.pupil(reg.uk_school, 9)
    village = f.pupil(reg.village_school, 9)
    officer = f.user("support_officer", territory_=reg.oblast)
    report = selectors.coverage(officer, progs["city-transit"], year=YEAR)
    assert report.total.eligible == 1
    assert [n.pupil_id for n in report.not_covered] == [city.pk]
    assert village.pk not in [n.pupil_id for n in report.not_covered]


def test_rural_transport_by_distance_or_missing_school(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    near = f.pupil(reg.village_school, 5)
    far = f.pupil(reg.village_school, 5, home_lat=reg.village.lat + 0.05)  # ~5.6 km
    hamlet = f.pupil(reg.village_school, 5, home=reg.hamlet, home_lat=None, home_lon=None)
    town = f.pupil(reg.uk_school, 5, home_lat=reg.uk_settlement.lat + 0.05)
    facts = selectors.facts_for(
        selectors.pupils_for(f.user("support_officer", territory_=reg.oblast)),
        as_of=dt.date(2025, 10, 1),
    )
    eligible = rules.evaluate(progs["rural-transport"].rule, facts).tolist()
    mask = dict(zip(facts.pupil_ids.tolist(), eligible, strict=True))
    assert (mask[near.pk], mask[far.pk], mask[hamlet.pk], mask[town.pk]) == (
        False,
        True,
        True,
        False,
    )


def test_over_budget_delivery_is_flagged(reg: f.Region, progs: dict[str, Programme]) -> None:
    reg.village_school.maintenance_budget = Decimal("8000000")  # fund 1 % = 80,000
    reg.village_school.save()
    officer = f.user("support_officer", territory_=reg.district)
    flags = []
    for _ in range(2):
        child = f.pupil(reg.village_school, 6)
        services.category_add(pupil=child, category="orphan", valid_from=dt.date(2025, 1, 1))
        m = services.membership_enrol(
            pupil=child, programme=progs["uniform"], year=YEAR, user=officer
        )
        assert m.state == "enrolled"
        d = services.delivery_record(membership=m, delivered_on=dt.date(2025, 9, 1), user=officer)
        flags.append(d.over_budget)
    assert flags == [False, True]  # 46,228 fits; 92,456 does not
    budgets = selectors.school_budgets(officer, year=YEAR)
    assert budgets[0].school == reg.village_school
    assert budgets[0].over is True


def test_rule_change_is_validated_and_audited(reg: f.Region, progs: dict[str, Programme]) -> None:
    officer = f.user("support_officer", territory_=reg.district)
    c = client_for(officer)
    bad = c.post(
        "/en/support/programmes/meals/rule/", {"rule": '{"grade_between": [4, 1]}', "reason": "x"}
    )
    assert bad.status_code == 400
    ok = c.post(
        "/en/support/programmes/meals/rule/",
        {"rule": '{"grade_between": [1, 5]}', "reason": "extended to grade 5"},
    )
    assert ok.status_code == 302
    progs["meals"].refresh_from_db()
    assert progs["meals"].rule == {"grade_between": [1, 5]}
    entry = AuditEntry.objects.get(action="rule_change")
    assert entry.summary == "extended to grade 5"
    assert entry.changes["rule"][1] == {"grade_between": [1, 5]}


def test_double_enrolment_at_two_schools_is_caught(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    child = f.pupil(reg.village_school, 2)
    admin = f.user("regional_admin")
    first = services.membership_enrol(pupil=child, programme=progs["meals"], year=YEAR, user=admin)
    child.school = reg.uk_school  # moved, and the new school applies again
    child.save()
    second = services.membership_enrol(pupil=child, programme=progs["meals"], year=YEAR, user=admin)
    assert (first.state, second.state) == ("enrolled", "duplicated")


def test_list_pages_have_a_fixed_number_of_queries(
    reg: f.Region,
    progs: dict[str, Programme],
    django_assert_max_num_queries: Any,
) -> None:
    officer = f.user("support_officer", territory_=reg.district)
    c = client_for(officer)
    for n in range(3):
        f.pupil(reg.village_school, 2, last_name="Серикова", sex="F", first_name=f"Айым{n}")
    # whatever the number of children found or listed, the pages' query counts stay put
    with django_assert_max_num_queries(14):
        assert c.get("/en/support/", {"q": "Серикова"}).status_code == 200
    with django_assert_max_num_queries(20):
        assert (
            c.get("/en/support/coverage/", {"programme": "meals", "by": "school"}).status_code
            == 200
        )
    with django_assert_max_num_queries(12):
        assert c.get("/en/support/duplicates/").status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get("/en/support/budget/").status_code == 200


def test_officer_records_a_category_with_evidence_and_the_child_qualifies(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    child = f.pupil(reg.village_school, 8)
    # The region's school records are of 2025/26: the pages' current school year (ADR 0110).
    InstitutionYear.objects.create(institution=reg.village_school, year=YEAR, design_capacity=100)
    officer = f.user("support_officer", territory_=reg.district)
    c = client_for(officer)
    # a category without its document is refused and nothing is written
    c.post(
        f"/en/support/pupil/{child.uid}/category/",
        {"category": "orphan", "valid_from": "2025-01-10"},
    )
    assert not child.categories.exists()
    c.post(
        f"/en/support/pupil/{child.uid}/category/",
        {"category": "orphan", "document": "решение опеки № 5", "valid_from": "2025-01-10"},
    )
    cat = child.categories.get()
    assert (cat.category, cat.verified_by, cat.document) == ("orphan", officer, "решение опеки № 5")
    body = c.get(f"/en/support/pupil/{child.uid}/").content.decode()
    assert "has the category “orphan or without parental care”, valid on 2025-10-01" in body
