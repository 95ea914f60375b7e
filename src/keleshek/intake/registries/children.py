"""The pupils registry: derived fields defined once (keleshek.support.derived) for rows and SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from keleshek.accounts.privacy import Field as PF
from keleshek.support import derived

from ..registry import (
    Bin,
    ChildSet,
    Choice,
    ChoiceList,
    Column,
    Date,
    Float,
    Iin,
    Integer,
    KatoCode,
    Registry,
    Text,
    Uuid,
)
from .columns import (
    INSTITUTION,
    SEX,
    TERRITORY,
    H,
    check_pupil,
    check_valid_dates,
    choices_of,
    today_iso,
)

# --- pupils -------------------------------------------------------------------------------


def _derive_pupil(values: dict[str, Any]) -> None:
    """The pupil's derived fields: the support module's one definition (ADR 0125)."""
    values["name_key"] = derived.name_key(
        values.get("last_name"), values.get("first_name"), values.get("middle_name")
    )
    values["needs_review"] = derived.needs_review(values.get("iin"))


def _pupil_problems_sql(cols: Mapping[str, str]) -> str:
    """Both row checks of the registry, in their order: the pupil's, then the categories'
    period (``check_valid_dates``)."""
    pupil = derived.pupil_problems_sql(
        iin=cols["iin"], birth_date=cols["birth_date"], sex=cols["sex"], today=today_iso()
    )
    start, end = cols["categories_valid_from"], cols["categories_valid_to"]
    period = f"CASE WHEN {end} < {start} THEN 'categories_valid_to:ends_before_start' END"
    return f"({pupil} || array_remove(ARRAY[{period}]::text[], NULL))"


def _pupil_name_key_sql(cols: Mapping[str, str]) -> str:
    return derived.name_key_sql(cols["last_name"], cols["first_name"], cols["middle_name"])


def _pupil_needs_review_sql(cols: Mapping[str, str]) -> str:
    return derived.needs_review_sql(cols["iin"])


def category_start(imported_on: dt.date) -> dt.date:
    """When a file gives no period for a row's categories: the registry states them for the
    school year under way, so they count from its start, 1 September — never after the import
    day (a file sent in July or August starts them that day). Eligibility is judged on
    1 October, so a category imported during the year counts for it (ADR 0157)."""
    from keleshek.core.schoolyear import school_year_of

    return min(imported_on, dt.date(school_year_of(imported_on), 9, 1))


def pupils() -> Registry:
    return Registry(
        name="pupils",
        export_scope=("school__settlement", "school"),
        label=_("Pupils"),
        model_label="support.Pupil",
        columns=[
            Column(
                "iin",
                H("ИИН", "ЖСН", "IIN"),
                Iin(),
                example="150301500019",
                help=_("a pupil without an IIN yet is held for manual review"),
                personal=PF.IIN,
            ),
            Column(
                "last_name",
                H("Фамилия", "Тегі", "Last name"),
                Text(max_length=100),
                required=True,
                example="Ахметов",
                personal=PF.NAME,
            ),
            Column(
                "first_name",
                H("Имя", "Аты", "First name"),
                Text(max_length=100),
                required=True,
                example="Алихан",
                personal=PF.NAME,
            ),
            Column(
                "middle_name",
                H("Отчество", "Әкесінің аты", "Middle name"),
                Text(max_length=100),
                default="",
                example="Серікұлы",
                personal=PF.NAME,
            ),
            Column(
                "birth_date",
                H("Дата рождения", "Туған күні", "Birth date"),
                Date(min=dt.date(1990, 1, 1)),
                required=True,
                example="2015-03-01",
                personal=PF.NAME,
            ),
            Column(
                "sex",
                H("Пол (M/F)", "Жынысы (M/F)", "Sex (M/F)"),
                Choice(choices=SEX),
                required=True,
                example="M",
            ),
            Column(
                "school",
                H("БИН школы", "Мектептің БСН", "School BIN"),
                Bin(),
                required=True,
                ref=INSTITUTION,
                example="940140000385",
            ),
            Column(
                "grade",
                H("Класс", "Сынып", "Grade"),
                Integer(min=0, max=11),
                required=True,
                example="5",
            ),
            Column(
                "home_settlement",
                H("КАТО места жительства", "Тұрғылықты жерінің ӘАОЖ", "Home settlement KATO"),
                KatoCode(),
                required=True,
                ref=TERRITORY,
                example="631010000",
                personal=PF.ADDRESS,
            ),
            Column(
                "home_address",
                H("Адрес проживания", "Тұратын мекенжайы", "Home address"),
                Text(),
                default="",
                personal=PF.ADDRESS,
            ),
            Column(
                "home_lat",
                H("Широта дома", "Үйдің ендігі", "Home latitude"),
                Float(min=-90, max=90),
                personal=PF.HOME,
            ),
            Column(
                "home_lon",
                H("Долгота дома", "Үйдің бойлығы", "Home longitude"),
                Float(min=-180, max=180),
                personal=PF.HOME,
            ),
            Column(
                "categories",
                H(
                    "Категории (коды через ;)",
                    "Санаттар (кодтар ; арқылы)",
                    "Categories (codes separated by ;)",
                ),
                ChoiceList(choices=choices_of("support.PupilCategory", "category")),
                example="asp;large_family",
                personal=PF.CATEGORIES,
            ),
            Column(
                "categories_valid_from",
                H("Категории действуют с", "Санаттардың басталуы", "Categories valid from"),
                Date(min=dt.date(2000, 1, 1)),
                example="2025-09-01",
                personal=PF.CATEGORIES,
            ),
            Column(
                "categories_valid_to",
                H("Категории действуют по", "Санаттардың аяқталуы", "Categories valid to"),
                Date(min=dt.date(2000, 1, 1)),
                personal=PF.CATEGORIES,
            ),
            Column(
                "uid",
                H("Внутренний номер", "Ішкі нөмір", "Internal id"),
                Uuid(),
                help=_("written by the export; leave it empty for a new pupil"),
            ),
        ],
        # The internal id: a pupil without an IIN has no other identity. A row without it is
        # the stored pupil with its IIN, or a new pupil.
        natural_key=("uid",),
        alt_key="iin",
        scope_column="school",
        scope_territory_lookup="school__settlement__path",
        scope_institution_lookup="school_id",
        row_checks=[
            check_pupil,
            check_valid_dates("categories_valid_from", "categories_valid_to"),
        ],
        derive=_derive_pupil,
        derived_attrs=("name_key", "needs_review"),
        derive_inputs=("last_name", "first_name", "middle_name", "iin"),
        child_set=ChildSet(
            column="categories",
            model="support.PupilCategory",
            fk_attr="pupil_id",
            value_attr="category",
            start_attr="valid_from",
            end_attr="valid_to",
            start_column="categories_valid_from",
            end_column="categories_valid_to",
            default_start=category_start,
            fixed=(("source", "import"),),
        ),
        personal=True,
        description=_("Pupils with IIN, school, grade, home and support categories."),
        extra={
            # The same checks and derived values in SQL for the PostgreSQL fast path, generated
            # by the support module from the tables its Python functions use.
            "sql_problems": _pupil_problems_sql,
            "sql_derive": {
                "name_key": _pupil_name_key_sql,
                "needs_review": _pupil_needs_review_sql,
            },
        },
    )
