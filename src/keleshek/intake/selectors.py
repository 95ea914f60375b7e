"""Reads for the intake pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keleshek.accounts import access

from . import registries
from .models import ImportRun
from .pipeline import can_import
from .registry import Registry


def visible_runs(user: Any) -> QuerySet[ImportRun]:
    qs = ImportRun.objects.select_related("user")
    if getattr(user, "is_superuser", False) or getattr(user, "role", "") == "regional_admin":
        return qs
    return qs.filter(user=user)


def can_export(user: Any) -> bool:
    return access.may_use(user, "intake")


def registries_for(user: Any) -> list[tuple[Registry, bool]]:
    """Every registry with whether the user may import it."""
    return [(r, can_import(user, r)) for r in registries.all_registries()]
