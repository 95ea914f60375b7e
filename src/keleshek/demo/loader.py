"""The demo region: East Kazakhstan as records, loaded idempotently.

``load_demo()`` upserts every record by its natural key (KATO, BIN, codes, slugs), so running
it twice changes nothing. Facts of the briefing come from ``facts.py``; everything else is
generated with ``random.Random`` seeded per section (the same numbers on every machine) and
marked ``is_synthetic=True``. See docs/adr/0020-demo-data.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.db import connection, models, transaction
from django.utils import timezone

from keleshek.census import demo as census_demo
from keleshek.construction.models import Project, ProjectFunding
from keleshek.core.ids import make_bin
from keleshek.indicators import demo as indicators_demo
from keleshek.institutions import catchment
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear, Laboratory
from keleshek.news.models import Article
from keleshek.partnerships.models import Agreement, InternationalStudents, Partner
from keleshek.programmes.models import Industry, LabourDemand, Offering, Specialty
from keleshek.support import demo as support_demo
from keleshek.territory.models import PopulationRecord, Territory
from keleshek.transport import demo as transport_demo

from . import facts, geography
from .geography import OBLAST_KATO, UNITS, UST_KAMENOGORSK

DEMO_YEAR = 2025  # the school year 2025/26, in which the briefing (February 2026) was given
SEED = "keleshek-demo-v1"
POPULATION_YEARS = tuple(range(DEMO_YEAR - 5, DEMO_YEAR + 1))
SCHOOL_YEARS = (DEMO_YEAR - 1, DEMO_YEAR)
DEMAND_YEARS = tuple(range(DEMO_YEAR, DEMO_YEAR + 6))
# The workflow apps' demo data, after the registries and in this order: the support registry's
# pupils (transport assesses who rides), the transport plans, the census of the demo year,
# then every indicator over all.
EXTENSIONS: tuple[Callable[..., None], ...] = (
    support_demo.load,
    transport_demo.load,
    census_demo.load,
    indicators_demo.load,
)
MAX_AGE = 100


def _rng(section: str) -> random.Random:
    """One generator per section, so that changing one section does not shift the others."""
    return random.Random(f"{SEED}:{section}")


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    extensions: list[str] = field(default_factory=list)  # the workflow apps' loaders run


def _upsert(
    model: type[models.Model],
    objs: Sequence[models.Model],
    unique_fields: Sequence[str],
    update_fields: Sequence[str] | None = None,
) -> None:
    """Insert or update by natural key in bulk (INSERT ... ON CONFLICT DO UPDATE)."""
    if not objs:
        return
    if update_fields is None:
        update_fields = [
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in unique_fields and f.name != "created_at"
        ]
    model._default_manager.bulk_create(
        objs,
        batch_size=500,
        update_conflicts=True,
        unique_fields=list(unique_fields),
        update_fields=list(update_fields),
    )


def _link(through: type[models.Model], pairs: Iterable[tuple[int, int]], a: str, b: str) -> None:
    rows = [through(**{a: x, b: y}) for x, y in sorted(set(pairs))]
    through._default_manager.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def _bin(yymm: str, serial: int) -> str:
    while True:
        value = make_bin(yymm, serial)
        if value is not None:
            return value
        serial += 1


# --- Territory ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettlementSpec:
    kato: str
    unit: geography.Unit
    place: geography.Place
    index: int
    lat: float
    lon: float
    population: int
    has_school: bool  # may have a school: a named place by its rank, a village by its size
    okrug: int = -1  # the rural okrug's number in its unit (-1: the city itself)
    pos: int = 0  # the place's position in its okrug (0: the okrug's centre)


VILLAGE_MEDIAN = 330  # people in a typical small village (synthetic)


@functools.cache
def settlement_specs() -> tuple[SettlementSpec, ...]:
    """Every settlement of the demo region (computed once: it is read by several sections)."""
    return tuple(_settlement_specs())


def _settlement_specs() -> list[SettlementSpec]:
    rng = _rng("settlements")
    specs: list[SettlementSpec] = []
    extras = _villages()
    for unit in UNITS:
        added = extras.get(unit.kato, [])
        named_population = unit.population - sum(v[1] for v in added)
        total_w = sum(p.weight for p in unit.places)
        for j, place in enumerate(unit.places):
            kato = _settlement_kato(unit, j)
            if j == 0:
                lat, lon = unit.lat, unit.lon
            else:
                lat = round(unit.lat + rng.uniform(-0.35, 0.35), 4)
                lon = round(unit.lon + rng.uniform(-0.5, 0.5), 4)
            k, pos = _okrug_index(unit, j)
            has_school = place.urban or pos == 0 or place.weight > 1.5
            specs.append(
                SettlementSpec(
                    kato,
                    unit,
                    place,
                    j,
                    lat,
                    lon,
                    round(named_population * place.weight / total_w),
                    has_school,
                    k,
                    pos,
                )
            )
        for n, (place, people, k, pos, lat, lon) in enumerate(added):
            kato = f"{_okrug_kato(unit, k)[:6]}{(pos + 1) * 100:03d}"
            specs.append(
                SettlementSpec(
                    kato, unit, place, len(unit.places) + n, lat, lon, people, True, k, pos
                )
            )
    return specs


def _villages() -> dict[str, list[tuple[geography.Place, int, int, int, float, float]]]:
    """The synthetic villages of each district: (place, people, okrug, position, lat, lon),
    in okrugs of one to four villages around their centre, numbered after the named okrugs."""
    rng = _rng("villages")
    out: dict[str, list[tuple[geography.Place, int, int, int, float, float]]] = {}
    for unit in UNITS:
        count = geography.EXTRA_VILLAGES.get(unit.kato, 0)
        if not count:
            continue
        taken = {p.ru for p in unit.places}
        russian = geography.RUSSIAN_NAMED.get(unit.kato, 0.0)
        kazakh_pool = [v for v in geography.KAZAKH_VILLAGES if v[0] not in taken]
        russian_pool = [v for v in geography.RUSSIAN_VILLAGES if v[0] not in taken]
        rng.shuffle(kazakh_pool)
        rng.shuffle(russian_pool)
        k = _okrug_index(unit, len(unit.places) - 1)[0] + 1
        rows: list[tuple[geography.Place, int, int, int, float, float]] = []
        while len(rows) < count:
            size = min(count - len(rows), rng.choice((1, 2, 2, 3, 3, 4)))
            c_lat = round(unit.lat + rng.uniform(-0.42, 0.42), 4)
            c_lon = round(unit.lon + rng.uniform(-0.6, 0.6), 4)
            for pos in range(size):
                pool = russian_pool if rng.random() < russian and russian_pool else kazakh_pool
                ru, kk, en = pool.pop()
                people = round(
                    min(1600, max(60, rng.lognormvariate(math.log(VILLAGE_MEDIAN), 0.7)))
                )
                if pos == 0:
                    people = max(people, 250)  # an okrug's centre is rarely its smallest village
                    lat, lon = c_lat, c_lon
                else:
                    bearing = rng.uniform(0, 2 * math.pi)
                    dist = rng.uniform(3.0, 11.0) / 111.3
                    lat = round(c_lat + dist * math.cos(bearing), 4)
                    lon = round(c_lon + dist * math.sin(bearing) / 0.644, 4)
                rows.append((geography.Place(ru, kk, en, False, 0.0), people, k, pos, lat, lon))
            k += 1
        out[unit.kato] = rows
    return out


def _okrug_index(unit: geography.Unit, j: int) -> tuple[int, int]:
    """(okrug number, position inside the okrug) of a unit's j-th named place, three per
    okrug. In a city administration the city itself (j = 0) stands alone."""
    if unit.level == "city":
        return (-1, 0) if j == 0 else ((j - 1) // 3, (j - 1) % 3)
    return j // 3, j % 3


def _okrug_kato(unit: geography.Unit, k: int) -> str:
    base = 30 if unit.level == "city" else 10
    return f"{unit.kato[:4]}{base + 2 * k:02d}000"


def _settlement_kato(unit: geography.Unit, j: int) -> str:
    k, pos = _okrug_index(unit, j)
    if k < 0:
        return f"{unit.kato[:4]}10000"
    return f"{_okrug_kato(unit, k)[:6]}{(pos + 1) * 100:03d}"


def _load_territory(summary: DemoSummary) -> dict[str, Territory]:
    valid_from = dt.date(1997, 5, 3)  # current ВКО borders date from the 1997 reform (synthetic)
    oblast = Territory(
        kato=OBLAST_KATO,
        level="oblast",
        name_ru="Восточно-Казахстанская область",
        name_kk="Шығыс Қазақстан облысы",
        name_en="East Kazakhstan Region",
        lat=49.95,
        lon=82.62,
        path=f"/{OBLAST_KATO}/",
        valid_from=valid_from,
    )
    abai = Territory(
        kato=geography.ABAI_OBLAST_KATO,
        level="oblast",
        name_ru="Область Абай",
        name_kk="Абай облысы",
        name_en="Abai Region",
        lat=50.41,
        lon=80.23,
        path=f"/{geography.ABAI_OBLAST_KATO}/",
        valid_from=geography.SPLIT_DATE,
    )
    _upsert(Territory, [oblast, abai], ["kato"])
    by_kato = {t.kato: t for t in Territory.objects.filter(kato__in=[OBLAST_KATO, abai.kato])}

    # level 2: districts, city administrations, the Abai successors
    level2: list[Territory] = []
    for unit in UNITS:
        level2.append(
            Territory(
                kato=unit.kato,
                level=unit.level,
                name_ru=unit.ru,
                name_kk=unit.kk,
                name_en=unit.en,
                lat=unit.lat,
                lon=unit.lon,
                parent=by_kato[OBLAST_KATO],
                path=f"/{OBLAST_KATO}/{unit.kato}/",
                is_synthetic=unit.synthetic_code,
                valid_from=unit.formed or valid_from,
            )
        )
    abai_units = [
        (ru, kk, en, new, new_level) for _o, _l, ru, kk, en, new, new_level in geography.HISTORIC
    ] + [(ru, kk, en, new, level) for new, level, ru, kk, en in geography.ABAI_NEW]
    for ru, kk, en, new, new_level in abai_units:
        level2.append(
            Territory(
                kato=new,
                level=new_level,
                name_ru=ru,
                name_kk=kk,
                name_en=en,
                parent=by_kato[abai.kato],
                path=f"/{abai.kato}/{new}/",
                valid_from=geography.SPLIT_DATE,
            )
        )
    _upsert(Territory, level2, ["kato"])
    by_kato.update({t.kato: t for t in Territory.objects.filter(kato__in=[t.kato for t in level2])})

    # the historic units: old code, valid to the split, successor in Abai region
    historic = [
        Territory(
            kato=old,
            level=lvl,
            name_ru=ru,
            name_kk=kk,
            name_en=en,
            parent=by_kato[OBLAST_KATO],
            path=f"/{OBLAST_KATO}/{old}/",
            valid_from=valid_from,
            valid_to=geography.SPLIT_DATE,
            successor=by_kato[new],
        )
        for old, lvl, ru, kk, en, new, _nl in geography.HISTORIC
    ]
    _upsert(Territory, historic, ["kato"])

    # level 3: rural okrugs; level 4: settlements
    specs = settlement_specs()
    okrugs: dict[str, Territory] = {}
    for s in specs:
        if s.okrug < 0 or s.pos != 0:
            continue
        code = _okrug_kato(s.unit, s.okrug)
        kind_ru = "поселковая администрация" if s.place.urban else "сельский округ"
        kind_kk = "кенттік әкімшілігі" if s.place.urban else "ауылдық округі"
        kind_en = "settlement administration" if s.place.urban else "rural okrug"
        okrugs[code] = Territory(
            kato=code,
            level="rural_okrug",
            name_ru=f"{s.place.ru} {kind_ru}",
            name_kk=f"{s.place.kk} {kind_kk}",
            name_en=f"{s.place.en} {kind_en}",
            parent=by_kato[s.unit.kato],
            lat=s.lat,
            lon=s.lon,
            path=f"/{OBLAST_KATO}/{s.unit.kato}/{code}/",
            is_synthetic=True,
            valid_from=s.unit.formed or valid_from,
        )
    _upsert(Territory, list(okrugs.values()), ["kato"])
    by_kato.update({t.kato: t for t in Territory.objects.filter(kato__in=list(okrugs))})

    settlements = []
    for s in specs:
        k = s.okrug
        parent = by_kato[s.unit.kato] if k < 0 else by_kato[_okrug_kato(s.unit, k)]
        settlements.append(
            Territory(
                kato=s.kato,
                level="settlement",
                name_ru=s.place.ru,
                name_kk=s.place.kk,
                name_en=s.place.en,
                parent=parent,
                lat=s.lat,
                lon=s.lon,
                is_urban=s.place.urban,
                path=f"{parent.path}{s.kato}/",
                # city and district-centre codes of Ust-Kamenogorsk are confirmed, the rest not
                is_synthetic=s.kato != UST_KAMENOGORSK,
                valid_from=s.unit.formed or valid_from,
            )
        )
    _upsert(Territory, settlements, ["kato"])
    by_kato.update({t.kato: t for t in Territory.objects.filter(kato__in=[s.kato for s in specs])})
    summary.counts["territories"] = len(by_kato) + len(historic)
    return by_kato


# --- Population --------------------------------------------------------------------------------


def _births(year: int) -> float:
    """Relative size of a birth cohort (East Kazakhstan: the 1990s fall, the 2010s peak)."""
    if year >= 2021:
        return 1.0 - 0.04 * (year - 2021)
    if year >= 2008:
        return 1.05 + 0.008 * (year - 2008)
    if year >= 1999:
        return 0.62 + 0.033 * (year - 1999)
    if year >= 1992:
        return 1.0 - 0.055 * (year - 1991)
    if year >= 1960:
        return 1.05
    return 0.95


def _survival(age: int, sex: str) -> float:
    a = 0.00009 if sex == "M" else 0.00004
    return math.exp(-a * (math.exp(0.085 * age) - 1) / 0.085)


def population_table() -> dict[tuple[str, int, int, str], int]:
    """People by (settlement, year, age, sex); cohorts age from one year to the next."""
    rng = _rng("population")
    shape: dict[tuple[int, int, str], float] = {}
    for year in POPULATION_YEARS:
        for age in range(MAX_AGE + 1):
            for sex in ("M", "F"):
                at_birth = 1.05 if sex == "M" else 1.0
                shape[(year, age, sex)] = _births(year - age) * at_birth * _survival(age, sex)
    out: dict[tuple[str, int, int, str], int] = {}
    for s in settlement_specs():
        # rural districts are older: scale children down and the elderly up
        shift = s.unit.rural_age_shift + (0.0 if s.place.urban else 0.05)
        weights = {
            k: v * (1 - shift if k[1] < 18 else 1 + shift if k[1] >= 60 else 1.0)
            for k, v in shape.items()
        }
        norm = sum(v for k, v in weights.items() if k[0] == DEMO_YEAR)
        noise = {(a, x): rng.uniform(0.97, 1.03) for a in range(MAX_AGE + 1) for x in "MF"}
        for (year, age, sex), w in weights.items():
            out[(s.kato, year, age, sex)] = round(s.population * w / norm * noise[(age, sex)])
    return out


def _load_population(by_kato: dict[str, Territory], table: dict, summary: DemoSummary) -> None:
    """About 100,000 rows: a raw multi-row upsert, ten times faster than model instances."""
    meta = PopulationRecord._meta
    cols = ("territory_id", "year", "age", "sex", "count")
    rows = [(by_kato[kato].pk, y, a, x, n) for (kato, y, a, x), n in sorted(table.items())]
    qn = connection.ops.quote_name
    # identifiers come from the model's meta, values are parameters
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in cols)}) VALUES "  # noqa: S608
    tail = (
        f" ON CONFLICT ({', '.join(qn(c) for c in cols[:4])}) "
        f"DO UPDATE SET {qn('count')} = excluded.{qn('count')} "
        f"WHERE {qn(meta.db_table)}.{qn('count')} <> excluded.{qn('count')}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # one statement with five arrays: much faster than many VALUES lists
            unnest = (
                "SELECT * FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::text[], %s::int[])"
            )
            sql = head.replace(" VALUES ", " ") + unnest + tail
            cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        else:
            chunk = 1000
            for start in range(0, len(rows), chunk):
                part = rows[start : start + chunk]
                values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(part))
                cursor.execute(head + values + tail, [v for row in part for v in row])
    summary.counts["population_records"] = len(rows)
    summary.counts["population"] = sum(n for (_k, y, _a, _x), n in table.items() if y == DEMO_YEAR)


# --- Schools -----------------------------------------------------------------------------------


@dataclass
class SchoolSpec:
    bin: str
    settlement: str
    number: int
    name_ru: str
    name_kk: str
    name_en: str
    pupils: dict[int, int]  # year -> pupils
    capacity: int
    grade_to: int
    urban: bool
    languages: list[str]
    emergency: bool = False
    three_shift: bool = False
    opened_year: int | None = None
    lat: float = 0.0
    lon: float = 0.0
    synthetic: bool = True
    project: str = ""
    grades: dict[int, list[int]] = field(default_factory=dict)  # year -> pupils by grade 0-11
    boarding: bool = False  # a boarding house for children from villages beyond a bus's reach


KK_SOUTH = {"634600000", "635800000", "635200000", "635500000", "636300000", "635400000"}


def _grade_weights(table: dict, kato: str, year: int, grade_to: int) -> list[float]:
    def pop(age: int) -> int:
        return table[(kato, year, age, "M")] + table[(kato, year, age, "F")]

    return [catchment.ENROLMENT_RATE[g] * pop(g + 5) for g in range(grade_to + 1)]


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Integers proportional to weights that add up to total exactly (largest remainder)."""
    s = sum(weights)
    if total <= 0 or s <= 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


# A village's school by the number of its school-age children (synthetic thresholds, ADR 0164):
# under NO_SCHOOL_BELOW none, under PRIMARY_BELOW a primary school (grades 0-4), under
# BASIC_BELOW a basic school (0-9), otherwise a secondary one (0-11).
NO_SCHOOL_BELOW = 24
PRIMARY_BELOW = 43
BASIC_BELOW = 120
BOARDING_RU = "При школе пришкольный интернат для детей из сёл без школы их ступени."
BOARDING_KK = (
    "Мектеп жанында өз сатысындағы мектебі жоқ ауылдардың балаларына арналған интернат бар."
)
BOARDING_EN = (
    "The school has a boarding house (интернат) for children from villages without a school "
    "of their level."
)


def children_by_grade(table: dict, kato: str, year: int) -> list[int]:
    """A settlement's pupils of grades 0-11 as the population's cohorts give them."""
    weights = _grade_weights(table, kato, year, 11)
    return _split(round(sum(weights)), weights)


def _school_names(
    place: geography.Place, number: int, several: bool, grade_to: int
) -> tuple[str, str, str]:
    level_ru, level_kk, level_en = {
        11: ("Средняя", "жалпы орта білім беретін", "Secondary"),
        9: ("Основная", "негізгі орта білім беретін", "Basic"),
        4: ("Начальная", "бастауыш", "Primary"),
    }[grade_to]
    if several or place.urban:
        return (
            f"{level_ru} школа № {number}, {place.ru}",
            f"№ {number} {level_kk} мектеп, {place.kk}",
            f"{level_en} school No. {number}, {place.en}",
        )
    return (
        f"{level_ru} школа села {place.ru}",
        f"{place.kk} ауылының {level_kk} мектебі",
        f"{place.en} village {level_en.lower()} school",
    )


def school_specs(table: dict, new_schools: Sequence[SchoolSpec] = ()) -> list[SchoolSpec]:
    """The schools of every settlement and the children each teaches (ADR 0164).

    A settlement's children of a grade learn at its own school when one teaches that grade;
    otherwise at the school ``catchment`` names (the nearest of the district teaching the grade
    within a bus's reach, or the district centre's school with a boarding house). The schools
    opened this year (``new_schools``) serve villages too: those children are added to them."""
    rng = _rng("schools")
    places = settlement_specs()
    children = {
        (s.kato, y): children_by_grade(table, s.kato, y) for s in places for y in SCHOOL_YEARS
    }
    specs: list[SchoolSpec] = []
    local: dict[str, list[tuple[SchoolSpec, float]]] = defaultdict(list)
    serial = 10000
    for s in places:
        total = sum(children[(s.kato, DEMO_YEAR)])
        if s.kato == UST_KAMENOGORSK:
            n, grade_to = round(total / 1000), 11
        elif s.place.urban:
            n, grade_to = max(1, math.ceil(total / 950)), 11
        elif not s.has_school or total < NO_SCHOOL_BELOW:
            continue
        else:
            n = 1 if total < 700 else 2 if total < 1400 else 3
            grade_to = 11 if total >= BASIC_BELOW else 9 if total >= PRIMARY_BELOW else 4
            if s.index == 0:  # a district's centre has a secondary school, whatever its size
                grade_to = 11
        south = s.unit.kato in KK_SOUTH
        for i in range(n):
            serial += 10  # room for _bin to skip an unissuable serial
            ru, kk, en = _school_names(s.place, i + 1, n > 1, grade_to)
            if south or rng.random() < 0.3:
                languages = ["kk"]
            elif rng.random() < 0.5:
                languages = ["kk", "ru"]
            else:
                languages = ["ru"]
            x = SchoolSpec(
                bin=_bin("0104", serial),
                settlement=s.kato,
                number=i + 1,
                name_ru=ru,
                name_kk=kk,
                name_en=en,
                pupils={},
                capacity=0,
                grade_to=grade_to,
                urban=s.place.urban,
                languages=languages,
                opened_year=rng.randint(1935, 2012),
                lat=round(s.lat + rng.uniform(-0.02, 0.02), 5),
                lon=round(s.lon + rng.uniform(-0.03, 0.03), 5),
                grades={y: [0] * 12 for y in SCHOOL_YEARS},
                boarding=s.unit.level == "district" and s.index == 0 and i == 0,
            )
            specs.append(x)
            local[s.kato].append((x, rng.uniform(0.6, 1.4)))
    unit_of = {s.kato: s.unit.kato for s in places}

    def sites(schools: Sequence[SchoolSpec]) -> catchment.Catchment:
        return catchment.Catchment(
            catchment.School(
                x.bin, x.settlement, unit_of[x.settlement], x.lat, x.lon, 0, x.grade_to, x.boarding
            )
            for x in schools
        )

    catch = {DEMO_YEAR: sites([*specs, *new_schools]), DEMO_YEAR - 1: sites(specs)}
    by_bin = {x.bin: x for x in [*specs, *new_schools]}
    for s in places:
        for year in SCHOOL_YEARS:
            for grade, count in enumerate(children[(s.kato, year)]):
                own = [(x, w) for x, w in local[s.kato] if x.grade_to >= grade]
                if own:
                    for (x, _w), part in zip(own, _split(count, [w for _x, w in own]), strict=True):
                        x.grades[year][grade] += part
                    continue
                school = catch[year].serving(s.kato, s.unit.kato, s.lat, s.lon, grade)
                if school is not None:
                    by_bin[str(school.key)].grades[year][grade] += count
    for x in new_schools:  # open since this year only
        x.pupils = {DEMO_YEAR: sum(x.grades[DEMO_YEAR])}
    for x in specs:
        x.pupils = {y: sum(g) for y, g in x.grades.items()}
        pupils = x.pupils[DEMO_YEAR]
        if x.settlement == UST_KAMENOGORSK or (x.urban and rng.random() < 0.4):
            u = rng.choice(
                [
                    rng.uniform(1.1, 1.45),
                    rng.uniform(0.85, 1.1),
                    rng.uniform(0.85, 1.1),
                    rng.uniform(0.6, 0.85),
                ]
            )
        else:
            u = rng.uniform(0.35, 0.9)
        x.capacity = int(max(40, round(pupils / u, -1)))
    # three-shift schools: the four most crowded of Ust-Kamenogorsk, made more so
    city = sorted(
        (x for x in specs if x.settlement == UST_KAMENOGORSK),
        key=lambda x: (-x.pupils[DEMO_YEAR] / x.capacity, x.bin),
    )
    for x in city[:4]:
        # more pupils than its places seat in two shifts: the rest learn in a third (ADR 0162)
        x.three_shift = True
        x.capacity = int(round(x.pupils[DEMO_YEAR] / rng.uniform(2.15, 2.5), -1))
    # emergency schools: three rural and one town school (buildings in poor repair), and one of
    # the three-shift city schools is in emergency condition too (the flags are independent)
    rural = [x for x in specs if not x.urban and not x.three_shift]
    town = [x for x in specs if x.urban and x.settlement != UST_KAMENOGORSK]
    for x in [*rng.sample(rural, 3), *rng.sample(town, 1), city[3]]:
        x.emergency = True
    return specs


def project_school_specs(table: dict, by_project: dict[str, facts.ProjectFact]) -> list[SchoolSpec]:
    """The schools created by the commissioned projects of B1 and B2 (open this year)."""
    rng = _rng("project-schools")
    out = []
    for i, p in enumerate(by_project.values()):
        if p.stage != "commissioned" or p.kind != "new_school":
            continue
        place = next(s for s in settlement_specs() if s.kato == p.settlement)
        pupils = round(p.places * rng.uniform(0.78, 0.95))
        grades = _split(pupils, _grade_weights(table, p.settlement, DEMO_YEAR, 11))
        out.append(
            SchoolSpec(
                bin=_bin("2508", 30000 + i * 7),
                settlement=p.settlement,
                number=0,
                name_ru=f"Школа-лицей «Келешек» на {p.places} мест, {place.place.ru}"
                if p.funding[0][0] == "keleshek_mektebi"
                else f"Средняя школа на {p.places} мест, {place.place.ru}",
                name_kk=f"{p.places} орындық мектеп, {place.place.kk}",
                name_en=f"{p.places}-place school, {place.place.en}",
                pupils={DEMO_YEAR: pupils},
                capacity=p.places,
                grade_to=11,
                urban=place.place.urban,
                languages=["kk", "ru"],
                opened_year=DEMO_YEAR,
                lat=round(place.lat + rng.uniform(-0.02, 0.02), 5),
                lon=round(place.lon + rng.uniform(-0.03, 0.03), 5),
                project=p.code,
                grades={DEMO_YEAR: grades},
            )
        )
    return out


def _shifts(pupils: int, capacity: int, three_shift: bool) -> tuple[int, int, int, int]:
    if three_shift and pupils > 2 * capacity:
        # two full shifts, the pupils beyond the places in two-shift education in a third
        return 3, capacity, capacity, pupils - 2 * capacity
    if pupils > capacity * 0.95:
        s1 = round(pupils * 0.6)
        return 2, s1, pupils - s1, 0
    return 1, pupils, 0, 0


CLASS_SIZE = 25  # pupils a class holds (the sanitary rules' limit)


def teachers_needed(grades: Sequence[int]) -> int:
    """Teachers a school of these pupils by grade needs (ADR 0164): its classes (a small
    school joins two primary grades in one class-set, as small rural schools do) times the
    teachers a class takes — about one in grades 0-4, two in grades 5-11 where each subject has
    its own teacher."""
    primary = [n for n in grades[:5] if n]
    upper = [n for n in grades[5:] if n]
    if not primary and not upper:
        return 0
    if sum(primary) < 4 * 8:  # fewer than eight a grade: combined classes
        primary_classes = math.ceil(len(primary) / 2)
    else:
        primary_classes = sum(math.ceil(n / CLASS_SIZE) for n in primary)
    upper_classes = sum(math.ceil(n / CLASS_SIZE) for n in upper)
    head = primary_classes * 1.15 + upper_classes * 1.8
    if upper:
        head = max(head, 9.0)  # the subjects of grades 5-11 need at least this many
    return max(1, round(head))


def _load_schools(
    specs: list[SchoolSpec], by_kato: dict[str, Territory], table: dict, summary: DemoSummary
) -> dict[str, Institution]:
    rng = _rng("school-years")
    insts = []
    for x in specs:
        pupils = x.pupils[DEMO_YEAR]
        shifts, *_ = _shifts(pupils, x.capacity, x.three_shift)
        budget = round((25_000_000 + pupils * rng.uniform(380_000, 520_000)) / 1000) * 1000
        insts.append(
            Institution(
                bin=x.bin,
                kind="school",
                name_ru=x.name_ru,
                name_kk=x.name_kk,
                name_en=x.name_en,
                settlement=by_kato[x.settlement],
                lat=x.lat,
                lon=x.lon,
                design_capacity=x.capacity,
                shifts=shifts,
                is_emergency=x.emergency,
                is_three_shift=x.three_shift,
                languages=x.languages,
                ownership="state",
                status="operating",
                opened_year=x.opened_year,
                grade_from=0,
                grade_to=x.grade_to,
                maintenance_budget=Decimal(budget),
                description_ru=BOARDING_RU if x.boarding else "",
                description_kk=BOARDING_KK if x.boarding else "",
                description_en=BOARDING_EN if x.boarding else "",
                is_synthetic=x.synthetic,
            )
        )
    _upsert(Institution, insts, ["bin"])
    by_bin = {i.bin or "": i for i in Institution.objects.filter(bin__in=[x.bin for x in specs])}

    years: list[InstitutionYear] = []
    enrol: list[Enrolment] = []
    for x in specs:
        inst = by_bin[x.bin]
        for year, pupils in sorted(x.pupils.items()):
            capacity = x.capacity  # a building's state and a third shift last for years
            shifts, s1, s2, s3 = _shifts(pupils, capacity, x.three_shift)
            head = teachers_needed(x.grades[year])
            years.append(
                InstitutionYear(
                    institution=inst,
                    year=year,
                    design_capacity=capacity,
                    shifts=shifts,
                    is_emergency=x.emergency,
                    is_three_shift=x.three_shift and s3 > 0,
                    pupils_shift1=s1,
                    pupils_shift2=s2,
                    pupils_shift3=s3,
                    teachers_headcount=head,
                    teachers_fte=Decimal(str(round(head * rng.uniform(1.05, 1.3), 2))),
                    is_synthetic=True,
                )
            )
            for grade, count in enumerate(x.grades[year][: x.grade_to + 1]):
                boys = round(count * rng.uniform(0.49, 0.53))
                enrol.append(
                    Enrolment(
                        institution=inst,
                        year=year,
                        grade=grade,
                        sex="M",
                        count=boys,
                        is_synthetic=True,
                    )
                )
                enrol.append(
                    Enrolment(
                        institution=inst,
                        year=year,
                        grade=grade,
                        sex="F",
                        count=count - boys,
                        is_synthetic=True,
                    )
                )
    _upsert(InstitutionYear, years, ["institution", "year"])
    _upsert(Enrolment, enrol, ["institution", "year", "grade", "sex"], ["count", "is_synthetic"])
    summary.counts["schools"] = len(specs)
    summary.counts["pupils"] = sum(x.pupils[DEMO_YEAR] for x in specs)
    return by_bin


# --- Colleges, universities, centres -----------------------------------------------------------


def _fact_bin(key: str, index: int) -> str:
    return _bin("9905" if key in {"ektu", "vku", "kafu"} else "0209", 50000 + index * 11)


def _load_organisations(
    by_kato: dict[str, Territory], summary: DemoSummary
) -> dict[str, Institution]:
    rng = _rng("organisations")
    all_facts = [*facts.UNIVERSITIES, *facts.COLLEGES, *facts.UNITS]
    bins = {f.key: _fact_bin(f.key, i) for i, f in enumerate(all_facts)}
    objs = []
    for f in all_facts:
        settlement = by_kato[f.settlement]
        objs.append(
            Institution(
                bin=bins[f.key],
                kind=f.kind,
                short_name=f.short,
                name_ru=f.ru,
                name_kk=f.kk,
                name_en=f.en,
                settlement=settlement,
                status=f.status,
                ownership=f.ownership,
                lat=round((settlement.lat or 0) + rng.uniform(-0.02, 0.02), 5),
                lon=round((settlement.lon or 0) + rng.uniform(-0.03, 0.03), 5),
                design_capacity=0
                if f.kind not in ("college", "university")
                else rng.choice([900, 1200, 1500])
                if f.kind == "college"
                else rng.choice([6000, 8000]),
                languages=["kk", "ru"] if f.kind != "university" else ["kk", "ru", "en"],
                opened_year=f.opened_year,
                is_synthetic=f.synthetic,
            )
        )
    _upsert(Institution, objs, ["bin"])
    by_bin = {i.bin or "": i for i in Institution.objects.filter(bin__in=bins.values())}
    by_key = {k: by_bin[b] for k, b in bins.items()}
    # hosts (a second pass: the parent must exist first)
    changed = []
    for f in all_facts:
        inst = by_key[f.key]
        parent_id = by_key[f.parent].pk if f.parent else None
        if inst.parent_id != parent_id:
            inst.parent_id = parent_id
            changed.append(inst)
    if changed:
        Institution.objects.bulk_update(changed, ["parent"])
    labs = [
        Laboratory(
            institution=by_key["luban"],
            name_ru=ru,
            name_kk=kk,
            name_en=en,
            specialisation="электромобили",
            standard="Lu Ban Workshop",
            opened_year=2023,
        )
        for ru, kk, en in facts.LUBAN_LABS
    ]
    existing = set(
        Laboratory.objects.filter(institution=by_key["luban"]).values_list("name_ru", flat=True)
    )
    Laboratory.objects.bulk_create([lab for lab in labs if lab.name_ru not in existing])
    students = [
        InternationalStudents(
            institution=by_key["luban"], year=DEMO_YEAR, country=c, count=n, is_synthetic=True
        )
        for c, n in facts.LUBAN_STUDENTS
    ]
    _upsert(InternationalStudents, students, ["institution", "year", "country"])
    summary.counts["organisations"] = len(objs)
    return by_key


# --- Programmes --------------------------------------------------------------------------------

COLLEGE_PROFILES: dict[str, tuple[str, ...]] = {
    "ukvpk": ("06130100", "06120100", "07130100", "07160100", "07110400"),
    "col-construction": ("07320100", "07320700", "07130100"),
    "col-medical": ("09130100",),
    "col-transport": ("07160100", "07161300"),
    "col-pedagogical": ("01140100", "06130100"),
    "col-ridder": ("07240100", "07150200", "07110200", "07320700"),
    "col-altai": ("07240100", "07150200", "07160100"),
    "col-glubokoe": ("08110100", "08410100", "07210300"),
    "col-zaysan": ("08110100", "08410100", "07210300"),
    "col-shemonaikha": ("08110100", "07320700", "07160100"),
    "col-tourism": ("10130100", "10130200"),
    "ektu": ("6B06101", "6B07201", "6B07301", "6B07101", "7M07201", "7M07130", "6B07160"),
    "vku": ("6B01301", "6B05101", "6B10301", "6B06101"),
    "kafu": ("6B10301", "6B06101"),
    "luban": ("07161300",),
}
# new this year at colleges (B9) and at EKTU (B13)
NEW_THIS_YEAR: dict[str, tuple[str, ...]] = {
    "ukvpk": ("07161910",),
    "col-transport": ("10410300", "07161500"),
    "col-altai": ("10410700",),
    "col-construction": ("10320100",),
    "ektu": (facts.B13_CODE,),
}
# B11: introduced last year, offered in both years
B11_LAUNCHED_LAST_YEAR = {
    "ukvpk": ("07110400",),
    "col-ridder": ("07110200",),
    "col-glubokoe": ("07210300",),
    "col-zaysan": ("07210300",),
    "col-tourism": ("10130100", "10130200"),
    "vku": ("6B10301",),
}


def _load_programmes(
    orgs: dict[str, Institution], by_kato: dict[str, Territory], summary: DemoSummary
) -> None:
    rng = _rng("programmes")
    _upsert(
        Industry,
        [
            Industry(code=c, name_ru=ru, name_kk=kk, name_en=en)
            for c, ru, kk, en in facts.INDUSTRIES
        ],
        ["code"],
    )
    industries = {i.code: i for i in Industry.objects.all()}
    _upsert(
        Specialty,
        [
            Specialty(
                code=s.code,
                isced_level=s.isced,
                industry=industries[s.industry],
                name_ru=s.ru,
                name_kk=s.kk,
                name_en=s.en,
                qualification_ru=s.qualification_ru,
                qualification_en=s.qualification_en,
                is_synthetic=s.synthetic,
            )
            for s in facts.SPECIALTIES
        ],
        ["code"],
    )
    specialties = {s.code: s for s in Specialty.objects.all()}
    allur = Partner.objects.get(code="allur")
    kazzinc = Partner.objects.get(code="kazzinc")
    offerings: list[Offering] = []
    graduates: dict[str, int] = defaultdict(int)
    plan: list[tuple[str, str, int, tuple[int, ...]]] = []  # key, code, launch, years
    for key, codes in COLLEGE_PROFILES.items():
        for code in codes:
            launch = (
                DEMO_YEAR - 1
                if code in B11_LAUNCHED_LAST_YEAR.get(key, ())
                else rng.randint(2008, DEMO_YEAR - 2)
            )
            plan.append((key, code, launch, SCHOOL_YEARS))
    for key, codes in NEW_THIS_YEAR.items():
        for code in codes:
            plan.append((key, code, DEMO_YEAR, (DEMO_YEAR,)))
    for key, code, launch, years in plan:
        inst = orgs[key]
        spec = specialties[code]
        university = spec.isced_level >= 6
        languages = ["ru", "kk"] if rng.random() < 0.5 else [rng.choice(["ru", "kk"])]
        dual = key == "luban" or (not university and rng.random() < 0.35)
        employer = (
            allur
            if key == "luban"
            else (kazzinc if dual and spec.industry.code == "mining_metallurgy" else None)
        )
        for year in years:
            for lang in languages:
                state = (
                    rng.choice([25, 25, 50, 50, 75]) if not university else rng.choice([30, 50, 75])
                )
                paid = rng.choice([0, 0, 10, 25])
                enrolled = round((state + paid) * rng.uniform(0.82, 1.0)) * (
                    1 if year - launch < 1 else min(4, year - launch + 1)
                )
                new = year == launch
                grads = 0 if year - launch < 3 else round(enrolled / 4 * rng.uniform(0.8, 0.95))
                graduates[code] += grads if year == DEMO_YEAR else 0
                offerings.append(
                    Offering(
                        institution=inst,
                        specialty=spec,
                        year=year,
                        language=lang,
                        launch_year=launch,
                        state_seats=state,
                        paid_seats=paid,
                        enrolled=enrolled,
                        graduates_expected=grads,
                        dual_training=dual,
                        dual_employer=employer if dual else None,
                        duration_months=48 if university else 34,
                        is_synthetic=not (new and code in (*facts.B9_CODES, facts.B13_CODE)),
                    )
                )
    _upsert(Offering, offerings, ["institution", "specialty", "year", "language"])
    oblast = by_kato[OBLAST_KATO]
    demand = []
    growing = {
        "lithium",
        "chemicals",
        "agro_processing",
        "tourism",
        "nuclear",
        "aviation",
        "logistics",
        "water_transport",
        "emergency",
        "automotive",
        "it",
    }
    for code, spec in specialties.items():
        base = (
            max(20, round(graduates[code] * rng.uniform(1.1, 1.6)))
            if graduates[code]
            else rng.randint(30, 90)
        )
        trend = 1.08 if spec.industry.code in growing else 1.01
        for k, year in enumerate(DEMAND_YEARS):
            demand.append(
                LabourDemand(
                    specialty=spec,
                    territory=oblast,
                    year=year,
                    demand=round(base * trend**k),
                    source="прогноз (синтетический)",
                    is_synthetic=True,
                )
            )
    _upsert(LabourDemand, demand, ["specialty", "territory", "year"])
    summary.counts["offerings"] = len(offerings)


# --- Partnerships ------------------------------------------------------------------------------


def _load_partnerships(orgs: dict[str, Institution], summary: DemoSummary) -> None:
    partners = [
        Partner(
            code=code,
            kind=kind,
            country=country,
            name_ru=ru,
            name_kk=kk,
            name_en=en,
            is_synthetic=synthetic,
            bin=_bin("9701", 70000 + i * 13) if country == "KZ" else None,
        )
        for i, (code, kind, country, ru, kk, en, synthetic) in enumerate(facts.PARTNERS)
    ]
    _upsert(Partner, partners, ["code"])
    by_code = {p.code: p for p in Partner.objects.all()}
    agreements: list[Agreement] = []
    for a in facts.AGREEMENTS:
        agreements.append(
            Agreement(
                code=a.code,
                kind=a.kind,
                title_ru=a.title_ru,
                title_en=a.title_en,
                institution=orgs[a.institution],
                signed_on=a.signed_on,
                topic=a.topic,
                amount=a.amount,
                currency=a.currency,
                kzt_rate=a.kzt_rate,
                rate_date=a.rate_date,
                is_synthetic=a.synthetic,
                participants=sum(n for _c, n in facts.LUBAN_STUDENTS)
                if a.code == "luban-cn-cooperation"
                else None,
            )
        )
    _upsert(
        Agreement,
        agreements,
        ["code"],
        [
            "kind",
            "title_ru",
            "title_en",
            "institution",
            "signed_on",
            "topic",
            "amount",
            "currency",
            "kzt_rate",
            "rate_date",
            "is_synthetic",
            "participants",
            "updated_at",
        ],
    )
    by_agreement = {a.code: a for a in Agreement.objects.all()}
    changed = []
    for a in facts.AGREEMENTS:
        obj = by_agreement[a.code]
        parent_id = by_agreement[a.parent].pk if a.parent else None
        if obj.parent_id != parent_id:
            obj.parent_id = parent_id
            changed.append(obj)
    if changed:
        Agreement.objects.bulk_update(changed, ["parent"])
    _link(
        Agreement.partners.through,
        [(by_agreement[a.code].pk, by_code[p].pk) for a in facts.AGREEMENTS for p in a.partners],
        "agreement_id",
        "partner_id",
    )
    _link(
        Agreement.institutions.through,
        [
            (by_agreement[a.code].pk, orgs[k].pk)
            for a in facts.AGREEMENTS
            for k in (a.participants or (a.institution,))
        ],
        "agreement_id",
        "institution_id",
    )
    summary.counts["agreements"] = len(agreements)


# --- Construction ------------------------------------------------------------------------------


def _load_construction(
    by_kato: dict[str, Territory],
    schools: dict[str, Institution],
    project_schools: list[SchoolSpec],
    summary: DemoSummary,
) -> None:
    rng = _rng("construction")
    partners = {p.code: p for p in Partner.objects.all()}
    created = {x.project: schools[x.bin] for x in project_schools}
    projects: list[Project] = []
    for p in facts.PROJECTS:
        planned_cost = Decimal(round(p.places * rng.uniform(9e6, 13e6), -6))
        projects.append(
            Project(
                code=p.code,
                kind=p.kind,
                stage=p.stage,
                settlement=by_kato[p.settlement],
                places=p.places,
                planned_cost=planned_cost,
                actual_cost=(
                    planned_cost * Decimal(str(round(rng.uniform(0.97, 1.05), 3)))
                ).quantize(Decimal("1"))
                if p.stage == "commissioned"
                else None,
                readiness=p.readiness,
                start_date=(p.planned or dt.date(DEMO_YEAR, 9, 1)) - dt.timedelta(days=700),
                planned_commissioning=p.planned,
                actual_commissioning=p.commissioned,
                institution=created.get(p.code),
                partner=partners.get(p.partner),
                name_ru=p.ru,
                name_en=p.en,
                name_kk="",
                is_synthetic=p.synthetic,
            )
        )
    settlements = [t for t in by_kato.values() if t.level == "settlement"]
    for kind, n, ru, en in facts.SOCIAL_FACILITIES:
        for i in range(n):
            where = settlements[rng.randrange(len(settlements))]
            day = dt.date(DEMO_YEAR, 9, 1) + dt.timedelta(days=rng.randrange(150))
            cost = Decimal(round(rng.uniform(20e6, 400e6 if kind == "clinic" else 120e6), -5))
            projects.append(
                Project(
                    code=f"sf-{kind.replace('_', '-')}-{i + 1}",
                    kind=kind,
                    stage="commissioned",
                    settlement=where,
                    places=0,
                    planned_cost=cost,
                    actual_cost=cost,
                    readiness=100,
                    start_date=day - dt.timedelta(days=240),
                    planned_commissioning=day,
                    actual_commissioning=day,
                    name_ru=f"{ru}, {where.name_ru}",
                    name_en=f"{en}, {where.name_en}",
                    name_kk=f"{ru}, {where.name_kk}",
                    is_synthetic=True,
                )
            )
    _upsert(Project, projects, ["code"])
    by_code = {p.code: p for p in Project.objects.filter(code__in=[p.code for p in projects])}
    funding = []
    for p in facts.PROJECTS:
        obj = by_code[p.code]
        for source, share in p.funding:
            funding.append(
                ProjectFunding(
                    project=obj,
                    source=source,
                    share=share,
                    amount=(obj.planned_cost * share).quantize(Decimal("0.01"))
                    if obj.planned_cost
                    else None,
                )
            )
    for obj in by_code.values():
        if obj.code.startswith("sf-"):
            funding.append(
                ProjectFunding(
                    project=obj, source="local_budget", share=Decimal(1), amount=obj.planned_cost
                )
            )
    _upsert(ProjectFunding, funding, ["project", "source"])
    # each school project relieves the most crowded schools of its city or district
    unit_of = {s.kato: s.unit.kato for s in settlement_specs()}
    kato_of = {t.pk: kato for kato, t in by_kato.items()}
    crowded: dict[str, list[Institution]] = defaultdict(list)
    for inst in schools.values():
        crowded[unit_of[kato_of[inst.settlement_id]]].append(inst)
    years = {y.institution_id: y.pupils for y in InstitutionYear.objects.filter(year=DEMO_YEAR)}
    taken: set[int] = set()
    pairs = []
    for p in facts.PROJECTS:
        if not p.relieves:
            continue
        pool = sorted(
            (
                i
                for i in crowded[unit_of[p.settlement]]
                if i.pk not in taken and years.get(i.pk, 0) > i.design_capacity
            ),
            key=lambda i: (-(years.get(i.pk, 0) - i.design_capacity), i.bin or ""),
        )
        for inst in pool[: p.relieves]:
            taken.add(inst.pk)
            pairs.append((by_code[p.code].pk, inst.pk))
    _link(Project.relieves.through, pairs, "project_id", "institution_id")
    summary.counts["projects"] = len(projects)


# --- News --------------------------------------------------------------------------------------


def _load_news(summary: DemoSummary) -> None:
    from . import seed_text

    tz = timezone.get_default_timezone()
    published = dt.datetime.fromisoformat("2026-02-20T16:30:00").replace(tzinfo=tz)
    articles = [
        Article(
            slug="vko-new-specialties",
            language="ru",
            kind="briefing",
            title=facts.MAIN_ARTICLE_TITLE,
            teaser=seed_text.TEASER_RU,
            body=seed_text.BRIEFING_RU,
            published_at=published,
            tags=["образование", "брифинг", "СЦК"],
            is_synthetic=False,
        ),
        Article(
            slug="vko-new-specialties",
            language="kk",
            kind="briefing",
            title=seed_text.TITLE_KK,
            teaser=seed_text.TEASER_KK,
            body=seed_text.BODY_KK,
            published_at=published,
            tags=["білім", "брифинг"],
            is_synthetic=True,
        ),
        Article(
            slug="vko-new-specialties",
            language="en",
            kind="briefing",
            title=seed_text.TITLE_EN,
            teaser=seed_text.TEASER_EN,
            body=seed_text.BODY_EN,
            published_at=published,
            tags=["education", "briefing"],
            is_synthetic=True,
        ),
    ]
    for slug, when, ru, teaser, _kk, _en in facts.LATEST_ARTICLES:
        at = dt.datetime.fromisoformat(when).replace(tzinfo=tz)
        articles.append(
            Article(
                slug=slug,
                language="ru",
                title=ru,
                teaser=teaser,
                body=seed_text.FEED_BODIES_RU[slug],
                published_at=at,
                tags=["новости"],
                is_synthetic=True,  # the body is completed from the seed's teaser
            )
        )
    # The feed is published in Russian only (its Kazakh and English pages say so and link the
    # Russian one); a demo loaded before keeps no title-only translations.
    Article.objects.filter(
        slug__in=[t[0] for t in facts.LATEST_ARTICLES], language__in=("kk", "en")
    ).delete()
    _upsert(Article, articles, ["slug", "language"])
    summary.counts["articles"] = len(articles)


# --- Entry point -------------------------------------------------------------------------------


def load_core(summary: DemoSummary) -> None:
    with transaction.atomic():
        by_kato = _load_territory(summary)
        table = population_table()
        _load_population(by_kato, table, summary)
        by_project = {p.code: p for p in facts.PROJECTS}
        project_schools = project_school_specs(table, by_project)
        for x in project_schools:
            x.synthetic = True
        specs = school_specs(table, project_schools)
        schools = _load_schools([*specs, *project_schools], by_kato, table, summary)
        orgs = _load_organisations(by_kato, summary)
        _load_partnerships(orgs, summary)
        _load_programmes(orgs, by_kato, summary)
        _load_construction(by_kato, schools, project_schools, summary)
        _load_news(summary)
        from .users import load_users

        load_users()


def _run_extensions(summary: DemoSummary, stdout: TextIO | None) -> None:
    for load in EXTENSIONS:
        name = load.__module__
        started = time.monotonic()
        load(year=DEMO_YEAR)
        summary.extensions.append(name)
        if stdout is not None:
            stdout.write(f"  {name}: {time.monotonic() - started:.1f} s\n")


def load_demo(stdout: TextIO | None = None, *, extensions: bool = True) -> DemoSummary:
    """Load the demo region idempotently; returns what was loaded and how long it took.
    ``extensions=False`` loads the core registries only (no support/transport/indicators)."""
    started = time.monotonic()
    summary = DemoSummary()
    load_core(summary)
    if stdout is not None:
        stdout.write(f"Core demo data loaded in {time.monotonic() - started:.1f} s\n")
    if extensions:
        _run_extensions(summary, stdout)
    # Loaded with the change notices muted: pages stored before are old (ADR 0193).
    from keleshek.core import pagecache

    pagecache.invalidate()
    summary.seconds = time.monotonic() - started
    return summary
