"""`make bench-documents`: documents rendered ahead (jobs.documents, ADR 0194), on the demo region.

    .venv/bin/python benchmarks/documents/run.py [--runs 5] [--database URL]

For a district's route sheets (the district whose current plan has the most routes), its
transport scheme and the briefing (latest year), in Russian, measured side by side in one run:
- render: what a download cost before (source HTML + WeasyPrint PDF), and what the background
  job spends now;
- download: the staff page's view answering with the stored file (Django test client, the whole
  request: login session, access check, fingerprint of the current HTML, audit entry);
- baseline: serving a static file of the same size (WhiteNoise, the same test client).
Median and min–max of ``--runs`` runs after a warm-up. The database is the one `make bench-load`
loads (``BENCH_DB``, default kel_bench_load); it must hold the demo region. Writes the
"Documents" section of docs/benchmarks.md unless --no-docs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
DOC = ROOT / "docs" / "benchmarks.md"
DB = os.environ.get("BENCH_DB", "kel_bench_load")
TARGET_DOWNLOAD = 0.5
TARGET_SHEETS = 3.0


def timed(fn, runs: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    xs = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        xs.append(time.perf_counter() - t0)
    return statistics.median(xs), min(xs), max(xs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--database", default=f"postgres://postgres@127.0.0.1:5432/{DB}")
    ap.add_argument("--docs", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="keleshek-docs-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="keleshek.settings.dev",
        DATABASE_URL=args.database,
        KELESHEK_WORK_DIR=str(work),
        KELESHEK_MEDIA_ROOT=str(work / "media"),
        KELESHEK_DOCUMENTS_AHEAD="1",
        KELESHEK_JOBS_IMMEDIATE="1",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from keleshek.accounts.models import User
    from keleshek.core import charts
    from keleshek.institutions.selectors import current_school_year
    from keleshek.jobs import documents
    from keleshek.reports import documents as rdocs
    from keleshek.reports import selectors as rsel
    from keleshek.transport import documents as tdocs
    from keleshek.transport.models import Plan

    settings.ALLOWED_HOSTS = ["*"]
    settings.WHITENOISE_USE_FINDERS = True
    plan = (
        Plan.objects.filter(is_current=True, status=Plan.Status.DONE)
        .annotate(n=Count("routes"))
        .select_related("territory")
        .order_by("-n")
        .first()
    )
    if plan is None:
        print("no current transport plan: load the demo region first (make bench-load)")
        return 1
    district = plan.territory
    year = current_school_year()
    latest = rsel.latest_year()
    assert latest is not None
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-documents",
        password="x",  # noqa: S106 - a local benchmark user
    )
    cases = [
        (
            f"route sheets, {district.name_ru} ({plan.n} routes)",
            tdocs.ROUTE_SHEETS,
            tdocs.route_sheets_params(plan, "ru"),
            f"/ru/transport/{district.kato}/plans/{plan.pk}/route-sheets.pdf?lang=ru",
        ),
        (
            f"transport scheme, {district.name_ru}",
            tdocs.SCHEME,
            tdocs.scheme_params(district, year, "ru"),
            f"/ru/transport/{district.kato}/scheme/file/?lang=ru&format=pdf&year={year}",
        ),
        (
            f"briefing {latest}/{latest + 1}",
            rdocs.BRIEFING,
            rdocs.params(latest, "ru"),
            f"/ru/reports/briefing.pdf?year={latest}",
        ),
    ]
    static_dir = work / "static-bench"
    static_dir.mkdir()
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(static_dir)]
    renders = {}
    for _label, kind, params, _url in cases:
        k = documents.KINDS[kind]

        def render(k=k, params=params) -> bytes:  # type: ignore[no-untyped-def]
            with charts.numbered_in_document():
                return k.render(k.source(params))

        renders[kind] = timed(render, args.runs)
        # stored, as the background job leaves it; a static file of the same bytes beside it
        body = documents.get(kind, params).content
        (static_dir / f"bench-{kind}.pdf").write_bytes(body)
    client = Client()  # WhiteNoise lists the static files on the first request
    client.force_login(admin)
    rows = []
    for label, kind, params, url in cases:

        def download(url=url) -> None:  # type: ignore[no-untyped-def]
            resp = client.get(url)
            assert resp.status_code == 200, (url, resp.status_code)

        body = client.get(url).content
        assert not documents.get(kind, params).rendered
        down_t = timed(download, args.runs)
        name = f"bench-{kind}.pdf"
        assert (static_dir / name).read_bytes() == body

        def static(name=name) -> None:  # type: ignore[no-untyped-def]
            resp = client.get(f"/static/{name}")
            assert resp.status_code == 200, resp.status_code
            b"".join(resp.streaming_content)  # type: ignore[attr-defined]

        static_t = timed(static, args.runs)
        rows.append((label, len(body), renders[kind], down_t, static_t))

    def f(t: tuple[float, float, float]) -> str:
        return f"{t[0]:.2f} ({t[1]:.2f}–{t[2]:.2f}) s"

    def ms(t: tuple[float, float, float]) -> str:
        return f"{t[0] * 1000:.1f} ({t[1] * 1000:.1f}–{t[2] * 1000:.1f}) ms"

    lines = [
        f"Measured {dt.date.today()} on {platform.node()} ({os.cpu_count()} cores), load average "
        f"{os.getloadavg()[0]:.1f} (a shared, busy machine: absolute times move); the demo "
        f"region on PostgreSQL; median (min–max) of {args.runs} runs after a warm-up.",
        "",
        f"Command: `BENCH_DB={DB} .venv/bin/python benchmarks/documents/run.py --runs {args.runs}`",
        "",
        "| document | PDF bytes | render (source + PDF) | download (stored) | static file, "
        "same size | download ÷ static |",
        "|---|---|---|---|---|---|",
    ]
    for label, size, r, d, s in rows:
        lines.append(
            f"| {label} | {size:,} | {f(r)} | {ms(d)} | {ms(s)} | {d[0] / max(s[0], 1e-9):.0f}× |"
        )
    worst = max(d[0] for _, _, _, d, _ in rows)
    sheets = rows[0][2][0]
    lines += [
        "",
        f"Download ≤ {TARGET_DOWNLOAD} s: {'met' if worst <= TARGET_DOWNLOAD else 'MISSED'} "
        f"(slowest {worst:.3f} s). A district's route sheets rendered in ≤ {TARGET_SHEETS:.0f} s: "
        f"{'met' if sheets <= TARGET_SHEETS else 'MISSED'} ({sheets:.2f} s; WeasyPrint's layout "
        "is most of it). The briefing here is the demo region's, not the national dataset's.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.docs:
        current = DOC.read_text()
        start, end = "<!-- documents:start -->", "<!-- documents:end -->"
        block = f"{start}\n## Documents (`make bench-documents`)\n\n{text}\n{end}"
        if start in current:
            current = (
                current[: current.index(start)] + block + current[current.index(end) + len(end) :]
            )
        else:
            current = current.rstrip() + "\n\n" + block + "\n"
        DOC.write_text(current)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
