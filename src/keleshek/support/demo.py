"""The demo region's individual pupils and their support (synthetic, fixed seed).

Called by ``keleshek.demo.loader`` after territories, schools and Enrolment counts exist:
one pupil per counted child, categories for ~19 thousand of them, the four briefing
programmes with their rules, and memberships and deliveries that reproduce the briefing
(B5-B8): ~19 thousand uniform recipients, free meals for every primary pupil and every
low-income child, ~5 thousand rural pupils needing transport, free transit in
Ust-Kamenogorsk. The pupils are registered through ``services.pupils_register`` — the
registry's one write path, with its IIN cross-check and derived fields (ADR 0120); their
support records are bulk-inserted. Everything is flagged synthetic.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import numpy as np
from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from keleshek.core import audit
from keleshek.core.bulk import insert_rows as _insert
from keleshek.core.ids import make_iban, make_iin
from keleshek.institutions import catchment
from keleshek.institutions.models import Enrolment, Institution
from keleshek.territory.models import PopulationRecord, Territory

from . import rules, selectors
from .fund import checklist as fund_checklist
from .help import help_from_records
from .models import (
    FUND_CATEGORIES,
    Application,
    CollegialDecision,
    Delivery,
    Guardian,
    Household,
    Membership,
    MembershipChange,
    MembershipState,
    PaymentLine,
    PaymentRegister,
    Programme,
    Pupil,
    PupilCategory,
    Receipt,
    SchoolFund,
)
from .services import duplicates_detect, pupils_register

SEED = 2025
UNIFORM_RECIPIENTS = 19_000  # B5
UNIFORM_NOT_YET = 140  # eligible children still waiting: the coverage page lists them
PLANTED_DUPLICATES = 40

LAST_M = [
    "Ахметов",
    "Абенов",
    "Жумабаев",
    "Касымов",
    "Нурланов",
    "Сериков",
    "Тлеубаев",
    "Омаров",
    "Мукашев",
    "Бекенов",
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Садыков",
    "Исабеков",
    "Калиев",
    "Ержанов",
    "Тулегенов",
    "Байжанов",
    "Аубакиров",
    "Сулейменов",
    "Жакупов",
    "Есенов",
    "Кенжебеков",
    "Рахимов",
    "Шаймерденов",
    "Мухамеджанов",
    "Дюсенов",
    "Орлов",
    "Волков",
    "Фёдоров",
    "Михайлов",
    "Беляев",
    "Ким",
    "Цой",
    "Пак",
    "Шульц",
    "Мельников",
    "Гусев",
    "Баймуханов",
    "Онгарбаев",
    "Алиев",
    "Турсынов",
]
FIRST_M = [
    "Нурлан",
    "Ерлан",
    "Данияр",
    "Арман",
    "Айбек",
    "Алихан",
    "Рустем",
    "Санжар",
    "Темирлан",
    "Ислам",
    "Алмас",
    "Бауыржан",
    "Ерасыл",
    "Нурсултан",
    "Диас",
    "Асылжан",
    "Мирас",
    "Ерназар",
    "Абылай",
    "Адиль",
    "Иван",
    "Дмитрий",
    "Максим",
    "Артём",
    "Александр",
    "Михаил",
    "Кирилл",
    "Никита",
    "Егор",
    "Андрей",
    "Даниил",
    "Тимур",
    "Роман",
    "Илья",
    "Арсен",
]
FIRST_F = [
    "Айгерим",
    "Аружан",
    "Дана",
    "Жансая",
    "Камила",
    "Мадина",
    "Асель",
    "Томирис",
    "Амина",
    "Аяла",
    "Айым",
    "Сабина",
    "Дильназ",
    "Алина",
    "Жанель",
    "Инкар",
    "Малика",
    "Назерке",
    "Меруерт",
    "Акбота",
    "Анна",
    "Мария",
    "Софья",
    "Дарья",
    "Полина",
    "Виктория",
    "Екатерина",
    "Анастасия",
    "Ксения",
    "Елизавета",
    "Алиса",
    "Ева",
    "Варвара",
    "Арина",
    "Ульяна",
]


class _Row(SimpleNamespace):
    """A row to insert: attribute access like a model instance, without its cost."""


def _female(last: str) -> str:
    if last.endswith(("ов", "ев", "ёв", "ин")):
        return last + "а"
    return last


KAZAKH_FIRST_M = frozenset(FIRST_M[:20])  # the Kazakh names: their children may use -ұлы/-қызы


def _patronymic(father: str, sex: str, rng: random.Random) -> str:
    """A grammatical patronymic of a father's name: the Kazakh form (-ұлы / -қызы) for a
    Kazakh name, sometimes; otherwise the Russian form by the name's ending (Нурланович,
    Дмитриевна, Андреевич, Никитич / Никитична, Ильич / Ильинична)."""
    if father in KAZAKH_FIRST_M and rng.random() < 0.5:
        return f"{father}{'ұлы' if sex == 'M' else 'қызы'}"
    return russian_patronymic(father, sex)


def russian_patronymic(father: str, sex: str) -> str:
    male = sex == "M"
    if father == "Илья":
        return "Ильич" if male else "Ильинична"
    if father.endswith("а"):  # Никита, Фома
        return father[:-1] + ("ич" if male else "ична")
    if father.endswith(("й", "ь")):  # Андрей, Дмитрий, Адиль
        return father[:-1] + ("евич" if male else "евна")
    return father + ("ович" if male else "овна")


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Integers proportional to weights that add up to total exactly (largest remainder)."""
    s = sum(weights)
    if total <= 0 or s <= 0:
        return [total if i == 0 else 0 for i in range(len(weights))]
    raw = [total * w / s for w in weights]
    out = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _origins(
    schools: dict[int, Institution],
) -> dict[tuple[int, int], list[tuple[int, float | None, float | None, float]]]:
    """(school, grade) -> the other settlements whose children of that grade it serves by the
    catchment rule (ADR 0164), each with its centre and its expected pupils (the cohort times
    the enrolment rate). Without population records the pupils live in the school's
    settlement."""
    year_rows = PopulationRecord.objects.order_by("-year").values_list("year", flat=True)[:1]
    latest = next(iter(year_rows), None)
    if latest is None:
        return {}
    kids: dict[tuple[int, int], int] = defaultdict(int)
    for sid, age, n in PopulationRecord.objects.filter(
        year=latest, age__gte=5, age__lte=16
    ).values_list("territory_id", "age", "count"):
        kids[(sid, age - 5)] += n
    places = list(
        Territory.objects.filter(level=Territory.Level.SETTLEMENT).values_list(
            "id", "path", "lat", "lon"
        )
    )
    path_of = {sid: path for sid, path, _la, _lo in places}
    sites = [
        catchment.School(
            s.pk,
            s.settlement_id,
            path_of.get(s.settlement_id, "")[:21],
            s.lat if s.lat is not None else s.settlement.lat,
            s.lon if s.lon is not None else s.settlement.lon,
            s.grade_from or 0,
            11 if s.grade_to is None else s.grade_to,
            catchment.has_boarding(s.description_ru),
        )
        for s in schools.values()
        if s.status == Institution.Status.OPERATING
    ]
    catch = catchment.Catchment(sites)
    out: dict[tuple[int, int], list[tuple[int, float | None, float | None, float]]] = defaultdict(
        list
    )
    for sid, path, lat, lon in places:
        for g in range(12):
            school = catch.serving(sid, path[:21], lat, lon, g)
            if school is not None and kids.get((sid, g)):
                pupils = catchment.ENROLMENT_RATE[g] * kids[(sid, g)]
                out[(int(str(school.key)), g)].append((sid, lat, lon, pupils))
    return out


def _offset(lat: float, lon: float, km: float, rng: random.Random) -> tuple[float, float]:
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = km * math.cos(bearing) / 111.32
    dlon = km * math.sin(bearing) / (111.32 * max(0.2, math.cos(math.radians(lat))))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def find_ust_kamenogorsk() -> Territory | None:
    qs = Territory.objects.filter(
        Q(name_ru__startswith="Усть-Каменогорск")
        | Q(name_en__istartswith="Ust-Kamenogorsk")
        | Q(name_en__istartswith="Oskemen")
    ).exclude(level=Territory.Level.SETTLEMENT)
    return qs.order_by("kato").first() or (
        Territory.objects.filter(name_ru__startswith="Усть-Каменогорск").order_by("kato").first()
    )


def meals_rule() -> dict[str, Any]:
    """Free hot meals by the rule (DOMAIN.md section 4): every pupil of grades 1-4, and in
    grades 5-11 the children of the fund's five categories."""
    return {
        "any": [
            {"grade_between": [1, 4]},
            {"all": [{"grade_between": [5, 11]}, {"category_in": list(FUND_CATEGORIES)}]},
        ]
    }


def programme_specs(ust_kamenogorsk: Territory | None) -> list[dict[str, Any]]:
    transit_rule: dict[str, Any] = (
        {"within_territory": ust_kamenogorsk.kato} if ust_kamenogorsk else {"not": {"always": True}}
    )
    return [
        {
            "code": "uniform",
            "kind": Programme.Kind.UNIFORM,
            # Since 2023 paid in cash to a parent's card account against an application
            # (ADR 0151); the code and kind stay, so the in-kind years keep their records.
            "name_ru": "Помощь на одежду, обувь и школьные принадлежности (фонд всеобуча)",
            "name_kk": "Киімге, аяқ киімге және оқу құралдарына көмек (жалпыға бірдей оқыту қоры)",
            "name_en": "Help for clothing, shoes and school supplies (general-education fund)",
            "rule": {"category_in": list(FUND_CATEGORIES)},
            "entitlement": {"cash": "to a parent's card account", "per": "school year"},
            "cycle": Programme.Cycle.SCHOOL_YEAR,
            "unit_cost": Decimal("46228"),
            "funded_by_school_fund": True,
        },
        {
            "code": "meals",
            "kind": Programme.Kind.MEALS,
            "name_ru": "Бесплатное горячее питание",
            "name_kk": "Тегін ыстық тамақ",
            "name_en": "Free hot meals",
            "rule": meals_rule(),
            "entitlement": {"meal": "hot lunch", "per": "school day"},
            "cycle": Programme.Cycle.DAY,
            "unit_cost": Decimal("650"),
            "funded_by_school_fund": False,
        },
        {
            "code": "rural-transport",
            "kind": Programme.Kind.TRANSPORT,
            "name_ru": "Подвоз сельских школьников",
            "name_kk": "Ауыл оқушыларын тасымалдау",
            "name_en": "Rural school transport",
            "rule": {
                "all": [
                    {"rural": True},
                    {
                        "any": [
                            {"distance_over_km": "setting"},
                            {"no_school_in_settlement": True},
                        ]
                    },
                ]
            },
            "entitlement": {"trips": "to and from school", "per": "school day"},
            "cycle": Programme.Cycle.DAY,
            "unit_cost": Decimal("0"),
            "funded_by_school_fund": False,
        },
        {
            "code": "city-transit",
            "kind": Programme.Kind.TRANSIT,
            "name_ru": "Бесплатный проезд в Усть-Каменогорске",
            "name_kk": "Өскеменде тегін жол жүру",
            "name_en": "Free city transit in Ust-Kamenogorsk",
            "rule": transit_rule,
            "entitlement": {"pass": "school transit card", "per": "school year"},
            "cycle": Programme.Cycle.SCHOOL_YEAR,
            "unit_cost": Decimal("0"),
            "funded_by_school_fund": False,
            "territory": ust_kamenogorsk,
        },
    ]


def ensure_programmes() -> list[Programme]:
    out = []
    for spec in programme_specs(find_ust_kamenogorsk()):
        code = spec.pop("code")
        p, _ = Programme.objects.update_or_create(code=code, defaults=spec)
        out.append(p)
    return out


def load(*, year: int) -> None:
    """Generate the demo pupils and their support for ``year``. Idempotent."""
    if Pupil.objects.filter(is_synthetic=True).exists():
        return
    with transaction.atomic():
        _load(year)


def _load(year: int) -> None:
    rng = random.Random(SEED)
    programmes = {p.code: p for p in ensure_programmes()}
    schools = {
        s.pk: s
        for s in Institution.objects.filter(kind=Institution.Kind.SCHOOL).select_related(
            "settlement"
        )
    }
    enrolments = list(
        Enrolment.objects.filter(year=year, institution_id__in=list(schools))
        .order_by("institution_id", "grade", "sex")
        .values_list("institution_id", "grade", "sex", "count")
    )
    if not enrolments:
        return
    origins = _origins(schools)
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for school_id, grade, _sex, count in enrolments:
        totals[(school_id, grade)] += count
    serial: dict[tuple[dt.date, str], int] = defaultdict(int)
    pupils: list[Any] = []
    for school_id, grade, sex, count in enrolments:
        school = schools[school_id]
        if grade > 11:
            continue
        settlement = school.settlement
        lat = school.lat if school.lat is not None else settlement.lat
        lon = school.lon if school.lon is not None else settlement.lon
        # Where the school's children of this grade live (ADR 0164): most in its own
        # settlement, the others in the villages it serves for this grade (by bus, or from
        # its boarding house); nobody lives "in" a village kilometres from it.
        villages = origins.get((school_id, grade), [])
        # the villages' share as their cohorts give it, the rest from the school's settlement
        rest = max(0.0, totals[(school_id, grade)] - sum(w for *_x, w in villages))
        homes = [(settlement.pk, None, None, rest), *villages]
        counts = _split(count, [w for *_x, w in homes])
        for (home_id, hlat, hlon, _w), n in zip(homes, counts, strict=True):
            for _ in range(n):
                born = dt.date(year - 6 - grade, 1, 1) + dt.timedelta(days=rng.randrange(365))
                iin = None
                if rng.random() > 0.004:  # a few children have no IIN yet: the uid identifies them
                    while iin is None:
                        serial[(born, sex)] += 1
                        iin = make_iin(born, sex, serial[(born, sex)])
                last = rng.choice(LAST_M)
                first = rng.choice(FIRST_M if sex == "M" else FIRST_F)
                p = Pupil(
                    iin=iin,
                    last_name=last if sex == "M" else _female(last),
                    first_name=first,
                    middle_name=_patronymic(rng.choice(FIRST_M), sex, rng),
                    birth_date=born,
                    sex=sex,
                    school_id=school_id,
                    grade=grade,
                    home_settlement_id=home_id,
                    is_synthetic=True,
                )
                if home_id != settlement.pk:
                    if hlat is not None and hlon is not None:
                        p.home_lat, p.home_lon = _offset(hlat, hlon, rng.uniform(0.0, 0.4), rng)
                elif lat is not None and lon is not None:
                    p.home_lat, p.home_lon = _offset(lat, lon, rng.uniform(0.1, 2.2), rng)
                pupils.append(p)

    # Planted duplicates for the review queue: the same child registered again without an
    # IIN at another school of the same district, with a typo in the name. Each takes the
    # place of a generated child of that school, grade and sex, so that the registry holds as
    # many pupils per school as its enrolment counts (registry pupils = indicator pupils).
    originals = rng.sample(range(len(pupils)), min(PLANTED_DUPLICATES, len(pupils) // 100))
    schools_by_district: dict[str, list[int]] = defaultdict(list)
    for s in schools.values():
        schools_by_district[s.settlement.path[:21]].append(s.pk)
    places: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for i, p in enumerate(pupils):
        places[(p.school_id, p.grade, p.sex)].append(i)
    keep = set(originals)
    dropped: set[int] = set()
    twins = []
    for i in originals:
        o = pupils[i]
        home = schools[o.school_id].settlement.path[:21]
        other = [s for s in schools_by_district[home] if s != o.school_id] or [o.school_id]
        school_id = rng.choice(other)
        seat = next(
            (j for j in places[(school_id, o.grade, o.sex)] if j not in keep | dropped), None
        )
        if seat is None:
            continue  # no child of that grade and sex there: plant no duplicate
        dropped.add(seat)
        first = o.first_name
        k = rng.randrange(1, len(first))
        twins.append(
            Pupil(
                iin=None,
                last_name=o.last_name,
                first_name=first[:k] + first[k + 1 :] if len(first) > 3 else first,
                middle_name=o.middle_name,
                birth_date=o.birth_date,
                sex=o.sex,
                school_id=school_id,
                grade=o.grade,
                home_settlement_id=o.home_settlement_id,
                home_lat=o.home_lat,
                home_lon=o.home_lon,
                is_synthetic=True,
            )
        )
    pupils = [p for i, p in enumerate(pupils) if i not in dropped]
    pupils.extend(twins)
    as_of = selectors.as_of_for(year)
    cats = _households(rng, pupils[: len(pupils) - len(twins)], year, as_of)
    # The pupils go through the registry's one write path (ADR 0120): the IIN cross-check,
    # the review flag and the name key of support.services, as the web page and the admin.
    pupils_register(pupils, summary=f"demo {year}", exclusive=True)
    for c in cats:
        c.pupil_id = c.pupil.pk
        del c.pupil
    _collegial_decisions(rng, cats, year)
    _insert(PupilCategory, cats)
    _memberships(rng, programmes, year, as_of)
    help_from_records(django_apps)  # the fund's help records: what its counts read (ADR 0155)
    # The planted duplicates (and any look-alikes) land in the review queue.
    duplicates_detect(pupils=Pupil.objects.filter(is_synthetic=True))
    audit.record(
        "import",
        object_type="support.pupil",
        summary=f"demo: the support of {len(pupils)} synthetic pupils for {year}",
    )


CATEGORY_MIX = (
    ("asp", 0.30),
    ("below_subsistence", 0.18),
    ("large_family", 0.27),
    ("orphan", 0.06),
    ("sen_disability", 0.10),
    ("emergency", 0.03),
    ("collegial_decision", 0.06),
)
DOCS = {
    "asp": "справка о назначении АСП",
    "below_subsistence": "справка о доходах семьи",
    "large_family": "справка о составе семьи",
    "orphan": "решение органа опеки",
    "sen_disability": "заключение ПМПК",
    "emergency": "акт акимата о ЧС",
    "collegial_decision": "протокол попечительского совета",
}


COLLEGIAL_ROUTE = frozenset({"large_family", "sen_disability", "collegial_decision"})


def _collegial_decisions(rng: random.Random, cats: list[Any], year: int) -> None:
    """One decision of each school's collegial body in September naming its children of the
    fifth category; their category rows point at it (works for any set of schools)."""
    by_school: dict[int, list[Any]] = defaultdict(list)
    school_of = dict(Pupil.objects.filter(is_synthetic=True).values_list("id", "school_id"))
    for c in cats:
        if c.category == "collegial_decision":
            by_school[school_of[c.pupil_id]].append(c)
    decisions = []
    for n, school_id in enumerate(sorted(by_school), start=1):
        decided_on = dt.date(year, 9, 1) + dt.timedelta(days=rng.randrange(3, 25))
        decisions.append(
            _Row(
                school_id=school_id,
                decided_on=decided_on,
                number=f"{rng.randrange(1, 4)}/{n % 97 + 1}",
                members_present=rng.randrange(5, 10),
                reason="многодетные семьи и дети с особыми образовательными потребностями",
                valid_from=dt.date(year, 9, 1),
                valid_to=dt.date(year + 1, 6, 30),
                is_synthetic=True,
            )
        )
    _insert(CollegialDecision, decisions)
    for d in decisions:
        for c in by_school[d.school_id]:
            c.decision_id = d.pk
            c.source = "collegial"
            c.evidence_date = d.decided_on
            c.document = f"протокол коллегиального органа № {d.number} от {d.decided_on:%d.%m.%Y}"


def _households(rng: random.Random, pupils: list[Any], year: int, as_of: dt.date) -> list[Any]:
    """Households, guardians and category rows for ~19 thousand children (inserted here,
    except the categories: they need the pupils' ids)."""
    target = min(UNIFORM_RECIPIENTS + UNIFORM_NOT_YET, len(pupils) // 5)
    chosen = rng.sample(range(len(pupils)), target + target // 30)
    with_cat, expired = chosen[:target], chosen[target:]
    codes = [c for c, _ in CATEGORY_MIX]
    weights = [w for _, w in CATEGORY_MIX]
    households: list[Any] = []
    cats: list[Any] = []
    start = dt.date(year, 1, 1)
    for n, i in enumerate(with_cat + expired):
        p = pupils[i]
        hh = _Row(
            settlement_id=p.home_settlement_id,
            children_count=rng.choice((1, 2, 3)),
            is_synthetic=True,
        )
        households.append(hh)
        picked = {rng.choices(codes, weights)[0]}
        if rng.random() < 0.12:
            picked.add(rng.choices(codes, weights)[0])
        if "large_family" in picked:
            hh.children_count = rng.choice((4, 5, 6, 7))
        current = n < len(with_cat)
        if current and picked & COLLEGIAL_ROUTE:
            # Large families and special needs are data; the fund reaches them through the
            # collegial body's decision (ADR 0150).
            picked.add("collegial_decision")
        elif not current:
            picked.discard("collegial_decision")
            picked = picked or {"large_family"}
        for code in sorted(picked):
            valid_from = start + dt.timedelta(days=rng.randrange(240))
            valid_to: dt.date | None
            if n >= len(with_cat):  # expired before the school year's reference date
                ended = as_of - dt.timedelta(days=rng.randrange(10, 200))
                valid_to = ended
                valid_from = min(valid_from, ended - dt.timedelta(days=30))
            else:
                valid_to = (
                    None if code in ("orphan", "sen_disability") else dt.date(year + 1, 6, 30)
                )
            if code == "collegial_decision":  # the decision's period (_collegial_decisions)
                valid_from, valid_to = dt.date(year, 9, 1), dt.date(year + 1, 6, 30)
            cats.append(
                _Row(
                    pupil=p,
                    category=code,
                    document=f"{DOCS[code]} № {rng.randrange(1000, 99999)}",
                    valid_from=valid_from,
                    valid_to=valid_to,
                    verified_at=timezone.now(),
                    is_synthetic=True,
                )
            )
    _insert(Household, households)
    guardians = []
    for hh, i in zip(households, with_cat + expired, strict=True):
        p = pupils[i]
        p.household_id = hh.pk
        guardians.append(
            _Row(
                household_id=hh.pk,
                role=rng.choice(
                    (Guardian.Role.MOTHER,) * 6
                    + (Guardian.Role.FATHER,) * 3
                    + (Guardian.Role.GUARDIAN,)
                ),
                last_name=p.last_name,
                first_name=rng.choice(FIRST_F),
                is_synthetic=True,
            )
        )
    _insert(Guardian, guardians)
    return cats


def _memberships(
    rng: random.Random, programmes: dict[str, Programme], year: int, as_of: dt.date
) -> None:
    facts = selectors.facts_for(
        Pupil.objects.filter(is_synthetic=True), as_of=as_of, programmes=programmes.values()
    )
    school_of = dict(Pupil.objects.filter(is_synthetic=True).values_list("id", "school_id"))
    now = timezone.now()
    delivered_on = {
        "uniform": dt.date(year, 8, 25),
        "meals": dt.date(year + 1, 1, 31),
        "city-transit": dt.date(year, 9, 1),
    }
    members: list[Any] = []
    deliveries: list[tuple[int, dict[str, Any], Decimal, int]] = []
    waiting: list[int] = []
    for code, programme in programmes.items():
        mask = rules.evaluate(programme.rule, facts)
        ids = facts.pupil_ids[mask]
        if code == "uniform":
            perm = np.random.default_rng(SEED).permutation(ids)
            ids, waiting = perm[UNIFORM_NOT_YET:], perm[:UNIFORM_NOT_YET].tolist()  # some wait
        for pid in ids.tolist():
            m = _Row(
                pupil_id=pid,
                programme=programme,
                programme_id=programme.pk,
                year=year,
                school_id=school_of[pid],
                state=MembershipState.ENROLLED,
                is_synthetic=True,
            )
            members.append(m)
            if code == "uniform":  # paid in cash against an application (_fund_year)
                deliveries.append((len(members) - 1, {}, programme.unit_cost, 1))
            elif code == "meals":
                days = 19
                deliveries.append(
                    (
                        len(members) - 1,
                        {"month": f"{year + 1}-01", "meal_days": days},
                        programme.unit_cost * days,
                        days,
                    )
                )
            elif code == "city-transit":
                deliveries.append(
                    (len(members) - 1, {"pass": f"ӨСК-{year}-{pid:07d}"}, Decimal("0"), 1)
                )
    _insert(Membership, members)
    _insert(
        MembershipChange,
        [
            _Row(
                membership_id=m.pk,
                at=now,
                old_state=MembershipState.DRAFT,
                new_state=MembershipState.ENROLLED,
                reason="демо: условие программы выполнено",
                author_name="демо",
            )
            for m in members
        ],
    )
    _school_funds(programmes["uniform"], members, year)
    fund: dict[int, Decimal | None] = {
        s.pk: selectors.school_fund(s, year)
        for s in Institution.objects.filter(pk__in=set(school_of.values()))
    }
    spent: dict[int, Decimal] = defaultdict(Decimal)
    over: list[bool] = []
    for k, _items, amount, _qty in deliveries:
        m = members[k]
        if not m.programme.funded_by_school_fund:
            over.append(False)
            continue
        spent[m.school_id] += amount
        limit = fund.get(m.school_id)
        over.append(limit is not None and spent[m.school_id] > limit)
    paid = _fund_year(
        rng,
        programmes["uniform"],
        members,
        deliveries,
        [(pid, school_of[pid]) for pid in waiting],
        year,
    )
    _insert(
        Delivery,
        [
            _Row(
                membership_id=members[k].pk,
                delivered_on=paid.get(k, delivered_on[members[k].programme.code]),
                items=items,
                quantity=qty,
                amount=amount,
                budget=(
                    "фонд всеобуча"
                    if members[k].programme.funded_by_school_fund
                    else "местный бюджет"
                ),
                over_budget=flag,
                is_synthetic=True,
            )
            for (k, items, amount, qty), flag in zip(deliveries, over, strict=True)
        ],
    )


def _school_funds(programme: Programme, members: list[Any], year: int) -> None:
    """Each school's fund for the year: the maslikhat sets it above the 1 % floor where the
    school's children of the fund's categories need more (ADR 0151), with room for ten more
    payments, rounded up to 100,000 ₸."""
    need: dict[int, int] = defaultdict(int)
    for m in members:
        if m.programme_id == programme.pk:
            need[m.school_id] += 1
    amount = selectors.min_payment(year)
    rows = []
    for school in Institution.objects.filter(pk__in=list(need)):
        floor = selectors.fund_floor(school) or Decimal("0")
        wanted = amount * (need[school.pk] + 10)
        size = max(floor, (wanted / 100_000).to_integral_value(rounding="ROUND_CEILING") * 100_000)
        rows.append(
            _Row(school_id=school.pk, year=year, amount=size, basis="решение маслихата (демо)")
        )
    _insert(SchoolFund, rows)


BANKS = ("722", "601", "998", "914", "856")  # the first three IBAN digits: the bank's code


def _fund_year(
    rng: random.Random,
    programme: Programme,
    members: list[Any],
    deliveries: list[tuple[int, dict[str, Any], Decimal, int]],
    waiting: list[tuple[int, int]],
    year: int,
) -> dict[int, dt.date]:
    """A realistic year of the fund (issue 17): every uniform recipient's parent applied in
    late August or September, the collegial body approved within ten working days, the school
    sent each month's register to the bank and it paid; most parents brought receipts, some
    fell short, a few brought none. Some applications were refused with a reason, and the
    children still waiting have theirs open. Works for any set of schools. Returns the paid
    date per delivery index and fills each delivery's items with its application."""
    from .fund import add_working_days

    amount = selectors.min_payment(year)
    apps: list[Any] = []
    lines: list[tuple[Any, int]] = []  # (application row, delivery index)
    registers: dict[tuple[int, dt.date], Any] = {}
    paid: dict[int, dt.date] = {}
    cats = dict(
        PupilCategory.objects.filter(
            pupil_id__in=[m.pupil_id for m in members if m.programme_id == programme.pk],
            category__in=FUND_CATEGORIES,
        ).values_list("pupil_id", "category")
    )
    next_no = (Application.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    serials: dict[dt.date, int] = defaultdict(int)

    def parent() -> tuple[str, str, str]:
        iin = None
        while iin is None:
            born = dt.date(rng.randrange(1978, 1996), rng.randrange(1, 13), rng.randrange(1, 29))
            serials[born] += 1
            iin = make_iin(born, "F", serials[born])
        bban = rng.choice(BANKS) + "".join(rng.choice("0123456789") for _ in range(13))
        name = f"{rng.choice(LAST_M)}а {rng.choice(FIRST_F)}"
        return iin, make_iban("KZ", bban), name

    def application(pid: int, school_id: int, submitted: dt.date, status: str) -> Any:
        nonlocal next_no
        iin, iban, name = parent()
        category = cats.get(pid, "asp")
        row = _Row(
            number=f"{year}-{next_no:06d}",
            pupil_id=pid,
            school_id=school_id,
            programme_id=programme.pk,
            year=year,
            category=category,
            channel="parent" if rng.random() < 0.7 else "school",
            parent_name=name,
            parent_iin=iin,
            phone=f"+7 7{rng.randrange(0, 100):02d} {rng.randrange(1000000, 9999999)}",
            iban=iban,
            documents=sorted(fund_checklist(category)),
            consent=True,
            submitted_on=submitted,
            decide_by=add_working_days(submitted, 10),
            status=status,
            is_synthetic=True,
        )
        next_no += 1
        apps.append(row)
        return row

    for k, (i, items, _amount, _qty) in enumerate(deliveries):
        m = members[i]
        if m.programme_id != programme.pk:
            continue
        submitted = dt.date(year, 8, 20) + dt.timedelta(days=rng.randrange(0, 35))
        app = application(m.pupil_id, m.school_id, submitted, "approved")
        app.decided_on = add_working_days(submitted, rng.randrange(3, 11))
        app.minutes = f"{app.decided_on.month}/{rng.randrange(1, 9)}"
        app.amount = amount
        month = app.decided_on.replace(day=1)
        reg = registers.get((m.school_id, month))
        if reg is None:
            paid_on = add_working_days((month + dt.timedelta(days=32)).replace(day=1), 2)
            reg = registers[(m.school_id, month)] = _Row(
                school_id=m.school_id,
                month=month,
                exported_at=timezone.make_aware(
                    dt.datetime.combine(paid_on - dt.timedelta(days=3), dt.time(10))
                ),
                paid_on=paid_on,
                is_synthetic=True,
            )
        lines.append((app, k))
        items.update({"application": app.number, "register": f"{month:%Y-%m}"})
        paid[i] = reg.paid_on
    # Waiting: eligible children whose application is still open; refused: large families
    # without the collegial body's decision, refused with a reason.
    for pid, school_id in waiting:
        submitted = dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randrange(0, 40))
        application(pid, school_id, submitted, "submitted")
    helped = {
        members[i].pupil_id for i, *_ in deliveries if members[i].programme_id == programme.pk
    } | {pid for pid, _s in waiting}
    candidates = [
        (pid, school_id)
        for pid, school_id in PupilCategory.objects.filter(
            pupil__is_synthetic=True, category="large_family"
        )
        .order_by("pupil_id")
        .values_list("pupil_id", "pupil__school_id")
        if pid not in helped
    ]
    for pid, school_id in candidates[: max(1, len(lines) // 60)]:
        submitted = dt.date(year, 9, 1) + dt.timedelta(days=rng.randrange(0, 20))
        app = application(pid, school_id, submitted, "refused")
        app.category = "collegial_decision"
        app.documents = sorted(fund_checklist("collegial_decision"))
        app.decided_on = add_working_days(app.submitted_on, 8)
        app.minutes = f"{app.decided_on.month}/{rng.randrange(1, 9)}"
        app.refusal_reason = rng.choice(
            (
                "акт обследования не подтверждает трудную жизненную ситуацию",
                "доход семьи выше прожиточного минимума",
                "ребёнок не обучается в школе с 1 октября",
            )
        )
    _insert(Application, apps)
    reg_rows = list(registers.values())
    _insert(PaymentRegister, reg_rows)
    line_rows = []
    for app, k in lines:
        m = members[deliveries[k][0]]
        reg = registers[(m.school_id, app.decided_on.replace(day=1))]
        line_rows.append(
            _Row(
                application_id=app.pk,
                register_id=reg.pk,
                parent_name=app.parent_name,
                parent_iin=app.parent_iin,
                iban=app.iban,
                amount=amount,
                paid_on=reg.paid_on,
                is_synthetic=True,
            )
        )
    _insert(PaymentLine, line_rows)
    receipts = []
    for line in line_rows:
        u = rng.random()
        if u < 0.05:  # no proof of purchase yet
            continue
        spent = amount if u < 0.9 else (amount * Decimal(str(round(rng.uniform(0.4, 0.9), 2))))
        itemised = rng.random() < 0.6
        receipts.append(
            _Row(
                line_id=line.pk,
                kind="itemised" if itemised else "scan",
                issued_on=line.paid_on + dt.timedelta(days=rng.randrange(1, 30)),
                amount=spent.quantize(Decimal("0.01")),
                items="куртка, обувь, рюкзак, канцтовары" if itemised else "",
                is_synthetic=True,
            )
        )
    _insert(Receipt, receipts)
    return paid
