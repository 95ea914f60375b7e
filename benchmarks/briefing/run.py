"""Briefing benchmark: the briefing generated from a national-scale dataset, as a ratio to
rendering the same template (text, charts, annex, PDF) from constant data.

    .venv/bin/python benchmarks/briefing/run.py                 # PostgreSQL if it answers
    .venv/bin/python benchmarks/briefing/run.py --pupils 1000000 --runs 7
    .venv/bin/python benchmarks/briefing/run.py --database sqlite --quick

The dataset is generated deterministically into its own database (PostgreSQL ``kel_bench_brief``
or a SQLite file under /tmp) once and reused: 20 regions, ≈ 4,000 settlements, 7,800 schools with
≈ 3.9 million pupils as aggregates (two school years), 800 colleges, 120 universities, their
offerings, ≈ 700 construction projects, partnerships and international students, and
``--pupils`` individual pupils with support memberships and deliveries.

Measured side by side (A B A B …, after one warm-up):
- A "from records": ``selectors.briefing_facts`` + ``render.build_context`` + HTML + PDF;
- B "constant data": the same ``build_context`` + HTML + PDF from facts computed once.
The ratio A/B is the figure (target ≤ 3×). HTML alone is reported too. Figures go to the
``## Briefing`` section of docs/benchmarks.md unless --no-docs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
DOC = ROOT / "docs" / "benchmarks.md"
PG_URL = "postgres://postgres@127.0.0.1:5432/kel_bench_brief"
SQLITE_URL = "sqlite:////tmp/kel_bench_brief.sqlite3"
YEAR = 2025
TARGET = 3.0


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3):
            return True
    except Exception:  # any failure means "use SQLite"
        return False


def ensure_pg_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'kel_bench_brief'"
        ).fetchone()
        if not exists:
            conn.execute("CREATE DATABASE kel_bench_brief")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keleshek.settings.dev")
    os.environ.setdefault("KELESHEK_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- the national dataset ------------------------------------------------------------------


def generate(log: list[str]) -> None:
    from keleshek.construction.models import Project, ProjectFunding
    from keleshek.institutions.models import Institution, InstitutionYear, Laboratory
    from keleshek.partnerships.models import Agreement, InternationalStudents, Partner
    from keleshek.programmes.models import Industry, Offering, Specialty
    from keleshek.territory.models import Territory

    if Institution.objects.filter(kind="school").count() >= 7800:
        log.append("dataset: already generated, reused")
        return
    t0 = time.perf_counter()
    rng = random.Random(20251)  # deterministic
    B = 5000  # bulk batch size

    def bulk(model, objs):  # type: ignore[no-untyped-def]
        return model.objects.bulk_create(objs, batch_size=B)

    # territories: 20 oblasts × 10 districts × 5 okrugs × 4 settlements
    terrs = []
    for r in range(20):
        ok = f"{10 + r:02d}0000000"
        terrs.append(Territory(kato=ok, name_ru=f"Область {r + 1}", level="oblast", path=f"/{ok}/"))
    bulk(Territory, terrs)
    oblasts = {t.kato: t for t in Territory.objects.filter(level="oblast")}
    districts = []
    for ok, o in oblasts.items():
        for d in range(10):
            dk = f"{ok[:2]}{10 + d:02d}00000"
            districts.append(
                Territory(
                    kato=dk,
                    name_ru=f"Район {ok[:2]}-{d + 1}",
                    parent=o,
                    level="district",
                    path=f"{o.path}{dk}/",
                )
            )
    bulk(Territory, districts)
    okrugs = []
    for dist in Territory.objects.filter(level="district"):
        for k in range(5):
            kk = f"{dist.kato[:4]}{10 + k:02d}000"
            okrugs.append(
                Territory(
                    kato=kk,
                    name_ru=f"Округ {kk}",
                    parent=dist,
                    level="rural_okrug",
                    path=f"{dist.path}{kk}/",
                )
            )
    bulk(Territory, okrugs)
    settlements = []
    for okr in Territory.objects.filter(level="rural_okrug"):
        for s in range(4):
            sk = f"{okr.kato[:6]}{100 + s:03d}"
            settlements.append(
                Territory(
                    kato=sk,
                    name_ru=f"Село {sk}",
                    parent=okr,
                    level="settlement",
                    path=f"{okr.path}{sk}/",
                    is_urban=s == 0,
                )
            )
    bulk(Territory, settlements)
    setts = list(Territory.objects.filter(level="settlement").order_by("kato"))

    # institutions: 7,800 schools, 800 colleges, 120 universities, centres and workshops
    insts = []
    for i in range(7800):
        insts.append(
            Institution(
                kind="school",
                name_ru=f"Школа №{i + 1}",
                settlement=setts[i % len(setts)],
                design_capacity=rng.choice([300, 450, 600, 900, 1200]),
            )
        )
    for i in range(800):
        insts.append(
            Institution(
                kind="college", name_ru=f"Колледж №{i + 1}", settlement=setts[(i * 5) % len(setts)]
            )
        )
    for i in range(120):
        insts.append(
            Institution(
                kind="university",
                name_ru=f"Университет №{i + 1}",
                settlement=setts[(i * 33) % len(setts)],
            )
        )
    bulk(Institution, insts)
    schools = list(Institution.objects.filter(kind="school").order_by("id"))
    colleges = list(Institution.objects.filter(kind="college").order_by("id"))
    unis = list(Institution.objects.filter(kind="university").order_by("id"))
    units = []
    for i in range(40):
        host = colleges[i] if i < 20 else unis[i - 20]
        units.append(
            Institution(
                kind="competence_centre",
                parent=host,
                settlement=host.settlement,
                name_ru=f"Центр компетенций по направлению {i + 1}",
                status="operating" if i % 2 else "planned",
            )
        )
    for i in range(20):
        units.append(
            Institution(
                kind="workshop",
                parent=unis[i],
                settlement=unis[i].settlement,
                name_ru=f"Мастерская №{i + 1}",
            )
        )
    bulk(Institution, units)
    workshops = list(Institution.objects.filter(kind="workshop").order_by("id"))
    bulk(
        Laboratory,
        [
            Laboratory(institution=w, name_ru=f"Лаборатория {k + 1}")
            for w in workshops
            for k in range(4)
        ],
    )

    years = []
    total_pupils = 0
    for y in (YEAR - 1, YEAR):
        for s in schools:
            pupils_n = int(s.design_capacity * rng.uniform(0.6, 1.45))
            total_pupils += pupils_n if y == YEAR else 0
            s2 = pupils_n // 3 if pupils_n > s.design_capacity else 0
            years.append(
                InstitutionYear(
                    institution=s,
                    year=y,
                    design_capacity=s.design_capacity,
                    pupils_shift1=pupils_n - s2,
                    pupils_shift2=s2,
                    shifts=2 if s2 else 1,
                )
            )
    bulk(InstitutionYear, years)

    # programmes
    bulk(Industry, [Industry(code=f"ind{i}", name_ru=f"Отрасль {i}") for i in range(18)])
    industries = list(Industry.objects.all())
    bulk(
        Specialty,
        [
            Specialty(
                code=f"S{i:05d}",
                isced_level=4 if i < 240 else 6,
                industry=industries[i % 18],
                name_ru=f"Специальность {i}",
            )
            for i in range(300)
        ],
    )
    specs = list(Specialty.objects.order_by("code"))
    offerings = []
    for y in (YEAR - 1, YEAR):
        for ci, c in enumerate(colleges):
            for k in range(6):
                spec = specs[(ci * 7 + k) % 240]
                launch = y if (ci + k) % 37 == 0 else 2015
                offerings.append(
                    Offering(
                        institution=c,
                        specialty=spec,
                        year=y,
                        language="ru",
                        launch_year=launch,
                        state_seats=25,
                        paid_seats=10,
                        enrolled=30,
                    )
                )
        for ui, u in enumerate(unis):
            for k in range(15):
                spec = specs[240 + (ui * 3 + k) % 60]
                launch = y if (ui + k) % 41 == 0 else 2015
                offerings.append(
                    Offering(
                        institution=u,
                        specialty=spec,
                        year=y,
                        language="kk",
                        launch_year=launch,
                        state_seats=50,
                        paid_seats=20,
                        enrolled=60,
                    )
                )
    bulk(Offering, offerings)

    # construction: ≈ 700 school projects over five years
    projects = []
    for i in range(700):
        stage = "commissioned" if i < 420 else ("under_construction" if i < 650 else "planned")
        day = dt.date(2021 + i % 5, 9, 1) if stage == "commissioned" else None
        projects.append(
            Project(
                code=f"p{i}",
                kind="new_school",
                name_ru=f"Проект {i}",
                settlement=setts[(i * 11) % len(setts)],
                stage=stage,
                places=rng.choice([150, 300, 600, 900, 1200]),
                actual_commissioning=day,
            )
        )
    bulk(Project, projects)
    sources = ["keleshek_mektebi", "local_budget", "republican_budget", "corporate_partner"]
    bulk(
        ProjectFunding,
        [
            ProjectFunding(project=p, source=sources[i % 4], share=Decimal(1))
            for i, p in enumerate(Project.objects.order_by("id"))
        ],
    )

    # partnerships
    countries = ["CN", "RU", "KG", "UZ", "TJ", "MN", "TM", "AF", "IN", "TR", "DE", "KR"]
    bulk(
        Partner,
        [
            Partner(
                code=f"partner{i}",
                kind="company",
                name_ru=f"Партнер {i}",
                country=countries[i % len(countries)],
            )
            for i in range(60)
        ],
    )
    partners = list(Partner.objects.order_by("id"))
    agreements = []
    for i in range(20):
        agreements.append(
            Agreement(
                code=f"cons{i}", kind="consortium", title_ru=f"Консорциум {i}", institution=unis[i]
            )
        )
        agreements.append(
            Agreement(
                code=f"don{i}",
                kind="equipment_donation",
                title_ru=f"Оборудование {i}",
                institution=unis[i],
                amount=Decimal(3_950_000 + i * 1000),
                currency="CNY",
                kzt_rate=Decimal("72.15"),
            )
        )
        agreements.append(
            Agreement(
                code=f"dual{i}",
                kind="dual_training",
                title_ru=f"Дуальное обучение {i}",
                institution=workshops[i],
            )
        )
    bulk(Agreement, agreements)
    by_code = {a.code: a for a in Agreement.objects.all()}
    bulk(
        Agreement,
        [
            Agreement(
                code=f"rg{i}-{k}",
                kind="research_group",
                parent=by_code[f"cons{i}"],
                title_ru=f"Исследовательская группа {i}-{k}",
                topic="металлы",
            )
            for i in range(20)
            for k in range(2)
        ],
    )
    through = Agreement.partners.through
    bulk(
        through,
        [
            through(agreement_id=a.id, partner_id=partners[i % 60].id)
            for i, a in enumerate(Agreement.objects.order_by("id"))
        ],
    )
    intl = []
    for i, inst in enumerate([*unis, *workshops]):
        for k in range(8):
            intl.append(
                InternationalStudents(
                    institution=inst,
                    year=YEAR,
                    country=countries[(i + k) % len(countries)],
                    count=10 + (i * k) % 40,
                )
            )
    bulk(InternationalStudents, intl)

    log.append(
        f"dataset: generated in {time.perf_counter() - t0:.0f} s — 20 regions, "
        f"{len(setts)} settlements, 7,800 schools, {total_pupils:,} pupils (aggregates), "
        f"800 colleges, 120 universities, {len(offerings):,} offerings, 700 projects"
    )


def generate_pupils(pupils: int, log: list[str]) -> None:
    """Individual pupils with support records, topped up to ``pupils`` (idempotent)."""
    from keleshek.institutions.models import Institution
    from keleshek.support.models import (
        Delivery,
        Membership,
        Programme,
        Pupil,
        PupilCategory,
    )

    have = Pupil.objects.count()
    if have >= pupils:
        log.append(f"support: {have:,} individual pupils (reused)")
        return
    t0 = time.perf_counter()
    B = 5000

    def bulk(model, objs):  # type: ignore[no-untyped-def]
        return model.objects.bulk_create(objs, batch_size=B)

    schools = list(Institution.objects.filter(kind="school").order_by("id"))
    first_settlement = schools[0].settlement
    progs = {}
    for kind in ("uniform", "meals", "transport", "transit"):
        progs[kind], _ = Programme.objects.get_or_create(
            code=f"bench-{kind}",
            defaults={
                "kind": kind,
                "name_ru": kind,
                "territory": first_settlement if kind == "transit" else None,
            },
        )
    born = dt.date(2008, 1, 1)
    for start in range(have, pupils, 50_000):
        chunk = []
        for i in range(start, min(pupils, start + 50_000)):
            school = schools[i % len(schools)]
            chunk.append(
                Pupil(
                    last_name=f"Фамилия{i % 997}",
                    first_name=f"Имя{i % 89}",
                    birth_date=born + dt.timedelta(days=i % 4000),
                    sex="M" if i % 2 else "F",
                    school=school,
                    grade=i % 12,
                    home_settlement=school.settlement,
                )
            )
        created = bulk(Pupil, chunk)
        cats, members = [], []
        for p in created:
            low = p.pk % 10 == 0
            if low:
                cats.append(
                    PupilCategory(pupil_id=p.pk, category="asp", valid_from=dt.date(2024, 1, 1))
                )
            if 1 <= p.grade <= 4 or low:
                members.append(
                    Membership(
                        pupil_id=p.pk,
                        programme=progs["meals"],
                        year=YEAR,
                        school_id=p.school_id,
                        state="enrolled",
                    )
                )
            if low:
                members.append(
                    Membership(
                        pupil_id=p.pk,
                        programme=progs["uniform"],
                        year=YEAR,
                        school_id=p.school_id,
                        state="enrolled",
                    )
                )
            if p.pk % 20 == 1:
                members.append(
                    Membership(
                        pupil_id=p.pk,
                        programme=progs["transport"],
                        year=YEAR,
                        school_id=p.school_id,
                        state="enrolled",
                    )
                )
        bulk(PupilCategory, cats)
        made = bulk(Membership, members)
        bulk(
            Delivery,
            [
                Delivery(membership_id=m.pk, delivered_on=dt.date(YEAR, 8, 25))
                for m in made
                if m.programme_id == progs["uniform"].pk
            ],
        )
    log.append(
        f"support: {pupils:,} individual pupils with memberships and deliveries "
        f"(topped up in {time.perf_counter() - t0:.0f} s)"
    )


# --- measuring -----------------------------------------------------------------------------


def measure(runs: int, log: list[str], budget: float) -> dict[str, float]:
    from django import db

    from keleshek.reports import render, selectors

    lang = "ru"

    def from_records(pdf: bool) -> float:
        t = time.perf_counter()
        facts = selectors.briefing_facts(year=YEAR)
        ctx = render.build_context(facts, lang)
        render.render_document(ctx)
        if pdf:
            render.render_pdf(ctx)
        return time.perf_counter() - t

    constant = selectors.briefing_facts(year=YEAR)

    def from_constant(pdf: bool) -> float:
        t = time.perf_counter()
        ctx = render.build_context(constant, lang)
        render.render_document(ctx)
        if pdf:
            render.render_pdf(ctx)
        return time.perf_counter() - t

    t = time.perf_counter()
    selectors.briefing_facts(year=YEAR)
    facts_once = time.perf_counter() - t
    print(f"facts from records: {facts_once:.2f} s", flush=True)
    db.reset_queries()
    from_constant(True)  # warm-up (imports, fonts, caches)
    res: dict[str, list[float]] = {"a_pdf": [], "b_pdf": [], "a_html": [], "b_html": []}
    started = time.perf_counter()
    for i in range(runs):
        res["a_pdf"].append(from_records(True))
        res["b_pdf"].append(from_constant(True))
        res["a_html"].append(from_records(False))
        res["b_html"].append(from_constant(False))
        print(
            f"run {i + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in res.items()), flush=True
        )
        if time.perf_counter() - started > budget and i + 1 < runs:
            log.append(f"time budget of {budget:.0f} s reached after {i + 1} of {runs} runs")
            break
    out = {k: statistics.median(v) for k, v in res.items()}
    out.update({f"{k}_min": min(v) for k, v in res.items()})
    out.update({f"{k}_max": max(v) for k, v in res.items()})
    out["facts_once"] = facts_once
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--database", choices=["auto", "postgres", "sqlite"], default="auto")
    ap.add_argument(
        "--pupils",
        type=int,
        default=300_000,
        help="individual pupils with support records (default 300,000)",
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="3 runs")
    ap.add_argument(
        "--budget",
        type=float,
        default=1800,
        help="stop adding runs after this many seconds (default 1800)",
    )
    ap.add_argument("--no-docs", action="store_true")
    args = ap.parse_args()
    runs = 3 if args.quick else args.runs
    use_pg = args.database == "postgres" or (args.database == "auto" and pg_available())
    if use_pg:
        ensure_pg_database()
    url = PG_URL if use_pg else SQLITE_URL
    setup_django(url)
    log: list[str] = []
    generate(log)
    generate_pupils(args.pupils, log)
    r = measure(runs, log, args.budget)
    ratio_pdf = r["a_pdf"] / r["b_pdf"]
    ratio_html = r["a_html"] / r["b_html"]
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    engine = "PostgreSQL" if use_pg else "SQLite"
    verdict = "meets" if ratio_pdf <= TARGET else "MISSES"
    cmd = f".venv/bin/python benchmarks/briefing/run.py --database {'postgres' if use_pg else 'sqlite'} --pupils {args.pupils} --runs {runs}"  # noqa: E501

    def cell(key: str) -> str:
        return f"{r[key]:.2f} s ({r[key + '_min']:.2f}–{r[key + '_max']:.2f})"

    lines = [
        "| what | from records (A) | constant data (B) | A / B |",
        "|---|---|---|---|",
        f"| briefing HTML + PDF with charts | {cell('a_pdf')} | {cell('b_pdf')} "
        f"| **{ratio_pdf:.2f}×** |",
        f"| briefing HTML only | {cell('a_html')} | {cell('b_html')} | {ratio_html:.2f}× |",
    ]
    summary = [
        *log,
        f"reading the records once (all sections, with last year): {r['facts_once']:.2f} s",
        f"peak RSS {rss_mib:.0f} MiB; {engine}; {runs} runs, medians (min–max)",
        f"target ≤ {TARGET:.0f}× for HTML + PDF: {verdict} ({ratio_pdf:.2f}×)",
    ]
    print("\n".join(lines))
    print("\n".join(summary))
    if not args.no_docs:
        write_docs(lines, summary, cmd)
    return 0


def write_docs(lines: list[str], summary: list[str], cmd: str) -> None:
    machine = f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores)"
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            text=True,
            capture_output=True,
            check=False,
        ).stdout.strip()
    except OSError:
        rev = "?"
    section = "\n".join(
        [
            "## Briefing",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}, commit {rev}.",
            "The briefing (ru) generated from the national dataset's records (A) against the "
            "same context builder, template, charts and PDF fed with facts computed once (B).",
            "",
            *lines,
            "",
            *(f"- {s}" for s in summary),
            f"- reproduce: `{cmd}`",
            "",
        ]
    )
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Briefing\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
