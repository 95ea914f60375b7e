"""Issue 17, point 1: the fund's five categories as the Rules define them, the collegial
body's decision as a record, re-verification before evidence expires, and eligibility judged
on 1 October of the school year with that date stated on every explanation."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from keleshek.support import selectors, services
from keleshek.support.models import (
    FUND_CATEGORIES,
    CollegialDecision,
    MembershipState,
    Programme,
    PupilCategory,
)

from . import factories as f

pytestmark = pytest.mark.django_db
YEAR = 2025


def test_the_fund_names_five_categories_and_not_large_families_or_special_needs() -> None:
    assert set(FUND_CATEGORIES) == {
        "asp",
        "below_subsistence",
        "orphan",
        "emergency",
        "collegial_decision",
    }


def test_large_family_alone_does_not_open_the_fund_but_the_decision_does(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    officer = f.user("support_officer", territory_=reg.district)
    child = f.pupil(reg.village_school, 7)
    services.category_add(
        pupil=child,
        category="large_family",
        evidence_date=dt.date(2025, 3, 1),
        document="справка о составе семьи № 1",
        verified_by=officer,
    )
    m = services.membership_enrol(pupil=child, programme=progs["uniform"], year=YEAR, user=officer)
    assert m.state == MembershipState.NOT_ELIGIBLE
    services.collegial_decision_record(
        school=reg.village_school,
        decided_on=dt.date(2025, 9, 12),
        number="2",
        members_present=5,
        pupils=[child],
        reason="многодетная семья",
        valid_from=dt.date(2025, 9, 1),
        valid_to=dt.date(2026, 6, 30),
        user=officer,
    )
    services.membership_set_state(membership=m, state="draft", reason="again", user=officer)
    m = services.membership_enrol(pupil=child, programme=progs["uniform"], year=YEAR, user=officer)
    assert m.state == MembershipState.ENROLLED
    pc = PupilCategory.objects.get(pupil=child, category="collegial_decision")
    d = CollegialDecision.objects.get()
    assert (pc.decision, pc.evidence_date, pc.source) == (d, dt.date(2025, 9, 12), "collegial")
    assert (d.school, d.number, d.members_present, list(d.categories.all())) == (
        reg.village_school,
        "2",
        5,
        [pc],
    )


def test_the_fifth_category_is_granted_only_by_a_decision(reg: f.Region) -> None:
    child = f.pupil(reg.village_school, 7)
    with pytest.raises(ValidationError) as e:
        services.category_add(
            pupil=child, category="collegial_decision", valid_from=dt.date(2025, 9, 1)
        )
    assert e.value.code == "decision"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"members_present": 2}, "quorum"),
        ({"number": " "}, "number"),
        ({"reason": ""}, "reason"),
        ({"valid_to": dt.date(2025, 8, 31)}, "dates"),
        ({"decided_on": dt.date(2026, 7, 1)}, "dates"),
        ({"pupils": []}, "pupils"),
        ({"other_school": True}, "school"),
    ],
)
def test_a_decision_without_quorum_number_reason_period_or_of_another_school_is_refused(
    reg: f.Region, change: dict, code: str
) -> None:
    child = f.pupil(reg.village_school, 7)
    args = {
        "school": reg.village_school,
        "decided_on": dt.date(2025, 9, 12),
        "number": "2",
        "members_present": 3,
        "pupils": [child],
        "reason": "причина",
        "valid_from": dt.date(2025, 9, 1),
        "valid_to": dt.date(2026, 6, 30),
    }
    if change.pop("other_school", False):
        args["pupils"] = [f.pupil(reg.uk_school, 7)]
    args.update(change)
    with pytest.raises(ValidationError) as e:
        services.collegial_decision_record(**args)
    assert e.value.code == code
    assert not CollegialDecision.objects.exists()
    assert not PupilCategory.objects.exists()


def test_a_fund_programme_refuses_a_rule_naming_large_families(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    admin = f.user("admin")
    with pytest.raises(ValidationError) as e:
        services.programme_rule_update(
            programme=progs["uniform"],
            rule={"category_in": ["asp", "large_family"]},
            user=admin,
            reason="x",
        )
    assert e.value.code == "fund_categories"
    # a programme outside the fund may still use the data
    services.programme_rule_update(
        programme=progs["city-transit"],
        rule={"category_in": ["large_family"]},
        user=admin,
        reason="x",
    )


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "eligible"),
    [
        (dt.date(2025, 10, 1), None, True),  # starts on the day
        (dt.date(2025, 10, 2), None, False),  # starts the day after
        (dt.date(2025, 1, 1), dt.date(2025, 10, 1), True),  # ends on the day
        (dt.date(2025, 1, 1), dt.date(2025, 9, 30), False),  # ended the day before
    ],
)
def test_eligibility_is_judged_on_1_october_and_the_date_is_stated(
    reg: f.Region,
    progs: dict[str, Programme],
    valid_from: dt.date,
    valid_to: dt.date | None,
    eligible: bool,
) -> None:
    child = f.pupil(reg.village_school, 7)
    services.category_add(
        pupil=child, category="asp", valid_from=valid_from, valid_to=valid_to, document="справка"
    )
    with translation.override("en"):
        statuses = {s.programme.code: s for s in selectors.pupil_programmes(child, year=YEAR)}
    for s in statuses.values():  # every explanation states the date
        assert s.explanation.text.startswith("eligibility judged on 01.10.2025")
    assert statuses["uniform"].explanation.ok is eligible
    assert statuses["meals"].explanation.ok is eligible  # grade 7: by the category


def test_imported_category_is_valid_from_its_evidence_not_today(reg: f.Region) -> None:
    child = f.pupil(reg.village_school, 7)
    with pytest.raises(ValidationError) as e:
        services.category_add(pupil=child, category="asp", document="справка")
    assert e.value.code == "valid_from"
    pc = services.category_add(
        pupil=child, category="asp", document="справка", evidence_date=dt.date(2025, 5, 4)
    )
    assert pc.valid_from == dt.date(2025, 5, 4)


def test_reverification_lists_categories_expiring_soon_but_not_those_renewed(
    reg: f.Region,
) -> None:
    officer = f.user("support_officer", territory_=reg.district)
    a, b, c = (f.pupil(reg.village_school, g) for g in (5, 6, 7))
    as_of = dt.date(2025, 10, 1)
    soon = services.category_add(
        pupil=a, category="asp", valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 10, 20)
    )
    # renewed from the next day: nothing to verify
    services.category_add(
        pupil=b, category="asp", valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 10, 20)
    )
    services.category_add(pupil=b, category="asp", valid_from=dt.date(2025, 10, 21))
    # far away: not yet
    services.category_add(
        pupil=c, category="asp", valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2026, 3, 1)
    )
    n, rows = selectors.categories_to_reverify(officer, as_of=as_of)
    assert (n, rows) == (1, [soon])


# --- point 3: meals by the rule --------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "category", "fed"),
    [
        (1, None, True),
        (4, None, True),
        (5, None, False),
        (5, "orphan", True),
        (11, "emergency", True),
        (8, "large_family", False),  # data, not a fund category
        (0, None, False),  # pre-school class
    ],
)
def test_meals_grades_1_to_4_all_and_5_to_11_the_fund_categories(
    reg: f.Region, progs: dict[str, Programme], grade: int, category: str | None, fed: bool
) -> None:
    child = f.pupil(reg.village_school, grade)
    if category:
        services.category_add(
            pupil=child, category=category, valid_from=dt.date(2025, 9, 1), document="док"
        )
    statuses = {s.programme.code: s for s in selectors.pupil_programmes(child, year=YEAR)}
    assert statuses["meals"].explanation.ok is fed


def test_meals_per_school_and_month_at_the_daily_cost_setting(
    reg: f.Region, progs: dict[str, Programme], settings: object
) -> None:
    settings.KELESHEK = {**settings.KELESHEK, "SUPPORT_MEAL_DAILY_COST": 700}  # type: ignore[attr-defined]
    officer = f.user("support_officer", territory_=reg.oblast)
    kids = [f.pupil(reg.village_school, g) for g in (1, 2, 3)] + [f.pupil(reg.uk_school, 2)]
    for k in kids:
        m = services.membership_enrol(pupil=k, programme=progs["meals"], year=YEAR, user=officer)
        services.delivery_record(
            membership=m, delivered_on=dt.date(2025, 10, 31), user=officer, quantity=20
        )
    # a November delivery is another month
    services.delivery_record(
        membership=m, delivered_on=dt.date(2025, 11, 28), user=officer, quantity=19
    )
    rows = {
        r.school: (r.fed, r.meal_days, r.cost)
        for r in selectors.meals_by_school(officer, year=YEAR, month=dt.date(2025, 10, 1))
    }
    assert rows == {
        reg.village_school: (3, 60, 42000),
        reg.uk_school: (1, 20, 14000),
    }
    c = Client()
    c.force_login(officer)
    body = c.get("/ru/support/meals/", {"year": YEAR, "month": "2025-10"}).content.decode()
    assert "42000" in body


def test_stored_rules_are_rewritten_by_the_law() -> None:
    from django.apps import apps

    mig = importlib.import_module("keleshek.support.migrations.0004_rules_by_the_law")
    meals = Programme.objects.create(code="m", kind="meals", name_ru="m", rule=mig.OLD_MEALS)
    fund = Programme.objects.create(
        code="u",
        kind="uniform",
        name_ru="u",
        funded_by_school_fund=True,
        rule={"category_in": ["asp", "large_family", "sen_disability"]},
    )
    other = Programme.objects.create(
        code="o", kind="other", name_ru="o", rule={"category_in": ["large_family"]}
    )
    mig.forward(apps, None)
    for p in (meals, fund, other):
        p.refresh_from_db()
    assert meals.rule == mig.NEW_MEALS
    assert fund.rule == {"category_in": ["asp"]}
    assert other.rule == {"category_in": ["large_family"]}
