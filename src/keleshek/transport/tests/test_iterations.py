"""A plan whose params carry ``iterations`` is solved on PyVRP iterations, not on the clock
(ADR 0112): the same plan every time, whatever the machine's load. On the demo district of
the transport coordinator."""

from __future__ import annotations

from typing import Any

import pytest

from keleshek.accounts.models import User
from keleshek.transport import services
from keleshek.transport.models import Plan
from keleshek.transport.services import plans

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_a_plan_with_iterations_is_solved_on_iterations_and_repeats_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    district = User.objects.get(username="transport").territory
    assert district is not None
    asked: list[tuple[Any, Any]] = []
    real = plans.solve

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append((kwargs["iterations"], kwargs["seconds"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(plans, "solve", spy)
    figures = []
    for _ in range(2):
        plan = Plan.objects.create(territory=district, name="p", params={"iterations": 40})
        services.optimise(plan)
        plan.refresh_from_db()
        assert plan.status == Plan.Status.DONE
        figures.append((plan.buses, plan.distance_km, plan.pupils_served, plan.pupils_total))
    assert asked == [(40, 10.0), (40, 10.0)]
    assert figures[0] == figures[1]
    assert figures[0][2] > 0
    plan = Plan.objects.create(territory=district, name="t", params={"seconds": 1})
    services.optimise(plan)
    assert asked[-1] == (None, 1.0)  # production plans keep their time budget
