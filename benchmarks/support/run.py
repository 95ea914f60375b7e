"""Support benchmark (make bench-support): eligibility of every programme and de-duplication
for 1,000,000 generated pupils with planted duplicates and typos.

Prints, and writes to the ``## Support`` section of docs/benchmarks.md: total time, each phase,
peak RSS, pairs compared per pupil (target <= 50), recall on planted duplicates (target >= 99 %),
false matches (target <= 1 %), and the baseline: naive all-pairs comparison on a sample,
extrapolated to the full size.

    .venv/bin/python benchmarks/support/run.py [--pupils 1000000] [--no-docs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keleshek.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

import django  # noqa: E402

django.setup()

from rapidfuzz.fuzz import ratio  # noqa: E402
from rapidfuzz.process import cdist  # noqa: E402

from keleshek.core.ids import make_iin  # noqa: E402
from keleshek.support import dedup, rules  # noqa: E402
from keleshek.support.demo import programme_specs  # noqa: E402

SEED = 20260227
ROOTS = [
    "Ахмет",
    "Абен",
    "Жумабай",
    "Касым",
    "Нурлан",
    "Серик",
    "Тлеубай",
    "Омар",
    "Мукаш",
    "Бекен",
    "Иван",
    "Петр",
    "Смирн",
    "Кузнец",
    "Поп",
    "Сокол",
    "Лебед",
    "Козл",
    "Новик",
    "Мороз",
    "Садык",
    "Исабек",
    "Кали",
    "Ержан",
    "Тулеген",
    "Байжан",
    "Аубакир",
    "Сулеймен",
    "Жакуп",
    "Есен",
    "Кенжебек",
    "Рахим",
    "Шаймерден",
    "Мухамеджан",
    "Дюсен",
    "Орл",
    "Волк",
    "Федор",
    "Михайл",
    "Беля",
    "Мельник",
    "Гус",
    "Баймухан",
    "Онгарбай",
    "Али",
    "Турсын",
    "Жаксылык",
    "Кайрат",
    "Бекмухамед",
    "Ибрай",
    "Карим",
    "Мамыр",
    "Нургали",
    "Оспан",
    "Сагын",
    "Темир",
    "Утеген",
    "Шакен",
    "Жолдас",
    "Абдрахман",
    "Бакыт",
    "Габдулл",
    "Дауле",
    "Ескендир",
    "Жанбол",
    "Калкаман",
    "Лесбек",
    "Мейрам",
    "Нуржан",
    "Отеп",
    "Рыскул",
    "Саттар",
    "Таир",
    "Уалихан",
    "Хасен",
    "Шынгыс",
    "Ыскак",
]
SUFFIXES = ("ов", "ев", "ин", "улы", "бек", "баев", "жанов", "ханов")
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
    "Артем",
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
    "Нурболат",
    "Ержан",
    "Айдос",
    "Бекзат",
    "Дамир",
    "Жандос",
    "Касымхан",
    "Мадияр",
    "Нуржан",
    "Олжас",
    "Рамазан",
    "Самат",
    "Талгат",
    "Улан",
    "Чингиз",
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
    "Айсулу",
    "Балжан",
    "Гаухар",
    "Динара",
    "Жулдыз",
    "Зарина",
    "Индира",
    "Карина",
    "Ляззат",
    "Мирай",
    "Нурай",
    "Перизат",
    "Сауле",
    "Толкын",
    "Умит",
]
LAST = [r + s for r in ROOTS for s in SUFFIXES]


def typo(s: str, rng: random.Random) -> str:
    """One edit: substitution, deletion, insertion or adjacent transposition."""
    if len(s) < 3:
        return s + "а"
    i = rng.randrange(1, len(s) - 1)
    kind = rng.randrange(4)
    letters = "аеиоубвгдклмнрст"
    if kind == 0:
        return s[:i] + rng.choice(letters.replace(s[i], "")) + s[i + 1 :]
    if kind == 1:
        return s[:i] + s[i + 1 :]
    if kind == 2:
        return s[:i] + rng.choice(letters) + s[i:]
    return s[: i - 1] + s[i] + s[i - 1] + s[i + 1 :]


def generate(
    n: int, dup_share: float = 0.01
) -> tuple[list[dedup.Record], set[tuple[int, int]], dict]:
    rng = random.Random(SEED)
    n_dup = int(n * dup_share)
    n_orig = n - n_dup
    n_schools = max(10, n // 700)
    school_settlement = [s // 3 for s in range(n_schools)]  # ~3 schools per settlement
    serial: dict[tuple[int, str], int] = {}
    recs: list[dedup.Record] = []
    for i in range(n_orig):
        sex = "M" if rng.random() < 0.51 else "F"
        born = dt.date(2008 + rng.randrange(12), 1, 1) + dt.timedelta(days=rng.randrange(365))
        key = (born.toordinal(), sex)
        iin = None
        while iin is None:
            serial[key] = serial.get(key, 0) + 1
            iin = make_iin(born, sex, serial[key])
        last = rng.choice(LAST)
        if sex == "F" and last.endswith(("ов", "ев", "ин")):
            last += "а"
        school = rng.randrange(n_schools)
        recs.append(
            dedup.Record(
                id=i + 1,
                iin=iin,
                last=last,
                first=rng.choice(FIRST_M if sex == "M" else FIRST_F),
                middle=rng.choice(FIRST_M) + ("ович" if sex == "M" else "овна"),
                birth=born.toordinal(),
                sex=sex,
                school=school,
                settlement=school_settlement[school],
            )
        )
    planted: set[tuple[int, int]] = set()
    kinds = {"iin": 0, "name_typo": 0, "date_typo": 0, "other_school": 0}
    for k in range(n_dup):
        o = recs[rng.randrange(n_orig)]
        new_id = n_orig + k + 1
        r = rng.random()
        last, first, birth, iin, school = o.last, o.first, o.birth, "", o.school
        if r < 0.25:
            kinds["iin"] += 1
            iin = o.iin
            school = rng.randrange(n_schools)
        elif r < 0.60:
            kinds["name_typo"] += 1
            if rng.random() < 0.5:
                last = typo(last, rng)
            else:
                first = typo(first, rng)
        elif r < 0.80:
            kinds["date_typo"] += 1
            d = dt.date.fromordinal(birth)
            if rng.random() < 0.5 and d.day <= 12 and d.month != d.day:
                birth = dt.date(d.year, d.day, d.month).toordinal()  # day and month swapped
            else:
                birth = (d + dt.timedelta(days=rng.choice((-10, -1, 1, 10)))).toordinal()
        else:
            kinds["other_school"] += 1
            same_place = [s for s in range(n_schools) if school_settlement[s] == o.settlement]
            school = rng.choice(same_place)
        recs.append(
            dedup.Record(
                id=new_id,
                iin=iin,
                last=last,
                first=first,
                middle=o.middle,
                birth=birth,
                sex=o.sex,
                school=school,
                settlement=school_settlement[school],
            )
        )
        planted.add((min(o.id, new_id), max(o.id, new_id)))
    rng.shuffle(recs)
    return recs, planted, {"schools": n_schools, **kinds}


def facts_from(recs: list[dedup.Record], n_schools: int) -> rules.Facts:
    """The columns the rules read, as ``selectors.facts_for`` builds them from the database."""
    g = np.random.default_rng(SEED)
    n = len(recs)
    ids = np.fromiter((r.id for r in recs), dtype=np.int64, count=n)
    born = np.fromiter((r.birth for r in recs), dtype=np.int64, count=n)
    age = (dt.date(2025, 10, 1).toordinal() - born) // 365
    grade = np.clip(age - 6, 0, 11).astype(np.int16)
    bits = np.zeros(n, dtype=np.int32)
    vulnerable = g.random(n) < 0.16
    bits[vulnerable] = np.left_shift(1, g.integers(0, 7, int(vulnerable.sum()))).astype(np.int32)
    settlement = np.fromiter((r.settlement for r in recs), dtype=np.int64, count=n)
    n_settlements = n_schools // 3 + 1
    city = np.arange(n_settlements) < n_settlements * 0.3  # 30 % of places are the city
    paths = {
        s: ("/630000000/631000000/" if city[s] else "/630000000/634000000/") + f"{s:09d}/"
        for s in range(n_settlements)
    }
    return rules.Facts(
        pupil_ids=ids,
        grade=grade,
        category_bits=bits,
        settlement_id=settlement,
        distance_km=g.gamma(1.5, 1.2, n),
        school_in_settlement=g.random(n) > 0.04,
        as_of=dt.date(2025, 10, 1),
        rural=~city[settlement],
        territory_paths=paths,
        territory_names={"631000000": "Ust-Kamenogorsk"},
        threshold_km=3.0,
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(recs: list[dedup.Record], sample: int) -> tuple[float, int]:
    """Naive: every pair of a sample compared on names (C++ all-pairs), then extrapolated."""
    names = [
        dedup.normalise(r.last) + " " + dedup.normalise(r.first) + " " + dedup.normalise(r.middle)
        for r in recs[:sample]
    ]
    t = time.perf_counter()
    cdist(names, names, scorer=ratio, workers=1, dtype=np.uint8)
    return time.perf_counter() - t, sample * (sample - 1) // 2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pupils", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=4_000, help="baseline all-pairs sample")
    ap.add_argument("--no-docs", action="store_true")
    args = ap.parse_args()
    n = args.pupils

    t0 = time.perf_counter()
    c0 = time.process_time()
    recs, planted, info = generate(n)
    t_gen = time.perf_counter() - t0

    t1 = time.perf_counter()
    facts = facts_from(recs, info["schools"])
    specs = programme_specs(None)
    specs[-1]["rule"] = {"within_territory": "631000000"}
    eligible = {}
    for spec in specs:
        rules.validate(spec["rule"])
        eligible[spec["code"]] = int(rules.evaluate(spec["rule"], facts).sum())
    # explanations for a sample, as a page would show them
    for i in range(0, n, max(1, n // 1000)):
        for spec in specs:
            rules.explain(spec["rule"], facts, i)
    t_rules = time.perf_counter() - t1

    t2 = time.perf_counter()
    stats = dedup.Stats()
    matches = dedup.find_duplicates(recs, stats=stats)
    t_dedup = time.perf_counter() - t2
    total = time.perf_counter() - t0
    cpu = time.process_time() - c0

    found = {(min(m.a, m.b), max(m.a, m.b)) for m in matches}
    hits = len(found & planted)
    recall = hits / len(planted) if planted else 1.0
    false = len(found - planted)
    false_share = false / len(found) if found else 0.0

    b_time, b_pairs = baseline(recs, min(args.sample, n))
    all_pairs = n * (n - 1) // 2
    b_extrapolated = b_time * all_pairs / b_pairs

    rows = [
        ("pupils", f"{n:,}"),
        (
            "planted duplicates",
            f"{len(planted):,} ("
            + ", ".join(f"{k} {v}" for k, v in info.items() if k != "schools")
            + ")",
        ),
        ("generate data", f"{t_gen:.1f} s"),
        ("eligibility, 4 programmes (+ 4,000 explanations)", f"{t_rules:.1f} s"),
        ("eligible per programme", ", ".join(f"{k} {v:,}" for k, v in eligible.items())),
        ("de-duplication", f"{t_dedup:.1f} s"),
        ("total (generate + eligibility + de-duplication)", f"{total:.1f} s"),
        ("CPU time of the process for that total (the machine is shared)", f"{cpu:.1f} s"),
        ("peak RSS", f"{peak_rss_mib():,.0f} MiB"),
        ("pairs compared per pupil (target <= 50)", f"{stats.pairs_per_record:.2f}"),
        (
            "planted duplicates found (target >= 99 %)",
            f"{100 * recall:.2f} % ({hits:,}/{len(planted):,})",
        ),
        (
            "false matches (target <= 1 %)",
            f"{100 * false_share:.2f} % ({false:,} of {len(found):,})",
        ),
        (
            f"baseline: all pairs on {min(args.sample, n):,} pupils",
            f"{b_time:.2f} s for {b_pairs:,} pairs; "
            f"extrapolated to {n:,}: {b_extrapolated / 3600:,.1f} h "
            f"({all_pairs / max(1, stats.pairs_compared):,.0f}x the pairs)",
        ),
        ("verdict", verdict(stats.pairs_per_record, recall, false_share)),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    if not args.no_docs:
        write_docs(rows, n, args.sample)


def verdict(ppp: float, recall: float, false_share: float) -> str:
    ok = ppp <= 50 and recall >= 0.99 and false_share <= 0.01
    missed = [
        name
        for name, good in (
            ("pairs per pupil", ppp <= 50),
            ("recall", recall >= 0.99),
            ("false matches", false_share <= 0.01),
        )
        if not good
    ]
    return "all targets met" if ok else "TARGET MISSED: " + ", ".join(missed)


def write_docs(rows: list[tuple[str, str]], n: int, sample: int) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    load = os.getloadavg()
    section = [
        "## Support",
        "",
        f"Eligibility and de-duplication, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load[0]:.1f} (shared machine: absolute times are noisy).",
        f"Command: `.venv/bin/python benchmarks/support/run.py --pupils {n} --sample {sample}` "
        "(`make bench-support`).",
        "",
        "| figure | value |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in rows],
        "",
        "Eligibility is `keleshek.support.rules.evaluate` over the same columns "
        "`selectors.facts_for` loads from the database (4 queries whatever the number of pupils). "
        "De-duplication is `keleshek.support.dedup.find_duplicates` with the blocking of ADR 0051; "
        "the pupils are generated in memory (loading a million rows is the import "
        "benchmark's job).",
        "",
    ]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    start = text.find("## Support")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section)
    else:
        end = text.find("\n## ", start + 3)
        text = text[:start] + "\n".join(section) + (text[end + 1 :] if end != -1 else "")
    path.write_text(text, encoding="utf-8")
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
