"""Articles and briefings for the public portal."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core.models import Synthetic, TimeStamped
from keleshek.institutions.models import Language


class Article(Synthetic, TimeStamped):
    class Kind(models.TextChoices):
        NEWS = "news", _("news")
        BRIEFING = "briefing", _("briefing")

    slug = models.SlugField(_("slug"), max_length=120)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=300)
    teaser = models.TextField(_("teaser"), blank=True)
    body = models.TextField(_("body"))
    published_at = models.DateTimeField(_("published at"), db_index=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="article_natural_key")
        ]

    def __str__(self) -> str:
        return self.title
