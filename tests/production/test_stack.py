"""A request and a job walk through the production stack (see conftest.py)."""

from __future__ import annotations

import time

import pytest

from tests.production.conftest import Stack

pytestmark = pytest.mark.own_services


def test_health_and_readiness_through_gunicorn(stack: Stack) -> None:
    assert stack.get("/healthz")[0] == 200
    status, _, body = stack.get("/readyz")
    assert (status, body) == (200, b'{"status": "ok"}')


def test_a_page_and_its_static_files_are_served_without_a_cdn(stack: Stack) -> None:
    status, headers, body = stack.get("/ru/accounts/login/")
    assert status == 200, body[:500]
    assert b"cdn" not in body.lower()
    assert "strict-transport-security" in headers
    css = stack.get("/static/keleshek/site.css")
    assert css[0] == 200
    assert css[1]["content-type"].startswith("text/css")


def test_plain_http_is_redirected_to_https(stack: Stack) -> None:
    status, headers, _ = stack.get("/ru/accounts/login/", https=False)
    assert status == 301
    assert headers["location"].startswith("https://")


def wait_for_job(stack: Stack, job_id: int, statuses: set[str], seconds: float = 90) -> str:
    check = f"from keleshek.jobs.models import Job; print(Job.objects.get(pk={job_id}).status)"
    deadline = time.monotonic() + seconds
    status = ""
    while time.monotonic() < deadline:
        status = stack.shell(check)
        if status in statuses:
            return status
        time.sleep(1)
    return status


def test_the_worker_runs_a_job_started_through_the_application(stack: Stack) -> None:
    code = (
        "from django.db import transaction\n"
        "from keleshek.jobs.services import enqueue\n"
        "with transaction.atomic():\n"
        "    job = enqueue(kind='noop', params={'steps': 3})\n"
        "print(job.pk)\n"
    )
    job_id = int(stack.shell(code).splitlines()[-1])
    assert wait_for_job(stack, job_id, {"succeeded", "failed"}) == "succeeded"


def test_check_deploy_is_clean(stack: Stack) -> None:
    out = stack.cli("check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in out
