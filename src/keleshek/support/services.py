"""Writes for targeted support. Each function owns its transaction and audits inside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from keleshek.core import audit, schoolyear
from keleshek.core.ids import IdentifierError, parse_iin
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory

from . import dedup, derived, rules, selectors
from .models import (
    DuplicateCandidate,
    Membership,
    MembershipChange,
    MembershipState,
    Programme,
    Pupil,
    PupilCategory,
)

# Allowed membership transitions (issue 4: draft -> enrolled / not eligible / duplicated;
# paused; exited). Any state may be corrected back to draft for re-evaluation.
TRANSITIONS: dict[str, frozenset[str]] = {
    MembershipState.DRAFT: frozenset(
        {MembershipState.ENROLLED, MembershipState.NOT_ELIGIBLE, MembershipState.DUPLICATED}
    ),
    MembershipState.ENROLLED: frozenset(
        {MembershipState.PAUSED, MembershipState.EXITED, MembershipState.DUPLICATED}
    ),
    MembershipState.PAUSED: frozenset({MembershipState.ENROLLED, MembershipState.EXITED}),
    MembershipState.NOT_ELIGIBLE: frozenset({MembershipState.DRAFT}),
    MembershipState.DUPLICATED: frozenset({MembershipState.DRAFT, MembershipState.EXITED}),
    MembershipState.EXITED: frozenset({MembershipState.DRAFT}),
}


def check_iin(*, iin: str | None, birth_date: dt.date | None, sex: str | None) -> bool:
    """Validate a pupil's IIN on its own and against the stated birth date and sex (the one
    cross-check, ``derived.pupil_problems``). Returns ``needs_review`` (no IIN, or digit 7 = 0:
    century unknown); raises ValidationError with a clear message otherwise."""
    info = None
    if iin:
        try:
            info = parse_iin(iin)
        except IdentifierError as exc:
            raise ValidationError(
                _("IIN %(iin)s is not valid: %(reason)s")
                % {"iin": iin, "reason": str(exc).split(": ", 1)[-1]},
                code=f"iin_{exc.code}",
            ) from exc
    for _field, code, _params in derived.pupil_problems(
        iin=iin, birth_date=birth_date, sex=sex, today=timezone.localdate()
    ):
        if code == "iin_birth_date":
            raise ValidationError(
                _("IIN %(iin)s encodes birth date %(d)s, not %(b)s")
                % {
                    "iin": iin,
                    "d": (info and info.birth_date) or _params["iin_date"],
                    "b": birth_date,
                },
                code=code,
            )
        if code == "iin_sex":
            raise ValidationError(_("IIN %(iin)s encodes the other sex") % {"iin": iin}, code=code)
        raise ValidationError(_("the birth date is in the future"), code=code)
    return derived.needs_review(iin)


def pupil_register(
    *,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    birth_date: dt.date,
    sex: str,
    school: Institution,
    grade: int,
    home_settlement: Territory,
    iin: str | None = None,
    home_lat: float | None = None,
    home_lon: float | None = None,
    home_address: str = "",
) -> Pupil:
    needs_review = check_iin(iin=iin, birth_date=birth_date, sex=sex)
    with transaction.atomic():
        pupil = Pupil(
            iin=iin or None,
            last_name=last_name,
            first_name=first_name,
            middle_name=middle_name,
            birth_date=birth_date,
            sex=sex,
            school=school,
            grade=grade,
            home_settlement=home_settlement,
            home_lat=home_lat,
            home_lon=home_lon,
            home_address=home_address,
            needs_review=needs_review,
            name_key=derived.name_key(last_name, first_name, middle_name),
        )
        pupil.full_clean()
        pupil.save()
        audit.record("create", pupil, summary="pupil registered", changes=audit.snapshot(pupil))
    return pupil


def name_key(last_name: str, first_name: str, middle_name: str = "") -> str:
    """The normalised "last first middle" that search and de-duplication use (lower case,
    Kazakh letters folded): SQLite compares only ASCII case-insensitively, so searching
    Cyrillic names needs it. Defined once, in ``derived``."""
    return derived.name_key(last_name, first_name, middle_name)


def pupil_save(*, pupil: Pupil, user: Any = None) -> Pupil:
    """Save a pupil edited as a whole (the admin form): the IIN cross-checked against the
    birth date and sex, the derived fields recomputed, the change audited."""
    pupil.needs_review = check_iin(
        iin=pupil.iin or None, birth_date=pupil.birth_date, sex=pupil.sex
    )
    pupil.iin = pupil.iin or None
    pupil.name_key = derived.name_key(pupil.last_name, pupil.first_name, pupil.middle_name)
    with transaction.atomic():
        before = audit.snapshot(Pupil.objects.get(pk=pupil.pk)) if pupil.pk is not None else None
        pupil.full_clean()
        pupil.save()
        after = audit.snapshot(pupil)
        if before is None:
            audit.record("create", pupil, summary="pupil registered", changes=after, user=user)
        else:
            audit.record(
                "update",
                pupil,
                summary="pupil record changed",
                changes=audit.diff(before, after),
                user=user,
            )
    return pupil


def pupil_read_record(*, pupil: Pupil, user: Any, what: str = "pupil page") -> None:
    """Every read of a child's personal record is audited."""
    audit.record("read_personal", pupil, summary=what, user=user)


def category_add(
    *,
    pupil: Pupil,
    category: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    document: str = "",
    verified_by: Any | None = None,
) -> PupilCategory:
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(_("the end date is before the start date"), code="dates")
    if not document and verified_by is not None:
        raise ValidationError(_("name the source document"), code="document")
    with transaction.atomic():
        pc = PupilCategory(
            pupil=pupil,
            category=category,
            valid_from=valid_from,
            valid_to=valid_to,
            document=document,
            verified_by=verified_by,
            verified_at=timezone.now() if verified_by else None,
        )
        pc.full_clean()
        pc.save()
        audit.record("create", pc, summary=f"category {category}", changes=audit.snapshot(pc))
    return pc


def programme_rule_update(
    *, programme: Programme, rule: Mapping[str, Any], user: Any, reason: str
) -> Programme:
    """Change a programme's eligibility rule; the old and new rule go to the audit log."""
    try:
        rules.validate(rule)
    except rules.RuleError as exc:
        raise ValidationError(str(exc), code="rule") from exc
    if not reason.strip():
        raise ValidationError(_("a reason is required"), code="reason")
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        old = locked.rule
        locked.rule = dict(rule)
        locked.save(update_fields=["rule", "updated_at"])
        audit.record(
            "rule_change",
            locked,
            summary=reason,
            changes={"rule": [old, locked.rule]},
            user=user,
        )
    programme.rule = locked.rule
    return locked


def membership_set_state(
    *, membership: Membership, state: str, reason: str, user: Any
) -> Membership:
    if not reason.strip():
        raise ValidationError(_("a reason is required"), code="reason")
    with transaction.atomic():
        m = Membership.objects.select_for_update().get(pk=membership.pk)
        if state not in TRANSITIONS.get(m.state, frozenset()):
            raise ValidationError(
                _("cannot change a membership from %(a)s to %(b)s")
                % {"a": MembershipState(m.state).label, "b": MembershipState(state).label},
                code="transition",
            )
        old = m.state
        m.state = state
        m.save(update_fields=["state", "updated_at"])
        MembershipChange.objects.create(
            membership=m,
            at=timezone.now(),
            old_state=old,
            new_state=state,
            reason=reason[:500],
            author=user if getattr(user, "pk", None) else None,
            author_name=getattr(user, "username", "") or "system",
        )
        audit.record("update", m, summary=reason, changes={"state": [old, state]}, user=user)
    membership.state = m.state
    return m


def membership_enrol(
    *, pupil: Pupil, programme: Programme, year: int, user: Any, reason: str = ""
) -> Membership:
    """Create (or re-evaluate) the pupil's membership at their current school: enrolled when
    the rule holds, not eligible otherwise, duplicated when the same programme already enrols
    the child at another school."""
    facts = selectors.facts_for(
        Pupil.objects.filter(pk=pupil.pk), as_of=selectors.as_of_for(year), programmes=[programme]
    )
    explanation = rules.explain(programme.rule, facts, 0)
    with transaction.atomic():
        m, created = Membership.objects.select_for_update().get_or_create(
            pupil=pupil, programme=programme, year=year, school_id=pupil.school_id
        )
        if created:
            MembershipChange.objects.create(
                membership=m,
                at=timezone.now(),
                old_state="",
                new_state=MembershipState.DRAFT,
                reason=reason or _("application"),
                author=user if getattr(user, "pk", None) else None,
                author_name=getattr(user, "username", "") or "system",
            )
            audit.record("create", m, summary=f"membership {programme.code} {year}", user=user)
        if m.state != MembershipState.DRAFT:
            return m
        other = (
            Membership.objects.filter(
                programme=programme, year=year, state=MembershipState.ENROLLED
            )
            .exclude(pk=m.pk)
            .filter(pupil=pupil)
            .first()
        )
        if other is not None:
            DuplicateCandidate.objects.get_or_create(
                a_id=min(pupil.pk, other.pupil_id),
                b_id=max(pupil.pk, other.pupil_id),
                kind=DuplicateCandidate.Kind.DOUBLE_ENROLMENT,
                defaults={"score": 1.0, "note": f"{programme.code} {year}"},
            )
            new_state, why = (
                MembershipState.DUPLICATED,
                _("already enrolled in this programme at another school"),
            )
        elif explanation.ok:
            new_state, why = MembershipState.ENROLLED, "; ".join(explanation.lines())
        else:
            new_state, why = MembershipState.NOT_ELIGIBLE, "; ".join(explanation.lines())
        return membership_set_state(membership=m, state=new_state, reason=why, user=user)


# Delivery.amount holds 12 digits with 2 decimals; no one delivery comes near it.
MAX_AMOUNT = Decimal("100000000")


def delivery_record(
    *,
    membership: Membership,
    delivered_on: dt.date,
    user: Any,
    items: Mapping[str, Any] | None = None,
    quantity: int = 1,
    amount: Decimal | None = None,
    budget: str = "",
) -> Any:
    """Record what the child received. Only enrolled memberships receive; an approval that
    takes the school's fund over its share of the maintenance budget is flagged."""
    from .models import Delivery

    if membership.state != MembershipState.ENROLLED:
        raise ValidationError(
            _("only an enrolled child can receive: the membership is %(s)s")
            % {"s": MembershipState(membership.state).label},
            code="state",
        )
    if quantity < 1:
        raise ValidationError(_("quantity must be at least 1"), code="quantity")
    programme = membership.programme
    first, last = schoolyear.span(membership.year)
    if not first <= delivered_on <= last:
        raise ValidationError(
            _("the delivery date must lie in the programme's school year, %(a)s – %(b)s")
            % {
                "a": date_format(first, "SHORT_DATE_FORMAT"),
                "b": date_format(last, "SHORT_DATE_FORMAT"),
            },
            code="date",
        )
    amount = amount if amount is not None else programme.unit_cost * quantity
    # A free programme (a transit pass) delivers at no cost; anything paid costs above zero.
    if amount < 0 or (amount == 0 and programme.unit_cost > 0):
        raise ValidationError(_("the amount must be above zero"), code="amount")
    if amount > MAX_AMOUNT:
        raise ValidationError(
            _("the amount must not exceed %(max)s KZT")
            % {"max": number_format(MAX_AMOUNT, force_grouping=True)},
            code="amount",
        )
    with transaction.atomic():
        school = Institution.objects.select_for_update().get(pk=membership.school_id)
        over = False
        if programme.funded_by_school_fund:
            fund = selectors.school_fund(school)
            spent = selectors.school_spent(school.pk, year=membership.year)
            over = fund is not None and spent + amount > fund
        d = Delivery.objects.create(
            membership=membership,
            delivered_on=delivered_on,
            items=dict(items or {}),
            quantity=quantity,
            amount=amount,
            budget=budget
            or (_("school general-education fund") if programme.funded_by_school_fund else ""),
            over_budget=over,
            recorded_by=user if getattr(user, "pk", None) else None,
        )
        audit.record(
            "create",
            d,
            summary=f"delivery {programme.code}" + (" OVER BUDGET" if over else ""),
            changes=audit.snapshot(d),
            user=user,
        )
    return d


def duplicates_detect(*, pupils: Any, user: Any | None = None) -> int:
    """Run the blocked de-duplication over a pupil queryset; queue new candidate pairs."""
    rows = pupils.values_list(
        "id",
        "iin",
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "sex",
        "school_id",
        "home_settlement_id",
    )
    records = [
        dedup.Record(r[0], r[1] or "", r[2], r[3], r[4], r[5].toordinal(), r[6], r[7], r[8])
        for r in rows.iterator(chunk_size=5000)
    ]
    matches = dedup.find_duplicates(records)
    existing = set(DuplicateCandidate.objects.values_list("a_id", "b_id", "kind"))
    new = [
        DuplicateCandidate(a_id=m.a, b_id=m.b, kind=m.kind, score=m.score)
        for m in matches
        if (m.a, m.b, m.kind) not in existing
    ]
    with transaction.atomic():
        DuplicateCandidate.objects.bulk_create(new, batch_size=2000)
        audit.record(
            "create",
            object_type="support.duplicatecandidate",
            summary=f"de-duplication queued {len(new)} pair(s) of {len(records)} pupils",
            user=user,
        )
    return len(new)


def duplicate_resolve(
    *, candidate: DuplicateCandidate, status: str, user: Any, note: str = ""
) -> DuplicateCandidate:
    if status not in (DuplicateCandidate.Status.SAME, DuplicateCandidate.Status.DIFFERENT):
        raise ValidationError(_("choose: same child or different children"), code="status")
    with transaction.atomic():
        c = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        old = c.status
        c.status = status
        c.decided_by = user if getattr(user, "pk", None) else None
        c.note = note[:300]
        c.save(update_fields=["status", "decided_by", "note", "updated_at"])
        audit.record("update", c, summary=note, changes={"status": [old, status]}, user=user)
    return c
