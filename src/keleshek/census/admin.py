"""The census in the admin: datasets and their elements (read here, defined in
data/datasets.toml), validation rules edited as data (checked and audited by the service),
periods, and the returns (read-only: they move through the census pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from keleshek.core.admin import KeleshekAdmin, ReadOnlyInScope

from . import services
from .models import DataElement, Dataset, Period, Return, ValidationRule


class ElementInline(admin.TabularInline):
    model = DataElement
    extra = 0
    fields = (
        "order",
        "code",
        "section",
        "name_ru",
        "name_kk",
        "name_en",
        "type",
        "required",
        "target",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(KeleshekAdmin):
    scoped = False
    list_display = ("code", "name_ru", "frequency", "due_days")
    readonly_fields = ("code", "frequency", "sections")
    inlines = [ElementInline]


class RuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = "__all__"  # noqa: DJ007 - every field of a rule is data the admin edits

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("dataset") and data.get("left") and data.get("right"):
            services.rule_check(
                dataset=data["dataset"],
                left=data["left"],
                right=data["right"],
                comment_on=data.get("comment_on", ""),
            )
        return data


@admin.register(ValidationRule)
class ValidationRuleAdmin(KeleshekAdmin):
    scoped = False
    form = RuleForm
    list_display = ("dataset", "code", "left", "operator", "right", "importance")
    list_filter = ("dataset", "importance")
    list_select_related = ("dataset",)

    def service_save(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Any:
        return services.rule_save(rule=obj, actor=request.user)


@admin.register(Period)
class PeriodAdmin(KeleshekAdmin):
    scoped = False
    list_display = ("dataset", "code", "reference_date", "due", "is_open")
    list_filter = ("dataset", "is_open")
    list_select_related = ("dataset",)


@admin.register(Return)
class ReturnAdmin(ReadOnlyInScope):
    scope_territory = "institution__settlement"
    scope_institution = "institution"
    list_display = ("institution", "period", "status", "submitted_at", "approved_at")
    list_filter = ("status", "period")
    list_select_related = ("institution", "period__dataset")
    search_fields = ("institution__name_ru", "institution__bin")
