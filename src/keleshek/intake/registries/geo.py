"""Registries of the territory: the classifier and the population by single age."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from keleshek.core.ids import IdentifierError, check_kato_child, kato_significant

from ..registry import (
    Bool,
    Choice,
    Column,
    Date,
    Float,
    Integer,
    KatoCode,
    Registry,
)
from .columns import (
    SEX,
    TERRITORY,
    YEAR,
    H,
    Problem,
    check_valid_dates,
    choices_of,
    name_columns,
)

# --- territory ----------------------------------------------------------------------------


def territory() -> Registry:
    return Registry(
        name="territory",
        export_scope=("__self__", None),
        label=_("Territory (KATO)"),
        model_label="territory.Territory",
        columns=[
            Column(
                "kato",
                H("Код КАТО", "ӘАОЖ коды", "KATO code"),
                KatoCode(),
                required=True,
                example="631010000",
            ),
            Column(
                "parent",
                H("КАТО вышестоящей единицы", "Жоғары тұрған бірліктің ӘАОЖ", "Parent KATO"),
                KatoCode(),
                ref=TERRITORY,
                self_ref=True,
                example="631000000",
            ),
            Column(
                "level",
                H("Уровень", "Деңгейі", "Level"),
                Choice(choices=choices_of("territory.Territory", "level")),
                required=True,
                example="settlement",
            ),
            *name_columns(),
            Column(
                "is_urban", H("Городской", "Қалалық", "Urban"), Bool(), default=False, example="1"
            ),
            Column(
                "lat", H("Широта", "Ендік", "Latitude"), Float(min=-90, max=90), example="49.948"
            ),
            Column(
                "lon",
                H("Долгота", "Бойлық", "Longitude"),
                Float(min=-180, max=180),
                example="82.628",
            ),
            Column("valid_from", H("Действует с", "Қолданылу басы", "Valid from"), Date()),
            Column("valid_to", H("Действует по", "Қолданылу соңы", "Valid to"), Date()),
        ],
        natural_key=("kato",),
        scope_column="self",
        scope_territory_lookup="path",
        row_checks=[check_valid_dates("valid_from", "valid_to"), _check_kato_parent],
        derived_attrs=("path",),
        description=_("The KATO tree: oblast, districts, rural okrugs, settlements."),
    )


def population() -> Registry:
    return Registry(
        name="population",
        export_scope=("territory", None),
        label=_("Population by age and sex"),
        model_label="territory.PopulationRecord",
        columns=[
            Column(
                "kato",
                H("Код КАТО", "ӘАОЖ коды", "KATO code"),
                KatoCode(),
                required=True,
                ref=TERRITORY,
                attr="territory_id",
                export_lookup="territory__kato",
                example="631010000",
            ),
            Column("year", H("Год", "Жыл", "Year"), YEAR, required=True, example="2025"),
            Column(
                "age",
                H("Возраст", "Жасы", "Age"),
                Integer(min=0, max=120),
                required=True,
                example="7",
            ),
            Column(
                "sex",
                H("Пол (M/F)", "Жынысы (M/F)", "Sex (M/F)"),
                Choice(choices=SEX),
                required=True,
                example="F",
            ),
            Column(
                "count",
                H("Численность", "Саны", "People"),
                Integer(),
                required=True,
                example="4120",
            ),
        ],
        natural_key=("kato", "year", "age", "sex"),
        scope_column="kato",
        description=_("Population by single year of age and sex, per territory and year."),
    )


def _check_kato_parent(v: dict[str, Any]) -> list[Problem]:
    """A child's code carries its parent's significant digits (DOMAIN.md section 2)."""
    kato, parent = v.get("kato"), v.get("parent")
    if not kato or not parent:
        return []
    try:
        check_kato_child(kato, parent)
    except IdentifierError:
        return [("kato", "kato_parent", {"prefix": kato_significant(parent), "parent": parent})]
    return []
