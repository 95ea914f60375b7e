from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from keleshek.core.admin import KeleshekAdmin

from .models import Enrolment, Institution, InstitutionYear, Laboratory


class LaboratoryInline(admin.TabularInline):
    model = Laboratory
    extra = 0
    fields = ("name_ru", "name_kk", "name_en", "specialisation", "standard", "opened_year")


class InstitutionYearInline(admin.TabularInline):
    model = InstitutionYear
    extra = 0
    fields = (
        "year",
        "design_capacity",
        "shifts",
        "is_emergency",
        "is_three_shift",
        "pupils_shift1",
        "pupils_shift2",
        "pupils_shift3",
        "teachers_headcount",
        "teachers_fte",
    )
    ordering = ("-year",)


@admin.register(Institution)
class InstitutionAdmin(KeleshekAdmin):
    scope_territory = "settlement"
    scope_institution = ""
    list_display = (
        "name_ru",
        "kind",
        "bin",
        "settlement",
        "design_capacity",
        "shifts",
        "is_emergency",
        "is_three_shift",
        "status",
    )
    list_filter = ("kind", "status", "is_emergency", "is_three_shift", "ownership", "is_synthetic")
    search_fields = ("name_ru", "name_kk", "name_en", "short_name", "bin")
    autocomplete_fields = ("settlement", "parent")
    list_select_related = ("settlement",)
    inlines = (LaboratoryInline, InstitutionYearInline)
    fieldsets = (
        (None, {"fields": ("kind", "bin", "name_ru", "name_kk", "name_en", "short_name")}),
        (
            _("place"),
            {"fields": ("settlement", "parent", "address", "lat", "lon")},
        ),
        (
            _("capacity"),
            {
                "fields": (
                    "design_capacity",
                    "shifts",
                    "is_emergency",
                    "is_three_shift",
                    "languages",
                    "grade_from",
                    "grade_to",
                )
            },
        ),
        (
            _("status"),
            {
                "fields": (
                    "ownership",
                    "status",
                    "opened_year",
                    "maintenance_budget",
                    "website",
                    "is_synthetic",
                )
            },
        ),
        (
            _("description"),
            {"fields": ("description_ru", "description_kk", "description_en")},
        ),
    )


@admin.register(Laboratory)
class LaboratoryAdmin(KeleshekAdmin):
    scope_territory = "institution__settlement"
    scope_institution = "institution"
    list_display = ("name_ru", "institution", "specialisation", "standard", "opened_year")
    search_fields = ("name_ru", "name_kk", "name_en", "institution__name_ru")
    autocomplete_fields = ("institution",)
    list_select_related = ("institution",)


@admin.register(InstitutionYear)
class InstitutionYearAdmin(KeleshekAdmin):
    scope_territory = "institution__settlement"
    scope_institution = "institution"
    natural_key = ("institution", "year")
    list_display = (
        "institution",
        "year",
        "design_capacity",
        "shifts",
        "is_emergency",
        "is_three_shift",
        "pupils_shift1",
        "pupils_shift2",
        "pupils_shift3",
        "teachers_headcount",
        "teachers_fte",
    )
    list_filter = ("year", "is_emergency", "is_three_shift", "shifts")
    search_fields = ("institution__name_ru", "institution__bin")
    autocomplete_fields = ("institution",)
    list_select_related = ("institution",)


@admin.register(Enrolment)
class EnrolmentAdmin(KeleshekAdmin):
    scope_territory = "institution__settlement"
    scope_institution = "institution"
    natural_key = ("institution", "year", "grade", "sex")
    list_display = ("institution", "year", "grade", "sex", "count")
    list_filter = ("year", "grade", "sex")
    search_fields = ("institution__name_ru", "institution__bin")
    autocomplete_fields = ("institution",)
    list_select_related = ("institution",)
