"""What-if inputs are checked against the plan's district and sensible ranges, with a message in
the user's language (issue 14, point 7; ADR 0138). A small world, no demo."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keleshek.support.tests import factories as f
from keleshek.transport import services
from keleshek.transport.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan() -> tuple[Plan, Any]:
    reg = f.region()
    reg.village_school.lat, reg.village_school.lon = 50.13, 82.52
    reg.village_school.save()
    return Plan.objects.create(territory=reg.district, name="base", params={}), reg


def _refused(plan: Plan, scenario: dict[str, Any], lang: str = "en") -> str:
    with translation.override(lang), pytest.raises(ValidationError) as err:
        services.whatif_params(plan, scenario)
    return "; ".join(err.value.messages)


@pytest.mark.parametrize("minutes", ["100000", "-100000", "241", "nan", "1e9", "abc", "²"])
def test_a_bell_shift_beyond_four_hours_or_not_a_number_is_refused(plan, minutes: str) -> None:  # type: ignore[no-untyped-def]
    base, _reg = plan
    assert "minutes" in _refused(base, {"kind": "later_bell", "minutes": minutes})


def test_a_bell_shift_within_range_passes_and_the_total_is_bounded(plan) -> None:  # type: ignore[no-untyped-def]
    base, _reg = plan
    assert (
        services.whatif_params(base, {"kind": "later_bell", "minutes": "30"})["bell_shift_min"]
        == 30
    )
    base.params = {"bell_shift_min": 200}
    _refused(base, {"kind": "later_bell", "minutes": "60"})


@pytest.mark.parametrize(
    ("lat", "lon"), [("nan", "82.5"), ("50.1", "inf"), ("91", "82"), ("50", "-181"), ("x", "1")]
)
def test_a_new_stop_needs_finite_coordinates(plan, lat: str, lon: str) -> None:  # type: ignore[no-untyped-def]
    base, reg = plan
    _refused(
        base, {"kind": "new_stop", "lat": lat, "lon": lon, "school": str(reg.village_school.pk)}
    )


def test_a_new_stop_must_serve_a_school_of_the_plans_district_nearby(plan) -> None:  # type: ignore[no-untyped-def]
    base, reg = plan
    stop = {"kind": "new_stop", "lat": "50.14", "lon": "82.53"}
    # the city's school is in another district of the region
    msg = _refused(base, {**stop, "school": str(reg.uk_school.pk)}, "ru")
    assert msg == "эта школа не относится к этому району"
    _refused(base, {**stop, "school": "99999999999999999999999"})
    far = _refused(base, {**stop, "lat": "43.2", "school": str(reg.village_school.pk)}, "kk")
    assert "км" in far
    ok = services.whatif_params(base, {**stop, "school": str(reg.village_school.pk)})
    assert ok["extra_stop"]["school"] == reg.village_school.pk


@pytest.mark.parametrize(
    ("m", "s"), [("0", "60"), ("5000000", "60"), ("500", "100000"), ("1.5", "1")]
)
def test_a_closed_road_needs_sensible_length_and_time(plan, m: str, s: str) -> None:  # type: ignore[no-untyped-def]
    base, reg = plan
    school = f"school:{reg.village_school.pk}"
    _refused(
        base,
        {"kind": "closed_road", "a": school, "b": school, "distance_m": m, "duration_s": s},
    )
