"""Writes to partners, agreements and international students: typed, audited upserts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core.services import save_audited
from keleshek.institutions.models import Institution

from .models import Agreement, InternationalStudents, Partner


@transaction.atomic
def partner_upsert(
    *, code: str, kind: str, name_ru: str, country: str = "KZ", actor: Any = None, **fields: Any
) -> tuple[Partner, bool]:
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValidationError(_("country must be a two-letter ISO 3166 code"), code="country")
    return save_audited(
        Partner,
        lookup={"code": code},
        values={"kind": kind, "name_ru": name_ru, "country": country, **fields},
        actor=actor,
    )


@transaction.atomic
def agreement_upsert(
    *,
    code: str,
    kind: str,
    title_ru: str,
    partners: Iterable[Partner] = (),
    institutions: Iterable[Institution] = (),
    actor: Any = None,
    **fields: Any,
) -> tuple[Agreement, bool]:
    """An agreement by code. A donation in a foreign currency needs its KZT rate and date."""
    if fields.get("currency"):
        fields["currency"] = str(fields["currency"]).upper()
    parent = fields.get("parent")
    if parent is not None and parent.code == code:
        raise ValidationError(_("an agreement cannot be part of itself"), code="parent")
    if (
        kind == Agreement.Kind.EQUIPMENT_DONATION
        and fields.get("currency") not in (None, "", "KZT")
        and not fields.get("rate_date")
    ):
        raise ValidationError(
            _("a foreign-currency donation needs the date of its KZT rate"), code="rate_date"
        )
    obj, created = save_audited(
        Agreement,
        lookup={"code": code},
        values={"kind": kind, "title_ru": title_ru, **fields},
        actor=actor,
    )
    partners = list(partners)
    if partners:
        obj.partners.add(*partners)
    institutions = list(institutions)
    if institutions:
        obj.institutions.add(*institutions)
    return obj, created


@transaction.atomic
def international_students_set(
    *, institution: Institution, year: int, country: str, count: int, actor: Any = None
) -> InternationalStudents:
    country = country.strip().upper()
    if country == "KZ":
        raise ValidationError(_("international students come from abroad"), code="country")
    obj, _created = save_audited(
        InternationalStudents,
        lookup={"institution": institution, "year": year, "country": country},
        values={"count": count},
        actor=actor,
    )
    return obj
