"""News: the latest-articles feed of the seed page (B18) and the article service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from keleshek.demo import facts
from keleshek.news import selectors
from keleshek.news.services import article_set_published, article_upsert

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the source language)."""
    with translation.override("en"):
        yield


def test_latest_feed_is_the_seed_pages(django_assert_num_queries):
    with django_assert_num_queries(1):
        latest = selectors.latest_articles("ru")
    assert [a.title for a in latest] == [t[2] for t in facts.LATEST_ARTICLES]
    assert [a.title for a in selectors.latest_articles("ru", limit=2)] == [
        t[2] for t in facts.LATEST_ARTICLES[:2]
    ]


def test_article_in_a_language_falls_back_to_russian():
    assert selectors.article("vko-new-specialties", "en").language == "en"
    article_set_published(article=selectors.article("vko-new-specialties", "en"), published=False)
    assert selectors.article("vko-new-specialties", "en").language == "ru"
    assert selectors.article("no-such-article", "kk") is None


def test_upsert_and_a_new_article_tops_the_feed():
    at = timezone.now()
    article, created = article_upsert(
        slug="Test Article", language="ru", title="Новость", body="Текст", published_at=at
    )
    assert (created, article.slug) == (True, "test-article")
    assert selectors.latest_articles("ru")[0] == article
    with pytest.raises(ValidationError, match="time zone"):
        article_upsert(
            slug="naive",
            language="ru",
            title="x",
            body="x",
            published_at=dt.datetime(2026, 1, 1, 12, 0),
        )
