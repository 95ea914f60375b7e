"""Writes to the specialty classifier, offerings and labour demand: typed, audited upserts by
natural key (industry code, specialty code, institution + specialty + year + language)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core.services import save_audited
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory

from .models import Industry, LabourDemand, Offering, Specialty

TEACHING_KINDS = (
    Institution.Kind.COLLEGE,
    Institution.Kind.UNIVERSITY,
    Institution.Kind.WORKSHOP,
    Institution.Kind.COMPETENCE_CENTRE,
    Institution.Kind.ENGINEERING_CENTRE,
)


@transaction.atomic
def industry_upsert(
    *, code: str, name_ru: str, name_kk: str = "", name_en: str = "", actor: Any = None
) -> tuple[Industry, bool]:
    return save_audited(
        Industry,
        lookup={"code": code},
        values={"name_ru": name_ru, "name_kk": name_kk, "name_en": name_en},
        actor=actor,
    )


@transaction.atomic
def specialty_upsert(
    *,
    code: str,
    isced_level: int,
    industry: Industry,
    name_ru: str,
    actor: Any = None,
    **fields: Any,
) -> tuple[Specialty, bool]:
    """A classifier entry by code. TVET codes are ISCED 3-5, university codes 6-8."""
    code = code.strip().upper()
    if not code:
        raise ValidationError(_("a specialty needs a code"), code="code")
    if isced_level not in Specialty.Level.values:
        raise ValidationError(_("ISCED level must be 3 to 8"), code="isced")
    return save_audited(
        Specialty,
        lookup={"code": code},
        values={"isced_level": isced_level, "industry": industry, "name_ru": name_ru, **fields},
        actor=actor,
    )


@transaction.atomic
def offering_upsert(
    *,
    institution: Institution,
    specialty: Specialty,
    year: int,
    language: str,
    launch_year: int,
    actor: Any = None,
    **fields: Any,
) -> tuple[Offering, bool]:
    """A specialty taught at an institution in a year and language (the natural key)."""
    if institution.kind not in TEACHING_KINDS:
        raise ValidationError(
            _("%(name)s does not teach specialties (it is a %(kind)s)")
            % {"name": institution.name_ru, "kind": institution.get_kind_display()},
            code="kind",
        )
    if specialty.isced_level >= 6 and institution.kind == Institution.Kind.COLLEGE:
        raise ValidationError(
            _("a college cannot offer a university-level (ISCED 6+) specialty"), code="level"
        )
    return save_audited(
        Offering,
        lookup={
            "institution": institution,
            "specialty": specialty,
            "year": year,
            "language": language,
        },
        values={"launch_year": launch_year, **fields},
        actor=actor,
    )


@transaction.atomic
def labour_demand_set(
    *,
    specialty: Specialty,
    territory: Territory,
    year: int,
    demand: int,
    source: str = "",
    actor: Any = None,
) -> LabourDemand:
    obj, _created = save_audited(
        LabourDemand,
        lookup={"specialty": specialty, "territory": territory, "year": year},
        values={"demand": demand, "source": source},
        actor=actor,
    )
    return obj
