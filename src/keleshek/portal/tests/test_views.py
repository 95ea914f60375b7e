"""Public pages: content, languages, query counts, open data, and that nothing is written."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from keleshek.construction.models import FundingSource, Project
from keleshek.news.models import Article
from keleshek.portal.selectors import region_at_glance
from keleshek.portal.services import search_index_refresh
from keleshek.programmes.models import Offering

from . import factories as f


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def data(db):
    t = f.tree()
    college = f.institution(
        t["city"],
        name_ru="Политехнический колледж",
        name_kk="Политехникалық колледж",
        bin="940140000385",
    )
    ind = f.industry("test-it", "Информационные технологии", "Information technology")
    specs = [f.specialty(f"TV{i:03}", f"Специальность {i}", ind) for i in range(30)]
    drones = f.specialty(
        "TV900",
        "Беспилотные системы",
        ind,
        name_kk="Ұшқышсыз жүйелер",
        name_en="Unmanned systems",
    )
    offerings = [f.offering(college, s, state_seats=10) for s in specs]
    drone = f.offering(
        college, drones, launch_year=f.YEAR, state_seats=25, dual_training=True, enrolled=3
    )
    search_index_refresh()
    return {"t": t, "college": college, "offerings": offerings, "drone": drone}


def test_catalogue_search_in_russian_finds_inflected_words(client, data):
    resp = client.get("/ru/catalogue/", {"q": "беспилотных"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Беспилотные системы" in html
    assert "Специальность 1<" not in html
    assert f'href="/ru/catalogue/{data["drone"].pk}/"' in html


def test_catalogue_is_paginated_and_query_count_is_pinned(client, data, django_assert_num_queries):
    # years, count, page rows, industries, cities, session-less: 5 queries whatever the page
    with django_assert_num_queries(5):
        resp = client.get("/ru/catalogue/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "31" in html  # 31 programmes found
    assert html.count('<li>\n      <h2><a href="/ru/catalogue/') == 20
    # a text search first checks that no offering lacks its search document and looks its
    # words up in the vocabulary: two more queries
    with django_assert_num_queries(7):
        resp2 = client.get("/ru/catalogue/", {"page": 2, "q": "технологии", "state": "1"})
    assert resp2.content.decode().count('<h2><a href="/ru/catalogue/') == 11
    # a misspelt word is corrected against the vocabulary: one more
    with django_assert_num_queries(8):
        resp3 = client.get("/ru/catalogue/", {"q": "спициальность"})
    assert resp3.content.decode().count('<h2><a href="/ru/catalogue/') == 20  # of 30


@pytest.mark.parametrize(
    ("lang", "corrected", "left_out", "nothing"),
    [
        (
            "ru",
            "Искали с исправленным написанием:",
            "Нет в каталоге, в поиске не учтены:",
            "В каталоге ничего не найдено по запросу <q>абырвалг</q>",
        ),
        (
            "kk",
            "Түзетілген жазылуымен іздедік:",
            "Каталогта жоқ, іздеуге енгізілмеді:",
            "Каталогтан <q>абырвалг</q> сұрауы бойынша ештеңе табылмады",
        ),
        (
            "en",
            "Searched with corrected spelling:",
            "Not found in the catalogue and left out of the search:",
            "Nothing in the catalogue matches <q>абырвалг</q>",
        ),
    ],
)
def test_catalogue_says_what_it_understood_in_the_page_language(
    client, data, lang, corrected, left_out, nothing
):
    # a misspelt word is found and the correction shown
    html = client.get(f"/{lang}/catalogue/", {"q": "беспилотнык"}).content.decode()
    assert f'href="/{lang}/catalogue/{data["drone"].pk}/"' in html
    assert corrected in html
    assert "<q>беспилотнык</q> → <q>беспилотн" in html
    # a word the catalogue does not know is left out, and said so
    html = client.get(f"/{lang}/catalogue/", {"q": "беспилотные абырвалг"}).content.decode()
    assert f'href="/{lang}/catalogue/{data["drone"].pk}/"' in html
    assert f"{left_out} <q>абырвалг</q>" in html
    # nonsense finds nothing, and the page says so in its language
    html = client.get(f"/{lang}/catalogue/", {"q": "абырвалг"}).content.decode()
    assert nothing in html
    assert 'href="/{lang}/catalogue/{data["drone"].pk}/"' not in html


def test_offering_and_institution_pages(client, data, django_assert_num_queries):
    drone = data["drone"]
    with django_assert_num_queries(2):
        resp = client.get(f"/kk/catalogue/{drone.pk}/")
    html = resp.content.decode()
    assert "Ұшқышсыз жүйелер" in html
    assert "Политехникалық колледж" in html
    # institution, catalogue years, its offerings, its units
    with django_assert_num_queries(4):
        resp = client.get(f"/en/institutions/{data['college'].pk}/")
    html = resp.content.decode()
    assert "Unmanned systems" in html
    assert "940140000385" in html
    assert client.get("/ru/catalogue/999999999/").status_code == 404


def test_search_indexes_offerings_that_were_never_indexed(client, data):
    # given an offering written without refreshing the index
    late = f.offering(
        data["college"],
        f.specialty("TV950", "Литейное производство", data["drone"].specialty.industry),
    )
    # when a visitor searches for it, then it is found
    html = client.get("/ru/catalogue/", {"q": "литейного"}).content.decode()
    assert f'href="/ru/catalogue/{late.pk}/"' in html


def test_language_switcher_links_keep_the_page(client, data):
    html = client.get(f"/ru/catalogue/{data['drone'].pk}/").content.decode()
    assert f'href="/kk/catalogue/{data["drone"].pk}/" hreflang="kk"' in html
    assert '<html lang="ru">' in html


def test_news_article_has_back_to_top_and_latest_feed(client, db, django_assert_num_queries):
    main = f.article("test-briefing", title="Брифинг акима", body="Первый абзац.\n\nВторой.")
    for i in range(7):
        f.article(f"test-news-{i}", minutes_ago=i + 1, title=f"Новость {i}", teaser=f"Анонс {i}")
    f.article("test-news-kk", language="kk", title="Жаңалық")
    with django_assert_num_queries(2):
        resp = client.get(f"/ru/news/{main.slug}/")
    html = resp.content.decode()
    assert "Брифинг акима" in html
    assert 'href="#top"' in html
    feed = html.split('id="feed-h"')[1]
    assert feed.count("<li>") == 5
    assert "Новость 0" in feed
    assert "Анонс 0" in feed
    assert "<time" in feed
    assert "Жаңалық" not in feed
    assert "Новость 6" not in feed  # only the five latest
    assert client.get("/ru/news/no-such-article/").status_code == 404
    # how many, this page
    with django_assert_num_queries(2):
        listing = client.get("/ru/news/").content.decode()
    assert "Брифинг акима" in listing


def test_home_figures_come_from_records(client, data, django_assert_num_queries):
    before = region_at_glance(year=f.YEAR)
    school = f.institution(data["t"]["city"], "school", name_ru="Школа 1")
    f.school_year(school, f.YEAR, capacity=300, pupils=900)  # 600 places in two shifts
    f.project(data["t"]["city"], FundingSource.KELESHEK_MEKTEBI, 300, Project.Stage.COMMISSIONED)
    f.project(
        data["t"]["village"], FundingSource.LOCAL_BUDGET, 100, Project.Stage.UNDER_CONSTRUCTION
    )
    f.foreign_students(data["college"], f.YEAR, "CN", 40)
    f.donation("1000", "CNY", "70")
    spec = f.specialty("TV901", "Литий", data["offerings"][0].specialty.industry)
    f.offering(data["college"], spec, launch_year=f.YEAR, state_seats=20, paid_seats=5)
    g = region_at_glance(year=f.YEAR)
    assert g.schools == before.schools + 1
    assert g.pupils == before.pupils + 900
    assert g.deficit == before.deficit + 300
    km = {s.source: s for s in g.by_source}[FundingSource.KELESHEK_MEKTEBI]
    km_before = {s.source: s for s in before.by_source}.get(FundingSource.KELESHEK_MEKTEBI)
    assert km.commissioned_places == (km_before.commissioned_places if km_before else 0) + 300
    assert g.schools_building == before.schools_building + 1
    assert g.new_offerings == before.new_offerings + 1
    assert g.new_seats == before.new_seats + 25
    assert [s.code for s in g.new_specialties if s.code.startswith("TV9")] == ["TV900", "TV901"]
    assert g.foreign_students == before.foreign_students + 40
    assert g.donations_kzt - before.donations_kzt == 70000
    # 2090 has no materialised indicators: 1 query finds none, 12 compute the figures live,
    # 1 reads the schools' counts as every public path publishes them, 2 the international
    # students' (the upper territories, the records; ADR 0133)
    with django_assert_num_queries(16):
        resp = client.get("/en/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "<svg" in html
    assert 'role="img"' in html
    assert "<title" in html
    assert "<script" not in html


def test_open_data_suppresses_small_counts(client, data, settings, django_assert_num_queries):
    settings.KELESHEK = {**settings.KELESHEK, "PUBLIC_SUPPRESS_BELOW": 5}
    f.foreign_students(data["college"], f.YEAR, "KG", 3)
    f.foreign_students(data["college"], f.YEAR, "CN", 12)
    # + 2: the records and the upper territories, protected with the totals (ADR 0133)
    with django_assert_num_queries(3):
        resp = client.get("/en/open-data/international-students.json", {"year": f.YEAR})
    body = json.loads(resp.content)
    assert body["suppressed_below"] == 5
    rows = {r["country"]: r for r in body["rows"]}
    assert rows["KG"]["students"] is None
    # its complement: the college's total (the indicators publish it) minus CN would give KG
    assert rows["CN"]["students"] is None
    assert rows["CN"]["bin"] == "940140000385"
    resp = client.get("/ru/open-data/offerings.csv", {"year": f.YEAR})
    text = b"".join(resp.streaming_content).decode("utf-8-sig")
    reader = list(csv.DictReader(io.StringIO(text)))
    drone = next(r for r in reader if r["specialty_code"] == "TV900")
    assert drone["enrolled"] == ""  # 3 < 5
    assert drone["state_seats"] == "25"  # seats are not people
    assert drone["settlement_kato"] == data["t"]["city"].kato
    assert client.get("/ru/open-data/nothing.csv").status_code == 404
    assert client.get("/ru/open-data/offerings.xml").status_code == 404
    with django_assert_num_queries(1):
        page = client.get("/ru/open-data/").content.decode()
    assert "/api/v1/docs" in page


@pytest.mark.parametrize(
    "url", ["/ru/", "/ru/catalogue/", "/ru/news/", "/ru/open-data/", "/ru/open-data/schools.json"]
)
def test_public_pages_refuse_writes_and_change_nothing(client, data, url):
    counts = (Offering.objects.count(), Article.objects.count(), Project.objects.count())
    assert client.post(url, {"q": "x"}).status_code == 405
    assert (Offering.objects.count(), Article.objects.count(), Project.objects.count()) == counts


def test_glance_reads_materialised_indicators_when_they_exist(db, monkeypatch):
    # given the indicators app has materialised values for the oblast and two districts
    from types import SimpleNamespace

    from keleshek.indicators import selectors as ind

    def fig(value, label="", key=""):
        return SimpleNamespace(value=value, label=label, key=key)

    totals = {
        "schools": fig(155.0),
        "pupils": fig(100876.0),
        "capacity": fig(135190.0),
        "places_deficit": fig(4105.0),
        "three_shift_schools": fig(4.0),
        "emergency_schools": fig(3.0),
    }
    children = {
        "pupils": [fig(900.0, "A", "1"), fig(50.0, "B", "2")],
        "capacity": [fig(600.0, "A", "1"), fig(80.0, "B", "2")],
        "places_deficit": [fig(300.0, "A", "1"), fig(0.0, "B", "2")],
    }
    monkeypatch.setattr(ind, "territory_values", lambda kato, year: totals)
    monkeypatch.setattr(
        ind, "values_for", lambda code, kato, year: SimpleNamespace(children=children[code])
    )
    support = {
        "support_recipients": {"": 120.0, "test-uniform": 19000.0},
        "support_coverage": {"": 96.0, "test-uniform": 100.0},
    }
    monkeypatch.setattr(ind, "breakdown", lambda code, kato, year, dim: support[code])
    # when the glance is computed
    g = region_at_glance(year=f.YEAR)
    # then the school figures are the materialised ones
    assert g.materialised is True
    assert (g.schools, g.pupils, g.capacity, g.deficit) == (155, 100876, 135190, 4105)
    assert (g.three_shift, g.emergency) == (4, 3)
    assert g.deficit_by_district == [("A", 900, 600, 300), ("B", 50, 80, 0)]
    assert [(s.code, s.recipients, s.coverage) for s in g.support] == [
        ("test-uniform", 19000, 100.0)
    ]
