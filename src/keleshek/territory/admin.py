from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from keleshek.core.admin import KeleshekAdmin

from .models import PopulationRecord, Territory
from .services import territory_upsert


@admin.register(Territory)
class TerritoryAdmin(KeleshekAdmin):
    # The KATO tree is reference data: every staff user may read all of it.
    scoped = False
    list_display = ("kato", "name_ru", "name_kk", "level", "parent", "is_urban", "valid_to")
    list_filter = ("level", "is_urban", "is_synthetic")
    search_fields = ("kato", "name_ru", "name_kk", "name_en")
    autocomplete_fields = ("parent", "successor")
    list_select_related = ("parent",)
    readonly_fields = ("path",)
    ordering = ("kato",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The KATO code is the natural key: a new code is a new unit (abolish the old one).
        return ("path", "kato") if obj is not None else ("path",)

    def service_save(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Any:
        saved, _created = territory_upsert(actor=request.user, **self.editable_values(obj))
        return saved


@admin.register(PopulationRecord)
class PopulationRecordAdmin(KeleshekAdmin):
    scope_territory = "territory"
    natural_key = ("territory", "year", "age", "sex")
    list_display = ("territory", "year", "age", "sex", "count")
    list_filter = ("year", "sex")
    search_fields = ("territory__kato", "territory__name_ru")
    autocomplete_fields = ("territory",)
    list_select_related = ("territory",)
