"""Articles whole in every language they are published in (issue 15, point 9): a page in a
language that lacks the article says so and links the version that has it; a body that
repeats the title does not print it twice; the demo's articles are whole."""

from __future__ import annotations

import pytest

from . import factories as f

pytestmark = pytest.mark.django_db


def test_a_language_without_the_article_says_so_and_links_the_one_that_has_it(client):
    f.article("only-ru", title="Только по-русски", body="Первый абзац.\n\nВторой абзац.")
    page = client.get("/kk/news/only-ru/").content.decode()
    note = page.split('id="not-in-language"', 1)[1].split("</p>", 1)[0]
    assert "қазақ тілінде жарияланбаған" in note
    assert 'href="/ru/news/only-ru/"' in note
    assert '<article class="story" lang="ru">' in page
    assert "Второй абзац." in page
    # the Russian page has no such note
    ru = client.get("/ru/news/only-ru/").content.decode()
    assert 'id="not-in-language"' not in ru
    assert 'id="article-languages"' not in ru


def test_versions_link_each_other(client):
    f.article("both", title="Статья", body="Текст.")
    f.article("both", language="en", title="Article", body="Text.")
    en = client.get("/en/news/both/").content.decode()
    assert 'id="not-in-language"' not in en
    assert 'href="/ru/news/both/"' in en
    kk = client.get("/kk/news/both/").content.decode()
    assert "<h1>Статья</h1>" in kk  # Russian first when the page's language lacks it
    versions = kk.split('id="article-languages"', 1)[1].split("</p>", 1)[0]
    assert 'href="/en/news/both/"' in versions


def test_the_feed_beside_an_article_is_the_pages_language(client):
    f.article("main", title="Главная", body="Текст.")
    f.article("main", language="kk", title="Басты", body="Мәтін.")
    f.article("kk-news", language="kk", title="Жаңалық", minutes_ago=1)
    f.article("ru-only", title="Только по-русски", minutes_ago=2)
    page = client.get("/kk/news/main/").content.decode()
    feed = page.split('id="feed-h"', 1)[1]
    assert "Жаңалық" in feed
    assert '<a href="/kk/news/ru-only/" lang="ru">Только по-русски</a>' in feed
    assert "Главная" not in feed


def test_a_body_that_repeats_the_title_is_not_printed_twice(client):
    f.article("echo", language="en", title="Pilot roundabout", body="Pilot roundabout\n\nText.")
    page = client.get("/en/news/echo/").content.decode()
    assert page.count("Pilot roundabout") == 2  # <title> and <h1>
    assert "<p>Text.</p>" in page


def test_the_news_list_of_a_language_marks_articles_it_lacks(client):
    f.article("only-ru", title="Только по-русски")
    f.article("both", title="Статья")
    f.article("both", language="kk", title="Мақала")
    page = client.get("/kk/news/").content.decode()
    assert "Мақала" in page
    assert "Статья" not in page
    assert '<h2 lang="ru"><a href="/kk/news/only-ru/">Только по-русски</a></h2>' in page
    assert "Тек мына тілде жарияланған: Русский" in page


@pytest.mark.demo
def test_the_demo_articles_are_whole():
    from keleshek.news.models import Article

    for a in Article.objects.filter(is_published=True):
        body = a.body.strip()
        assert not body.endswith(("...", "…")), (a.slug, a.language)
        assert body.split("\n\n")[0].strip() != a.title.strip(), (a.slug, a.language)
        assert len(body) > len(a.teaser or "") or body == a.teaser, (a.slug, a.language)
    main = {a.language: a for a in Article.objects.filter(slug="vko-new-specialties")}
    assert set(main) == {"ru", "kk", "en"}
    # whole: the translations have the Russian's paragraphs
    paragraphs = {lang: len(a.body.split("\n\n")) for lang, a in main.items()}
    assert paragraphs["kk"] == paragraphs["en"] == paragraphs["ru"]
