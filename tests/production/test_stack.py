"""The production stack, started by the test itself on loopback: a PostgreSQL instance
initialised in a temporary folder, migrations under the production settings, gunicorn with the
project's config, and the huey worker on Redis. A request walks through it, and a job started
through the application is picked up by the worker."""

from __future__ import annotations

import http.client
import io
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pgcluster import TempPostgres, free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("KELESHEK_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
    resp = conn.getresponse()
    body = resp.read()
    headers = {k.lower(): v for k, v in resp.getheaders()}
    conn.close()
    return resp.status, headers, body


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    if not _redis_up():
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    root = tmp_path_factory.mktemp("stack")
    pg = TempPostgres().init()
    pg.start()
    procs: list[subprocess.Popen[bytes]] = []
    logs: list[io.BufferedWriter] = []
    try:
        db_url = pg.createdb("keleshek")
        port = free_port()
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="keleshek.settings.production",
            DATABASE_URL=db_url,
            KELESHEK_SECRET_KEY=secrets.token_urlsafe(50),
            KELESHEK_ALLOWED_HOSTS="127.0.0.1",
            KELESHEK_REDIS_URL=REDIS_URL,
            KELESHEK_HUEY_NAME=f"keleshek-test-{secrets.token_hex(4)}",
            KELESHEK_WORK_DIR=str(root),
            KELESHEK_STATIC_ROOT=str(root / "static"),
            KELESHEK_BIND=f"127.0.0.1:{port}",
            KELESHEK_WEB_WORKERS="2",
        )
        cli = [sys.executable, "-m", "keleshek.cli"]
        for args in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([*cli, *args], env=env, check=True, capture_output=True, timeout=300)
        logs = [open(root / n, "wb") for n in ("gunicorn.log", "worker.log")]  # noqa: SIM115
        procs.append(
            subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "--config",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                ],
                env=env,
                stdout=logs[0],
                stderr=subprocess.STDOUT,
            )
        )
        procs.append(
            subprocess.Popen(
                [*cli, "run_huey", "--workers", "1"],
                env=env,
                stdout=logs[1],
                stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError((root / "gunicorn.log").read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield {"port": port, "env": env, "cli": cli, "pg": pg, "root": root}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        for f in logs:
            f.close()
        pg.remove()


def test_health_and_readiness_through_gunicorn(stack: dict[str, object]) -> None:
    port = int(stack["port"])  # type: ignore[call-overload]
    assert _get(port, "/healthz")[0] == 200
    status, _, body = _get(port, "/readyz")
    assert (status, body) == (200, b'{"status": "ok"}')


def test_a_page_and_its_static_files_are_served_without_a_cdn(stack: dict[str, object]) -> None:
    port = int(stack["port"])  # type: ignore[call-overload]
    status, headers, body = _get(port, "/ru/accounts/login/")
    assert status == 200, body[:500]
    assert b"cdn" not in body.lower()
    assert "strict-transport-security" in headers
    css = _get(port, "/static/keleshek/site.css")
    assert css[0] == 200
    assert css[1]["content-type"].startswith("text/css")


def test_plain_http_is_redirected_to_https(stack: dict[str, object]) -> None:
    port = int(stack["port"])  # type: ignore[call-overload]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/ru/accounts/login/", headers={"Host": "127.0.0.1"})
    resp = conn.getresponse()
    location = resp.getheader("Location", "")
    conn.close()
    assert resp.status == 301
    assert location.startswith("https://")


def test_the_worker_runs_a_job_started_through_the_application(stack: dict[str, object]) -> None:
    env = stack["env"]
    cli = stack["cli"]
    code = (
        "from django.db import transaction\n"
        "from keleshek.jobs.services import enqueue\n"
        "with transaction.atomic():\n"
        "    job = enqueue(kind='noop', params={'steps': 3})\n"
        "print(job.pk)\n"
    )
    out = subprocess.run(
        [*cli, "shell", "-v", "0", "-c", code],  # type: ignore[misc]
        env=env,  # type: ignore[arg-type]
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    job_id = int(out.strip().splitlines()[-1])
    check = f"from keleshek.jobs.models import Job; print(Job.objects.get(pk={job_id}).status)"
    deadline = time.monotonic() + 60
    status = ""
    while time.monotonic() < deadline:
        status = subprocess.run(
            [*cli, "shell", "-v", "0", "-c", check],  # type: ignore[misc]
            env=env,  # type: ignore[arg-type]
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout.strip()
        if status == "succeeded":
            break
        time.sleep(1)
    assert status == "succeeded"


def test_check_deploy_is_clean(stack: dict[str, object]) -> None:
    proc = subprocess.run(
        [*stack["cli"], "check", "--deploy", "--fail-level", "WARNING"],  # type: ignore[misc]
        env=stack["env"],  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
