from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from keleshek.core.admin import KeleshekAdmin

from .models import Industry, LabourDemand, Offering, Specialty


@admin.register(Industry)
class IndustryAdmin(KeleshekAdmin):
    scoped = False
    natural_key = ("code",)
    list_display = ("code", "name_ru", "name_kk", "name_en")
    search_fields = ("code", "name_ru", "name_kk", "name_en")


@admin.register(Specialty)
class SpecialtyAdmin(KeleshekAdmin):
    scoped = False
    natural_key = ("code",)
    list_display = ("code", "name_ru", "isced_level", "industry")
    list_filter = ("isced_level", "industry", "is_synthetic")
    search_fields = ("code", "name_ru", "name_kk", "name_en")
    autocomplete_fields = ("industry",)
    list_select_related = ("industry",)


class NewThisYearFilter(admin.SimpleListFilter):
    title = _("new this year")
    parameter_name = "new"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, Any]]:
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Offering]) -> QuerySet[Offering]:
        if self.value() == "1":
            return queryset.filter(launch_year=F("year"))
        if self.value() == "0":
            return queryset.exclude(launch_year=F("year"))
        return queryset


@admin.register(Offering)
class OfferingAdmin(KeleshekAdmin):
    scope_territory = "institution__settlement"
    scope_institution = "institution"
    natural_key = ("institution", "specialty", "year", "language")
    list_display = (
        "specialty",
        "institution",
        "year",
        "language",
        "launch_year",
        "state_seats",
        "paid_seats",
        "enrolled",
        "dual_training",
    )
    list_filter = (
        "year",
        NewThisYearFilter,
        "language",
        "dual_training",
        "study_form",
        "specialty__isced_level",
        "specialty__industry",
    )
    search_fields = ("specialty__code", "specialty__name_ru", "institution__name_ru")
    autocomplete_fields = ("institution", "specialty", "dual_employer")
    list_select_related = ("specialty", "institution")


@admin.register(LabourDemand)
class LabourDemandAdmin(KeleshekAdmin):
    scope_territory = "territory"
    natural_key = ("specialty", "territory", "year")
    list_display = ("specialty", "territory", "year", "demand", "source")
    list_filter = ("year",)
    search_fields = ("specialty__code", "specialty__name_ru", "territory__name_ru")
    autocomplete_fields = ("specialty", "territory")
    list_select_related = ("specialty", "territory")
