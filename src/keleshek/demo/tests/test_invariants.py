"""Every generated figure of the demo agrees with every other (issue 16, point 2).

Over the whole demo region: registry pupils = enrolment = the indicators' pupils, school by
school; each programme's recipients ≤ eligible ≤ pupils of its territory and level; pupils
live where their school serves them (the catchment rule, ADR 0164); the schools have the
region's size bands and plausible staff; patronymics are grammatical for both sexes, in the
Russian and the Kazakh form; capacity flags and codes are consistent."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Sum

from keleshek.core.ids import kato_significant
from keleshek.demo.loader import DEMO_YEAR
from keleshek.indicators import selectors as indicators
from keleshek.institutions import catchment
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear
from keleshek.support import rules
from keleshek.support.demo import FIRST_M, KAZAKH_FIRST_M, russian_patronymic
from keleshek.support.models import Membership, MembershipState, Programme, Pupil
from keleshek.support.selectors import as_of_for, facts_for
from keleshek.territory.models import Territory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_registry_pupils_are_the_enrolment_and_the_indicators_pupils():
    registry = Counter(Pupil.objects.values_list("school_id", flat=True))
    enrolled = dict(
        Enrolment.objects.filter(year=DEMO_YEAR, institution__kind=Institution.Kind.SCHOOL)
        .values_list("institution_id")
        .annotate(n=Sum("count"))
    )
    shifts = {
        y.institution_id: y.pupils
        for y in InstitutionYear.objects.filter(year=DEMO_YEAR, institution__kind="school")
    }
    assert registry == Counter(enrolled)
    assert enrolled == shifts
    total = sum(registry.values())
    assert indicators.value("pupils", "630000000", DEMO_YEAR) == total


def _pupils_of(programme: Programme) -> int:
    qs = Pupil.objects.all()
    if programme.territory_id:
        qs = qs.filter(home_settlement__path__startswith=programme.territory.path)
    rule = programme.rule
    grades = rule.get("grade_between") if isinstance(rule, dict) else None
    if grades:
        qs = qs.filter(grade__gte=grades[0], grade__lte=grades[1])
    return qs.count()


def test_recipients_do_not_exceed_the_eligible_nor_the_eligible_the_pupils():
    pupils = Pupil.objects.all()
    for programme in Programme.objects.filter(active=True).order_by("code"):
        facts = facts_for(pupils, as_of=as_of_for(DEMO_YEAR), programmes=[programme])
        eligible = int(rules.evaluate(programme.rule, facts).sum())
        recipients = (
            Membership.objects.filter(
                programme=programme,
                year=DEMO_YEAR,
                state=MembershipState.ENROLLED,
                deliveries__isnull=False,
            )
            .values("pupil_id")
            .distinct()
            .count()
        )
        assert recipients <= eligible <= _pupils_of(programme), programme.code


def _catchment() -> tuple[dict[int, Institution], catchment.Catchment]:
    schools = {
        s.pk: s
        for s in Institution.objects.filter(
            kind=Institution.Kind.SCHOOL, status=Institution.Status.OPERATING
        ).select_related("settlement")
    }
    return schools, catchment.Catchment(
        catchment.School(
            s.pk,
            s.settlement_id,
            s.settlement.path[:21],
            s.lat,
            s.lon,
            s.grade_from or 0,
            11 if s.grade_to is None else s.grade_to,
            catchment.has_boarding(s.description_ru),
        )
        for s in schools.values()
    )


def test_pupils_live_where_their_school_serves_them():
    """A pupil lives in its school's settlement, within a walk of the school; or in a village
    with no school of its grade that this school serves: within a bus's reach, or beyond it
    from the school's boarding house (ADR 0164). Nobody lives "in Bobrovka" 7-18 km from the
    Bobrovka school."""
    schools, catch = _catchment()
    places = {t.pk: t for t in Territory.objects.filter(level=Territory.Level.SETTLEMENT)}
    far, wrong = [], []
    bussed = boarded = 0
    rows = Pupil.objects.filter(needs_review=False).values_list(
        "pk", "school_id", "grade", "home_settlement_id", "home_lat", "home_lon"
    )
    for pk, school_id, grade, home_id, lat, lon in rows:
        school = schools[school_id]
        if home_id == school.settlement_id:
            if lat is not None and catchment.km(lat, lon, school.lat, school.lon) > 3.5:
                far.append(pk)
            continue
        home = places[home_id]
        served = catch.serving(home.pk, home.path[:21], home.lat, home.lon, grade)
        if served is None or served.key != school_id:
            wrong.append(pk)
        elif catch.is_bussed(served, home.lat, home.lon):
            bussed += 1
        else:
            assert served.boarding, pk
            boarded += 1
        if lat is not None and catchment.km(lat, lon, home.lat, home.lon) > 1.0:
            far.append(pk)  # a home in a village, not kilometres from it
    assert not wrong, wrong[:10]
    assert not far, far[:10]
    assert 0 < boarded < bussed  # most ride a bus; a few board (B7 counts both as transported)


def test_schools_have_the_regions_shape():
    """About 380 schools, about half of them small rural schools of a few dozen pupils; several
    schools in every large settlement; staff a school of that size needs (ADR 0164)."""
    years = list(
        InstitutionYear.objects.filter(year=DEMO_YEAR, institution__kind="school").select_related(
            "institution__settlement"
        )
    )
    pupils = [y.pupils for y in years]
    assert 340 <= len(years) <= 420
    small = sum(1 for n in pupils if n < 100)
    assert 0.4 * len(years) <= small <= 0.6 * len(years)
    assert min(pupils) < 30
    assert 110_000 <= sum(pupils) <= 125_000  # the region's ~117 thousand pupils
    glubokoe = [
        y for y in years if y.institution.settlement.path.startswith("/630000000/634000000/")
    ]
    assert len(glubokoe) >= 30
    per_place = Counter(y.institution.settlement_id for y in years)
    crowd: Counter[int] = Counter()
    for y in years:
        crowd[y.institution.settlement_id] += y.pupils
    assert all(per_place[sid] >= 2 for sid, n in crowd.items() if n >= 2000)
    for y in years:
        ratio = y.pupils / y.teachers_headcount
        assert 2 <= ratio <= 20, (y.institution.name_ru, y.pupils, y.teachers_headcount)
    levels = Counter(y.institution.grade_to for y in years)
    assert levels[4] > 0
    assert levels[9] > 0
    assert levels[11] > levels[4]


def test_patronymics_are_grammatical_for_both_sexes():
    allowed = {
        (sex, form)
        for father in FIRST_M
        for sex in ("M", "F")
        for form in [russian_patronymic(father, sex)]
        + ([father + ("ұлы" if sex == "M" else "қызы")] if father in KAZAKH_FIRST_M else [])
    }
    seen = set(Pupil.objects.values_list("sex", "middle_name").distinct())
    assert seen <= allowed, sorted(seen - allowed)[:10]
    assert ("F", "Никитична") in allowed
    assert ("M", "Ильич") in allowed
    assert not any(m.endswith(("аович", "аовна", "яович", "яовна")) for _s, m in seen)


def test_codes_carry_their_parents_digits_and_the_flags_are_independent():
    for unit in Territory.objects.exclude(parent=None).select_related("parent"):
        assert unit.kato.startswith(kato_significant(unit.parent.kato)), unit.kato
    years = InstitutionYear.objects.filter(year=DEMO_YEAR, institution__kind="school")
    assert years.filter(is_emergency=True, is_three_shift=True).exists()
    assert not years.filter(pupils_shift3__gt=0, is_three_shift=False).exists()
