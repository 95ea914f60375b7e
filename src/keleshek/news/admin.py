from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from keleshek.core.admin import KeleshekAdmin

from .models import Article
from .services import article_set_published


@admin.register(Article)
class ArticleAdmin(KeleshekAdmin):
    scoped = False
    natural_key = ("slug", "language")
    list_display = ("title", "language", "kind", "published_at", "is_published")
    list_filter = ("language", "kind", "is_published", "is_synthetic")
    search_fields = ("title", "teaser", "slug")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    actions = ("publish", "unpublish")

    def _set(self, request: HttpRequest, queryset: QuerySet[Article], published: bool) -> None:
        for article in queryset:
            article_set_published(article=article, published=published, actor=request.user)
        self.message_user(request, _("%(n)d articles updated.") % {"n": len(queryset)})

    @admin.action(description=_("Publish the selected articles"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set(request, queryset, True)

    @admin.action(description=_("Withdraw the selected articles"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set(request, queryset, False)
