"""Reads for news: the latest-articles feed and one article in a language."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Article


def published(language: str) -> QuerySet[Article]:
    return Article.objects.filter(language=language, is_published=True)


def latest_articles(language: str, *, limit: int = 4, exclude_slug: str = "") -> list[Article]:
    """The feed of latest articles beside an article page (B18), newest first."""
    qs = published(language).filter(kind=Article.Kind.NEWS)
    if exclude_slug:
        qs = qs.exclude(slug=exclude_slug)
    return list(qs.order_by("-published_at", "slug")[:limit])


def article(slug: str, language: str) -> Article | None:
    """The article in the language asked for, else in Russian (the source language)."""
    found = published(language).filter(slug=slug).first()
    if found is None and language != "ru":
        found = published("ru").filter(slug=slug).first()
    return found


def briefings(language: str) -> list[Article]:
    return list(published(language).filter(kind=Article.Kind.BRIEFING).order_by("-published_at"))
