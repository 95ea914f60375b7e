"""The admin's shared base: scoped querysets, audited saves and deletes; the audit log itself
is read-only for everyone, superusers included."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import AuditEntry
from .scoping import scope_queryset
from .services import save_audited

admin.site.site_header = _("Keleshek administration")
admin.site.site_title = _("Keleshek")
admin.site.index_title = _("Registries")


class KeleshekAdmin(admin.ModelAdmin):
    """Base for every registry's admin.

    * Non-superusers see only rows in their scope (``scope_territory``: lookup path from the
      model to a Territory; ``scope_institution``: path to an Institution, ``""`` for the
      Institution itself; ``scoped = False`` for region-wide reference data such as the
      specialty classifier).
    * A save that would put a row outside the user's scope is refused (and rolled back).
    * Every save and delete is written to the audit log with the field-level changes.
    """

    scoped: bool = True
    scope_territory: str | None = None
    scope_institution: str | None = None
    list_per_page = 50
    show_full_result_count = False
    # Django 6 will assume https for bare domains; say so now (and silence the warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if not self.scoped or request.user.is_superuser:
            return qs
        return scope_queryset(
            qs,
            request.user,
            territory=self.scope_territory,
            institution=self.scope_institution,
        )

    def _check_in_scope(self, request: HttpRequest, obj: models.Model) -> None:
        if not self.scoped or request.user.is_superuser:
            return
        visible = scope_queryset(
            type(obj)._default_manager.filter(pk=obj.pk),
            request.user,
            territory=self.scope_territory,
            institution=self.scope_institution,
        )
        if not visible.exists():
            raise PermissionDenied(_("This record is outside your scope."))

    # Fields an admin save passes to the service; natural key used to create a row.
    natural_key: tuple[str, ...] = ()

    def editable_values(self, obj: models.Model) -> dict[str, Any]:
        return {
            f.name: getattr(obj, f.name)
            for f in obj._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in ("created_at", "updated_at")
        }

    def service_save(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Any:
        """Write through the registries' audited upsert (``core.services.save_audited``, the
        helper every registry's services use). Admins with a dedicated service override this."""
        values = self.editable_values(obj)
        if change:
            lookup: dict[str, Any] = {"pk": obj.pk}
        elif self.natural_key:
            lookup = {k: values.pop(k) for k in self.natural_key}
        else:
            obj.save()
            audit.record(
                AuditEntry.Action.CREATE,
                obj,
                summary=f"admin: created {obj._meta.verbose_name} {obj}",
                changes=audit.snapshot(obj),
                user=request.user,
            )
            return obj
        saved, _created = save_audited(type(obj), lookup=lookup, values=values, actor=request.user)
        return saved

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            saved = self.service_save(request, obj, form, change)
            # The form's instance goes on to save_m2m and the redirect: give it the row's id.
            obj.pk = saved.pk
            obj._state.adding = False
            self._check_in_scope(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (labs, years, funding...) are audited one by one like the parent."""
        with transaction.atomic():
            model = formset.model
            changed_pks = [
                f.instance.pk for f in formset.forms if f.instance.pk and f.has_changed()
            ]
            before = {
                o.pk: audit.snapshot(o) for o in model._default_manager.filter(pk__in=changed_pks)
            }
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                snapshot, label = audit.snapshot(obj), f"{obj._meta.verbose_name} {obj}"
                object_type, object_id = obj._meta.label_lower, str(obj.pk)
                obj.delete()
                audit.record(
                    AuditEntry.Action.DELETE,
                    object_type=object_type,
                    object_id=object_id,
                    summary=f"admin: deleted {label}",
                    changes=snapshot,
                    user=request.user,
                )
            for obj in instances:
                created = obj.pk is None
                obj.save()
                changes = audit.diff(before.get(obj.pk, {}), audit.snapshot(obj))
                if changes:
                    audit.record(
                        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
                        obj,
                        summary=f"admin: {'created' if created else 'updated'} "
                        f"{obj._meta.verbose_name} {obj}",
                        changes=changes,
                        user=request.user,
                    )
            formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._check_in_scope(request, obj)
            snapshot = audit.snapshot(obj)
            label = f"{obj._meta.verbose_name} {obj}"
            object_type, object_id = obj._meta.label_lower, str(obj.pk)
            super().delete_model(request, obj)
            audit.record(
                AuditEntry.Action.DELETE,
                object_type=object_type,
                object_id=object_id,
                summary=f"admin: deleted {label}",
                changes=snapshot,
                user=request.user,
            )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ReadOnlyInScope(KeleshekAdmin):
    """For registries whose writes belong to a workflow elsewhere."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The append-only log: nobody adds, changes or deletes entries here, not even a
    superuser (the hash chain would break, and ``keleshek audit-verify`` would say where)."""

    list_display = ("at", "actor_name", "action", "object_type", "object_id", "summary", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_type", "object_id", "summary")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    list_per_page = 100
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
