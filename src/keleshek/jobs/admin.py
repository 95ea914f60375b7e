from django.contrib import admin
from django.http import HttpRequest

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "progress", "created_by", "created_at", "attempts")
    list_filter = ("status", "kind")
    list_select_related = ("created_by",)
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False
