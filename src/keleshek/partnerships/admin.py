from __future__ import annotations

from django.contrib import admin

from keleshek.core.admin import KeleshekAdmin

from .models import Agreement, InternationalStudents, Partner


@admin.register(Partner)
class PartnerAdmin(KeleshekAdmin):
    scoped = False
    natural_key = ("code",)
    list_display = ("name_ru", "code", "kind", "country", "bin")
    list_filter = ("kind", "country", "is_synthetic")
    search_fields = ("code", "name_ru", "name_kk", "name_en", "bin")


@admin.register(Agreement)
class AgreementAdmin(KeleshekAdmin):
    scope_territory = "institution__settlement"
    scope_institution = "institution"
    natural_key = ("code",)
    list_display = (
        "title_ru",
        "code",
        "kind",
        "institution",
        "signed_on",
        "amount",
        "currency",
        "participants",
    )
    list_filter = ("kind", "currency", "is_synthetic")
    search_fields = ("code", "title_ru", "title_kk", "title_en", "topic")
    autocomplete_fields = ("institution", "institutions", "partners", "parent")
    list_select_related = ("institution",)
    date_hierarchy = "signed_on"


@admin.register(InternationalStudents)
class InternationalStudentsAdmin(KeleshekAdmin):
    scope_territory = "institution__settlement"
    scope_institution = "institution"
    natural_key = ("institution", "year", "country")
    list_display = ("institution", "year", "country", "count")
    list_filter = ("year", "country")
    search_fields = ("institution__name_ru", "country")
    autocomplete_fields = ("institution",)
    list_select_related = ("institution",)
