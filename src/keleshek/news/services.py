"""Writes to news articles and briefings: typed, audited upserts by (slug, language)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from keleshek.core.services import save_audited

from .models import Article


@transaction.atomic
def article_upsert(
    *,
    slug: str,
    language: str,
    title: str,
    body: str,
    published_at: dt.datetime,
    actor: Any = None,
    **fields: Any,
) -> tuple[Article, bool]:
    slug = slugify(slug)
    if not slug:
        raise ValidationError(_("an article needs a slug"), code="slug")
    if published_at.tzinfo is None:
        raise ValidationError(_("the publication time needs a time zone"), code="naive")
    return save_audited(
        Article,
        lookup={"slug": slug, "language": language},
        values={"title": title, "body": body, "published_at": published_at, **fields},
        actor=actor,
    )


@transaction.atomic
def article_set_published(*, article: Article, published: bool, actor: Any = None) -> Article:
    obj, _created = save_audited(
        Article, lookup={"pk": article.pk}, values={"is_published": published}, actor=actor
    )
    return obj
