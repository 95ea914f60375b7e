"""`make bench-load`: 50 concurrent clients on loopback against the production stack (gunicorn,
PostgreSQL, the demo region), a mix of public catalogue, dashboards, staff pages and API reads,
against a trivial endpoint on the same stack in the same run. Prints p50/p95/p99 as ratios and
writes them to docs/reliability.md.

    .venv/bin/python benchmarks/load/run.py [--users 50] [--seconds 60] [--rounds 1]
        [--page-cache file|redis|off] [--compare-off]

The pages are served from the page cache (core.pagecache, ADR 0193) unless ``--page-cache off``;
``--compare-off`` runs the mix a second time with the cache off in the same run. The database is
``BENCH_DB`` (default kel_bench_load) on ``BENCH_PG_SERVER``; Redis is ``BENCH_REDIS_URL``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "kel_bench_load")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_locust(host: str, users: int, seconds: int, classes: list[str], out: Path) -> dict:
    prefix = out / "_".join(classes)
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *classes,
        ],
        check=False,
        capture_output=True,
        timeout=seconds + 120,
    )
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    agg = next(r for r in rows if r["Name"] == "Aggregated")
    per_page = {
        r["Name"]: float(r["95%"]) for r in rows if r["Name"] not in ("Aggregated", "login form")
    }
    return {
        "requests": int(agg["Request Count"]),
        "failures": int(agg["Failure Count"]),
        "rps": float(agg["Requests/s"]),
        "p50": float(agg["50%"]),
        "p95": float(agg["95%"]),
        "p99": float(agg["99%"]),
        "pages_p95": per_page,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--skip-load-data", action="store_true", help="reuse the benchmark database")
    ap.add_argument("--write-docs", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--page-cache", choices=("file", "redis", "off"), default="file")
    ap.add_argument("--compare-off", action="store_true", help="also run the mix uncached")
    args = ap.parse_args()

    db_url = f"{PG_SERVER}/{DB}"
    env = dict(os.environ)
    work = Path(tempfile.mkdtemp(prefix="keleshek-load-"))
    port = free_port()
    env.update(
        DJANGO_SETTINGS_MODULE="keleshek.settings.production",
        DATABASE_URL=db_url,
        KELESHEK_SECRET_KEY=secrets.token_urlsafe(50),
        KELESHEK_ALLOWED_HOSTS="127.0.0.1",
        KELESHEK_SSL_REDIRECT="0",
        KELESHEK_SECURE_COOKIES="0",
        KELESHEK_HSTS_SECONDS="0",
        KELESHEK_WORK_DIR=str(work),
        KELESHEK_STATIC_ROOT=str(work / "static"),
        KELESHEK_BIND=f"127.0.0.1:{port}",
        KELESHEK_WEB_WORKERS=os.environ.get("BENCH_WEB_WORKERS", "4"),
        KELESHEK_CONN_MAX_AGE="60",
        KELESHEK_JOBS_IMMEDIATE="1",
        KELESHEK_PAGE_CACHE="0" if args.page_cache == "off" else "1",
    )
    if args.page_cache == "redis":
        env["KELESHEK_CACHE_REDIS_URL"] = REDIS
        env["KELESHEK_CACHE_PREFIX"] = f"bench-{secrets.token_hex(4)}"
    cli = [sys.executable, "-m", "keleshek.cli"]
    if not args.skip_load_data:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{DB}"')
        print("migrating and loading the demo region (takes a few minutes)…", flush=True)
        subprocess.run([*cli, "migrate", "--noinput", "-v0"], env=env, check=True)
        subprocess.run([*cli, "demo"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "collectstatic", "--noinput", "-v0"], env=env, check=True)

    def serve(server_env: dict[str, str], name: str) -> tuple[subprocess.Popen[bytes], str, Any]:
        log = open(work / f"gunicorn-{name}.log", "wb")  # noqa: SIM115
        web = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        host = f"http://127.0.0.1:{server_env['KELESHEK_BIND'].rsplit(':', 1)[1]}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{host}/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        return web, host, log

    def stop(web: subprocess.Popen[bytes], log: Any) -> None:
        web.terminate()
        web.wait(timeout=30)
        log.close()

    web, host, log = serve(env, "main")
    off_runs: list[dict] = []
    try:
        print("warm-up…", flush=True)
        run_locust(host, 10, 10, ["Visitor", "Analyst"], work)
        mix_runs, triv_runs = [], []
        for i in range(args.rounds):
            print(f"round {i + 1}: trivial endpoint, then the mix…", flush=True)
            triv_runs.append(run_locust(host, args.users, args.seconds, ["Trivial"], work))
            mix = run_locust(host, args.users, args.seconds, ["Visitor", "Analyst"], work)
            mix_runs.append(mix)
    finally:
        stop(web, log)
    if args.compare_off and args.page_cache != "off":
        off_env = {
            **env,
            "KELESHEK_PAGE_CACHE": "0",
            "KELESHEK_BIND": f"127.0.0.1:{free_port()}",
        }
        web, host, log = serve(off_env, "off")
        try:
            print("the mix with the page cache off…", flush=True)
            run_locust(host, 10, 10, ["Visitor", "Analyst"], work)
            for _ in range(args.rounds):
                off_runs.append(
                    run_locust(host, args.users, args.seconds, ["Visitor", "Analyst"], work)
                )
        finally:
            stop(web, log)

    def med(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    lines = [
        f"Measured {dt.date.today()} on {platform.node()} ({os.cpu_count()} cores, "
        f"{platform.processor() or platform.machine()}), load average before the run "
        f"{os.getloadavg()[0]:.1f}: {args.users} clients, {args.seconds} s per run, "
        f"{args.rounds} round(s) after a 10 s warm-up; gunicorn gthread "
        f"{env['KELESHEK_WEB_WORKERS']} workers × 4 threads, PostgreSQL, the demo region; "
        f"page cache: {args.page_cache}.",
        "",
        f"Command: `.venv/bin/python benchmarks/load/run.py --users {args.users} "
        f"--seconds {args.seconds} --rounds {args.rounds} --page-cache {args.page_cache}"
        f"{' --compare-off' if off_runs else ''}`",
        "",
        "| | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = [("trivial (/healthz)", triv_runs), ("mix", mix_runs)]
    if off_runs:
        rows.append(("mix, page cache off", off_runs))
    for name, runs in rows:
        lines.append(
            f"| {name} | {sum(r['requests'] for r in runs)} | "
            f"{sum(r['failures'] for r in runs)} | {med(runs, 'rps'):.0f} | "
            f"{med(runs, 'p50'):.0f} | {med(runs, 'p95'):.0f} | {med(runs, 'p99'):.0f} |"
        )
    ratio = {k: med(mix_runs, k) / max(med(triv_runs, k), 1.0) for k in ("p50", "p95", "p99")}
    thr = med(mix_runs, "rps") / max(med(triv_runs, "rps"), 1e-9)
    errors = sum(r["failures"] for r in mix_runs + triv_runs)
    lines += [
        "",
        f"Mix ÷ trivial: p50 {ratio['p50']:.1f}×, p95 {ratio['p95']:.1f}×, "
        f"p99 {ratio['p99']:.1f}×; "
        f"throughput {thr:.2f}× (target ≥ 0.5×: {'met' if thr >= 0.5 else 'MISSED'}; "
        f"p95 target ≤ 5×: {'met' if ratio['p95'] <= 5 else 'MISSED'}). Errors: {errors} "
        f"({'target met' if errors == 0 else 'TARGET MISSED: errors must be zero'}).",
        "",
        "p95 per page in the mix (ms, last round):",
        "",
        "| page | p95 ms |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v:.0f} |" for k, v in sorted(mix_runs[-1]["pages_p95"].items())]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        for name in ("reliability.md", "benchmarks.md"):
            doc = ROOT / "docs" / name
            current = doc.read_text() if doc.exists() else "# Measured\n"
            start = "<!-- load:start -->"
            end = "<!-- load:end -->"
            block = f"{start}\n## Load (`make bench-load`)\n\n{text}\n{end}"
            if start in current:
                tail = current[current.index(end) + len(end) :]
                current = current[: current.index(start)] + block + tail
            else:
                current = current.rstrip() + "\n\n" + block + "\n"
            doc.write_text(current)
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
