"""Every generated figure of the demo agrees with every other (issue 16, point 2).

Over the whole demo region: registry pupils = enrolment = the indicators' pupils, school by
school; each programme's recipients ≤ eligible ≤ pupils of its territory and level; pupils
live where their school serves them; patronymics are grammatical for both sexes, in the
Russian and the Kazakh form; capacity flags and codes are consistent."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from django.db.models import Sum

from keleshek.core.ids import kato_significant
from keleshek.demo.loader import DEMO_YEAR
from keleshek.indicators import selectors as indicators
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear
from keleshek.support import rules
from keleshek.support.demo import FIRST_M, KAZAKH_FIRST_M, russian_patronymic
from keleshek.support.models import Membership, MembershipState, Programme, Pupil
from keleshek.support.selectors import as_of_for, facts_for, school_grade_keys
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


def test_pupils_live_where_their_school_serves_them():
    keys = school_grade_keys()
    assert keys
    far = []
    for p in Pupil.objects.filter(needs_review=False).select_related("school", "home_settlement"):
        school = p.school
        if p.home_settlement_id != school.settlement_id:
            # another settlement of the school's district: one with no school of the pupil's
            # grade, or a neighbouring village within a school bus's reach
            home = p.home_settlement
            assert home.path[:21] == school.settlement.path[:21], p.pk
            if p.home_settlement_id * 16 + p.grade in keys:
                km = math.dist((home.lat, home.lon * 0.65), (school.lat, school.lon * 0.65)) * 111
                assert km <= 16, (p.pk, km)
            continue
        if p.home_lat is None or school.lat is None:
            continue
        km = math.dist((p.home_lat, p.home_lon * 0.65), (school.lat, school.lon * 0.65)) * 111
        if km > 3.5:
            far.append((p.pk, round(km, 1)))
    assert not far  # nobody lives "in" a village many kilometres from it


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
