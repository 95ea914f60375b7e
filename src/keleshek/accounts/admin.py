from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from keleshek.core import audit
from keleshek.core.models import AuditEntry

from .models import User

# What decides a user's power; nobody but a superuser changes it, and nobody their own.
PRIVILEGE_FIELDS = (
    "role",
    "territory",
    "institution",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "territory",
        "institution",
        "is_staff",
        "is_active",
    )
    list_filter = ("role", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("territory", "institution")
    list_select_related = ("territory", "institution")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Role and scope"), {"fields": ("role", "territory", "institution")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "territory", "institution")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = (*tuple(super().get_readonly_fields(request, obj)), "last_login", "date_joined")
        if not request.user.is_superuser:
            readonly += PRIVILEGE_FIELDS
        return readonly

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = {}
        if change:
            stored = User.objects.filter(pk=obj.pk).first()
            before = audit.snapshot(stored) if stored else {}
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj)
        # Password hashes never go into the log; only the fact that it changed.
        changes = audit.diff(
            {k: v for k, v in before.items() if k != "password"},
            {k: v for k, v in after.items() if k != "password"},
        )
        if before.get("password") != after.get("password"):
            changes["password"] = ["…", "…"]
        if changes or not change:
            audit.record(
                AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
                obj,
                summary=f"admin: {'updated' if change else 'created'} user {obj.username}",
                changes=changes,
                user=request.user,
            )
