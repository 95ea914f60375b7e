"""Support data in the admin: scoped like every registry, children's records audited on read,
personal data read-only for roles without access; rules edited on the support page (audited
with a reason), so the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from keleshek.accounts import privacy
from keleshek.accounts.roles import sees_personal_data
from keleshek.core import audit
from keleshek.core.admin import KeleshekAdmin, ReadOnlyInScope

from . import services
from .models import (
    Application,
    CollegialDecision,
    DuplicateCandidate,
    FundHelp,
    Membership,
    PaymentLine,
    PaymentRegister,
    Programme,
    Pupil,
    PupilCategory,
    Receipt,
    SchoolFund,
)


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


# --- the general-education fund (ADR 0158) ---------------------------------------------------
#
# Read-only for everyone: applications, decisions, registers and receipts are written by the
# support pages' services (checks, the document checklist, the bank format, the audit entry).
# The personal fields follow the one policy (accounts.privacy): a role that reads them in clear
# sees them, and each change page it opens is an audited read; any other role the admin lets
# view the model sees IINs, names and card accounts masked, and not which child applied under
# which category (a child's fund membership and category are absent for it).


def mask_iban(iban: str | None) -> str:
    if not iban:
        return ""
    return iban[:4] + "•" * max(len(iban) - 8, 0) + iban[-4:]


def mask_name(name: str | None) -> str:
    """ "Ахметова Айгерим Серикқызы" -> "Ахметова А." (the policy's masked name)."""
    parts = (name or "").split()
    if not parts:
        return ""
    return " ".join([parts[0], *(privacy.mask_first_name(p) for p in parts[1:2])])


class FundAdmin(ReadOnlyInScope):
    """``clear``: what a role reading personal data in clear sees; ``masked``: the same with
    each personal field replaced by its masked column (a method below), the rest dropped."""

    scope_territory = "school__settlement"
    scope_institution = "school"
    clear: tuple[str, ...] = ()
    masked: tuple[str, ...] = ()
    personal_search: tuple[str, ...] = ()
    search: tuple[str, ...] = ()
    audit_type = ""

    @staticmethod
    def in_clear(request: HttpRequest) -> bool:
        return privacy.clear(request.user, privacy.Field.IIN)

    def get_list_display(self, request: HttpRequest) -> Any:
        return list(self.clear if self.in_clear(request) else self.masked)

    def get_list_display_links(self, request: HttpRequest, list_display: Any) -> Any:
        return list(list_display)[:1]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.in_clear(request):
            return [f.name for f in self.model._meta.fields if f.name != "id"]
        return list(self.masked)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.get_fields(request, obj))

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        # a masked reader may not find a record by the IIN it must not read
        return [*self.search, *(self.personal_search if self.in_clear(request) else ())]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if (
            self.audit_type
            and request.method == "GET"
            and response.status_code == 200
            and self.in_clear(request)
        ):
            audit.record(
                "read_personal",
                object_type=self.audit_type,
                object_id=str(object_id),
                summary=f"admin: {self.model._meta.model_name} record",
                user=request.user,
            )
        return response

    # masked columns
    @admin.display(description=_("parent's IIN"))
    def parent_iin_masked(self, obj: Any) -> str:
        return privacy.mask_iin(obj.parent_iin)

    @admin.display(description=_("parent's full name"))
    def parent_name_masked(self, obj: Any) -> str:
        return mask_name(obj.parent_name)

    @admin.display(description=_("card account IBAN"))
    def iban_masked(self, obj: Any) -> str:
        return mask_iban(obj.iban)


@admin.register(SchoolFund)
class SchoolFundAdmin(FundAdmin):
    clear = masked = ("school", "year", "amount", "basis")
    list_filter = ("year",)


@admin.register(CollegialDecision)
class CollegialDecisionAdmin(FundAdmin):
    # the reason and the children named stay with the roles that read categories in clear
    clear = ("number", "decided_on", "school", "members_present", "reason", "valid_from")
    masked = ("number", "decided_on", "school", "members_present", "valid_from", "valid_to")
    audit_type = "support.collegialdecision"
    list_filter = ("decided_on",)


@admin.register(Application)
class ApplicationAdmin(FundAdmin):
    clear = (
        "number",
        "pupil",
        "school",
        "year",
        "category",
        "parent_name",
        "parent_iin",
        "status",
        "amount",
    )
    masked = (
        "number",
        "school",
        "year",
        "parent_name_masked",
        "parent_iin_masked",
        "iban_masked",
        "channel",
        "submitted_on",
        "decide_by",
        "status",
        "decided_on",
        "amount",
    )
    search = ("number",)
    personal_search = ("parent_iin", "pupil__iin", "parent_name")
    list_filter = ("year", "status")
    list_select_related = ("pupil", "school")
    audit_type = "support.application"


@admin.register(PaymentRegister)
class PaymentRegisterAdmin(FundAdmin):
    clear = masked = ("school", "month", "exported_at", "paid_on")
    list_filter = ("month",)


@admin.register(PaymentLine)
class PaymentLineAdmin(FundAdmin):
    scope_territory = "register__school__settlement"
    scope_institution = "register__school"
    clear = ("application", "register", "parent_name", "parent_iin", "iban", "amount", "paid_on")
    masked = (
        "application",
        "register",
        "parent_name_masked",
        "parent_iin_masked",
        "iban_masked",
        "amount",
        "paid_on",
    )
    search = ("application__number",)
    personal_search = ("parent_iin", "parent_name")
    list_select_related = ("application", "register")
    audit_type = "support.paymentline"


@admin.register(Receipt)
class ReceiptAdmin(FundAdmin):
    scope_territory = "line__register__school__settlement"
    scope_institution = "line__register__school"
    clear = masked = ("line", "kind", "issued_on", "amount", "items")
    list_filter = ("kind",)


@admin.register(FundHelp)
class FundHelpAdmin(FundAdmin):
    clear = ("pupil", "school", "year", "kind", "amount", "given_on")
    masked = ("school", "year", "kind", "amount", "given_on")
    list_filter = ("year", "kind")
    audit_type = "support.fundhelp"
