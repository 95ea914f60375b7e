"""A scoped refresh (ADR 0202) leaves the table as a full refresh would, and touches only the
values that depend on the change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import transaction

from keleshek.construction.models import Project
from keleshek.core import hooks
from keleshek.indicators import services
from keleshek.indicators.models import Indicator, IndicatorValue, RefreshRun
from keleshek.indicators.services import Scope, refresh_indicators
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear
from keleshek.programmes.models import Industry, LabourDemand, Offering, Specialty
from keleshek.support.demo import ensure_programmes
from keleshek.support.models import Membership, MembershipState
from keleshek.support.tests.factories import pupil

from .factories import enrol, population, project, region, school, territory

pytestmark = pytest.mark.django_db

Y = 2025


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    """The factories' oblast (d1: town + village, d2: aul), and besides: a rural okrug in d2
    with a second aul, a town under d2 (an upper level below an upper level), a city of regional
    significance holding a school itself, colleges with programmes in both districts and the
    town (the specialty dimension is kept at the upper levels only), pupils in the registry
    with support memberships (the programme dimension, upper levels only too), population,
    labour demand at the oblast and at a district, and construction."""
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "640000000", "CURRENT_YEAR": Y}
    r = region(Y)
    okrug = territory("642040000", "rural_okrug", r.d2, name="Okrug")
    aul2 = territory("642040001", "settlement", okrug, name="Aul two")
    city = territory("643000000", "city", r.oblast, name="City", is_urban=True)
    # a district without records: most of the tree is not touched by one change
    d4 = territory("644000000", "district", r.oblast, name="District four")
    for k in range(1, 13):
        territory(f"6440300{k:02d}", "settlement", d4, name=f"Village {k}")
    e = school(city, "School E", year=Y, capacity=800, s1=700)
    f = school(aul2, "School F", year=Y, capacity=100, s1=60)
    town2 = territory("642050000", "city", r.d2, name="Town of the district", is_urban=True)
    h = school(town2, "School H", year=Y, capacity=400, s1=500, s2=20)
    enrol(h, Y, 10, 9, 8)
    InstitutionYear.objects.create(
        institution=r.a, year=Y - 1, design_capacity=600, pupils_shift1=1000
    )
    for inst, m, fem in ((r.a, 50, 48), (r.b, 20, 22), (r.c, 7, 6), (r.d, 4, 5), (e, 30, 31)):
        enrol(inst, Y, 1, m, fem)
        enrol(inst, Y, 5, m - 1, fem + 1)
        enrol(inst, Y - 1, 1, m + 2, fem)
    enrol(f, Y, 11, 3, 2)  # the only grade-11 pupils
    for terr in (r.town, r.village, r.aul, aul2):
        population(terr, Y, 6, 60, 55)
        population(terr, Y, 12, 40, 44)
    population(city, Y, 6, 70, 70)
    pupils = [
        pupil(inst, grade, birth_date=dt.date(Y - 6 - grade, 3, 1))
        for inst, grade in ((r.a, 1), (r.a, 5), (r.d, 1), (e, 2), (f, 10), (h, 3))
    ]
    # support programmes: eligible, enrolled and served by programme (an upper-only dimension)
    meals = {p.code: p for p in ensure_programmes()}["meals"]
    for p in pupils[:3]:
        Membership.objects.create(
            pupil=p, programme=meals, year=Y, school=p.school, state=MembershipState.ENROLLED
        )
    college = Institution.objects.create(kind="college", name_ru="College", settlement=r.town)
    college2 = Institution.objects.create(kind="college", name_ru="College 2", settlement=r.aul)
    ind = Industry.objects.create(code="t", name_ru="T")
    s1 = Specialty.objects.create(code="T1", isced_level=4, industry=ind, name_ru="Drones")
    s2 = Specialty.objects.create(code="T2", isced_level=4, industry=ind, name_ru="Logistics")
    college3 = Institution.objects.create(kind="college", name_ru="College 3", settlement=town2)
    for inst, spec, n in (
        (college, s1, 30),
        (college, s2, 20),
        (college2, s2, 15),
        (college3, s1, 12),
    ):
        Offering.objects.create(
            institution=inst,
            specialty=spec,
            year=Y,
            language="ru",
            launch_year=Y,
            state_seats=n,
            enrolled=n,
            graduates_expected=n // 3,
        )
    LabourDemand.objects.create(specialty=s2, territory=r.oblast, year=Y, demand=70)
    LabourDemand.objects.create(specialty=s1, territory=r.d2, year=Y, demand=10)
    project("p1", r.aul, places=200, stage=Project.Stage.UNDER_CONSTRUCTION, readiness=40)
    project("p2", r.village, places=150, stage=Project.Stage.COMMISSIONED, actual=dt.date(Y, 8, 20))
    refresh_indicators()
    # the world has values in the dimensions kept at the upper levels only
    for dim in ("specialty", "programme"):
        assert IndicatorValue.objects.filter(dimension=dim, territory=r.d2).exists(), dim
    return {"r": r, "e": e, "f": f, "aul2": aul2, "city": city, "college": college, "s1": s1}


def table() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    def r6(x: float | None) -> float | None:
        return None if x is None else round(x, 6)

    return {
        (i, t, inst, y, dim, cat): (r6(n), r6(d), r6(v))
        for i, t, inst, y, dim, cat, n, d, v in IndicatorValue.objects.values_list(
            *services.COLUMNS
        )
    }


def assert_scoped_equals_full(scope: Scope, years: list[int] | None = None) -> None:
    seen: list[frozenset[int] | None] = []
    real = services.compute_elements

    def spy(element_dims, ctx, tree=None):  # type: ignore[no-untyped-def]
        seen.append(ctx.territories)
        return real(element_dims, ctx, tree)

    with mock.patch.object(services, "compute_elements", spy):
        refresh_indicators(scope=scope, years=years, trigger="scoped")
    assert len(seen) == 1
    assert seen[0] is not None, "the refresh was not scoped"
    scoped = table()
    refresh_indicators(trigger="full")
    full = table()
    assert scoped.keys() - full.keys() == set(), "rows a full refresh does not have"
    assert full.keys() - scoped.keys() == set(), "rows missing after the scoped refresh"
    differ = {k: (scoped[k], full[k]) for k in full if scoped[k] != full[k]}
    assert differ == {}


def set_enrolment(inst: Institution, grade: int, sex: str, count: int, year: int = Y) -> None:
    Enrolment.objects.filter(institution=inst, year=year, grade=grade, sex=sex).update(count=count)


CHANGES: dict[str, Callable[[dict[str, Any]], Scope]] = {}


def change(fn: Callable[[dict[str, Any]], Scope]) -> Callable[[dict[str, Any]], Scope]:
    CHANGES[fn.__name__] = fn
    return fn


@change
def enrolment_changed(w: dict[str, Any]) -> Scope:
    set_enrolment(w["r"].a, 1, "M", 77)
    InstitutionYear.objects.filter(institution=w["r"].a, year=Y).update(pupils_shift2=10)
    return Scope(institutions=frozenset({w["r"].a.pk}))


@change
def pupil_moved_between_districts(w: dict[str, Any]) -> Scope:
    r = w["r"]
    from keleshek.support.models import Pupil

    p = Pupil.objects.filter(school=r.a).order_by("grade").first()
    assert p is not None
    p.school = w["f"]
    p.save()
    set_enrolment(r.a, 5, "F", 48)
    Enrolment.objects.create(institution=w["f"], year=Y, grade=5, sex="F", count=1)
    return Scope(institutions=frozenset({r.a.pk, w["f"].pk}))


@change
def school_created(w: dict[str, Any]) -> Scope:
    g = school(w["aul2"], "School G", year=Y, capacity=300, s1=310, s2=5)
    enrol(g, Y, 3, 150, 165)
    return Scope(institutions=frozenset({g.pk}))


@change
def school_deleted(w: dict[str, Any]) -> Scope:
    c = w["r"].c
    settlement = c.settlement_id
    Institution.objects.filter(pk=c.pk).delete()
    return Scope(territories=frozenset({settlement}))


@change
def school_closed_for_the_year(w: dict[str, Any]) -> Scope:
    e = w["e"]
    InstitutionYear.objects.filter(institution=e, year=Y).delete()
    Enrolment.objects.filter(institution=e, year=Y).delete()
    return Scope(institutions=frozenset({e.pk}))


@change
def values_to_zero_and_a_category_gone(w: dict[str, Any]) -> Scope:
    f, college = w["f"], w["college"]
    set_enrolment(f, 11, "M", 0)
    set_enrolment(f, 11, "F", 0)
    Offering.objects.filter(institution=college, specialty=w["s1"]).delete()
    return Scope(institutions=frozenset({f.pk, college.pk}))


@change
def school_moved_to_another_district(w: dict[str, Any]) -> Scope:
    e, city = w["e"], w["city"]
    Institution.objects.filter(pk=e.pk).update(settlement=w["r"].village)
    return Scope(institutions=frozenset({e.pk}), territories=frozenset({city.pk}))


@change
def district_level_record(w: dict[str, Any]) -> Scope:
    d2 = w["r"].d2
    LabourDemand.objects.filter(territory=d2).update(demand=25)
    return Scope(territories=frozenset({d2.pk}))


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_scoped_refresh_equals_a_full_one(world, name: str) -> None:  # type: ignore[no-untyped-def]
    scope = CHANGES[name](world)
    assert_scoped_equals_full(scope)


@pytest.mark.parametrize("name", ["enrolment_changed", "pupil_moved_between_districts"])
def test_scoped_refresh_of_one_year(world, name: str) -> None:  # type: ignore[no-untyped-def]
    scope = CHANGES[name](world)
    assert_scoped_equals_full(scope, years=[Y])


def test_scoped_refresh_leaves_other_districts_alone(world) -> None:  # type: ignore[no-untyped-def]
    r = world["r"]
    # a stored value of the other district, marked: a scoped refresh of d1 must not rewrite it
    mark = IndicatorValue.objects.filter(territory=r.aul, institution__isnull=True).first()
    assert mark is not None
    IndicatorValue.objects.filter(pk=mark.pk).update(numerator=-1.0)
    scope = CHANGES["enrolment_changed"](world)
    refresh_indicators(scope=scope, trigger="scoped")
    assert IndicatorValue.objects.get(pk=mark.pk).numerator == -1.0
    # while the changed school's settlement has the new figure: A 900 + 10, B 300
    town = IndicatorValue.objects.get(
        indicator=Indicator.objects.get(code="pupils"),
        territory=r.town,
        institution=None,
        year=Y,
        dimension="",
    )
    assert town.numerator == 910 + 300


def test_notice_with_units_refreshes_in_scope(
    world,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    a = world["r"].a
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        set_enrolment(a, 1, "M", 10)
        hooks.publish_on_commit(hooks.RECORDS_CHANGED, source="test", institutions=[a.pk])
    assert RefreshRun.objects.latest("id").trigger == "background:scoped"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hooks.publish_on_commit(hooks.RECORDS_CHANGED, source="test")
    assert RefreshRun.objects.latest("id").trigger == "background"
    many = list(range(1, 100))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hooks.publish_on_commit(hooks.RECORDS_CHANGED, source="test", institutions=many)
    assert RefreshRun.objects.latest("id").trigger == "background"


def test_a_scope_over_most_of_the_tree_refreshes_everything(world) -> None:  # type: ignore[no-untyped-def]
    seen: list[frozenset[int] | None] = []
    real = services.compute_elements

    def spy(element_dims, ctx, tree=None):  # type: ignore[no-untyped-def]
        seen.append(ctx.territories)
        return real(element_dims, ctx, tree)

    LabourDemand.objects.filter(territory=world["r"].oblast).update(demand=71)
    with mock.patch.object(services, "compute_elements", spy):
        refresh_indicators(scope=Scope(territories=frozenset({world["r"].oblast.pk})))
    assert seen == [None]
    scoped = table()
    refresh_indicators()
    assert table() == scoped
