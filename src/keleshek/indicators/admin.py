from django.contrib import admin

from .models import Indicator, IndicatorValue, RefreshRun


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "numerator", "denominator", "factor", "unit", "headline")
    list_filter = ("theme", "unit", "headline", "public")
    search_fields = ("code", "name_ru", "name_kk", "name_en")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = (
        "indicator",
        "territory",
        "institution",
        "year",
        "dimension",
        "category",
        "value",
    )
    list_filter = ("year", "dimension")
    raw_id_fields = ("territory", "institution")
    list_select_related = ("indicator", "territory", "institution")


@admin.register(RefreshRun)
class RefreshRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "seconds", "rows", "trigger")
