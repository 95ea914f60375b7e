"""Territory services (upsert by KATO, abolish, population) and selectors on the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keleshek.core.ids import kato_significant
from keleshek.core.models import AuditEntry
from keleshek.demo.loader import DEMO_YEAR
from keleshek.territory import selectors
from keleshek.territory.models import PopulationRecord, Territory
from keleshek.territory.services import population_set, territory_abolish, territory_upsert

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the source language)."""
    with translation.override("en"):
        yield


def test_upsert_creates_updates_and_does_nothing_when_unchanged():
    glubokoe = Territory.objects.get(kato="634000000")
    audits = AuditEntry.objects.count()
    t, created = territory_upsert(
        kato="634099000", level="rural_okrug", name_ru="Тестовый", parent=glubokoe
    )
    assert created
    assert t.path == "/630000000/634000000/634099000/"
    assert AuditEntry.objects.count() == audits + 1
    same, created = territory_upsert(
        kato="634099000", level="rural_okrug", name_ru="Тестовый", parent=glubokoe
    )
    assert (same.pk, created) == (t.pk, False)
    assert AuditEntry.objects.count() == audits + 1  # nothing changed, nothing audited
    territory_upsert(kato="634099000", level="rural_okrug", name_ru="Новый", parent=glubokoe)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "update"
    assert entry.changes["name_ru"] == ["Тестовый", "Новый"]


def test_moving_a_unit_moves_its_subtree_paths():
    # an okrug filed directly under the oblast, then put under its district: its code carries
    # both parents' significant digits (63, 6340)
    oblast = Territory.objects.get(kato="630000000")
    glubokoe = Territory.objects.get(kato="634000000")
    okrug, _ = territory_upsert(kato="634098000", level="rural_okrug", name_ru="О", parent=oblast)
    territory_upsert(kato="634098100", level="settlement", name_ru="С", parent=okrug)
    territory_upsert(kato="634098000", level="rural_okrug", name_ru="О", parent=glubokoe)
    assert Territory.objects.get(kato="634098100").path == (
        "/630000000/634000000/634098000/634098100/"
    )


def test_a_code_outside_its_parents_digits_is_refused():
    count = Territory.objects.count()
    with pytest.raises(ValidationError, match="does not start with 6362"):
        territory_upsert(
            kato="634099000",
            level="rural_okrug",
            name_ru="x",
            parent=Territory.objects.get(kato="636200000"),
        )
    assert Territory.objects.count() == count


@pytest.mark.parametrize("kato", ["63401000", "6340100001", "63401000x"])
def test_invalid_kato_is_refused(kato):
    count = Territory.objects.count()
    with pytest.raises(ValidationError):
        territory_upsert(kato=kato, level="settlement", name_ru="x")
    assert Territory.objects.count() == count


def test_abolish_and_resolve_follow_the_successor():
    semey_old = Territory.objects.get(name_en="Semey city administration", valid_to__isnull=False)
    assert selectors.resolve(semey_old.kato).kato == semey_old.successor.kato
    assert selectors.resolve(semey_old.kato, on=dt.date(2020, 1, 1)) == semey_old
    with pytest.raises(ValidationError, match="already closed"):
        territory_abolish(territory=semey_old, on=dt.date(2023, 1, 1))
    markakol = Territory.objects.get(kato="635500000")
    kurchum = Territory.objects.get(kato="635200000")
    territory_abolish(territory=markakol, on=dt.date(2027, 1, 1), successor=kurchum)
    assert selectors.resolve("635500000") == kurchum
    assert markakol not in selectors.children(Territory.objects.get(kato="630000000"))


def test_population_selectors_and_service():
    oblast = selectors.oblast()
    total = selectors.population(oblast, DEMO_YEAR)
    pyramid = selectors.population_by_age(oblast, DEMO_YEAR)
    assert sum(pyramid.values()) == total
    assert selectors.population(oblast, DEMO_YEAR, ages=range(6, 18)) == sum(
        n for (age, _sex), n in pyramid.items() if 6 <= age <= 17
    )
    cohorts = selectors.birth_cohorts(oblast, DEMO_YEAR)
    assert set(cohorts) == set(range(DEMO_YEAR - 6, DEMO_YEAR + 1))
    village = Territory.objects.get(kato="634010300")
    record = population_set(territory=village, year=DEMO_YEAR, age=0, sex="F", count=7)
    assert PopulationRecord.objects.get(pk=record.pk).count == 7
    with pytest.raises(ValidationError):
        population_set(territory=village, year=DEMO_YEAR, age=0, sex="X", count=1)


def test_subtree_excludes_historic_units(django_assert_max_num_queries):
    oblast = selectors.oblast()
    with django_assert_max_num_queries(1):
        districts = list(selectors.subtree(oblast, level="district"))
    assert len(districts) == 11
    assert all(d.valid_to is None for d in districts)


def test_the_demo_region_has_the_classifiers_codes_and_the_2022_history():
    units = {u.kato: u for u in selectors.oblast_units()}
    assert {"635500000", "636300000"} <= set(units)
    assert len(units) == 13
    assert units["635500000"].valid_from == dt.date(2022, 6, 8)
    history = {
        t.kato: t.successor.kato
        for t in Territory.objects.filter(valid_to=dt.date(2022, 6, 8)).select_related("successor")
    }
    assert history == {
        "632800000": "101000000",
        "632200000": "101800000",
        "633200000": "103200000",
        "633400000": "103600000",
        "633600000": "103800000",
        "633800000": "104000000",
        "634400000": "104200000",
        "635000000": "104400000",
        "636400000": "104600000",
    }
    abai = set(Territory.objects.filter(parent__kato="100000000").values_list("kato", flat=True))
    assert abai == {*history.values(), "103400000", "104500000"}
    for unit in Territory.objects.exclude(parent=None).select_related("parent"):
        assert unit.kato.startswith(kato_significant(unit.parent.kato)), unit.kato
