"""Search normalisation and the catalogue's full-text search."""

from __future__ import annotations

import pytest

from keleshek.portal.models import SearchDocument, SearchTerm
from keleshek.portal.search import index_terms, query_terms, terms, words
from keleshek.portal.selectors import CatalogueFilters, catalogue_offerings
from keleshek.portal.services import search_index_refresh

from . import factories as f


def test_russian_forms_meet_on_the_lemma():
    assert "беспилотный" in terms("беспилотных")
    assert "беспилотный" in terms("беспилотные")
    assert "система" in terms("систем")
    assert "электростанция" in terms("электростанции")


def test_kazakh_and_english_simple_normalisation():
    assert "жүйе" in terms("жүйелері")
    assert "жүйе" in terms("жүйелер")
    assert "system" in terms("systems")
    assert "technology" in terms("technologies")


def test_words_drop_stop_words_and_case():
    assert words("Эксплуатация АТОМНОЙ электростанции и логистика") == [
        "эксплуатация",
        "атомной",
        "электростанции",
        "логистика",
    ]
    assert words("ёлка") == ["елка"]


def test_query_terms_give_prefix_for_long_words_only():
    (_exact, prefix), (exact2, prefix2) = query_terms("беспилот ИТ")
    assert prefix == "беспилот"
    assert prefix2 is None
    assert "ит" in exact2
    assert len(query_terms(" ".join(f"слово{i}" for i in range(20)))) == 8


def test_index_terms_of_a_document():
    assert {"беспилотный", "система", "беспилотные", "системы"} <= index_terms(
        "Беспилотные системы"
    )


@pytest.fixture
def catalogue(db):
    t = f.tree()
    college = f.institution(t["city"], name_ru="Высший политехнический колледж")
    uni = f.institution(t["city"], "university", name_ru="Технический университет")
    transport = f.industry("test-transport", "Транспорт", "Transport", "Көлік")
    energy = f.industry("test-energy", "Энергетика", "Energy", "Энергетика")
    drones = f.specialty(
        "T0001",
        "Беспилотные системы",
        transport,
        name_kk="Ұшқышсыз жүйелер",
        name_en="Unmanned systems",
    )
    npp = f.specialty(
        "T0002",
        "Эксплуатация атомной электростанции",
        energy,
        level=6,
        name_kk="Атом электр станциясын пайдалану",
        name_en="Operation of nuclear power plants",
    )
    logistics = f.specialty("T0003", "Логистика", transport, name_en="Logistics")
    o1 = f.offering(college, drones, launch_year=f.YEAR, state_seats=25, dual_training=True)
    o2 = f.offering(uni, npp, launch_year=f.YEAR, state_seats=0, paid_seats=30, language="kk")
    o3 = f.offering(college, logistics, state_seats=50)
    search_index_refresh()
    return {"drones": o1, "npp": o2, "logistics": o3, "t": t}


def _ids(**kw):
    return set(
        catalogue_offerings(CatalogueFilters(year=f.YEAR, **kw)).values_list("pk", flat=True)
    )


def test_inflected_russian_query_finds_the_offering(catalogue):
    assert _ids(q="беспилотных") == {catalogue["drones"].pk}
    assert _ids(q="атомных электростанций") == {catalogue["npp"].pk}
    assert _ids(q="беспилотных атомных") == set()  # words are ANDed


def test_kazakh_english_code_and_prefix_queries(catalogue):
    assert _ids(q="жүйелері") == {catalogue["drones"].pk}
    assert _ids(q="unmanned system") == {catalogue["drones"].pk}
    assert _ids(q="nuclear plant") == {catalogue["npp"].pk}
    assert _ids(q="T0003") == {catalogue["logistics"].pk}
    assert _ids(q="логист") == {catalogue["logistics"].pk}
    assert _ids(q="политехнический") == {catalogue["drones"].pk, catalogue["logistics"].pk}


def test_filters(catalogue):
    d, n, lg = catalogue["drones"].pk, catalogue["npp"].pk, catalogue["logistics"].pk
    assert _ids() == {d, n, lg}
    assert _ids(level=6) == {n}
    assert _ids(industry="test-transport") == {d, lg}
    assert _ids(language="kk") == {n}
    assert _ids(city=catalogue["t"]["city"].kato) == {d, n, lg}
    assert _ids(city=catalogue["t"]["village"].kato) == set()
    assert _ids(dual=True) == {d}
    assert _ids(state_funded=True) == {d, lg}
    assert _ids(new=True) == {d, n}
    assert _ids(new=True, state_funded=True, q="беспилотные") == {d}


def test_refresh_rebuilds_only_changed_documents(catalogue):
    assert SearchDocument.objects.filter(offering__year=f.YEAR).count() == 3
    spec = catalogue["logistics"].specialty
    spec.name_ru = "Логистика и складское хозяйство"
    spec.save()
    result = search_index_refresh(offering_ids=[o.pk for k, o in catalogue.items() if k != "t"])
    assert result.examined == 3
    assert result.rebuilt == 1
    assert _ids(q="складского") == {catalogue["logistics"].pk}
    again = search_index_refresh(offering_ids=[catalogue["logistics"].pk])
    assert again.rebuilt == 0
    assert SearchTerm.objects.filter(offering=catalogue["logistics"], term="склад").count() == 0
    assert SearchTerm.objects.filter(offering=catalogue["logistics"], term="складской").count() == 1


def test_country_names_follow_the_language():
    from keleshek.portal.countries import country_name

    assert country_name("CN", "ru") == "Китай"
    assert country_name("cn", "kk") == "Қытай"
    assert country_name("CN", "en") == "China"
    assert country_name("ZZ", "ru") == "ZZ"
