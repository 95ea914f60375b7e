from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keleshek.core.admin import KeleshekAdmin

from .models import Project, ProjectFunding
from .services import commission_project, project_set_funding, project_upsert


class FundingFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        total = Decimal(0)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE") and data.get("share") is not None:
                total += data["share"]
        if total and total != 1:
            raise ValidationError(
                _("funding shares must add up to 1 (they add up to %(t)s)"), params={"t": total}
            )


class ProjectFundingInline(admin.TabularInline):
    model = ProjectFunding
    formset = FundingFormSet
    extra = 1
    fields = ("source", "share", "amount")
    readonly_fields = ("amount",)


class ProjectForm(forms.ModelForm):
    """The admin builds the fields; this form only refuses commissioning by editing."""

    def clean_stage(self) -> str:
        stage = self.cleaned_data["stage"]
        was = self.instance.stage if self.instance.pk else None
        if stage == Project.Stage.COMMISSIONED and was != Project.Stage.COMMISSIONED:
            raise ValidationError(_("use the “Commission” action to commission a project"))
        return stage


@admin.register(Project)
class ProjectAdmin(KeleshekAdmin):
    form = ProjectForm
    scope_territory = "settlement"
    list_display = (
        "name_ru",
        "code",
        "kind",
        "stage",
        "places",
        "readiness",
        "settlement",
        "planned_commissioning",
        "actual_commissioning",
    )
    list_filter = ("stage", "kind", "funding__source", "is_synthetic")
    search_fields = ("code", "name_ru", "name_kk", "name_en")
    autocomplete_fields = ("settlement", "institution", "relieves", "partner")
    list_select_related = ("settlement",)
    inlines = (ProjectFundingInline,)
    date_hierarchy = "planned_commissioning"
    actions = ("commission",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("code", "actual_commissioning")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        # list_filter on funding__source joins a to-many table: keep rows distinct.
        return super().get_queryset(request).distinct()

    def service_save(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Any:
        values = self.editable_values(obj)
        code = values.pop("code")
        saved, _created = project_upsert(code=code, actor=request.user, **values)
        return saved

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not ProjectFunding:
            super().save_formset(request, form, formset, change)
            return
        shares = {
            f.cleaned_data["source"]: f.cleaned_data["share"]
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("source")
        }
        if shares:
            project_set_funding(project=form.instance, shares=shares, actor=request.user)

    @admin.action(description=_("Commission the selected projects today"))
    def commission(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        today = timezone.localdate()
        done = 0
        for project in queryset:
            try:
                commission_project(project=project, date=today, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, _("%(n)d projects commissioned.") % {"n": done}, messages.SUCCESS
            )
