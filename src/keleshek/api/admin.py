from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ApiToken
from .services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by ``keleshek api-token create`` (the plain token is printed once);
    here they are listed and revoked. The hash is never shown."""

    list_display = ("prefix", "name", "owner", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "owner__username")
    list_select_related = ("owner",)
    fields = ("prefix", "name", "owner", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        if not request.user.is_superuser:
            self.message_user(request, _("Only a superuser revokes tokens."))
            return
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, _("%(n)d tokens revoked.") % {"n": len(queryset)})
