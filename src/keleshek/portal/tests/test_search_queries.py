"""The catalogue search answers what people type: a subset of the benchmark's query set
(``benchmarks/search/queries.tsv``, rows marked ``test``) as behaviour tests, on whichever
database the run uses (SQLite and PostgreSQL in ``make test``).

The world is small and built here: the demo's industries and specialties (``demo.facts``, the
programmes the query set names), taught at a college and a university of a test city and at a
mining college in "Риддер".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from keleshek.demo import facts
from keleshek.institutions.models import Institution
from keleshek.portal.selectors import CatalogueFilters, catalogue_offerings, catalogue_query
from keleshek.portal.services import search_index_refresh
from keleshek.programmes.models import Specialty
from keleshek.territory.models import Territory

from . import factories as f

QUERIES = Path(__file__).resolve().parents[4] / "benchmarks" / "search" / "queries.tsv"


@dataclass(frozen=True)
class Case:
    query: str
    expect: tuple[str, ...]
    also: tuple[str, ...]


def _cases() -> list[Case]:
    lines = [ln for ln in QUERIES.read_text(encoding="utf-8").splitlines() if ln[:1] != "#"]
    out = []
    for row in csv.DictReader(lines, delimiter="\t"):
        if row["test"] != "yes":
            continue

        def codes(value: str) -> tuple[str, ...]:
            return () if value == "-" else tuple(value.split())

        out.append(Case(row["query"], codes(row["expect"]), codes(row["also"])))
    return out


CASES = _cases()


@pytest.fixture
def world(db):
    t = f.tree()
    ridder = f.territory("639930100", "Риддер", Territory.Level.SETTLEMENT, t["district"])
    college = f.institution(
        t["city"],
        name_ru="Тестогорский высший политехнический колледж",
        name_kk="Тестогорск жоғары политехникалық колледжі",
        name_en="Testogorsk Higher Polytechnic College",
    )
    university = f.institution(
        t["city"],
        Institution.Kind.UNIVERSITY,
        name_ru="Тестогорский технический университет",
        name_kk="Тестогорск техникалық университеті",
        name_en="Testogorsk Technical University",
    )
    mining = f.institution(
        ridder,
        name_ru="Риддерский горно-металлургический колледж",
        name_kk="Риддер тау-кен металлургия колледжі",
        name_en="Ridder Mining and Metallurgy College",
    )
    industries = {code: f.industry(code, ru, en, kk) for code, ru, kk, en in facts.INDUSTRIES}
    for s in facts.SPECIALTIES:
        spec, _ = Specialty.objects.get_or_create(
            code=s.code,
            defaults={
                "isced_level": s.isced,
                "industry": industries[s.industry],
                "name_ru": s.ru,
                "name_kk": s.kk,
                "name_en": s.en,
                "qualification_ru": s.qualification_ru,
                "qualification_en": s.qualification_en,
            },
        )
        f.offering(university if s.isced >= 6 else college, spec)
        if s.code in ("07320700", "07240100", "07150200"):
            f.offering(mining, spec)
    search_index_refresh()
    return {"college": college, "mining": mining}


def _programmes(query: str) -> list[str]:
    rows = catalogue_offerings(CatalogueFilters(q=query, year=f.YEAR), catalogue_query(query))
    return list(dict.fromkeys(rows.values_list("specialty__code", flat=True)))


def test_the_query_set_subset_finds_what_it_should(world):
    assert len(CASES) >= 30
    wrong = []
    for case in CASES:
        found = _programmes(case.query)
        if not case.expect:
            if found:
                wrong.append(f"{case.query!r} should find nothing, found {found}")
            continue
        missing = set(case.expect) - set(found[:10])
        noise = [c for c in found if c not in case.expect and c not in case.also]
        if missing or noise or found[0] not in case.expect:
            wrong.append(f"{case.query!r}: found {found}, missing {missing}, noise {noise}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "query",
    [
        "сварщик",
        "сварщики",
        "сварка",
        "беспилотник",
        "медсестра",
        "дәнекерлеуші",
        "мұғалім",
        "бағдарламашы",
    ],
)
def test_the_words_of_issue_15_find_their_programmes(world, query):
    # the eight words that found nothing before (issue 15, point 7)
    assert _programmes(query), query


def test_a_place_narrows_an_occupation(world):
    assert _programmes("сварщик риддер") == ["07320700"]
    rows = catalogue_offerings(
        CatalogueFilters(q="сварщик риддер", year=f.YEAR), catalogue_query("сварщик риддер")
    )
    assert [o.institution_id for o in rows] == [world["mining"].pk]
    # welding is not taught at the university: nothing, rather than something else
    assert _programmes("сварщик университет") == []
