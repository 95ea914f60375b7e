"""Import benchmark (issue 3): N pupil rows (default 1,000,000; 1 % invalid), validated and
written by ``keleshek import pupils --partial``, as a ratio to a raw PostgreSQL ``COPY`` of the
same file into a bare table in the same run; SQLite figure alongside; an XLSX import (default
100,000 rows) with its peak memory; and the XLSX readers side by side (python-calamine vs
openpyxl read-only) for ADR 0041.

    make bench-import
    KELESHEK_BENCH_IMPORT_ROWS=100000 KELESHEK_BENCH_RUNS=3 \
        .venv/bin/python benchmarks/intake/run.py

Figures are printed and written to the "## Import" section of docs/benchmarks.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from generate import write_pupils, write_reference  # noqa: E402

ROWS = int(os.environ.get("KELESHEK_BENCH_IMPORT_ROWS", "1000000"))
XLSX_ROWS = int(os.environ.get("KELESHEK_BENCH_XLSX_ROWS", "100000"))
RUNS = int(os.environ.get("KELESHEK_BENCH_RUNS", "5"))
# The SQLite path streams rows through Python (tens of µs a row): a smaller file by default.
SQLITE_ROWS = int(os.environ.get("KELESHEK_BENCH_SQLITE_ROWS", str(min(ROWS, 100_000))))
PG_ADMIN = os.environ.get("KELESHEK_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "kel_intake_bench"
KELESHEK = [sys.executable, "-c", "from keleshek.cli import main; raise SystemExit(main())"]


def _env(url: str, work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        KELESHEK_MEDIA_ROOT=str(work / "media"),
        KELESHEK_WORK_DIR=str(work),
        DJANGO_SETTINGS_MODULE="keleshek.settings.dev",
        KELESHEK_DEBUG="0",
    )
    return env


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (KiB) and exit status of one child process."""
    t0 = time.monotonic()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    return time.monotonic() - t0, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def _prepare(url: str, env: dict[str, str], work: Path) -> None:
    subprocess.run([*KELESHEK, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    terr, inst = write_reference(work)
    for reg, path in (("territory", terr), ("institutions", inst)):
        subprocess.run(
            [*KELESHEK, "import", reg, str(path), "--quiet"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _pg_reset() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_DB}")
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"


BARE = """CREATE TABLE IF NOT EXISTS bench_bare (iin text, last_name text, first_name text,
middle_name text, birth_date text, sex text, school text, grade text, home_settlement text,
home_lat text, home_lon text, categories text)"""


def _raw_copy(url: str, path: Path) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(BARE)
        con.execute("TRUNCATE bench_bare")
        t0 = time.monotonic()
        sql = "COPY bench_bare FROM STDIN (FORMAT csv, HEADER)"
        with con.cursor() as cur, cur.copy(sql) as cp, path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                cp.write(chunk)
        return time.monotonic() - t0


def _real_table_copy(url: str, work: Path) -> float:
    """The floor of any import: the rows the import wrote, already typed and valid, copied back
    into the real ``support_pupil`` table (its indexes, unique and foreign keys in place)."""
    import psycopg

    dump = work / "pupils-typed.copy"
    with psycopg.connect(url, autocommit=True) as con, con.cursor() as cur:
        with cur.copy("COPY support_pupil TO STDOUT") as cp, dump.open("wb") as fh:
            for chunk in cp:
                fh.write(chunk)
        cur.execute("TRUNCATE support_pupilcategory, support_pupil CASCADE")
        t0 = time.monotonic()
        with cur.copy("COPY support_pupil FROM STDIN") as cp, dump.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                cp.write(chunk)
        return time.monotonic() - t0


REBUILD = """
import time
from django.db import connection, transaction
from keleshek.intake import bulk
with transaction.atomic():
    t0 = time.monotonic()
    with bulk.indexes_set_aside("support_pupil"), connection.cursor() as cur:
        with cur.cursor.copy("COPY support_pupil FROM STDIN") as cp, open({path!r}, "rb") as fh:
            while chunk := fh.read(1 << 20):
                cp.write(chunk)
    print(time.monotonic() - t0)
"""


def _real_table_rebuild(url: str, work: Path, env: dict[str, str]) -> float:
    """The same, with the indexes and keys set aside and rebuilt (ADR 0044's bulk mode)."""
    _clear_pupils_pg(url)
    code = REBUILD.format(path=str(work / "pupils-typed.copy"))
    out = subprocess.run(
        [*KELESHEK, "shell", "-c", code], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return float(out.stdout.decode().strip().splitlines()[-1])


def _clear_pupils_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("TRUNCATE support_pupilcategory, support_pupil CASCADE")


def _clear_pupils_sqlite(db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("DELETE FROM support_pupilcategory")
    con.execute("DELETE FROM support_pupil")
    con.commit()
    con.close()


def _write_xlsx(src: Path, dest: Path, limit: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("pupils")
    with src.open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.reader(fh)):
            if i > limit:
                break
            ws.append(row)
    wb.save(dest)


def _read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sum(1 for _ in sheet.iter_rows())


def _read_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return n


def _reader_rss(fn: str, path: Path) -> tuple[float, int]:
    code = (
        f"import sys, time; sys.path.insert(0, {str(HERE)!r}); import run; t=time.monotonic(); "
        f"run.{fn}(__import__('pathlib').Path({str(path)!r})); print(time.monotonic()-t)"
    )
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    _pid, _status, usage = os.wait4(proc.pid, 0)
    del t0
    return float(out.strip() or "nan"), usage.ru_maxrss


def _med(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} s (min {min(xs):.2f}, max {max(xs):.2f})"


LOAD: list[float] = []


def main() -> int:
    LOAD.append(os.getloadavg()[0])
    work = Path(tempfile.mkdtemp(prefix="keleshek-bench-import-"))
    data = work / "pupils.csv"
    t0 = time.monotonic()
    invalid = write_pupils(data, ROWS)
    print(f"generated {ROWS:,} rows ({invalid:,} invalid) in {time.monotonic() - t0:.1f} s: {data}")
    lines: list[str] = []
    cmd = [*KELESHEK, "import", "pupils", str(data), "--partial", "--quiet"]

    # PostgreSQL: raw COPY vs Keleshek, alternating A B A B after one warm-up each.
    pg_url = None
    try:
        pg_url = _pg_reset()
    except Exception as exc:
        print(f"PostgreSQL unavailable ({exc}); skipping the PostgreSQL figures")
    if pg_url:
        env = _env(pg_url, work)
        _prepare(pg_url, env, work)
        copies, imports, floors, rebuilds, rss = [], [], [], [], []
        _raw_copy(pg_url, data)
        _clear_pupils_pg(pg_url)
        _timed(cmd, env)
        for _ in range(RUNS):
            copies.append(_raw_copy(pg_url, data))
            _clear_pupils_pg(pg_url)
            secs, peak, code = _timed(cmd, env)
            assert code == 1, "the 1 % invalid rows must make the command exit non-zero"
            imports.append(secs)
            rss.append(peak)
            floors.append(_real_table_copy(pg_url, work))
            rebuilds.append(_real_table_rebuild(pg_url, work, env))
            _clear_pupils_pg(pg_url)
        ratio = statistics.median(imports) / statistics.median(copies)
        best = min(statistics.median(floors), statistics.median(rebuilds))
        floor = best / statistics.median(copies)
        over_floor = statistics.median(imports) / best
        verdict = "meets" if ratio <= 3 else "does NOT meet"
        lines += [
            f"| PostgreSQL raw `COPY` (bare table, no checks) | {_med(copies)} | — |",
            f"| PostgreSQL `COPY` of the written rows, typed and valid, into the real "
            f"`support_pupil` (indexes, keys) | {_med(floors)} | — |",
            f"| the same with indexes and keys set aside and rebuilt (ADR 0044) | "
            f"{_med(rebuilds)} | — |",
            f"| PostgreSQL `keleshek import pupils --partial`, {ROWS:,} rows | {_med(imports)} | "
            f"{max(rss) / 1024:.0f} MiB |",
            f"| **ratio import / raw COPY** | **{ratio:.1f}×** ({verdict} the ≤ 3× target) | |",
            f"| ratio best real-table COPY / raw COPY (the floor of any import) | {floor:.1f}× | |",
            f"| **ratio import / best real-table COPY (the floor)** | **{over_floor:.2f}×** "
            f"({'meets' if over_floor <= 1.5 else 'does NOT meet'} the ≤ 1.5× target) | |",
        ]
        print("\n".join(lines))

    # SQLite (streaming path)
    db = work / "bench.sqlite3"
    env = _env(f"sqlite:///{db}", work)
    _prepare(f"sqlite:///{db}", env, work)
    small = data
    if SQLITE_ROWS != ROWS:
        small = work / "pupils-sqlite.csv"
        write_pupils(small, SQLITE_ROWS)
    sqlite_cmd = [*KELESHEK, "import", "pupils", str(small), "--partial", "--quiet"]
    times, rss = [], []
    for _ in range(max(1, RUNS // 2)):
        _clear_pupils_sqlite(db)
        secs, peak, _code = _timed(sqlite_cmd, env)
        times.append(secs)
        rss.append(peak)
    lines.append(
        f"| SQLite `keleshek import pupils --partial`, {SQLITE_ROWS:,} rows | {_med(times)} "
        f"({SQLITE_ROWS / statistics.median(times):,.0f} rows/s) | {max(rss) / 1024:.0f} MiB |"
    )

    # XLSX: import time and memory; readers side by side
    xlsx = work / "pupils.xlsx"
    _write_xlsx(data, xlsx, XLSX_ROWS)
    target = pg_url or f"sqlite:///{db}"
    env = _env(target, work)
    if pg_url:
        _clear_pupils_pg(pg_url)
    else:
        _clear_pupils_sqlite(db)
    secs, peak, _code = _timed(
        [*KELESHEK, "import", "pupils", str(xlsx), "--partial", "--quiet"], env
    )
    engine = "PostgreSQL" if pg_url else "SQLite"
    lines.append(
        f"| XLSX {XLSX_ROWS:,} rows, {engine}, `keleshek import` | {secs:.2f} s | "
        f"{peak / 1024:.0f} MiB |"
    )
    for fn, label in (
        ("_read_calamine", "python-calamine"),
        ("_read_openpyxl", "openpyxl read-only"),
    ):
        secs, peak = _reader_rss(fn, xlsx)
        lines.append(
            f"| XLSX {XLSX_ROWS:,} rows, read only, {label} | {secs:.2f} s | "
            f"{peak / 1024:.0f} MiB |"
        )
    print("\n".join(lines[-3:]))
    LOAD.append(os.getloadavg()[0])
    _write_doc(lines, invalid)
    return 0


def _write_doc(lines: list[str], invalid: int) -> None:
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    section = "\n".join(
        [
            "## Import",
            "",
            f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
            f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}); "
            f"{ROWS:,} pupil rows, {invalid:,} invalid by construction; medians of {RUNS} runs "
            "after a warm-up, raw COPY and import alternated; load average "
            + " → ".join(f"{x:.1f}" for x in LOAD)
            + " (start → end).",
            f"Reproduce: `KELESHEK_BENCH_IMPORT_ROWS={ROWS} KELESHEK_BENCH_RUNS={RUNS} "
            "make bench-import`.",
            "",
            "| what | time | peak RSS |",
            "|---|---|---|",
            *lines,
            "",
        ]
    )
    start = text.find("## Import")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
