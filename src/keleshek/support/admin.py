"""Support data in the admin: scoped like every registry, children's records audited on read,
personal data read-only for roles without access; rules edited on the support page (audited
with a reason), so the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from keleshek.accounts.roles import sees_personal_data
from keleshek.core import audit
from keleshek.core.admin import KeleshekAdmin

from . import services
from .models import DuplicateCandidate, Membership, Programme, Pupil, PupilCategory


class PupilForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.check_iin(
                iin=data.get("iin") or None, birth_date=data.get("birth_date"), sex=data.get("sex")
            )
        except ValidationError as exc:
            field = {"iin_birth_date": "birth_date", "iin_sex": "sex", "future_date": "birth_date"}
            self.add_error(field.get(exc.code or "", "iin"), exc)
        return data


class PupilCategoryInline(admin.TabularInline):
    model = PupilCategory
    extra = 0
    fields = ("category", "document", "valid_from", "valid_to", "verified_by", "verified_at")
    raw_id_fields = ("verified_by",)


@admin.register(Pupil)
class PupilAdmin(KeleshekAdmin):
    scope_territory = "school__settlement"
    scope_institution = "school"
    list_display = ("last_name", "first_name", "birth_date", "school", "grade", "is_synthetic")
    list_filter = ("grade", "sex", "is_synthetic", "needs_review")
    search_fields = ("iin", "last_name", "first_name")
    raw_id_fields = ("school", "home_settlement", "household")
    readonly_fields = ("uid", "name_key", "needs_review")
    inlines = [PupilCategoryInline]
    form = PupilForm

    def service_save(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Any:
        """The support service: the IIN checked, the name key and review flag derived."""
        return services.pupil_save(pupil=obj, user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return sees_personal_data(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_personal_data(request.user) and super().has_view_permission(request, obj)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            audit.record(
                "read_personal",
                object_type="support.pupil",
                object_id=str(object_id),
                summary="admin: pupil record",
                user=request.user,
            )
        return response


@admin.register(Membership)
class MembershipAdmin(KeleshekAdmin):
    scope_territory = "school__settlement"
    scope_institution = "school"
    list_display = ("pupil", "programme", "year", "school", "state")
    list_filter = ("programme", "year", "state")
    raw_id_fields = ("pupil", "school")
    readonly_fields = ("state",)  # state changes go through the page: reason and author


@admin.register(Programme)
class ProgrammeAdmin(KeleshekAdmin):
    scoped = False
    list_display = ("code", "name_ru", "kind", "cycle", "active")
    readonly_fields = ("rule",)  # edited on /support/programmes/<code>/rule/ with a reason


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(KeleshekAdmin):
    scope_territory = "a__school__settlement"
    scope_institution = "a__school"
    list_display = ("a", "b", "kind", "score", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("a", "b", "decided_by")
