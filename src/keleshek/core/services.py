"""Writes every registry shares: the audited upsert of one row by its natural key.

The registries' services (territory, institutions, partnerships, programmes, construction,
news) and the admin's default save (``core.admin.KeleshekAdmin``) write through
``save_audited``; it lives in core, the lowest layer, so that each of them may import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models

from . import audit
from .models import AuditEntry

M = TypeVar("M", bound=models.Model)


def save_audited(
    model: type[M],
    *,
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
    actor: Any = None,
    exclude_validation: tuple[str, ...] = (),
) -> tuple[M, bool]:
    """Create or update one row by its natural key, validate it, audit what changed.

    Returns ``(obj, created)``. Nothing is written (and nothing audited) when the values equal
    what is stored. Call inside the caller's transaction.
    """
    obj = model._default_manager.select_for_update().filter(**lookup).first()
    created = obj is None
    if obj is None:
        obj = model(**lookup)
    before = {} if created else audit.snapshot(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    obj.full_clean(exclude=list(exclude_validation) or None, validate_unique=created)
    after = audit.snapshot(obj)
    changes = audit.diff(before, after)
    if not created and not changes:
        return obj, False
    obj.save()
    audit.record(
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        obj,
        summary=f"{'created' if created else 'updated'} {obj._meta.verbose_name} {obj}",
        changes=audit.diff(before, audit.snapshot(obj)),
        user=actor,
    )
    return obj, created
