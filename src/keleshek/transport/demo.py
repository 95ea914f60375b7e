"""Demo transport: a fleet and bell times per district, riders assessed by the support rule,
stops generated within the walking limit, and a plan per district made by the optimiser — so the
briefing's ≈5 thousand transported pupils ride routes made by this code."""

from __future__ import annotations

import datetime as dt
import math
import os
import random

from django.db import transaction

from keleshek.core import hooks
from keleshek.core.context import acting_as
from keleshek.institutions.models import Institution
from keleshek.territory import selectors as territory_selectors
from keleshek.territory.models import Territory

from . import services
from .models import Plan, Rider, SchoolSchedule, Vehicle

BELLS = [dt.time(8, 0), dt.time(8, 30), dt.time(9, 0)]


def load(*, year: int) -> None:
    rng = random.Random(630_2025)
    budget = _budget()
    with acting_as(None, via="demo"), hooks.muted():
        districts = list(territory_selectors.oblast_units())
        with transaction.atomic():
            for school in Institution.objects.filter(
                kind=Institution.Kind.SCHOOL, settlement__kato__startswith="63"
            ).only("pk"):
                SchoolSchedule.objects.get_or_create(
                    school=school, defaults={"bell": rng.choice(BELLS), "is_synthetic": True}
                )
        for district in districts:
            riders = services.assess_riders(territory=district, year=year)
            if not riders:
                continue
            _fleet(district, riders, rng)
            services.generate_stops(territory=district)
            if Plan.objects.filter(territory=district, base__isnull=True, is_current=True).exists():
                continue
            plan = Plan.objects.create(
                territory=district,
                name=f"Демо-план: {district.name_ru}",
                params={**budget, "max_ride_min": services.max_ride_min()},
            )
            services.optimise(plan)


def _budget() -> dict[str, float | int]:
    """The demo's search budget: PyVRP iterations (150 per search by default — about the work
    of the 2 s per district it replaced, measured in CPU time), so the demo's plans are the same
    on every machine however busy it is (ADR 0112). ``KELESHEK_DEMO_ROUTING_SECONDS`` asks for a
    wall-clock budget instead."""
    seconds = os.environ.get("KELESHEK_DEMO_ROUTING_SECONDS")
    if seconds:
        return {"seconds": float(seconds)}
    return {"iterations": int(os.environ.get("KELESHEK_DEMO_ROUTING_ITERATIONS", "150"))}


def _fleet(district: Territory, riders: int, rng: random.Random) -> None:
    """Enough buses for the district's riders, at the district's largest school."""
    if Vehicle.objects.filter(territory=district).exists():
        return
    hub = (
        Institution.objects.filter(
            kind=Institution.Kind.SCHOOL, settlement__path__startswith=district.path
        )
        .exclude(lat=None)
        .order_by("-design_capacity")
        .first()
    )
    if hub is None:
        return
    per_school = Rider.objects.filter(school__settlement__path__startswith=district.path)
    schools = per_school.values("school").distinct().count()
    count = max(2, math.ceil(riders / 15) + schools // 2)
    Vehicle.objects.bulk_create(
        [
            Vehicle(
                code=f"bus-{district.kato}-{i + 1:02d}",
                plate=f"{rng.randint(100, 999)} {rng.choice('ABEKMH')}{rng.choice('ABEKMH')} 16",
                model_name=rng.choice(["ПАЗ-32053", "Isuzu SAZ HC40", "ГАЗель Next"]),
                capacity=(capacity := rng.choice([22, 30, 40])),
                territory=district,
                depot_name=hub.name_ru,
                depot_lat=hub.lat or 0.0,
                depot_lon=hub.lon or 0.0,
                cost_per_km=350 if capacity < 30 else 420,
                is_synthetic=True,
            )
            for i in range(count)
        ]
    )
