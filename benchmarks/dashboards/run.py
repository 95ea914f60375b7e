"""Dashboards benchmark: staff dashboard pages on a national-scale dataset, as a ratio to the
raw GROUP BY queries over the base tables that compute the same figures, in the same run.

    .venv/bin/python benchmarks/dashboards/run.py                      # full: 1 M pupils
    .venv/bin/python benchmarks/dashboards/run.py --pupils 100000 --runs 5 --no-docs

The dataset is generated deterministically (PostgreSQL COPY) into its own database
``kel_bench_dash`` (recreated when ``--regenerate`` or when its size differs): a benchmark root
territory (KATO 990000000, "Kazakhstan") over 20 regions × 10 districts × 15 settlements,
7,800 schools with ≈ 3.9 million pupils as aggregates (two school years, grade × sex rows),
population by single age, ≈ 700 construction projects, colleges with offerings, and
``--pupils`` individual pupils (support registry) for the net enrolment ratios.

Figures:
- refresh of all indicators (full), and after a 100,000-row change to enrolment;
- the scoped refresh after one school's change (ADR 0202: one enrolment row of the school,
  refreshed as the census return's notice asks, that year, and for all years), median over
  schools of different regions, as a ratio to the full refresh of the same run (goal ≤ 1 %);
  then the table after the scoped refreshes is compared row by row with a full refresh;
- page p50/p95 (Django test client, rendered HTML) for the national dashboard, a region's
  dashboard and a district's capacity-planning page; SQL queries per page;
- baseline "raw": the GROUP BY queries over the base tables that compute the same figures
  the dashboard shows (school capacity figures by region, GER from enrolment and population,
  NER from individual pupils, construction by source and pipeline, TVET), timed side by side
  (A B A B …) — ratio = page / raw, target ≤ 0.2. The narrowest baseline (only the school
  capacity GROUP BY) is reported as well.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
DOC = ROOT / "docs" / "benchmarks.md"
DB = "kel_bench_dash"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
YEAR = 2025
ROOT_KATO = "990000000"
TARGET = 0.2
REGIONS, DISTRICTS, SETTLEMENTS = 20, 10, 15
SCHOOLS = 7800
PUPILS_AGGREGATE = 3_900_000


def ensure_database(regenerate: bool) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and regenerate:
            conn.execute(f"DROP DATABASE {DB} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {DB}")


_STATE: dict[str, bool] = {}


def setup_django() -> None:
    os.environ["DATABASE_URL"] = PG_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "keleshek.settings.test"
    os.environ.setdefault("KELESHEK_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import utils

    if getattr(utils, "_saved_allowed_hosts", None) is None and not _STATE.get("env"):
        utils.setup_test_environment()
        _STATE["env"] = True
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)


# --- COPY helper -----------------------------------------------------------------------------


def _text(v: Any) -> str:
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, list | dict):
        return json.dumps(v).replace("\\", "\\\\")
    if isinstance(v, datetime | dt.date):
        return v.isoformat()
    return str(v).replace("\t", " ").replace("\n", " ")


def copy_rows(model: Any, rows: list[dict[str, Any]] | Any) -> int:
    """COPY dicts into a model's table; fields missing from a row take the field default."""
    from django.db import connection

    now = datetime.now(UTC)
    fields = list(model._meta.concrete_fields)
    defaults: dict[str, Any] = {}
    for f in fields:
        if f.primary_key:
            continue
        if f.name in ("created_at", "updated_at"):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_default()  # "" for blank text, None for nullable
    n = 0
    buf = io.StringIO()
    cols: list[str] | None = None
    for row in rows:
        if cols is None:
            cols = [f.attname for f in fields if not f.primary_key or f.attname in row]
        vals = []
        for c in cols:
            if c in row:
                vals.append(row[c])
            elif c == "uid":
                vals.append(uuid.UUID(int=random.getrandbits(128)))
            else:
                vals.append(defaults.get(c))
        buf.write("\t".join(_text(v) for v in vals) + "\n")
        n += 1
    if not n or cols is None:
        return 0
    table = model._meta.db_table
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy,
    ):
        copy.write(buf.getvalue())
    if any(f.primary_key and f.attname in cols for f in fields):
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    return n


# --- the national dataset --------------------------------------------------------------------


def generate(pupils: int) -> dict[str, int]:
    from django.db import transaction

    from keleshek.construction.models import FundingSource, Project, ProjectFunding
    from keleshek.institutions.models import Enrolment, Institution, InstitutionYear
    from keleshek.programmes.models import Industry, Offering, Specialty
    from keleshek.support.models import Pupil
    from keleshek.territory.models import PopulationRecord, Territory

    rng = random.Random("kel-bench-dash-v1")
    random.seed(7)
    counts: dict[str, int] = {}
    with transaction.atomic():
        terr: list[dict[str, Any]] = []
        tid = 0
        settlements: list[tuple[int, bool]] = []

        def add(kato: str, level: str, parent: dict[str, Any] | None, **kw: Any) -> dict:
            nonlocal tid
            tid += 1
            path = (parent["path"] if parent else "/") + kato + "/"
            row = {
                "id": tid,
                "kato": kato,
                "parent_id": parent["id"] if parent else None,
                "level": level,
                "path": path,
                "name_ru": kw.pop("name"),
                "is_synthetic": True,
                **kw,
            }
            terr.append(row)
            return row

        root = add(ROOT_KATO, "oblast", None, name="Казахстан (бенчмарк)")
        for r in range(REGIONS):
            rk = f"{10 + r * 4:02d}"
            reg = add(f"{rk}0000000", "oblast", root, name=f"Область {r + 1}")
            for d in range(DISTRICTS):
                dk = f"{rk}{20 + d * 2:02d}00000"
                dist = add(dk, "district", reg, name=f"Район {r + 1}.{d + 1}")
                for s in range(SETTLEMENTS):
                    urban = s == 0
                    st = add(
                        f"{dk[:4]}{30 + s:02d}{s + 1:03d}",
                        "settlement",
                        dist,
                        name=f"Пункт {r + 1}.{d + 1}.{s + 1}",
                        is_urban=urban,
                        lat=42 + r * 0.6 + rng.random() * 0.5,
                        lon=50 + d * 2.5 + rng.random() * 2,
                    )
                    settlements.append((st["id"], urban))
        counts["territories"] = copy_rows(Territory, terr)

        # schools: cities hold more of them
        weights = [20 if urban else 1 for _sid, urban in settlements]
        chosen = rng.choices([sid for sid, _u in settlements], weights=weights, k=SCHOOLS)
        chosen[: len(settlements)] = [sid for sid, _u in settlements][: len(chosen)]
        per_school = PUPILS_AGGREGATE / SCHOOLS
        insts, iys, enrol = [], [], []
        for i, sid in enumerate(chosen):
            iid = i + 1
            cap = max(60, int(rng.gauss(per_school, per_school * 0.35)))
            insts.append(
                {
                    "id": iid,
                    "kind": "school",
                    "settlement_id": sid,
                    "name_ru": f"Школа №{iid}",
                    "design_capacity": cap,
                    "grade_from": 0,
                    "grade_to": 11,
                    "is_synthetic": True,
                }
            )
            for year in (YEAR - 1, YEAR):
                load = rng.uniform(0.7, 1.35) * (1.0 if year == YEAR else 0.98)
                pupils_n = int(cap * load)
                s2 = int(pupils_n * rng.choice((0, 0, 0.2, 0.35)))
                s3 = int(pupils_n * 0.15) if rng.random() < 0.02 else 0
                emergency = rng.random() < 0.03
                iys.append(
                    {
                        "institution_id": iid,
                        "year": year,
                        "design_capacity": cap,
                        "shifts": 3 if s3 else (2 if s2 else 1),
                        "is_emergency": emergency,
                        "is_three_shift": bool(s3),
                        "pupils_shift1": pupils_n - s2 - s3,
                        "pupils_shift2": s2,
                        "pupils_shift3": s3,
                        "teachers_headcount": pupils_n // 14,
                        "teachers_fte": round(pupils_n / 12.5, 2),
                        "is_synthetic": True,
                    }
                )
                per_grade = pupils_n / 12
                for g in range(12):
                    m = int(per_grade * 0.51)
                    f = int(per_grade) - m
                    enrol.append(
                        {"institution_id": iid, "year": year, "grade": g, "sex": "M", "count": m}
                    )
                    enrol.append(
                        {"institution_id": iid, "year": year, "grade": g, "sex": "F", "count": f}
                    )
        counts["schools"] = copy_rows(Institution, insts)
        counts["institution_years"] = copy_rows(InstitutionYear, iys)
        counts["enrolment_rows"] = copy_rows(Enrolment, enrol)
        school_settlement = {row["id"]: row["settlement_id"] for row in insts}

        # population by single age 0..24 for every settlement, two years
        by_settlement: dict[int, int] = {}
        for row in iys:
            if row["year"] == YEAR:
                sid = school_settlement[row["institution_id"]]
                by_settlement[sid] = by_settlement.get(sid, 0) + (
                    row["pupils_shift1"] + row["pupils_shift2"] + row["pupils_shift3"]
                )
        pop = []
        for sid, _u in settlements:
            cohort = by_settlement.get(sid, 50) / 12
            for year in (YEAR - 1, YEAR):
                for age in range(25):
                    n = int(cohort * rng.uniform(0.9, 1.15))
                    for sex, k in (("M", n // 2), ("F", n - n // 2)):
                        pop.append(
                            {"territory_id": sid, "year": year, "age": age, "sex": sex, "count": k}
                        )
        counts["population_rows"] = copy_rows(PopulationRecord, pop)

        # construction: 300 commissioned, 400 under construction
        projects, funding = [], []
        sources = [s.value for s in FundingSource]
        for p in range(700):
            pid = p + 1
            sid = rng.choice(chosen)
            commissioned = p < 300
            projects.append(
                {
                    "id": pid,
                    "code": f"bench-{pid}",
                    "name_ru": f"Проект {pid}",
                    "kind": "new_school",
                    "settlement_id": sid,
                    "stage": "commissioned" if commissioned else "under_construction",
                    "places": rng.choice((300, 600, 900, 1200)),
                    "readiness": 100 if commissioned else rng.randint(5, 95),
                    "planned_cost": rng.randint(2, 20) * 1_000_000_000,
                    "actual_cost": rng.randint(1, 10) * 1_000_000_000,
                    "planned_commissioning": dt.date(YEAR + rng.randint(0, 3), 8, 25),
                    "actual_commissioning": dt.date(YEAR, 8, 25) if commissioned else None,
                    "is_synthetic": True,
                }
            )
            funding.append({"project_id": pid, "source": rng.choice(sources), "share": "1.0000"})
        counts["projects"] = copy_rows(Project, projects)
        copy_rows(ProjectFunding, funding)

        # colleges with offerings
        ind = Industry.objects.create(code="bench", name_ru="Отрасль")
        specs = [
            Specialty(code=f"B{k:05d}", isced_level=4, industry=ind, name_ru=f"Специальность {k}")
            for k in range(200)
        ]
        Specialty.objects.bulk_create(specs)
        spec_ids = list(Specialty.objects.filter(code__startswith="B").values_list("id", flat=True))
        colleges, offerings = [], []
        for c in range(800):
            cid = SCHOOLS + c + 1
            colleges.append(
                {
                    "id": cid,
                    "kind": "college",
                    "settlement_id": rng.choice(chosen),
                    "name_ru": f"Колледж {c + 1}",
                    "is_synthetic": True,
                }
            )
            for spec in rng.sample(spec_ids, 8):
                for year in (YEAR - 1, YEAR):
                    seats = rng.randint(20, 120)
                    offerings.append(
                        {
                            "institution_id": cid,
                            "specialty_id": spec,
                            "year": year,
                            "language": rng.choice(("kk", "ru")),
                            "launch_year": year if rng.random() < 0.05 else 2015,
                            "state_seats": seats,
                            "enrolled": int(seats * 2.6),
                            "graduates_expected": int(seats * 0.8),
                            "dual_training": rng.random() < 0.25,
                            "is_synthetic": True,
                        }
                    )
        counts["colleges"] = copy_rows(Institution, colleges)
        counts["offerings"] = copy_rows(Offering, offerings)

        # individual pupils
        def pupil_rows() -> Any:
            for k in range(pupils):
                iid = rng.randint(1, SCHOOLS)
                grade = rng.randint(0, 11)
                age = grade + 6 + (1 if rng.random() < 0.1 else 0)
                born = dt.date(YEAR - age, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
                yield {
                    "last_name": f"Фамилия{k % 5000}",
                    "first_name": f"Имя{k % 700}",
                    "birth_date": born,
                    "sex": "M" if k % 2 else "F",
                    "school_id": iid,
                    "grade": grade,
                    "home_settlement_id": school_settlement[iid],
                    "name_key": f"фамилия{k % 5000} имя{k % 700}",
                    "is_synthetic": True,
                }

        counts["pupils"] = copy_rows(Pupil, pupil_rows())
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return counts


# --- measurements ----------------------------------------------------------------------------

RAW_SCHOOLS = """
SELECT substr(t.path, 1, 22) AS region, COUNT(*),
       SUM(iy.pupils_shift1 + iy.pupils_shift2 + iy.pupils_shift3),
       SUM(iy.design_capacity),
       SUM(GREATEST(0, iy.pupils_shift1 + iy.pupils_shift2 + iy.pupils_shift3
                       - 2 * iy.design_capacity)),
       SUM(iy.pupils_shift2 + iy.pupils_shift3), SUM(iy.pupils_shift3),
       SUM(CASE WHEN iy.is_three_shift OR iy.shifts >= 3 OR iy.pupils_shift3 > 0
                THEN 1 ELSE 0 END),
       SUM(CASE WHEN iy.is_emergency THEN 1 ELSE 0 END),
       SUM(iy.teachers_fte)
FROM institutions_institutionyear iy
JOIN institutions_institution i ON i.id = iy.institution_id
JOIN territory_territory t ON t.id = i.settlement_id
WHERE i.kind = 'school' AND iy.year IN (%(y)s, %(y)s - 1)
GROUP BY ROLLUP (substr(t.path, 1, 22))
"""
RAW_GER = """
WITH e AS (
  SELECT CASE WHEN e.grade BETWEEN 1 AND 4 THEN 'primary' WHEN e.grade BETWEEN 5 AND 9
         THEN 'lower' WHEN e.grade BETWEEN 10 AND 11 THEN 'upper' END AS lvl,
         e.sex, SUM(e.count) AS n
  FROM institutions_enrolment e JOIN institutions_institution i ON i.id = e.institution_id
  WHERE i.kind = 'school' AND e.year = %(y)s GROUP BY 1, 2),
p AS (
  SELECT CASE WHEN age BETWEEN 6 AND 9 THEN 'primary' WHEN age BETWEEN 10 AND 14 THEN 'lower'
         WHEN age BETWEEN 15 AND 16 THEN 'upper' END AS lvl, sex, SUM(count) AS n
  FROM territory_populationrecord WHERE year = %(y)s GROUP BY 1, 2)
SELECT e.lvl, e.sex, e.n, p.n FROM e JOIN p USING (lvl, sex)
"""
RAW_NER = """
SELECT p.grade, EXTRACT(YEAR FROM AGE(make_date(%(y)s, 9, 1), p.birth_date)) AS age, COUNT(*)
FROM support_pupil p GROUP BY 1, 2
"""
RAW_CONSTRUCTION = """
SELECT f.source, p.stage, SUM(p.places * f.share), COUNT(*), SUM(p.readiness),
       SUM(p.planned_cost), SUM(p.actual_cost)
FROM construction_project p JOIN construction_projectfunding f ON f.project_id = p.id
GROUP BY 1, 2
"""
RAW_TVET = """
SELECT o.year, SUM(o.enrolled), SUM(CASE WHEN o.dual_training THEN o.enrolled ELSE 0 END),
       SUM(CASE WHEN o.launch_year = o.year THEN 1 ELSE 0 END)
FROM programmes_offering o JOIN institutions_institution i ON i.id = o.institution_id
WHERE i.kind = 'college' GROUP BY 1
"""
RAW_ALL = (RAW_SCHOOLS, RAW_GER, RAW_NER, RAW_CONSTRUCTION, RAW_TVET)


def run_raw(queries: tuple[str, ...]) -> float:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for q in queries:
            cur.execute(q, {"y": YEAR})
            cur.fetchall()
    return time.perf_counter() - t0


def page_timer(client: Any, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        resp = client.get(url)
        elapsed = time.perf_counter() - t0
    if resp.status_code != 200:
        raise SystemExit(f"{url} answered {resp.status_code}")
    return elapsed, len(ctx.captured_queries), len(resp.content)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q * (len(s) - 1))))
    return s[k]


def main() -> None:
    global DB, PG_URL
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pupils", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--schools", type=int, default=5, help="schools changed one by one")
    ap.add_argument("--db", default=DB, help="PostgreSQL database of the dataset")
    ap.add_argument(
        "--layout-ab",
        type=int,
        default=0,
        metavar="N",
        help="only time N full refreshes with the values table as it is, alternated with N "
        "under the earlier layout (the foreign keys' own indexes and constraints, ADR 0202)",
    )
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument(
        "--pages-only",
        action="store_true",
        help="skip the refreshes (values already materialised): page and raw timings only",
    )
    args = ap.parse_args()
    DB, PG_URL = args.db, f"postgres://postgres@127.0.0.1:5432/{args.db}"

    ensure_database(args.regenerate)
    setup_django()
    from django.conf import settings

    from keleshek.indicators.services import refresh_indicators
    from keleshek.institutions.models import Institution
    from keleshek.support.models import Pupil

    settings.KELESHEK["OBLAST_KATO"] = ROOT_KATO
    settings.KELESHEK["CURRENT_YEAR"] = YEAR
    have = Institution.objects.filter(kind="school").count()
    if have != SCHOOLS or Pupil.objects.count() != args.pupils:
        if have:
            from django.db import connections

            connections.close_all()
            ensure_database(True)
            setup_django()
        t0 = time.perf_counter()
        counts = generate(args.pupils)
        print(f"generated in {time.perf_counter() - t0:.1f} s: {counts}", flush=True)

    if args.pages_only:
        measure_pages(args, None)
        return
    if args.layout_ab:
        measure_layout(args.layout_ab, args.no_docs)
        return
    t0 = time.perf_counter()
    run = refresh_indicators(trigger="bench")
    full_refresh = time.perf_counter() - t0
    print(f"full refresh: {full_refresh:.1f} s, {run.rows} values", flush=True)
    scoped_lines = measure_scoped(args, full_refresh)

    # a 100,000-row change to enrolment (an import), then refresh the year it touched
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "UPDATE institutions_enrolment SET count = count + 1 WHERE id IN "
            "(SELECT id FROM institutions_enrolment WHERE year = %s ORDER BY id LIMIT 100000)",
            [YEAR],
        )
        changed = cur.rowcount
    t0 = time.perf_counter()
    refresh_indicators(years=[YEAR], trigger="bench-change")
    year_refresh = time.perf_counter() - t0
    t0 = time.perf_counter()
    refresh_indicators(trigger="bench-change-all")
    change_full = time.perf_counter() - t0
    print(
        f"after {changed} changed rows: refresh of {YEAR} {year_refresh:.1f} s, "
        f"all years {change_full:.1f} s",
        flush=True,
    )

    measure_pages(
        args,
        [
            f"- full refresh of all indicators: **{full_refresh:.1f} s** ({run.rows:,} values)",
            f"- after a {changed:,}-row change to enrolment: refresh of the changed year "
            f"**{year_refresh:.1f} s**, of all years {change_full:.1f} s",
            *scoped_lines,
            *(x for x in _previous_refresh_lines() if x.startswith(LAYOUT_LINE)),
        ],
    )


LAYOUT_LINE = "- the values table's layout (ADR 0202)"


def measure_layout(n: int, no_docs: bool) -> None:
    """Full refreshes alternated: the values table as it is (A) and with the foreign keys'
    own indexes and deferred constraints of the earlier layout put back (B)."""
    from django.db import connection

    from keleshek.indicators.services import refresh_indicators

    table = "indicators_indicatorvalue"
    fks = {
        "indicator_id": "indicators_indicator",
        "territory_id": "territory_territory",
        "institution_id": "institutions_institution",
    }

    def old_layout(on: bool) -> None:
        with connection.cursor() as cur:
            for col, target in fks.items():
                if on:
                    cur.execute(f"CREATE INDEX bench_old_{col} ON {table} ({col})")
                    cur.execute(
                        f"ALTER TABLE {table} ADD CONSTRAINT bench_old_{col}_fk FOREIGN KEY "
                        f"({col}) REFERENCES {target} (id) DEFERRABLE INITIALLY DEFERRED"
                    )
                else:
                    cur.execute(f"DROP INDEX IF EXISTS bench_old_{col}")
                    cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS bench_old_{col}_fk")

    old_layout(False)
    refresh_indicators(trigger="bench-warm-up")
    a: list[float] = []
    b: list[float] = []
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            refresh_indicators(trigger="bench-layout-a")
            a.append(time.perf_counter() - t0)
            old_layout(True)
            t0 = time.perf_counter()
            refresh_indicators(trigger="bench-layout-b")
            b.append(time.perf_counter() - t0)
            old_layout(False)
    finally:
        old_layout(False)
    ma, mb = statistics.median(a), statistics.median(b)
    load = os.getloadavg()[0]
    line = (
        f"{LAYOUT_LINE} (`run.py --layout-ab {n}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit {_commit()}, load average {load:.1f}): median of {n} alternated full "
        f"refreshes **{ma:.1f} s** against {mb:.1f} s with the foreign keys' own indexes and "
        f"constraints put back — **{ma / mb:.2f}×** (A {[round(x, 1) for x in a]}, "
        f"B {[round(x, 1) for x in b]})"
    )
    print(line, flush=True)
    if not no_docs:
        text = DOC.read_text(encoding="utf-8")
        start = text.find("## Dashboards")
        end = text.find("\n## ", start + 3)
        section = text[start:end] if end != -1 else text[start:]
        kept = [x for x in section.splitlines() if not x.startswith(LAYOUT_LINE)]
        at = next(i for i, x in enumerate(kept) if x.startswith("- verdict"))
        kept.insert(at, line)
        new = "\n".join(kept) + ("\n" if end != -1 else "")
        DOC.write_text(text[:start] + new + (text[end:] if end != -1 else ""), encoding="utf-8")


def measure_scoped(args: argparse.Namespace, full_refresh: float) -> list[str]:
    """One school's change at a time (one enrolment row + 1), refreshed in scope: for the
    year changed (what the census return's notice asks) and for all years. Then the table is
    compared with a full refresh's, row by row (rounded to 6 decimals)."""
    from django.db import connection, transaction

    from keleshek.indicators.models import IndicatorValue
    from keleshek.indicators.services import Scope, refresh_indicators
    from keleshek.institutions.models import Enrolment, Institution

    ids = list(
        Institution.objects.filter(kind="school").order_by("id").values_list("id", flat=True)
    )
    step = max(1, len(ids) // args.schools)
    chosen = ids[step // 2 :: step][: args.schools]  # spread over the regions
    one_year: list[float] = []
    all_years: list[float] = []
    for sid in chosen:
        for years, out in (([YEAR], one_year), (None, all_years)):
            with transaction.atomic():
                row = Enrolment.objects.filter(institution_id=sid, year=YEAR).order_by("id")[0]
                Enrolment.objects.filter(pk=row.pk).update(count=row.count + 1)
            t0 = time.perf_counter()
            refresh_indicators(
                years=years, scope=Scope(institutions=frozenset({sid})), trigger="bench-scoped"
            )
            out.append(time.perf_counter() - t0)
    s1, sa = statistics.median(one_year), statistics.median(all_years)
    table = IndicatorValue._meta.db_table
    cols = "indicator_id, territory_id, institution_id, year, dimension, category"
    vals = (
        "round(numerator::numeric, 6) AS n, round(denominator::numeric, 6) AS d, "
        "round(value::numeric, 6) AS v"
    )
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_scoped")
        cur.execute(f"CREATE TABLE bench_scoped AS SELECT {cols}, {vals} FROM {table}")
    t0 = time.perf_counter()
    refresh_indicators(trigger="bench-after-scoped")
    full_again = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FROM ((SELECT * FROM bench_scoped EXCEPT ALL "
            f"SELECT {cols}, {vals} FROM {table}) UNION ALL (SELECT {cols}, {vals} FROM {table} "
            "EXCEPT ALL SELECT * FROM bench_scoped)) d"
        )
        differ = cur.fetchone()[0]
        cur.execute("DROP TABLE bench_scoped")
    full = (full_refresh + full_again) / 2
    print(
        f"scoped refresh of one school (median of {len(chosen)}): {s1:.2f} s for its year, "
        f"{sa:.2f} s all years; full refresh {full_refresh:.1f} s / {full_again:.1f} s; "
        f"rows differing from a full refresh: {differ}",
        flush=True,
    )
    verdict = "goal met" if sa / full <= 0.01 else "goal missed"
    return [
        f"- one school's change refreshed in scope (ADR 0202), median of {len(chosen)} schools "
        f"in different regions: **{s1:.2f} s** for the year changed "
        f"(**{s1 / full:.2%}** of the full refresh), {sa:.2f} s for all years "
        f"({sa / full:.2%}; goal ≤ 1 %: {verdict}); full refresh in the same run "
        f"{full_refresh:.1f} s and {full_again:.1f} s; the table after the scoped refreshes "
        f"differs from a full refresh's in {differ} rows",
    ]


def measure_pages(args: argparse.Namespace, refresh_lines: list[str] | None) -> None:
    from django.test import Client

    from keleshek.accounts.models import User

    user, _ = User.objects.get_or_create(
        username="bench-analyst", defaults={"role": "regional_analyst"}
    )
    client = Client()
    client.force_login(user)
    region_kato = "100000000"
    district_kato = "102000000"
    pages = {
        "national dashboard": f"/en/staff/t/{ROOT_KATO}/?year={YEAR}",
        "region dashboard": f"/en/staff/t/{region_kato}/?year={YEAR}",
        "district capacity": f"/en/staff/capacity/{district_kato}/?year={YEAR}",
    }
    for url in pages.values():  # warm-up
        page_timer(client, url)
    run_raw(RAW_ALL)
    times: dict[str, list[float]] = {k: [] for k in pages}
    queries: dict[str, int] = {}
    raw_all: list[float] = []
    raw_schools: list[float] = []
    for _ in range(args.runs):
        for name, url in pages.items():  # A
            t, q, _size = page_timer(client, url)
            times[name].append(t)
            queries[name] = q
        raw_all.append(run_raw(RAW_ALL))  # B
        raw_schools.append(run_raw((RAW_SCHOOLS,)))
    raw50, raw95 = statistics.median(raw_all), pct(raw_all, 0.95)
    rs50 = statistics.median(raw_schools)
    lines = [
        f"| page | p50 ms | p95 ms | SQL queries | p50 / raw (target ≤ {TARGET}) | "
        "p95 / raw p95 | p50 / schools-only raw |",
        "|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for name, ts in times.items():
        p50, p95 = statistics.median(ts), pct(ts, 0.95)
        ratio = p50 / raw50
        verdicts.append(ratio <= TARGET)
        lines.append(
            f"| {name} | {p50 * 1000:.1f} | {p95 * 1000:.1f} | {queries[name]} | "
            f"{ratio:.3f} | {p95 / raw95:.3f} | {p50 / rs50:.2f} |"
        )
    lines.append(
        f"| raw GROUP BY (same figures) | {raw50 * 1000:.1f} | {raw95 * 1000:.1f} | "
        f"{len(RAW_ALL)} | 1 | 1 | — |"
    )
    lines.append(
        f"| raw GROUP BY (school capacity only) | {rs50 * 1000:.1f} | "
        f"{pct(raw_schools, 0.95) * 1000:.1f} | 1 | — | — | 1 |"
    )
    if refresh_lines is None:  # --pages-only: keep the refresh figures already in the docs
        refresh_lines = _previous_refresh_lines()
    summary = [
        *refresh_lines,
        f"- verdict: page p50 ≤ {TARGET} × raw on "
        f"{sum(verdicts)}/{len(verdicts)} pages" + ("" if all(verdicts) else " — target missed"),
    ]
    table = "\n".join(lines)
    print(table)
    print("\n".join(summary))
    if not args.no_docs:
        write_docs(table, summary, args)


def _previous_refresh_lines() -> list[str]:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    start = text.find("## Dashboards")
    section = text[start:] if start != -1 else ""
    return [
        line
        for line in section.splitlines()
        if line.startswith(("- full refresh", "- after a", "- one school's change", LAYOUT_LINE))
    ][:4]


def _commit() -> str:
    import subprocess

    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "unknown"


def write_docs(table: str, summary: list[str], args: argparse.Namespace) -> None:
    load = os.getloadavg()
    section = "\n".join(
        [
            "## Dashboards",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
            f"({os.cpu_count()} cores, load average {load[0]:.1f}), commit {_commit()}, "
            "PostgreSQL, "
            f"{REGIONS} regions, {SCHOOLS:,} schools, ≈ {PUPILS_AGGREGATE:,} pupils as "
            f"aggregates, {args.pupils:,} individual pupils; {args.runs} runs after a warm-up, "
            "pages and raw queries alternated (A B A B).",
            "",
            "Reproduce: `make bench-dashboards` "
            f"(`.venv/bin/python benchmarks/dashboards/run.py --pupils {args.pupils} "
            f"--runs {args.runs}`).",
            "",
            table,
            "",
            *summary,
            "",
            "The pages read only the materialised `IndicatorValue` rows (the query counts are "
            "pinned in `src/keleshek/indicators/tests/test_views.py`); the raw side computes "
            "the same figures from the base tables with plain GROUP BY queries.",
            "",
        ]
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    start = text.find("## Dashboards")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 3)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    DOC.write_text(text, encoding="utf-8")
    print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
