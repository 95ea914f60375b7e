"""Issue 17, point 6: the fund counts children helped and amounts paid — cash paid against
applications and the uniforms and shoes handed out in kind before (migrated, not lost) — per
school, district and region; the briefing, the coverage page and the API read the one count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client

from keleshek.support import selectors, services
from keleshek.support.help import help_from_records
from keleshek.support.models import (
    Delivery,
    FundHelp,
    Membership,
    PaymentRegister,
    Programme,
    Pupil,
)

from . import factories as f
from .test_fund import YEAR, _approved

pytestmark = pytest.mark.django_db
EARLIER = 2022  # a year of uniforms handed out in kind


def in_kind(
    pupil: Pupil, programme: Programme, *, year: int = EARLIER, amount: str = "32000"
) -> Delivery:
    """A delivery in kind as the product stored it before the fund paid cash: written
    directly, as the old data is, with no help record."""
    m, _ = Membership.objects.get_or_create(
        pupil=pupil,
        programme=programme,
        year=year,
        school=pupil.school,
        defaults={"state": "enrolled"},
    )
    return Delivery.objects.create(
        membership=m,
        delivered_on=dt.date(year, 8, 25),
        items={"uniform": "134", "shoes": "33"},
        amount=Decimal(amount),
    )


def paid_cash(reg: f.Region, n: int) -> list[Any]:
    officer = f.user("support_officer", territory_=reg.district)
    apps = _approved(reg, officer, n)
    register = PaymentRegister.objects.get(month=dt.date(2025, 9, 1))
    services.register_export(register=register, fmt="csv", user=officer)
    services.register_mark_paid(register=register, paid_on=dt.date(2025, 9, 25), user=officer)
    return apps


def test_the_migration_turns_in_kind_uniforms_into_help_with_their_value(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    a = f.pupil(reg.village_school, 3)
    b = f.pupil(reg.uk_school, 8)
    d1 = in_kind(a, progs["uniform"])
    d2 = in_kind(a, progs["uniform"], amount="12000")  # shoes given later the same year
    d3 = in_kind(b, progs["uniform"])
    meals = in_kind(b, progs["meals"], amount="5000")  # not the fund's: not help of the fund
    assert not FundHelp.objects.exists()

    assert help_from_records(django_apps) == (0, 3)

    rows = {h.delivery_id: h for h in FundHelp.objects.all()}
    assert set(rows) == {d1.pk, d2.pk, d3.pk}
    assert meals.pk not in rows
    h = rows[d1.pk]
    assert (h.kind, h.pupil, h.school, h.year, h.amount, h.given_on) == (
        "in_kind",
        a,
        reg.village_school,
        EARLIER,
        Decimal("32000.00"),
        dt.date(EARLIER, 8, 25),
    )
    assert Delivery.objects.filter(pk__in=[d1.pk, d2.pk, d3.pk]).count() == 3  # kept
    assert help_from_records(django_apps) == (0, 0)  # idempotent
    total = selectors.fund_helped_total(None, year=EARLIER)
    assert (total.children, total.amount) == (2, Decimal("76000.00"))  # a counted once
    assert (total.children_in_kind, total.children_cash) == (2, 0)


def test_the_migration_makes_cash_help_of_lines_already_paid(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    apps = paid_cash(reg, 2)
    FundHelp.objects.all().delete()  # as a database paid before the help records existed
    assert help_from_records(django_apps) == (2, 0)  # the paid lines' deliveries are not in kind
    help_ = FundHelp.objects.get(pupil=apps[0].pupil)
    assert help_.kind == "cash"
    assert help_.line is not None
    assert help_.line.application == apps[0]
    assert help_.delivery is not None
    assert help_.delivery.items["application"] == apps[0].number


def test_the_migration_runs_forward_and_back(transactional_db: None) -> None:
    """Migration 0008 forward from 0007 makes the records; back, they go and the deliveries
    stay (the migrator on the real migration graph)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("support", "0007_fund_help")])
    executor.loader.build_graph()
    old = executor.loader.project_state([("support", "0007_fund_help")]).apps
    Territory = old.get_model("territory", "Territory")
    Institution = old.get_model("institutions", "Institution")
    oblast = Territory.objects.create(
        kato="990000000", level="oblast", name_ru="О", path="/990000000/"
    )
    village = Territory.objects.create(
        kato="994010001",
        level="settlement",
        name_ru="С",
        parent=oblast,
        path="/990000000/994010001/",
    )
    school = Institution.objects.create(name_ru="Школа", kind="school", settlement=village)
    pupil = old.get_model("support", "Pupil").objects.create(
        last_name="Ахметов",
        first_name="Алихан",
        birth_date=dt.date(2012, 3, 1),
        sex="M",
        school=school,
        grade=5,
        home_settlement=village,
    )
    prog = old.get_model("support", "Programme").objects.create(
        code="uniform-old", kind="uniform", name_ru="Форма", unit_cost=32000
    )
    m = old.get_model("support", "Membership").objects.create(
        pupil=pupil, programme=prog, year=EARLIER, school=school, state="enrolled"
    )
    d = old.get_model("support", "Delivery").objects.create(
        membership=m, delivered_on=dt.date(EARLIER, 8, 25), amount=32000
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("support", "0008_fund_help_from_records")])
    assert FundHelp.objects.filter(delivery_id=d.pk, kind="in_kind", year=EARLIER).count() == 1
    executor = MigrationExecutor(connection)
    executor.migrate([("support", "0007_fund_help")])
    assert not FundHelp.objects.exists()
    assert Delivery.objects.filter(pk=d.pk).exists()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_paid_lines_and_in_kind_deliveries_are_counted_per_school_district_region(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    apps = paid_cash(reg, 2)  # village school, 46,228 each
    # the same school year: one child given shoes in kind too (counted once), one city child
    in_kind(apps[0].pupil, progs["uniform"], year=YEAR, amount="10000")
    city = f.pupil(reg.uk_school, 2)
    in_kind(city, progs["uniform"], year=YEAR, amount="32000")
    help_from_records(django_apps)
    by_school = {r.key: r for r in selectors.fund_helped(None, year=YEAR, by="school")}
    v = by_school[str(reg.village_school.pk)]
    assert (v.children, v.amount) == (2, Decimal("102456.00"))
    assert (v.children_cash, v.amount_cash, v.children_in_kind) == (2, Decimal("92456.00"), 1)
    assert v.label == reg.village_school.name
    assert by_school[str(reg.uk_school.pk)].children == 1
    districts = {r.key: r for r in selectors.fund_helped(None, year=YEAR, by="district")}
    assert districts[reg.district.kato].children == 2
    assert districts[reg.uk.kato].children == 1
    (region,) = selectors.fund_helped(None, year=YEAR, by="region")
    assert (region.key, region.children, region.amount) == (
        reg.oblast.kato,
        3,
        Decimal("134456.00"),
    )
    # scope: an officer of the district sees the district's children only
    officer = f.user("district_officer", territory_=reg.district)
    assert selectors.fund_helped_total(officer, year=YEAR).children == 2
    assert selectors.fund_helped_total(None, year=YEAR + 1).children == 0


def test_a_delivery_of_the_funds_programme_recorded_now_is_help_in_kind(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    op = f.user("institution_operator", institution=reg.village_school)
    child = f.pupil(reg.village_school, 4)
    m = Membership.objects.create(
        pupil=child, programme=progs["uniform"], year=YEAR, school=reg.village_school
    )
    services.membership_set_state(membership=m, state="enrolled", reason="тест", user=op)
    d = services.delivery_record(
        membership=m, delivered_on=dt.date(2025, 9, 2), user=op, amount=Decimal("46228")
    )
    assert FundHelp.objects.get(delivery=d).kind == "in_kind"


def test_briefing_api_and_coverage_page_show_children_helped_and_amounts(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    from keleshek.reports import render
    from keleshek.reports.selectors.support import support_facts

    paid_cash(reg, 2)
    earlier = f.pupil(reg.uk_school, 9)
    in_kind(earlier, progs["uniform"], year=YEAR, amount="32000")
    help_from_records(django_apps)
    sp = support_facts(YEAR)
    assert (sp.fund_children_helped, sp.fund_amount_paid) == (3, Decimal("124456.00"))
    assert {d.kato: d.values["children"] for d in sp.fund_by_district} == {
        reg.district.kato: 2,
        reg.uk.kato: 1,
    }
    from keleshek.reports import selectors as report_selectors

    text = render.render_text(report_selectors.briefing_facts(year=YEAR), "ru")
    assert "3 ребенка из уязвимых категорий получили помощь на школьную форму и обувь" in text
    assert "из фонда всеобуча — 124 тысячи тенге" in text

    officer = f.user("regional_analyst")
    c = Client()
    c.force_login(officer)
    out = c.get("/api/v1/support/fund/helped", {"year": YEAR, "by": "district"})
    assert out.status_code == 200, out.content
    body = out.json()
    assert (body["total"]["children_helped"], body["total"]["amount_paid"]) == (3, 124456.0)
    assert (body["total"]["children_cash"], body["total"]["children_in_kind"]) == (2, 1)
    assert {r["key"]: r["children_helped"] for r in body["rows"]} == {
        reg.district.kato: 2,
        reg.uk.kato: 1,
    }
    page = c.get(
        "/ru/support/coverage/", {"programme": "uniform", "year": YEAR, "by": "school"}
    ).content.decode()
    assert 'id="fund-help"' in page
    assert reg.village_school.name in page
    trace = c.get(f"/ru/reports/trace/fund/?year={YEAR}")
    assert trace.status_code == 200
    assert sorted(row[2] for row in trace.context["table"].rows) == [1, 2]


def test_the_dashboards_indicators_carry_children_helped_and_amounts(
    reg: f.Region, progs: dict[str, Programme], settings: Any
) -> None:
    from keleshek.indicators import selectors as indicators
    from keleshek.indicators.services import refresh_indicators, sync_definitions

    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": reg.oblast.kato, "CURRENT_YEAR": YEAR}
    paid_cash(reg, 2)
    in_kind(f.pupil(reg.uk_school, 9), progs["uniform"], year=YEAR, amount="32000")
    help_from_records(django_apps)
    sync_definitions()
    refresh_indicators()
    assert indicators.value("fund_children_helped", reg.oblast.kato, YEAR) == 3
    assert indicators.value("fund_children_helped", reg.district.kato, YEAR) == 2
    assert indicators.value("fund_amount_paid", reg.oblast.kato, YEAR) == pytest.approx(124456)
    c = Client()
    c.force_login(f.user("regional_analyst"))
    page = c.get(f"/ru/staff/t/{reg.oblast.kato}/", {"year": YEAR}).content.decode()
    assert "Дети, получившие помощь фонда всеобуча" in page
    assert "Выплачено из фонда всеобуча, тенге" in page
