"""Issue 17, point 2: the fund per school and year (a floor, not a cap), the minimum payment,
applications with their checklist and consent, the collegial body's decision within working
days, approved applications as payment lines, the register in the bank format, paid, and
proof of purchase with uncovered amounts flagged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from keleshek.core.ids import make_iban, make_iin
from keleshek.core.models import AuditEntry
from keleshek.support import fund, selectors, services
from keleshek.support.models import (
    Application,
    Delivery,
    Membership,
    PaymentLine,
    PaymentRegister,
    Programme,
    Pupil,
)

from . import factories as f

pytestmark = pytest.mark.django_db
YEAR = 2025
IBAN = make_iban("KZ", "722C000012345678")
PARENT = make_iin(dt.date(1988, 4, 2), "F", 4321)
DOCS = ["application", "birth_certificate", "parent_id", "asp_certificate"]


def asp_child(reg: f.Region, **kw: Any) -> Pupil:
    child = f.pupil(reg.village_school, kw.pop("grade", 6), **kw)
    services.category_add(
        pupil=child, category="asp", valid_from=dt.date(2025, 9, 1), document="справка АСП"
    )
    return child


def apply(child: Pupil, **kw: Any) -> Application:
    args: dict[str, Any] = {
        "pupil": child,
        "year": YEAR,
        "category": "asp",
        "channel": "parent",
        "parent_name": "Ахметова Айгерим",
        "parent_iin": PARENT,
        "iban": IBAN,
        "documents": DOCS,
        "consent": True,
        "submitted_on": dt.date(2025, 9, 5),  # a Friday
    }
    args.update(kw)
    return services.application_submit(**args)


# --- the fund and the minimum payment ------------------------------------------------------


def test_the_fund_share_is_a_floor_not_a_cap(reg: f.Region) -> None:
    officer = f.user("support_officer", territory_=reg.district)
    school = reg.village_school  # maintenance budget 50,000,000: 1 % = 500,000
    assert selectors.fund_floor(school) == Decimal("500000.00")
    assert selectors.school_fund(school, YEAR) == Decimal("500000.00")  # none set: the floor
    with pytest.raises(ValidationError) as e:
        services.fund_set(school=school, year=YEAR, amount=Decimal("499999.99"), user=officer)
    assert e.value.code == "floor"
    services.fund_set(school=school, year=YEAR, amount=Decimal("500000"), user=officer)
    services.fund_set(school=school, year=YEAR, amount=Decimal("1500000"), user=officer)  # 3 %
    assert selectors.school_fund(school, YEAR) == Decimal("1500000")
    assert selectors.school_fund(school, YEAR + 1) == Decimal("500000.00")
    c = Client()
    c.force_login(officer)
    page = c.get("/ru/support/budget/", {"year": YEAR}).content.decode()
    assert "не менее 1 %" in page
    assert "1\xa0500\xa0000" in page  # grouped by the locale (a no-break space)


def test_minimum_payment_per_year_is_a_setting(settings: Any) -> None:
    assert selectors.min_payment(2025) == Decimal("46228")
    assert selectors.min_payment(2026) == Decimal("46228")  # the latest known year
    assert selectors.min_payment(2023) == Decimal("40567")
    settings.KELESHEK = {**settings.KELESHEK, "SUPPORT_MIN_PAYMENT": {2026: 50000}}
    assert selectors.min_payment(2026) == Decimal("50000")


# --- applications --------------------------------------------------------------------------


def test_working_days_skip_weekends_and_holidays() -> None:
    friday = dt.date(2025, 9, 5)
    assert fund.add_working_days(friday, 1) == dt.date(2025, 9, 8)
    assert fund.add_working_days(friday, 10) == dt.date(2025, 9, 19)
    assert fund.add_working_days(friday, 1, holidays=[dt.date(2025, 9, 8)]) == dt.date(2025, 9, 9)


def test_an_application_is_numbered_and_due_in_working_days(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    app = apply(asp_child(reg))
    assert app.number == f"{YEAR}-{app.pk:06d}"
    assert app.decide_by == dt.date(2025, 9, 19)  # 10 working days after Friday 5 September
    assert app.status == "submitted"
    assert AuditEntry.objects.filter(object_type="support.application").exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"consent": False}, "consent"),
        ({"category": "large_family"}, "category"),
        ({"parent_iin": "880402400000"}, "parent_iin"),
        ({"iban": "KZ87722C000012345678"}, "iban"),
        ({"iban": "KZ86125KZT500410010"}, "iban"),
        ({"documents": ["application", "birth_certificate", "parent_id"]}, "documents"),
        ({"parent_name": "  "}, "parent_name"),
    ],
)
def test_a_bad_application_is_refused_with_its_reason(
    reg: f.Region, progs: dict[str, Programme], change: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationError) as e:
        apply(asp_child(reg), **change)
    assert e.value.code == code
    assert not Application.objects.exists()


def test_the_checklist_depends_on_the_category(reg: f.Region, progs: dict[str, Programme]) -> None:
    assert set(fund.checklist("orphan")) == {
        "application",
        "birth_certificate",
        "parent_id",
        "guardianship",
    }
    with pytest.raises(ValidationError) as e, translation.override("en"):
        apply(asp_child(reg), category="orphan")  # the АСП certificate is not the guardianship
    assert "guardianship authority" in e.value.messages[0]


def test_one_open_application_per_child_and_year(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    child = asp_child(reg)
    apply(child)
    with pytest.raises(ValidationError) as e:
        apply(child)
    assert e.value.code == "duplicate"


# --- decisions, payment lines, the register ----------------------------------------------


def test_approval_makes_a_payment_line_and_enrols_refusal_needs_a_reason(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    officer = f.user("institution_operator", institution=reg.village_school)
    a, b = apply(asp_child(reg)), apply(asp_child(reg, grade=7), channel="school")
    services.application_decide(
        application=a, approve=True, decided_on=dt.date(2025, 9, 15), minutes="3", user=officer
    )
    with pytest.raises(ValidationError) as e:
        services.application_decide(
            application=b, approve=False, decided_on=dt.date(2025, 9, 15), minutes="3", user=officer
        )
    assert e.value.code == "reason"
    services.application_decide(
        application=b,
        approve=False,
        decided_on=dt.date(2025, 9, 15),
        minutes="3",
        user=officer,
        reason="доход семьи выше прожиточного минимума",
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.amount, b.status) == ("approved", Decimal("46228.00"), "refused")
    line = PaymentLine.objects.get()
    assert (line.application, line.register.month, line.iban, line.parent_iin) == (
        a,
        dt.date(2025, 9, 1),
        IBAN,
        PARENT,
    )
    assert Membership.objects.get(pupil=a.pupil, programme=progs["uniform"]).state == "enrolled"
    with pytest.raises(ValidationError) as e:  # decided once
        services.application_decide(
            application=a, approve=True, decided_on=dt.date(2025, 9, 16), minutes="4", user=officer
        )
    assert e.value.code == "state"


def test_approval_needs_the_category_on_1_october_at_least_the_minimum_and_the_fund(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    officer = f.user("support_officer", territory_=reg.district)
    late = f.pupil(reg.village_school, 6)
    services.category_add(
        pupil=late, category="asp", valid_from=dt.date(2025, 10, 2), document="справка"
    )
    app = apply(late)
    with pytest.raises(ValidationError) as e:
        services.application_decide(
            application=app,
            approve=True,
            decided_on=dt.date(2025, 10, 5),
            minutes="1",
            user=officer,
        )
    assert e.value.code == "category"
    assert "01.10.2025" in e.value.messages[0]
    app2 = apply(asp_child(reg))
    with pytest.raises(ValidationError) as e:
        services.application_decide(
            application=app2,
            approve=True,
            decided_on=dt.date(2025, 9, 15),
            minutes="1",
            user=officer,
            amount=Decimal("32000"),  # the old in-kind price: below the minimum
        )
    assert e.value.code == "amount"
    reg.village_school.maintenance_budget = Decimal("5000000")  # floor 50,000: one payment
    reg.village_school.save()
    app3 = apply(asp_child(reg))
    services.application_decide(
        application=app2, approve=True, decided_on=dt.date(2025, 9, 15), minutes="1", user=officer
    )
    with pytest.raises(ValidationError) as e:
        services.application_decide(
            application=app3,
            approve=True,
            decided_on=dt.date(2025, 9, 15),
            minutes="1",
            user=officer,
        )
    assert e.value.code == "fund"
    services.fund_set(
        school=reg.village_school, year=YEAR, amount=Decimal("100000"), user=officer
    )  # above the floor: fine
    services.application_decide(
        application=app3, approve=True, decided_on=dt.date(2025, 9, 15), minutes="1", user=officer
    )


def _approved(reg: f.Region, officer: Any, n: int) -> list[Application]:
    apps = []
    for i in range(n):
        app = apply(asp_child(reg), parent_name=f"Родитель {i}")
        services.application_decide(
            application=app,
            approve=True,
            decided_on=dt.date(2025, 9, 15),
            minutes="5",
            user=officer,
        )
        apps.append(app)
    return apps


def test_the_register_in_the_bank_format_then_paid_then_receipts(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    officer = f.user("support_officer", territory_=reg.district)
    apps = _approved(reg, officer, 2)
    register = PaymentRegister.objects.get()
    with pytest.raises(ValidationError):  # not sent to the bank yet
        services.register_mark_paid(register=register, paid_on=dt.date(2025, 9, 25), user=officer)
    data, name = services.register_export(register=register, fmt="csv", user=officer)
    assert name == f"register-{reg.village_school.bin}-2025-09.csv"
    text = data.decode("utf-8")
    assert not text.startswith("\ufeff")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == list(fund.REGISTER_COLUMNS)
    assert rows[1] == [
        "1",
        "Родитель 0",
        PARENT,
        IBAN,
        "46228.00",
        "KZT",
        "Помощь из фонда всеобуча на одежду, обувь и школьные принадлежности, 09.2025",
        apps[0].number,
    ]
    assert len(rows) == 3
    xlsx, _name = services.register_export(register=register, fmt="xlsx", user=officer)
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx)).active
    assert ws is not None
    assert ws.title == "2025-09"
    assert [c.value for c in ws[2]] == rows[1]
    assert (
        AuditEntry.objects.filter(action="export", object_type="support.paymentregister").count()
        == 2
    )
    # an approval after the export goes to next month's register
    late = _approved(reg, officer, 1)[0]
    assert PaymentLine.objects.get(application=late).register.month == dt.date(2025, 10, 1)
    # paid: every line a delivery of the fund's programme, counted by coverage
    assert (
        services.register_mark_paid(register=register, paid_on=dt.date(2025, 9, 25), user=officer)
        == 2
    )
    d = Delivery.objects.filter(membership__programme=progs["uniform"])
    assert d.count() == 2
    assert {x.amount for x in d} == {Decimal("46228.00")}
    cov = selectors.coverage(officer, progs["uniform"], year=YEAR)
    assert cov.total.delivered == 2
    assert cov.amount == Decimal("92456.00")
    api = Client()
    api.force_login(officer)
    out = api.get("/api/v1/support/coverage", {"programme": "uniform", "year": YEAR})
    assert out.status_code == 200, out.content
    assert (out.json()["total"]["delivered"], out.json()["amount"]) == (2, 92456.0)
    # receipts: one covers its payment, one falls short, the unpaid line is not listed yet
    l0, l1 = (PaymentLine.objects.get(application=a) for a in apps)
    services.receipt_record(
        line=l0,
        kind="itemised",
        issued_on=dt.date(2025, 9, 28),
        amount=Decimal("46228"),
        items="куртка, ботинки, рюкзак",
        user=officer,
    )
    services.receipt_record(
        line=l1, kind="scan", issued_on=dt.date(2025, 9, 29), amount=Decimal("30000"), user=officer
    )
    with pytest.raises(ValidationError) as e:
        services.receipt_record(
            line=l1,
            kind="itemised",
            issued_on=dt.date(2025, 9, 29),
            amount=Decimal("1"),
            user=officer,
        )
    assert e.value.code == "items"
    short = selectors.uncovered_payments(officer, year=YEAR)
    assert [(u.line, u.uncovered) for u in short] == [(l1, Decimal("16228.00"))]
