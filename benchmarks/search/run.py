"""Catalogue search benchmark: recall@10 and MRR of the query set on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/search/run.py              # SQLite, and PostgreSQL if it answers
    .venv/bin/python benchmarks/search/run.py --engines sqlite --no-docs

Each engine runs in its own process on its own database (a SQLite file under /tmp, PostgreSQL
``kel_bench_search``) holding the demo region's core registries (loaded idempotently) and a
freshly refreshed search index. Every query of ``benchmarks/search/queries.tsv`` goes through
the catalogue's own code (``selectors.catalogue_query`` and ``catalogue_offerings``, the latest
school year, no other filter), and its ranked offerings are read as ranked programmes: one
position per specialty, where its best-placed offering is (ADR 0118).

Per query: recall@10 = share of the expected specialties among the first 10 programmes;
reciprocal rank = 1 / position of the first expected one (0 when none is in the first 10);
noise = programmes found that are neither expected nor listed as fair. A nonsense or
"outside" query passes when it finds no offering at all. Figures go to the "## Catalogue
search" section of docs/benchmarks.md unless --no-docs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
QUERIES = ROOT / "benchmarks" / "search" / "queries.tsv"
DOC = ROOT / "docs" / "benchmarks.md"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
URLS = {
    "sqlite": "sqlite:////tmp/kel_bench_search.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/kel_bench_search",
}
TARGET_RECALL = 0.95
K = 10
EMPTY_KINDS = ("nonsense", "outside")


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    kind: str
    expect: tuple[str, ...]
    also: tuple[str, ...]
    test: bool
    held_out: bool


def load_queries(path: Path = QUERIES) -> list[Query]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    out = []
    for row in csv.DictReader(lines, delimiter="\t"):

        def codes(value: str) -> tuple[str, ...]:
            return () if value.strip() == "-" else tuple(value.split())

        out.append(
            Query(
                text=row["query"],
                lang=row["lang"],
                kind=row["kind"],
                expect=codes(row["expect"]),
                also=codes(row["also"]),
                test=row["test"] == "yes",
                held_out=row["set"] == "held-out",
            )
        )
    return out


# --- one engine (child process) --------------------------------------------------------------


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:  # any failure means "PostgreSQL does not answer"
        return False


def ensure_pg_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'kel_bench_search'"
        ).fetchone():
            conn.execute("CREATE DATABASE kel_bench_search")


def run_engine(engine: str) -> dict[str, Any]:
    if engine == "postgres":
        ensure_pg_database()
    os.environ["DATABASE_URL"] = URLS[engine]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keleshek.settings.dev")
    os.environ.setdefault("KELESHEK_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from keleshek.demo.loader import load_demo
    from keleshek.portal.models import SearchDocument
    from keleshek.portal.selectors import (
        CatalogueFilters,
        catalogue_offerings,
        catalogue_query,
        catalogue_years,
    )
    from keleshek.portal.services import search_index_refresh

    t0 = time.perf_counter()
    load_demo(extensions=False)
    loaded = time.perf_counter() - t0
    SearchDocument.objects.all().delete()  # measure a full build of the index
    t0 = time.perf_counter()
    refresh = search_index_refresh()
    indexed = time.perf_counter() - t0
    year = catalogue_years()[0]

    def search(text: str) -> list[tuple[str, str, str]]:
        q = catalogue_query(text)
        rows = catalogue_offerings(CatalogueFilters(q=text, year=year), q).values_list(
            "specialty__code", "institution__name_ru", "language"
        )
        return list(rows)

    results = []
    for query in load_queries():
        search(query.text)  # warm-up (caches of the normaliser)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            rows = search(query.text)
            times.append(time.perf_counter() - t0)
        results.append({"query": query.text, "rows": rows, "ms": statistics.median(times) * 1000})
    return {
        "engine": engine,
        "vendor": connection.vendor,
        "version": _db_version(connection),
        "year": year,
        "offerings": refresh.rebuilt,
        "load_s": loaded,
        "index_s": indexed,
        "results": results,
    }


def _db_version(connection: Any) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            return f"PostgreSQL {cur.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


# --- scoring and report (parent process) -----------------------------------------------------


def programmes(rows: list[list[str]]) -> list[str]:
    """Specialty codes in the order their best-placed offering appears."""
    return list(dict.fromkeys(r[0] for r in rows))


@dataclass
class Score:
    query: Query
    found: list[str]
    offerings: int
    recall: float | None
    rr: float | None
    noise: list[str]
    ms: float

    @property
    def ok(self) -> bool:
        if self.query.kind in EMPTY_KINDS or not self.query.expect:
            return self.offerings == 0
        return self.recall == 1.0 and not self.noise


def score(queries: list[Query], run: dict[str, Any]) -> list[Score]:
    by_text = {r["query"]: r for r in run["results"]}
    out = []
    for q in queries:
        r = by_text[q.text]
        found = programmes(r["rows"])
        top = found[:K]
        recall = rr = None
        if q.expect:
            recall = len(set(q.expect) & set(top)) / len(q.expect)
            rr = next((1 / (i + 1) for i, c in enumerate(top) if c in q.expect), 0.0)
        noise = [c for c in found if c not in q.expect and c not in q.also]
        out.append(Score(q, found, len(r["rows"]), recall, rr, noise, r["ms"]))
    return out


def summarise(scores: list[Score]) -> dict[str, Any]:
    graded = [s for s in scores if s.query.expect]
    empty = [s for s in scores if not s.query.expect]
    found_any = [s for s in graded if s.found]
    precision = [(len(s.found) - len(s.noise)) / len(s.found) for s in found_any if s.found]
    return {
        "queries": len(scores),
        "graded": len(graded),
        "recall": statistics.mean(s.recall or 0.0 for s in graded) if graded else 0.0,
        "mrr": statistics.mean(s.rr or 0.0 for s in graded) if graded else 0.0,
        "precision": statistics.mean(precision) if precision else 0.0,
        "empty": len(empty),
        "empty_ok": sum(1 for s in empty if s.offerings == 0),
        "ms": statistics.median(s.ms for s in scores) if scores else 0.0,
        "ms_max": max((s.ms for s in scores), default=0.0),
    }


def fmt(x: float) -> str:
    return f"{x:.3f}"


def report(queries: list[Query], runs: list[dict[str, Any]]) -> tuple[list[str], list[str], bool]:
    scored = {run["engine"]: score(queries, run) for run in runs}
    sums = {e: summarise(s) for e, s in scored.items()}
    lines = [
        "| engine | queries | with expected programmes | recall@10 | MRR | precision "
        "| nonsense / outside finding nothing | median ms per query (max) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        s = sums[run["engine"]]
        lines.append(
            f"| {run['version']} | {s['queries']} | {s['graded']} | **{fmt(s['recall'])}** "
            f"| **{fmt(s['mrr'])}** | {fmt(s['precision'])} | {s['empty_ok']} of {s['empty']} "
            f"| {s['ms']:.1f} ({s['ms_max']:.0f}) |"
        )
    kinds = list(dict.fromkeys(q.kind for q in queries))
    first = runs[0]["engine"]
    lines += ["", f"By kind of query ({runs[0]['version']}):", ""]
    lines += ["| kind | queries | recall@10 | MRR | all correct |", "|---|---|---|---|---|"]
    for kind in kinds:
        ks = [s for s in scored[first] if s.query.kind == kind]
        graded = [s for s in ks if s.query.expect]
        rec = fmt(statistics.mean(s.recall or 0.0 for s in graded)) if graded else "—"
        mrr = fmt(statistics.mean(s.rr or 0.0 for s in graded)) if graded else "—"
        lines.append(f"| {kind} | {len(ks)} | {rec} | {mrr} | {sum(s.ok for s in ks)} |")
    lines += ["", "By set (ADR 0118):", "", "| set | queries | recall@10 | MRR | all correct |"]
    lines += ["|---|---|---|---|---|"]
    for name, held in (("tuning", False), ("held-out", True)):
        ks = [s for s in scored[first] if s.query.held_out == held]
        graded = [s for s in ks if s.query.expect]
        if graded:
            lines.append(
                f"| {name} | {len(ks)} | {fmt(statistics.mean(s.recall or 0 for s in graded))} "
                f"| {fmt(statistics.mean(s.rr or 0 for s in graded))} | {sum(s.ok for s in ks)} |"
            )
    lines += [
        "",
        "By language:",
        "",
        "| language | queries | recall@10 | MRR |",
        "|---|---|---|---|",
    ]
    for lang in ("ru", "kk", "en"):
        graded = [s for s in scored[first] if s.query.lang == lang and s.query.expect]
        if graded:
            lines.append(
                f"| {lang} | {len(graded)} | {fmt(statistics.mean(s.recall or 0 for s in graded))}"
                f" | {fmt(statistics.mean(s.rr or 0 for s in graded))} |"
            )
    misses = [s for s in scored[first] if not s.ok]
    if misses:
        lines += ["", "Queries not fully right (first engine):", ""]
        lines += ["| query | set | kind | expected | found (first 10) | noise |"]
        lines += ["|---|---|---|---|---|---|"]
        for s in misses:
            held = "held-out" if s.query.held_out else "tuning"
            lines.append(
                f"| {s.query.text} | {held} | {s.query.kind} | {' '.join(s.query.expect) or '—'} "
                f"| {' '.join(s.found[:K]) or '—'} | {' '.join(s.noise) or '—'} |"
            )
    summary = []
    if len(runs) == 2:
        a, b = runs
        ra = {r["query"]: r["rows"] for r in a["results"]}
        rb = {r["query"]: r["rows"] for r in b["results"]}
        same = sum(1 for q in queries if ra[q.text] == rb[q.text])
        differ = [q.text for q in queries if ra[q.text] != rb[q.text]]
        summary.append(
            f"{a['version']} and {b['version']} return the same offerings in the same order "
            f"for {same} of {len(queries)} queries"
            + (f"; they differ on: {', '.join(differ)}" if differ else "")
        )
    met = all(
        sums[e]["recall"] >= TARGET_RECALL and sums[e]["empty_ok"] == sums[e]["empty"] for e in sums
    )
    summary.append(
        f"target recall@10 ≥ {TARGET_RECALL} and every nonsense query finding nothing: "
        + ("**met**" if met else "**NOT met**")
        + " on "
        + " and ".join(r["version"] for r in runs)
    )
    for run in runs:
        summary.append(
            f"{run['version']}: demo core loaded in {run['load_s']:.0f} s, index of "
            f"{run['offerings']} offerings built in {run['index_s']:.1f} s; queries on the "
            f"{run['year']}/{run['year'] + 1} catalogue"
        )
    return lines, summary, met


def write_docs(lines: list[str], summary: list[str], cmd: str) -> None:
    machine = f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores)"
    rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, capture_output=True
    ).stdout.strip()
    section = "\n".join(
        [
            "## Catalogue search",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}, commit {rev or '?'}, "
            f"load average {os.getloadavg()[0]:.1f}. The query set is "
            "`benchmarks/search/queries.tsv` (what applicants and parents type, in Russian, "
            "Kazakh and English, with the programmes each must find); a programme is a "
            "specialty, placed where its best offering appears in the catalogue's order "
            "(ADR 0118). Precision is the share of the programmes found that are expected or "
            "listed as fair; times are the median of 3 runs per query after a warm-up, "
            "selectors only (no HTTP), on a shared machine.",
            "",
            *lines,
            "",
            *(f"- {s}" for s in summary),
            "- before (ADR 0070's search, commit 88fe79d, measured once on 2026-12-02 with this "
            "set on SQLite): recall@10 0.366, MRR 0.333, nonsense 24 of 24",
            f"- reproduce: `{cmd}`",
            "",
        ]
    )
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Catalogue search\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engines", default="auto", help="auto, sqlite, postgres or sqlite,postgres")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_engine(args.child), ensure_ascii=False))
        return 0
    if args.engines == "auto":
        engines = ["sqlite"] + (["postgres"] if pg_available() else [])
        if len(engines) == 1:
            print("PostgreSQL does not answer at 127.0.0.1:5432: SQLite only")
    else:
        engines = args.engines.split(",")
    runs = []
    for engine in engines:
        print(f"running {engine} …", flush=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--child", engine],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stdout[-3000:], proc.stderr[-5000:])
            return 1
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    queries = load_queries()
    lines, summary, _met = report(queries, runs)
    print("\n".join(lines))
    print()
    print("\n".join(f"- {s}" for s in summary))
    if not args.no_docs:
        cmd = "make bench-search"
        write_docs(lines, summary, cmd)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")
    return 0  # a target not met is a result, printed and written (BENCHMARKS.md)


if __name__ == "__main__":
    sys.exit(main())
