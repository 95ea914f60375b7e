"""Load mix for `make bench-load`: the public catalogue and portal, staff dashboards as a logged-in
analyst, and API reads; plus a trivial endpoint as the baseline (run separately)."""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

QUERIES = ["логистика", "беспилотных", "IT", "химия", "туризм", "атомной", "электромобили", ""]
LOGIN = os.environ.get("BENCH_LOGIN", "analyst")
PASSWORD = os.environ.get("BENCH_PASSWORD", "keleshek-demo")
DISTRICT = os.environ.get("BENCH_DISTRICT_KATO", "634000000")


class Visitor(HttpUser):
    """Public pages and API (weight 3)."""

    weight = 3
    wait_time = between(0.05, 0.2)

    @task(4)
    def catalogue(self) -> None:
        q = random.choice(QUERIES)
        self.client.get(f"/ru/catalogue/?q={q}", name="/ru/catalogue/?q=")

    @task(2)
    def home(self) -> None:
        self.client.get("/ru/", name="/ru/ (region at a glance)")

    @task(1)
    def news(self) -> None:
        self.client.get("/ru/news/", name="/ru/news/")

    @task(2)
    def api_offerings(self) -> None:
        self.client.get("/api/v1/offerings?limit=50", name="/api/v1/offerings")


class Analyst(HttpUser):
    """Staff dashboards as a logged-in regional analyst (weight 1)."""

    weight = 1
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        page = self.client.get("/ru/accounts/login/", name="login form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/ru/accounts/login/",
            data={
                "username": LOGIN,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/ru/accounts/login/"},
            name="login",
        )

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/ru/staff/", name="/ru/staff/ (oblast dashboard)")

    @task(2)
    def district(self) -> None:
        self.client.get(f"/ru/staff/t/{DISTRICT}/", name="/ru/staff/t/<district>/")

    @task(1)
    def capacity(self) -> None:
        self.client.get("/ru/staff/capacity/", name="/ru/staff/capacity/")


class Trivial(HttpUser):
    """The baseline: the liveness endpoint on the same server stack."""

    wait_time = between(0.05, 0.2)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")
