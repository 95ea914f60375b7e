"""One places deficit (ADR 0128): the selector, the maintained indicator, the briefing's table,
the public glance and open data give the same figure, because they all read one rule."""

from __future__ import annotations

import pytest

from keleshek.indicators import selectors
from keleshek.indicators.services import refresh_indicators
from keleshek.indicators.templatetags.indicators import school_deficit
from keleshek.institutions.capacity import places_short
from keleshek.institutions.selectors import places_by_unit, places_deficit, school_places
from keleshek.territory.models import Territory

from .factories import region

pytestmark = pytest.mark.django_db
Y = 2025


def test_every_reader_of_the_deficit_gives_the_same_figure() -> None:
    # Given the four-school test oblast (school A lacks 100 places in two-shift education, school
    # C 100; school B's free places do not seat A's pupils)
    region(Y)
    oblast = Territory.objects.get(kato="640000000")
    refresh_indicators()
    # Then the selector, per school and per unit, and every consumer agree
    assert places_deficit(Y) == places_deficit(Y, territory=oblast) == 200
    assert sum(s.deficit for s in school_places(Y)) == 200
    assert sum(r.deficit for r in places_by_unit(Y, oblast)) == 200
    assert selectors.value("places_deficit", "640000000", Y) == 200

    from keleshek.portal import opendata
    from keleshek.portal.selectors import Glance, _live_school_figures
    from keleshek.reports.selectors import deficit_by_district

    assert sum(int(r.values["after"]) for r in deficit_by_district(Y)) == 200
    g = Glance(year=Y)
    _live_school_figures(g)
    assert g.deficit == 200
    assert sum(r["deficit_places"] for r in opendata._districts(Y)) == 200

    # and the capacity plan's template tag applies the same rule to its forecast figures
    class Planned:
        pupils, capacity = 1300.0, 600.0

    assert school_deficit(Planned()) == places_short(1300.0, 600.0) == 100.0
    assert places_short(10, 30) == 0
