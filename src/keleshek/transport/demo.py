"""Demo transport: a fleet and bell times per district, riders assessed by the support rule,
stops generated within the walking limit, and a plan per district made by the optimiser — so the
briefing's ≈5 thousand transported pupils ride routes made by this code."""

from __future__ import annotations

import datetime as dt
import math
import os
import random

from django.db import transaction
from django.db.models import Count

from keleshek.core import hooks
from keleshek.core.context import acting_as
from keleshek.institutions.models import Institution
from keleshek.territory import selectors as territory_selectors
from keleshek.territory.models import Territory

from . import services
from .models import Plan, Rider, SchoolSchedule, Vehicle

BELLS = [dt.time(8, 0), dt.time(8, 30), dt.time(9, 0)]
SIZES = (16, 22, 30, 40)  # seats for pupils: ГАЗель, ПАЗ-320402, ПАЗ-32053, Isuzu SAZ
STOPS_PER_BUS = 6
MODELS = {16: "ГАЗель Next", 22: "ПАЗ-320402", 30: "ПАЗ-32053", 40: "Isuzu SAZ HC40"}


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
            services.generate_stops(territory=district)
            _fleet(district, rng)  # after the stops: a school's fleet follows its stops
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


def _fleet(district: Territory, rng: random.Random) -> None:
    """Each school's buses stand at the school (ADR 0170): the smallest size that seats all
    its riders, or 40-seaters; enough of them for its riders and its stops."""
    if Vehicle.objects.filter(territory=district).exists():
        return
    per_school = {
        row["school"]: (row["n"], row["stops"])
        for row in Rider.objects.filter(school__settlement__path__startswith=district.path)
        .values("school")
        .annotate(n=Count("pk"), stops=Count("stop", distinct=True))
    }
    schools = Institution.objects.filter(pk__in=per_school).exclude(lat=None).order_by("pk")
    vehicles = []
    for school in schools:
        need, stops = per_school[school.pk]
        capacity = next((c for c in SIZES if c >= need), SIZES[-1])
        # Seats for every rider, and a bus per STOPS_PER_BUS stops: a 60-minute ride reaches
        # about that many of the demo's scattered stops (measured, ADR 0170).
        count = max(math.ceil(need / capacity), math.ceil(stops / STOPS_PER_BUS))
        for i in range(count):
            letters = rng.choice("ABEKMH") + rng.choice("ABEKMH")
            vehicles.append(
                Vehicle(
                    code=f"bus-{school.pk}-{i + 1}",
                    plate=f"{rng.randint(100, 999)} {letters} 16",
                    model_name=MODELS[capacity],
                    capacity=capacity,
                    territory=district,
                    home_school=school,
                    depot_name=school.name_ru,
                    depot_lat=school.lat or 0.0,
                    depot_lon=school.lon or 0.0,
                    cost_per_km=350 if capacity < 30 else 420,
                    is_synthetic=True,
                )
            )
    Vehicle.objects.bulk_create(vehicles)
