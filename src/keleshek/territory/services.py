"""Writes to the KATO tree and population: typed, transactional, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core.ids import IdentifierError, check_kato_child, kato_significant, parse_kato
from keleshek.core.services import save_audited

from . import selectors
from .models import PopulationRecord, Territory


def _validate_kato(kato: str) -> str:
    try:
        return parse_kato(kato).code
    except IdentifierError as exc:
        raise ValidationError(_("KATO code must be exactly 9 digits"), code="kato") from exc


def validate_child_code(kato: str, parent: Territory) -> None:
    """A child's code carries its parent's significant digits (DOMAIN.md section 2)."""
    try:
        check_kato_child(kato, parent.kato)
    except IdentifierError as exc:
        raise ValidationError(
            _(
                "KATO code %(kato)s does not start with %(prefix)s, "
                "the significant digits of its parent %(parent)s"
            )
            % {"kato": kato, "prefix": kato_significant(parent.kato), "parent": parent.kato},
            code="kato_parent",
        ) from exc


def validate_kato_on(kato: str, on: dt.date) -> Territory:
    """The unit a code names on a record's date; a clear error when the code is malformed or
    is not in the classifier on that date (not yet created, or already closed)."""
    code = _validate_kato(kato)
    unit = selectors.in_force(code, on)
    if unit is None:
        raise ValidationError(
            _("KATO code %(kato)s is not in the classifier on %(date)s")
            % {"kato": code, "date": on.isoformat()},
            code="kato_date",
        )
    return unit


@transaction.atomic
def territory_upsert(
    *,
    kato: str,
    level: str,
    name_ru: str,
    name_kk: str = "",
    name_en: str = "",
    parent: Territory | None = None,
    is_urban: bool = False,
    lat: float | None = None,
    lon: float | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    successor: Territory | None = None,
    is_synthetic: bool = False,
    actor: Any = None,
) -> tuple[Territory, bool]:
    """Create or update a territory by KATO code (the importer's natural key)."""
    kato = _validate_kato(kato)
    if parent is not None and parent.kato == kato:
        raise ValidationError(_("a territory cannot be its own parent"), code="parent")
    if valid_to and valid_from and valid_to < valid_from:
        raise ValidationError(_("valid to is before valid from"), code="valid_to")
    if parent is not None:
        validate_child_code(kato, parent)
        if valid_from is not None and not selectors.in_force_between(
            (parent.valid_from, parent.valid_to), valid_from
        ):
            raise ValidationError(
                _("the parent %(parent)s is not in the classifier on %(date)s")
                % {"parent": parent.kato, "date": valid_from.isoformat()},
                code="parent_date",
            )
    if successor is not None and successor.kato == kato:
        raise ValidationError(_("a territory cannot succeed itself"), code="successor")
    territory, created = save_audited(
        Territory,
        lookup={"kato": kato},
        values={
            "level": level,
            "name_ru": name_ru,
            "name_kk": name_kk,
            "name_en": name_en,
            "parent": parent,
            "is_urban": is_urban,
            "lat": lat,
            "lon": lon,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "successor": successor,
            "is_synthetic": is_synthetic,
            "path": (parent.path if parent else "/") + f"{kato}/",
        },
        actor=actor,
    )
    # a moved unit drags its subtree's paths along
    _refresh_descendant_paths(territory)
    return territory, created


def _refresh_descendant_paths(root: Territory) -> None:
    stale = []
    frontier = [root]
    while frontier:
        children = list(Territory.objects.filter(parent__in=frontier))
        by_id = {t.pk: t for t in frontier}
        for child in children:
            path = f"{by_id[child.parent_id].path}{child.kato}/"  # type: ignore[index]
            if child.path != path:
                child.path = path
                stale.append(child)
        frontier = children
    if stale:
        Territory.objects.bulk_update(stale, ["path"])


@transaction.atomic
def territory_abolish(
    *, territory: Territory, on: dt.date, successor: Territory | None = None, actor: Any = None
) -> Territory:
    """Close a unit on a date (KATO versioning), pointing at where it went."""
    if territory.valid_to is not None:
        raise ValidationError(
            _("%(kato)s is already closed on %(date)s")
            % {"kato": territory.kato, "date": territory.valid_to},
            code="closed",
        )
    if successor is not None and successor.pk == territory.pk:
        raise ValidationError(_("a territory cannot succeed itself"), code="successor")
    obj, _created = save_audited(
        Territory,
        lookup={"pk": territory.pk},
        values={"valid_to": on, "successor": successor},
        actor=actor,
    )
    return obj


@transaction.atomic
def population_set(
    *,
    territory: Territory,
    year: int,
    age: int,
    sex: str,
    count: int,
    actor: Any = None,
) -> PopulationRecord:
    """Set the number of people of one age and sex in a territory and year."""
    if sex not in PopulationRecord.Sex.values:
        raise ValidationError(_("sex must be M or F"), code="sex")
    counted_on = dt.date(year, 1, 1)  # population is counted at the start of the year
    if not selectors.in_force_between((territory.valid_from, territory.valid_to), counted_on):
        raise ValidationError(
            _("KATO code %(kato)s is not in the classifier on %(date)s")
            % {"kato": territory.kato, "date": counted_on.isoformat()},
            code="kato_date",
        )
    if not 0 <= age <= 120:
        raise ValidationError(_("age must be between 0 and 120"), code="age")
    obj, _created = save_audited(
        PopulationRecord,
        lookup={"territory": territory, "year": year, "age": age, "sex": sex},
        values={"count": count},
        actor=actor,
    )
    return obj
