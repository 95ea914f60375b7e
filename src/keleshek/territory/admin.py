from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from keleshek.core.admin import KeleshekAdmin

from . import selectors
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

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        # The pickers of other records (a user's scope, a demand's territory...) offer the
        # region's current units only; the tree itself may point at any unit (a successor in
        # Abai region, a historic parent).
        qs, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            field = request.GET.get("field_name", "")
            model = request.GET.get("model_name", "")
            if model == "territory" and field == "parent":
                qs = qs.filter(valid_to__isnull=True)
            elif not (model == "territory" and field == "successor"):
                qs = selectors.current(qs).filter(path__startswith=f"/{selectors.oblast_kato()}/")
        return qs, may_have_duplicates

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
