"""Complementary suppression on every public path (issue 14, point 2; ADR 0133).

A school with 3 pupils and 2 teachers is planted alone in a village of a rural okrug. Every
figure the public paths publish — the anonymous institution-years API, the open-data files, the
indicators API (totals, urban/rural breakdowns, shares and ratios) and the portal's home page —
is read back and written as a linear equation over the schools' records (each school's pupils
by shift, its teachers). The planted counts must not be published, and must not follow from
the published equations by any subtraction or other linear combination: the test checks that
with the rank of the system, not only one total minus its parts."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from django.test import Client

from keleshek.core.suppression import protect
from keleshek.indicators.services import refresh_indicators
from keleshek.institutions.models import Enrolment, Institution
from keleshek.portal.selectors import region_at_glance
from keleshek.territory.models import PopulationRecord, Territory

from . import factories as f

pytestmark = pytest.mark.django_db
Y = f.YEAR
SCHOOL = Institution.Kind.SCHOOL


def _determined(equations: list[dict[Any, float]], target: dict[Any, float]) -> bool:
    """Whether ``target`` (a linear form over the unknowns) is a combination of the published
    equations' forms, i.e. whether its value follows from what is published."""
    keys = sorted({k for e in equations for k in e} | set(target), key=str)
    index = {k: i for i, k in enumerate(keys)}
    a = np.zeros((len(equations), len(keys)))
    for r, e in enumerate(equations):
        for k, c in e.items():
            a[r, index[k]] = c
    t = np.zeros((1, len(keys)))
    for k, c in target.items():
        t[0, index[k]] = c
    if not equations:
        return False
    return bool(np.linalg.matrix_rank(np.vstack([a, t])) == np.linalg.matrix_rank(a))


def test_protect_along_a_tree_and_across_categories() -> None:
    """A 2 × 2 table with its margins: one small cell hides a whole rectangle (4 cells), so no
    row, column or total gives it back."""
    values = {
        ("a", "x"): 3,
        ("a", "y"): 40,
        ("b", "x"): 50,
        ("b", "y"): 60,
        ("a", ""): 43,
        ("b", ""): 110,
        ("", "x"): 53,
        ("", "y"): 100,
        ("", ""): 153,
    }
    sums = [
        (("a", ""), [("a", "x"), ("a", "y")]),
        (("b", ""), [("b", "x"), ("b", "y")]),
        (("", "x"), [("a", "x"), ("b", "x")]),
        (("", "y"), [("a", "y"), ("b", "y")]),
        (("", ""), [("a", ""), ("b", "")]),
        (("", ""), [("", "x"), ("", "y")]),
    ]
    hidden = protect(values, sums, 5)
    assert hidden == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}
    eqs = [dict.fromkeys(parts, 1.0) | {t: -1.0} for t, parts in sums]
    eqs += [{k: 1.0} for k in values if k not in hidden]
    assert not _determined(eqs, {("a", "x"): 1.0})
    # a relation with a small total and nothing else hidden: its parts stay (the total is
    # small, so each of them is too and is hidden by the first rule)
    assert protect({"t": 4, "p": 4, "q": 0}, [("t", ["p", "q"])], 5) == {"t", "p"}


def test_grades_and_school_levels_are_protected_together() -> None:
    """Pupils of primary school (published through the enrolment ratio) are grades 1-4: a
    grade's complement chosen outside the level would leave the small grade alone in that sum,
    so the joint table hides one more inside it."""
    from keleshek.indicators.selectors import _enrolment_sums

    grades = {1: 3, 2: 50, 3: 60, 4: 70, 5: 20}
    values: dict[Any, float | None] = {
        ("enrol_grade", "S", "grade", str(g)): n for g, n in grades.items()
    }
    values[("enrol_grade", "S", "", "")] = sum(grades.values())
    values[("enrol_primary", "S", "", "")] = 3 + 50 + 60 + 70
    within = [(("enrol_grade", "S", "", ""), [k for k in values if k[2] == "grade"])]
    alone = protect(values, within, 5)
    assert ("enrol_grade", "S", "grade", "5") in alone  # the smallest other grade: outside
    joint = protect(values, within + _enrolment_sums(values), 5)
    level = [("enrol_grade", "S", "grade", str(g)) for g in range(1, 5)]
    assert sum(k in joint for k in level) >= 2


@pytest.fixture
def world(settings) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    settings.KELESHEK = {
        **settings.KELESHEK,
        "PUBLIC_SUPPRESS_BELOW": 5,
        "OBLAST_KATO": "639900000",
    }
    t = f.tree()
    Territory.objects.filter(pk=t["city"].pk).update(is_urban=True)
    okrug = f.territory("639920200", "Тестовый о.", Territory.Level.RURAL_OKRUG, t["district"])
    a = f.territory("639920210", "Малая", Territory.Level.SETTLEMENT, okrug)
    b = f.territory("639920220", "Большая", Territory.Level.SETTLEMENT, okrug)
    schools = {
        "tiny": (a, 50, (3, 0, 0), 2),
        "b1": (b, 700, (560, 40, 0), 30),
        "b2": (b, 300, (250, 0, 0), 15),
        "c1": (t["village"], 1000, (900, 0, 0), 50),
        "u1": (t["city"], 1500, (1200, 300, 20), 70),
        "u2": (t["city"], 900, (800, 0, 0), 40),
    }
    made: dict[str, Institution] = {}
    for key, (place, capacity, (s1, s2, s3), teachers) in schools.items():
        inst = f.institution(place, kind=SCHOOL, name_ru=f"Школа {key}")
        f.school_year(
            inst,
            Y,
            capacity,
            s1,
            pupils_shift2=s2,
            pupils_shift3=s3,
            teachers_headcount=teachers,
            teachers_fte=teachers,
        )
        made[key] = inst
        # pupils by grade and sex that add up to the shifts (grade 1, 2, ... in turn)
        by_grade: dict[tuple[int, str], int] = defaultdict(int)
        for n in range(s1 + s2 + s3):
            by_grade[(1 + n % 11, "MF"[n % 2])] += 1
        Enrolment.objects.bulk_create(
            Enrolment(institution=inst, year=Y, grade=g, sex=sex, count=c)
            for (g, sex), c in by_grade.items()
        )
    # children of primary-school age in every place with a school (the bureau publishes them)
    for place in {a, b, t["village"], t["city"]}:
        for age in range(6, 10):
            for sex in "MF":
                PopulationRecord.objects.create(territory=place, year=Y, age=age, sex=sex, count=90)
    refresh_indicators(years=[Y])
    return {"t": t, "okrug": okrug, "a": a, "b": b, "schools": made}


def _csv(resp: Any) -> list[dict[str, str]]:
    text = b"".join(resp.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _values(client: Client, code: str, dimension: str = "") -> list[dict[str, Any]]:
    resp = client.get(
        "/api/v1/indicators/values",
        {"indicator": code, "year": Y, "dimension": dimension, "limit": 500},
    )
    assert resp.status_code == 200
    return list(resp.json()["items"])


def test_the_planted_school_cannot_be_read_nor_recovered(
    client: Client, world: dict[str, Any]
) -> None:
    schools: dict[str, Institution] = world["schools"]
    iid = {k: s.pk for k, s in schools.items()}
    by_name = {s.name_ru: s.pk for s in schools.values()}
    path = {
        s.pk: Territory.objects.get(pk=s.settlement_id).path.strip("/").split("/")
        for s in schools.values()
    }
    urban = {s.pk: s.settlement_id == world["t"]["city"].pk for s in schools.values()}

    def shifts(i: int, which: tuple[int, ...] = (0, 1, 2)) -> dict[Any, float]:
        return {("s", i, k): 1.0 for k in which}

    def under(kato: str, area: str = "") -> list[int]:
        return [
            i for i, p in path.items() if kato in p and (not area or (area == "urban") == urban[i])
        ]

    def territory_form(kato: str, area: str, which: tuple[int, ...]) -> dict[Any, float]:
        form: dict[Any, float] = {}
        for i in under(kato, area):
            form |= shifts(i, which)
        return form

    pupils_eqs: list[dict[Any, float]] = []  # forms over ("s", school, shift)
    teacher_eqs: list[dict[Any, float]] = []  # forms over ("t", school)
    tiny = iid["tiny"]

    # 1. The anonymous API: institution-years
    rows = client.get("/api/v1/institution-years", {"year": Y, "limit": 500}).json()["items"]
    for r in rows:
        i = r["institution_id"]
        if r["pupils"] is not None:
            pupils_eqs.append(shifts(i))
        for k in range(3):
            if r[f"pupils_shift{k + 1}"] is not None:
                pupils_eqs.append(shifts(i, (k,)))
        if r["teachers_headcount"] is not None or r["teachers_fte"] is not None:
            teacher_eqs.append({("t", i): 1.0})
        if i == tiny:
            assert (r["pupils"], r["pupils_shift1"]) == (None, None)
            assert (r["teachers_headcount"], r["teachers_fte"]) == (None, None)

    # 2. Open data: schools and districts
    for r in _csv(client.get("/ru/open-data/schools.csv", {"year": Y})):
        i = by_name[r["name_ru"]]
        if r["pupils"]:
            pupils_eqs.append(shifts(i))
        if r["teachers"]:
            teacher_eqs.append({("t", i): 1.0})
        if i == tiny:
            assert (r["pupils"], r["teachers"]) == ("", "")
    for r in _csv(client.get("/ru/open-data/districts.csv", {"year": Y})):
        if r["pupils"]:
            pupils_eqs.append(territory_form(r["kato"], "", (0, 1, 2)))

    # 3. The indicators API: totals and urban/rural, counts, shares and ratios
    published: dict[tuple[str, str, str, str], float] = {}
    for code in ("pupils", "capacity", "shift23_pupils", "shift3_pupils", "utilisation"):
        for dim in ("", "area"):
            for r in _values(client, code, dim):
                if r["value"] is not None:
                    published[(code, r["kato"], dim, r["category"])] = r["value"]
    for code in ("shift23_share", "pupil_teacher_ratio"):
        for r in _values(client, code):
            if r["value"] is not None:
                published[(code, r["kato"], "", "")] = r["value"]
    # pupils by grade: the grades of a school add up to its shifts (anyone knows that)
    for i in path:
        pupils_eqs.append(
            {("g", i, g): 1.0 for g in range(1, 12)} | {("s", i, k): -1.0 for k in range(3)}
        )
    grade_cells = 0
    for dim in ("", "grade"):
        for r in _values(client, "pupils_by_grade", dim):
            if r["value"] is None:
                continue
            grade_cells += 1
            grades = range(1, 12) if not dim else [int(r["category"])]
            pupils_eqs.append({("g", i, g): 1.0 for i in under(r["kato"]) for g in grades})
            assert not 0 < r["value"] < 5
    assert grade_cells > 20  # the breakdown is published where it is safe
    # the gross enrolment ratio in primary times the published population: grades 1-4
    ratios = 0
    for r in _values(client, "ger_primary"):
        if r["value"] is not None:
            ratios += 1
            pupils_eqs.append({("g", i, g): 1.0 for i in under(r["kato"]) for g in range(1, 5)})
    assert ratios > 3
    small_cells = 0
    for (code, kato, dim, cat), v in published.items():
        if code == "pupils" or (
            code == "utilisation" and ("capacity", kato, dim, cat) in published
        ):
            pupils_eqs.append(territory_form(kato, cat, (0, 1, 2)))
        elif code == "shift23_pupils" or (
            code == "shift23_share" and ("pupils", kato, dim, cat) in published
        ):
            pupils_eqs.append(territory_form(kato, cat, (1, 2)))
        elif code == "shift3_pupils":
            pupils_eqs.append(territory_form(kato, cat, (2,)))
        elif code == "pupil_teacher_ratio" and ("pupils", kato, "", "") in published:
            teacher_eqs.append({("t", i): 1.0 for i in under(kato)})
        if code in ("pupils", "shift23_pupils", "shift3_pupils") and 0 < v < 5:
            small_cells += 1
    assert small_cells == 0
    assert ("pupils", world["a"].kato, "", "") not in published  # the village of the school

    # 4. The portal's home page: the region and its districts
    g = region_at_glance(year=Y)
    names = {t.name: t.kato for t in Territory.objects.all()}
    if g.pupils is not None:
        pupils_eqs.append(territory_form(world["t"]["oblast"].kato, "", (0, 1, 2)))
    for label, pupils, _cap, _deficit in g.deficit_by_district:
        if pupils is not None:
            pupils_eqs.append(territory_form(names[label], "", (0, 1, 2)))
    html = client.get("/ru/").content.decode()
    assert ">3<" not in html

    # Nothing published gives the planted school's pupils or teachers, by any combination
    assert pupils_eqs
    assert teacher_eqs
    assert not _determined(pupils_eqs, shifts(tiny))
    assert not _determined(teacher_eqs, {("t", tiny): 1.0})
    # ...while what is not at risk stays published: the region's and the city's pupils
    assert ("pupils", world["t"]["oblast"].kato, "", "") in published
    assert ("pupils", world["t"]["city_adm"].kato, "", "") in published
    assert json.dumps(rows)  # the rows were read


def test_a_small_settlement_total_is_complemented_in_the_indicators(
    client: Client, world: dict[str, Any]
) -> None:
    """The okrug's total minus its published villages would give the planted village's 3: the
    API hides one more village of the okrug (the smaller, 'Большая' is the only other), and one
    of its schools in the institution-years, so its schools do not add up to it."""
    items = {r["kato"]: r for r in _values(client, "pupils")}
    okrug, a, b = world["okrug"].kato, world["a"].kato, world["b"].kato
    assert (items[a]["suppressed"], items[a]["value"]) == (True, None)
    assert items[okrug]["value"] == 3 + 600 + 250
    assert items[b]["value"] is None
    rows = client.get("/api/v1/institution-years", {"year": Y, "limit": 500}).json()["items"]
    pupils = {r["institution_id"]: r["pupils"] for r in rows}
    village_b = [world["schools"][k].pk for k in ("b1", "b2")]
    assert any(pupils[i] is None for i in village_b)


def test_students_of_offerings_and_international_students(client: Client, settings: Any) -> None:
    """An offering with 3 students (and 2 expected graduates) and 3 students from one country
    at one college: hidden in the open data and the anonymous API, and not recoverable from
    the indicators' totals (by specialty, by country) nor from the portal's figures."""
    settings.KELESHEK = {
        **settings.KELESHEK,
        "PUBLIC_SUPPRESS_BELOW": 5,
        "OBLAST_KATO": "639900000",
    }
    t = f.tree()
    college = f.institution(t["village"], kind=Institution.Kind.COLLEGE)
    other = f.institution(t["city"], kind=Institution.Kind.COLLEGE)
    ind = f.industry("TI1", "Тест")
    spec = f.specialty("TS100", "Сварка", ind)
    spec2 = f.specialty("TS200", "Повар", ind)
    tiny = f.offering(college, spec, enrolled=3, graduates_expected=2, state_seats=25)
    offerings = [
        tiny,
        f.offering(college, spec2, enrolled=120, graduates_expected=30, state_seats=125),
        f.offering(other, spec, enrolled=200, graduates_expected=60, state_seats=200),
        f.offering(other, spec2, enrolled=150, graduates_expected=45, state_seats=150),
    ]
    rare = f.foreign_students(college, Y, "MN", 3)
    records = [
        rare,
        f.foreign_students(college, Y, "CN", 40),
        f.foreign_students(other, Y, "CN", 60),
        f.foreign_students(other, Y, "RU", 25),
    ]
    refresh_indicators(years=[Y])
    path = {
        o.pk: Territory.objects.get(pk=o.institution.settlement_id).path.strip("/").split("/")
        for o in offerings
    }
    rec_path = {
        r.pk: Territory.objects.get(pk=r.institution.settlement_id).path.strip("/").split("/")
        for r in records
    }

    # Offerings: the anonymous API and the open data
    eqs: list[dict[Any, float]] = []
    grad_eqs: list[dict[Any, float]] = []
    items = client.get("/api/v1/offerings", {"year": Y, "limit": 500}).json()["items"]
    for r in items:
        if r["enrolled"] is not None:
            eqs.append({r["id"]: 1.0})
        if r["graduates_expected"] is not None:
            grad_eqs.append({r["id"]: 1.0})
        if r["id"] == tiny.pk:
            assert (r["enrolled"], r["graduates_expected"]) == (None, None)
    rows = _csv(client.get("/ru/open-data/offerings.csv", {"year": Y}))
    assert sorted(r["enrolled"] for r in rows) == sorted(
        "" if r["enrolled"] is None else str(r["enrolled"]) for r in items
    )
    # The indicators: students and expected graduates per territory, per specialty above
    specs = {o.pk: o.specialty.code for o in offerings}
    for code, target in (("tvet_students", eqs), ("graduates_expected", grad_eqs)):
        for dim in ("", "specialty"):
            for r in _values(client, code, dim):
                if r["value"] is None:
                    continue
                target.append(
                    {
                        o: 1.0
                        for o, p in path.items()
                        if r["kato"] in p and (not dim or specs[o] == r["category"])
                    }
                )
    assert not _determined(eqs, {tiny.pk: 1.0})
    assert not _determined(grad_eqs, {tiny.pk: 1.0})

    # International students: the open data, the indicators, the portal's home page
    rec_eqs: list[dict[Any, float]] = []
    data = _csv(client.get("/ru/open-data/international-students.csv", {"year": Y}))
    assert "3" not in [r["students"] for r in data]
    published = {(r.country, r.count) for r in records}
    for r in data:
        if r["students"]:
            (rid,) = [
                x.pk for x in records if (x.country, str(x.count)) == (r["country"], r["students"])
            ]
            rec_eqs.append({rid: 1.0})
    countries = {r.pk: r.country for r in records}
    for dim in ("", "country"):
        for r in _values(client, "foreign_students", dim):
            if r["value"] is not None:
                rec_eqs.append(
                    {
                        x: 1.0
                        for x, p in rec_path.items()
                        if r["kato"] in p and (not dim or countries[x] == r["category"])
                    }
                )
    g = region_at_glance(year=Y)
    names = {c: r.country for r in records for c in [r.country]}
    assert g.foreign_students == 128
    rec_eqs.append(dict.fromkeys(countries, 1.0))
    for _name, n in g.foreign_countries:
        assert n != 3
    assert len(names) == 3
    assert published
    assert not _determined(rec_eqs, {rare.pk: 1.0})
