from django.contrib import admin
from django.http import HttpRequest

from .models import SearchDocument


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """Read-only view of the derived search index (rebuilt by ``keleshek portal_reindex``)."""

    list_display = ("offering", "built_at")
    search_fields = ("text",)
    readonly_fields = ("offering", "text", "fingerprint", "built_at")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
