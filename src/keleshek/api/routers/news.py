"""Published articles and briefings. Public."""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from keleshek.core.api import Code, ErrorOut, Language, Page, choices
from keleshek.news.models import Article

from ..auth import public_auth

router = Router(tags=["news"], auth=public_auth)

if TYPE_CHECKING:
    Kind = str
else:
    Kind = choices(Article.Kind.values)

Tag = Field(None, min_length=1, max_length=60, pattern=r"^[^\x00\"\\]+$")


class ArticleOut(Schema):
    slug: str
    language: str
    kind: str
    title: str
    teaser: str
    body: str
    published_at: dt.datetime
    tags: list[str]
    is_synthetic: bool


class ArticleFilter(Schema):
    language: Language | None = None
    kind: Kind | None = None
    tag: str | None = Tag


def _published() -> QuerySet[Article]:
    return Article.objects.filter(is_published=True).order_by("-published_at", "slug")


@router.get("/articles", response=list[ArticleOut], summary="Published articles, latest first")
@paginate(Page)
def list_articles(request: HttpRequest, filters: Query[ArticleFilter]) -> QuerySet[Article]:
    qs = _published()
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.tag:
        if connection.features.supports_json_field_contains:
            qs = qs.filter(tags__contains=[filters.tag])
        else:  # SQLite: no JSON containment; articles are few, match in Python
            tagged = [a.pk for a in qs.only("pk", "tags") if filters.tag in (a.tags or [])]
            qs = qs.filter(pk__in=tagged)
    return qs


@router.get(
    "/articles/{language}/{slug}",
    response={200: ArticleOut, 404: ErrorOut},
    summary="One published article",
)
def get_article(request: HttpRequest, language: Path[Language], slug: Path[Code]) -> Article:
    return get_object_or_404(_published(), language=language, slug=slug)
