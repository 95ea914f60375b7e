"""Search normalisation and the catalogue's full-text search."""

from __future__ import annotations

import pytest
from django.db import connection

from keleshek.portal import kazakh, translit, trigram
from keleshek.portal.lexicon import lexicon
from keleshek.portal.models import SearchDocument, SearchTerm, SearchVocabulary
from keleshek.portal.search import index_terms, query_words, terms, word_terms, words
from keleshek.portal.selectors import CatalogueFilters, catalogue_offerings, catalogue_query
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
    assert "process" in terms("processes")


def test_terms_carry_how_sure_they_are():
    assert word_terms("беспилотных")["беспилотный"] == 100
    # a Kazakh root is weaker than the word's own stem; folded spellings weaker still
    kk = word_terms("дәнекерлеушілер")
    assert kk["дәнекерлеуші"] == 100
    assert kk["дәнекерлеу"] == 80
    assert kk["данекерлеуши"] == 90


def test_words_drop_stop_words_and_case():
    assert words("Эксплуатация АТОМНОЙ электростанции и логистика") == [
        "эксплуатация",
        "атомной",
        "электростанции",
        "логистика",
    ]
    assert words("ёлка") == ["елка"]


def test_query_words_are_distinct_and_bounded():
    assert query_words("Сварщик сварщик ИТ") == ["сварщик", "ит"]
    assert len(query_words(" ".join(f"слово{i}" for i in range(20)))) == 8


def test_kazakh_stems_peel_case_possessive_and_plural_in_agreement():
    # plural, possessive and case, each following the stem's vowels and last sound
    for form in ("мұғалімдер", "мұғалімі", "мұғалімнің", "мұғалімге", "мұғалімдерге"):
        assert kazakh.inflectional_stem(form) == "мұғалім"
    assert kazakh.inflectional_stem("станциясын") == "станция"
    assert kazakh.inflectional_stem("кемелеріне") == "кеме"
    assert kazakh.inflectional_stem("электромобильдерге") == "электромобиль"
    # a stem-final қ voiced before a vowel returns: шаруашылығы → шаруашылық
    assert kazakh.inflectional_stem("шаруашылығы") == "шаруашылық"
    # words whose ending only looks like a suffix stay whole
    assert kazakh.inflectional_stem("білім") == "білім"
    assert kazakh.inflectional_stem("бағдарламашы") == "бағдарламашы"  # not бағдарламаш + ы
    # the derivational root: agent and adjective suffixes
    assert kazakh.derivational_root("дәнекерлеушілер") == "дәнекерлеу"
    assert kazakh.derivational_root("бағдарламашы") == "бағдарлама"
    assert kazakh.derivational_root("бағдарламалық") == "бағдарлама"
    # Kazakh letters folded to what a Russian keyboard types
    assert kazakh.fold("мұғалім") == "мугалим"
    assert "мугалим" in terms("мұғалімдер")


def test_transliteration_and_keyboard_layout():
    assert "сварщик" in translit.latin_to_cyrillic("svarshik")
    assert translit.latin_to_cyrillic("medsestra")[0] == "медсестра"
    assert "электрик" in translit.latin_to_cyrillic("elektrik")
    assert "дәнекерлеуші" in translit.latin_to_cyrillic("dänekerleuşı")
    assert len(translit.latin_to_cyrillic("shshshshshshsh")) <= translit.MAX_VARIANTS
    assert translit.cyrillic_to_latin("лу бань") == "lu ban"
    assert translit.wrong_layout("cdfhobr") == "сварщик"
    assert translit.wrong_layout("цудвук") == "welder"
    assert translit.wrong_layout("сварщик1") is None


def test_trigram_similarity_and_typo_rule():
    # pg_trgm: "  сварщик " has 8 trigrams; 5 shared with "сварщек" → 5 / 11
    assert len(trigram.trigrams("сварщик")) == 8
    assert trigram.similarity("сварщек", "сварщик") == pytest.approx(5 / 11)
    assert trigram.similarity("Сварщик", "сварщик") == 1.0
    # one edit for 4-6 letters, two beyond, none below 4
    assert trigram.corrections("сварщек", ["сварщик", "сварка", "сварочный"]) == [("сварщик", 1)]
    assert trigram.corrections("медсетра", ["медсестра"]) == [("медсестра", 1)]
    assert trigram.corrections("дрон", ["трон", "дрова"]) == [("трон", 1)]
    assert trigram.corrections("ит", ["ид"]) == []
    assert trigram.corrections("пицца", ["лицей", "пищевой"]) == []


def test_lexicon_covers_every_demo_specialty():
    from keleshek.demo import facts

    lex = lexicon()
    for s in facts.SPECIALTIES:
        text = " ".join([s.code, s.ru, s.kk, s.en, s.qualification_ru, s.qualification_en])
        found = lex.concepts_for(index_terms(text))
        assert found, f"no lexicon concept for {s.code} {s.ru}"
    assert lex.is_filler("курсы")
    assert lex.is_filler("учиться")
    assert not lex.is_filler("сварщик")


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
    # lemmas, not stems: no "складск"
    assert SearchTerm.objects.filter(offering=catalogue["logistics"], term="складск").count() == 0
    assert SearchTerm.objects.filter(offering=catalogue["logistics"], term="складской").count() == 1


def test_country_names_follow_the_language():
    from keleshek.core.countries import country_name

    assert country_name("CN", "ru") == "Китай"
    assert country_name("cn", "kk") == "Қытай"
    assert country_name("CN", "en") == "China"
    assert country_name("ZZ", "ru") == "ZZ"


def test_query_understanding_against_the_vocabulary(catalogue):
    # an exact word, a misspelt one, a filler word and one the catalogue does not know
    q = catalogue_query("учиться беспилотнык абырвалг логист")
    assert [w.word for w in q.words] == ["беспилотнык", "логист"]
    assert q.dropped == ("учиться",)
    assert q.ignored == ("абырвалг",)
    typo = q.words[0]
    assert "беспилотные" in typo.corrected  # one edit away (others may be, in a bigger world)
    assert typo.terms["беспилотные"] == 60
    assert set(typo.terms) == set(typo.corrected)
    assert q.corrections == [("беспилотнык", typo.corrected[0])]
    # "логист" reaches "логистика" by its prefix
    assert q.words[1].terms["логистика"] == 70
    assert catalogue_query("абырвалг").understood is False
    # a Kazakh word is shown corrected in Kazakh letters, not in its folded twin
    kk = catalogue_query("жйелер")  # ү left out: "жүйелер" and "жуйелер" are one edit away
    assert kk.corrections == [("жйелер", "жүйелер")]
    assert catalogue_query("абырвалг").words == ()


def test_ranking_puts_what_the_programme_is_before_where_it_is_taught(catalogue):
    # "политехнический" is in the college's name (place weight), "логистика" in a specialty
    rows = list(catalogue_offerings(CatalogueFilters(year=f.YEAR, q="логистика")))
    assert [o.pk for o in rows] == [catalogue["logistics"].pk]
    assert rows[0].relevance == 100 * 100
    mixed = list(catalogue_offerings(CatalogueFilters(year=f.YEAR, q="беспилотные колледж")))
    assert [o.pk for o in mixed] == [catalogue["drones"].pk]
    assert mixed[0].relevance == 100 * 100 + 40 * 100


def test_vocabulary_follows_the_index(catalogue):
    # given a specialty renamed to a word no other record has
    spec = catalogue["logistics"].specialty
    spec.name_en = "Zyzzylogy"
    spec.save()
    search_index_refresh()
    assert SearchVocabulary.objects.get(term="zyzzylogy").length == len("zyzzylogy")
    # when it is renamed again, the word leaves the vocabulary
    spec.name_en = "Logistics"
    spec.save()
    search_index_refresh()
    assert not SearchVocabulary.objects.filter(term="zyzzylogy").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with pg_trgm")
def test_trigram_similarity_equals_pg_trgm(catalogue):
    # the SQLite path computes in Python what pg_trgm computes: compare on the real vocabulary
    vocabulary = list(SearchVocabulary.objects.values_list("term", flat=True))
    probes = ["сварщек", "беспилотнык", "логистека", "мугалим", "weldr", "абырвалг"]
    with connection.cursor() as cursor:
        for probe in probes:
            cursor.execute(
                "SELECT term, similarity(term, %s) FROM portal_searchvocabulary", [probe]
            )
            for term, sim in cursor.fetchall():
                assert trigram.similarity(probe, term) == pytest.approx(sim, abs=1e-6), term
    assert len(vocabulary) > 50


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text vector")
def test_postgres_vector_holds_the_weighted_terms(catalogue):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vector @@ %s::tsquery, vector @@ %s::tsquery FROM portal_searchdocument "
            "WHERE offering_id = %s",
            ["'беспилотный':A", "'беспилотный':C", catalogue["drones"].pk],
        )
        assert cursor.fetchone() == (True, False)
