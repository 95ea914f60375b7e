"""Writes to institutions, their labs, yearly capacity and enrolment: typed, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core.ids import IdentifierError, parse_bin
from keleshek.core.services import save_audited
from keleshek.territory.models import Territory

from .models import Enrolment, Institution, InstitutionYear, Laboratory

SUPPORT_FUND_SHARE = Decimal("0.01")  # DOMAIN.md section 4: "not less than 1 %", a floor


def _validate_bin(value: str) -> str:
    try:
        return parse_bin(value).bin
    except IdentifierError as exc:
        raise ValidationError(_("invalid BIN %(value)s") % {"value": value}, code="bin") from exc


@transaction.atomic
def institution_upsert(
    *,
    bin: str,
    kind: str,
    name_ru: str,
    settlement: Territory,
    actor: Any = None,
    **fields: Any,
) -> tuple[Institution, bool]:
    """Create or update an institution by BIN (the importer's natural key). ``fields`` are
    other model fields (name_kk, design_capacity, is_emergency, languages, parent...)."""
    bin = _validate_bin(bin)
    if settlement.valid_to is not None:
        raise ValidationError(
            _("%(name)s is a historic unit (closed %(date)s)")
            % {"name": settlement.name_ru, "date": settlement.valid_to},
            code="historic",
        )
    allowed = {f.name for f in Institution._meta.concrete_fields} - {"id", "bin", "created_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown institution fields: {sorted(unknown)}")
    return save_audited(
        Institution,
        lookup={"bin": bin},
        values={"kind": kind, "name_ru": name_ru, "settlement": settlement, **fields},
        actor=actor,
    )


@transaction.atomic
def institution_create(
    *, kind: str, name_ru: str, settlement: Territory, actor: Any = None, **fields: Any
) -> Institution:
    """Create an institution that has no BIN yet (e.g. a school just built)."""
    inst = Institution(kind=kind, name_ru=name_ru, settlement=settlement, **fields)
    inst.full_clean()
    inst.save()
    from keleshek.core import audit
    from keleshek.core.models import AuditEntry

    audit.record(
        AuditEntry.Action.CREATE,
        inst,
        summary=f"created institution {inst.name_ru}",
        changes=audit.snapshot(inst),
        user=actor,
    )
    return inst


@transaction.atomic
def institution_year_set(
    *,
    institution: Institution,
    year: int,
    design_capacity: int,
    pupils_shift1: int,
    pupils_shift2: int = 0,
    pupils_shift3: int = 0,
    is_emergency: bool = False,
    is_three_shift: bool | None = None,
    teachers_headcount: int = 0,
    teachers_fte: Decimal | None = None,
    actor: Any = None,
) -> InstitutionYear:
    """Capacity, pupils per shift and teachers of one institution in one school year. The
    number of shifts follows the pupils (a shift with pupils is a shift in use); a school with
    pupils in a third shift is three-shift unless told otherwise. Emergency condition is a
    separate flag: a school may be both (ADR 0162)."""
    shifts = max(1, sum(1 for n in (pupils_shift1, pupils_shift2, pupils_shift3) if n))
    if pupils_shift3 and not pupils_shift2:
        raise ValidationError(_("a third shift without a second one"), code="shifts")
    if is_three_shift is None:
        is_three_shift = bool(pupils_shift3)
    obj, _created = save_audited(
        InstitutionYear,
        lookup={"institution": institution, "year": year},
        values={
            "design_capacity": design_capacity,
            "shifts": shifts,
            "is_emergency": is_emergency,
            "is_three_shift": is_three_shift,
            "pupils_shift1": pupils_shift1,
            "pupils_shift2": pupils_shift2,
            "pupils_shift3": pupils_shift3,
            "teachers_headcount": teachers_headcount,
            "teachers_fte": teachers_fte if teachers_fte is not None else Decimal(0),
        },
        actor=actor,
    )
    return obj


@transaction.atomic
def enrolment_set(
    *,
    institution: Institution,
    year: int,
    grade: int,
    sex: str,
    count: int,
    actor: Any = None,
) -> Enrolment:
    if sex not in ("M", "F"):
        raise ValidationError(_("sex must be M or F"), code="sex")
    if institution.kind == Institution.Kind.SCHOOL and not 0 <= grade <= 12:
        raise ValidationError(_("a school grade is 0 to 12"), code="grade")
    obj, _created = save_audited(
        Enrolment,
        lookup={"institution": institution, "year": year, "grade": grade, "sex": sex},
        values={"count": count},
        actor=actor,
    )
    return obj


@transaction.atomic
def laboratory_upsert(
    *, institution: Institution, name_ru: str, actor: Any = None, **fields: Any
) -> tuple[Laboratory, bool]:
    """A lab by (institution, Russian name)."""
    return save_audited(
        Laboratory,
        lookup={"institution": institution, "name_ru": name_ru},
        values=fields,
        actor=actor,
    )


def support_fund(institution: Institution) -> Decimal | None:
    """The general-education support fund: a share of the school's maintenance budget."""
    from django.conf import settings

    share = Decimal(
        str(getattr(settings, "KELESHEK", {}).get("SUPPORT_FUND_SHARE", SUPPORT_FUND_SHARE))
    )
    if institution.maintenance_budget is None:
        return None
    return (institution.maintenance_budget * share).quantize(Decimal("0.01"))
