"""Columns, references and cross-field checks shared by the registries of every domain."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from keleshek.support import derived

from ..registry import (
    Bin,
    Column,
    Integer,
    Ref,
    Text,
)


def H(ru: str, kk: str, en: str) -> dict[str, str]:
    return {"ru": ru, "kk": kk, "en": en}


LANGS = ("kk", "ru", "en")
SEX = ("M", "F")
YEAR = Integer(min=1990, max=2100)

TERRITORY = Ref("territory.Territory", "kato", _("KATO code"), path_lookup="path")
INSTITUTION = Ref(
    "institutions.Institution",
    "bin",
    _("institution BIN"),
    path_lookup="settlement__path",
    institution_lookup="pk",
    parent_institution_lookup="parent_id",
)
SPECIALTY = Ref("programmes.Specialty", "code", _("specialty code"))
INDUSTRY = Ref("programmes.Industry", "code", _("industry code"))
PARTNER = Ref("partnerships.Partner", "code", _("partner code"))
PROJECT = Ref("construction.Project", "code", _("project code"), path_lookup="settlement__path")
AGREEMENT = Ref("partnerships.Agreement", "code", _("agreement code"))


def name_columns(required: bool = True, max_length: int = 300) -> list[Column]:
    return [
        Column(
            "name_ru",
            H("Наименование (рус)", "Атауы (орыс)", "Name (Russian)"),
            Text(max_length=max_length),
            required=required,
            default="",
            example="Пример",
        ),
        Column(
            "name_kk",
            H("Наименование (каз)", "Атауы (қаз)", "Name (Kazakh)"),
            Text(max_length=max_length),
            default="",
            example="Мысал",
        ),
        Column(
            "name_en",
            H("Наименование (англ)", "Атауы (ағыл)", "Name (English)"),
            Text(max_length=max_length),
            default="",
            example="Example",
        ),
    ]


def choices_of(model_label: str, field: str) -> tuple[str, ...]:
    from django.apps import apps

    return tuple(str(v) for v, _label in apps.get_model(model_label)._meta.get_field(field).choices)


BIN_COL = Column(
    "bin",
    H("БИН организации", "Ұйымның БСН", "Institution BIN"),
    Bin(),
    required=True,
    ref=INSTITUTION,
    attr="institution_id",
    example="940140000385",
    export_lookup="institution__bin",
)


def bin_column() -> Column:
    return BIN_COL


# --- cross-field checks -------------------------------------------------------------------

Problem = tuple[str, str, dict[str, Any]]


def check_valid_dates(start: str, end: str) -> Any:
    def check(v: dict[str, Any]) -> list[Problem]:
        if v.get(start) and v.get(end) and v[end] < v[start]:
            return [(end, "ends_before_start", {})]
        return []

    return check


def check_grades(v: dict[str, Any]) -> list[Problem]:
    lo, hi = v.get("grade_from"), v.get("grade_to")
    if lo is not None and hi is not None and lo > hi:
        return [("grade_to", "grades_order", {})]
    return []


def check_offering(v: dict[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    if v.get("launch_year") and v.get("year") and v["launch_year"] > v["year"]:
        out.append(("launch_year", "launch_after_year", {}))
    if v.get("dual_employer") and not v.get("dual_training"):
        out.append(("dual_employer", "employer_without_dual", {}))
    return out


def check_project(v: dict[str, Any]) -> list[Problem]:
    if v.get("stage") == "commissioned" and not v.get("actual_commissioning"):
        return [("actual_commissioning", "commissioned_date", {})]
    if v.get("actual_commissioning") and v.get("stage") != "commissioned":
        return [("stage", "date_not_commissioned", {})]
    return []


def check_agreement(v: dict[str, Any]) -> list[Problem]:
    if v.get("amount") is not None and not v.get("currency"):
        return [("currency", "amount_currency", {})]
    if v.get("currency") not in (None, "", "KZT") and v.get("amount") and not v.get("kzt_rate"):
        return [("kzt_rate", "rate_needed", {})]
    return []


def check_pupil(v: dict[str, Any]) -> list[Problem]:
    """The support module's one cross-check of IIN, birth date and sex (ADR 0125)."""
    return derived.pupil_problems(
        iin=v.get("iin"), birth_date=v.get("birth_date"), sex=v.get("sex"), today=today_iso()
    )


_TODAY: list[tuple[float, str]] = []


def today_iso() -> str:
    """Today's date as ISO text, refreshed at most once a minute (called once per row)."""
    import time

    from django.utils import timezone

    now = time.monotonic()
    if not _TODAY or now - _TODAY[0][0] > 60:
        _TODAY[:] = [(now, timezone.localdate().isoformat())]
    return _TODAY[0][1]
