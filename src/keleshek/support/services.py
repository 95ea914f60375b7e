"""Writes for targeted support. Each function owns its transaction and audits inside it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from keleshek.core import audit, bulk, schoolyear
from keleshek.core.ids import IdentifierError, parse_iban, parse_iin
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory

from . import dedup, derived, rules, selectors
from .models import (
    FUND_CATEGORIES,
    Application,
    CategoryCode,
    CategorySource,
    CollegialDecision,
    DuplicateCandidate,
    FundHelp,
    Membership,
    MembershipChange,
    MembershipState,
    PaymentLine,
    PaymentRegister,
    Programme,
    PublicRequest,
    Pupil,
    PupilCategory,
    Receipt,
    SchoolFund,
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


def _derive(pupil: Pupil) -> None:
    """The one preparation of a pupil for writing (ADR 0125, 0120): the IIN cross-checked
    against the birth date and sex, the review flag and the name key derived. Raises
    ValidationError for a pupil the registry refuses."""
    pupil.needs_review = check_iin(
        iin=pupil.iin or None, birth_date=pupil.birth_date, sex=pupil.sex
    )
    pupil.iin = pupil.iin or None
    pupil.name_key = derived.name_key(pupil.last_name, pupil.first_name, pupil.middle_name)


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
    user: Any = None,
) -> Pupil:
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
    )
    _derive(pupil)
    with transaction.atomic():
        pupil.full_clean()
        pupil.save()
        audit.record(
            "create", pupil, summary="pupil registered", changes=audit.snapshot(pupil), user=user
        )
    return pupil


PUPILS_BATCH = 2000


def pupils_register(
    pupils: Sequence[Pupil], *, summary: str, user: Any = None, exclusive: bool = False
) -> list[Pupil]:
    """Register many pupils at once (the demo region's hundred thousand, a confirmed NOBD
    list): each prepared by the one ``_derive`` that ``pupil_register`` and ``pupil_save`` use,
    then written in batches, with their ids set. All or nothing: a refused pupil raises
    ValidationError naming its position and nothing is written. Audited per pupil with the
    registering user. ``exclusive``: the caller is the table's only writer (the demo loader)
    — the rows go through ``core.bulk.insert_rows`` with ids assigned in advance, and one
    audit entry gives the count."""
    for n, pupil in enumerate(pupils, start=1):
        if pupil.pk is not None:
            raise ValueError("pupils_register writes new pupils only")
        if not 0 <= pupil.grade <= 11:
            raise ValidationError(
                _("pupil %(n)s: grade %(g)s is not 0 to 11") % {"n": n, "g": pupil.grade},
                code="grade",
            )
        try:
            _derive(pupil)
        except ValidationError as exc:
            raise ValidationError(
                _("pupil %(n)s: %(msg)s") % {"n": n, "msg": "; ".join(exc.messages)},
                code="pupil",
            ) from exc
    with transaction.atomic():
        if exclusive:
            bulk.insert_rows(Pupil, pupils)
        else:
            for k in range(0, len(pupils), PUPILS_BATCH):
                Pupil.objects.bulk_create(pupils[k : k + PUPILS_BATCH])
        if not exclusive:
            for pupil in pupils:
                audit.record(
                    "create",
                    pupil,
                    summary="pupil registered",
                    changes=audit.snapshot(pupil),
                    user=user,
                )
        audit.record(
            "import",
            object_type="support.pupil",
            summary=f"{summary}: {len(pupils)} pupils registered",
            user=user,
        )
    return list(pupils)


def pupil_leave(*, pupil: Pupil, on: dt.date, reason: str = "", user: Any = None) -> Pupil:
    """Mark a pupil as having left the school on a date (never deleted: memberships,
    deliveries and the audit trail refer to it). Audited."""
    if pupil.left_on is not None:
        return pupil
    with transaction.atomic():
        pupil.left_on = on
        pupil.save(update_fields=["left_on", "updated_at"])
        audit.record(
            "update",
            pupil,
            summary=f"pupil left the school{': ' + reason if reason else ''}",
            changes={"left_on": [None, on.isoformat()]},
            user=user,
        )
    return pupil


def name_key(last_name: str, first_name: str, middle_name: str = "") -> str:
    """The normalised "last first middle" that search and de-duplication use (lower case,
    Kazakh letters folded): SQLite compares only ASCII case-insensitively, so searching
    Cyrillic names needs it. Defined once, in ``derived``."""
    return derived.name_key(last_name, first_name, middle_name)


def pupil_save(*, pupil: Pupil, user: Any = None) -> Pupil:
    """Save a pupil edited as a whole (the admin form): the IIN cross-checked against the
    birth date and sex, the derived fields recomputed, the change audited."""
    _derive(pupil)
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
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    document: str = "",
    evidence_date: dt.date | None = None,
    verified_by: Any | None = None,
    source: str = CategorySource.MANUAL,
    decision: CollegialDecision | None = None,
) -> PupilCategory:
    """Record a category with its evidence. The category is valid from the date the evidence
    gives (``valid_from``, else the document's date), never from "today" by default. The
    collegial body's category is granted only by its decision (``collegial_decision_record``)."""
    if category == CategoryCode.COLLEGIAL_DECISION and decision is None:
        raise ValidationError(
            _("this category is granted only by a decision of the school's collegial body"),
            code="decision",
        )
    valid_from = valid_from or evidence_date
    if valid_from is None:
        raise ValidationError(
            _("give the date the category is valid from, or the date of its document"),
            code="valid_from",
        )
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
            evidence_date=evidence_date,
            source=source,
            decision=decision,
            verified_by=verified_by,
            verified_at=timezone.now() if verified_by else None,
        )
        pc.full_clean()
        pc.save()
        audit.record("create", pc, summary=f"category {category}", changes=audit.snapshot(pc))
    return pc


def collegial_decision_record(
    *,
    school: Institution,
    decided_on: dt.date,
    number: str,
    members_present: int,
    pupils: Sequence[Pupil],
    reason: str,
    valid_from: dt.date,
    valid_to: dt.date,
    user: Any = None,
) -> CollegialDecision:
    """The collegial body's decision as a record: it grants the fund's fifth category to the
    children it names (all of this school) for its period, each with the minutes as evidence."""
    number, reason = number.strip(), reason.strip()
    if not number:
        raise ValidationError(_("give the number of the minutes"), code="number")
    if not reason:
        raise ValidationError(_("a reason is required"), code="reason")
    quorum = int(selectors.setting("SUPPORT_COLLEGIAL_QUORUM", 3))
    if members_present < quorum:
        raise ValidationError(
            _("%(n)s member(s) present: the collegial body decides with at least %(q)s")
            % {"n": members_present, "q": quorum},
            code="quorum",
        )
    if valid_to < valid_from:
        raise ValidationError(_("the end date is before the start date"), code="dates")
    if decided_on > valid_to:
        raise ValidationError(_("the decision is dated after its period ends"), code="dates")
    if not pupils:
        raise ValidationError(_("name at least one child"), code="pupils")
    strangers = [p for p in pupils if p.school_id != school.pk]
    if strangers:
        raise ValidationError(
            _("not pupils of this school: %(names)s")
            % {"names": ", ".join(p.full_name for p in strangers)},
            code="school",
        )
    with transaction.atomic():
        decision = CollegialDecision(
            school=school,
            decided_on=decided_on,
            number=number,
            members_present=members_present,
            reason=reason[:500],
            valid_from=valid_from,
            valid_to=valid_to,
            recorded_by=user if getattr(user, "pk", None) else None,
        )
        decision.full_clean()
        decision.save()
        audit.record(
            "create",
            decision,
            summary=f"collegial decision {number}: {len(pupils)} child(ren)",
            changes=audit.snapshot(decision),
            user=user,
        )
        for p in pupils:
            category_add(
                pupil=p,
                category=CategoryCode.COLLEGIAL_DECISION,
                valid_from=valid_from,
                valid_to=valid_to,
                document=_("minutes of the collegial body № %(n)s of %(d)s")
                % {"n": number, "d": decided_on.strftime("%d.%m.%Y")},
                evidence_date=decided_on,
                source=CategorySource.COLLEGIAL,
                decision=decision,
            )
    return decision


def programme_rule_update(
    *, programme: Programme, rule: Mapping[str, Any], user: Any, reason: str
) -> Programme:
    """Change a programme's eligibility rule; the old and new rule go to the audit log."""
    try:
        rules.validate(rule)
    except rules.RuleError as exc:
        raise ValidationError(str(exc), code="rule") from exc
    if programme.funded_by_school_fund:
        outside = sorted(set(rules.referenced_categories(rule)) - set(FUND_CATEGORIES))
        if outside:
            raise ValidationError(
                _(
                    "the general-education fund pays only its five categories; "
                    "%(c)s enter through the collegial body's decision"
                )
                % {"c": ", ".join(str(CategoryCode(c).label) for c in outside)},
                code="fund_categories",
            )
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
    explanation = rules.explain_dated(programme.rule, facts, 0)
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
    if amount is None:  # meals: the daily cost per child is a setting; others: the unit cost
        unit = (
            selectors.meal_daily_cost()
            if programme.kind == Programme.Kind.MEALS
            else programme.unit_cost
        )
        amount = unit * quantity
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
            fund = selectors.school_fund(school, membership.year)
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
        if programme.funded_by_school_fund and not (items or {}).get("application"):
            # help in kind from the fund (a paid application's help is written with its line)
            FundHelp.objects.create(
                pupil_id=membership.pupil_id,
                school_id=membership.school_id,
                year=membership.year,
                kind=FundHelp.Kind.IN_KIND,
                amount=amount,
                given_on=delivered_on,
                delivery=d,
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


# --- the general-education fund: applications, payments, receipts (issue 17; ADR 0151) -----


def fund_set(
    *, school: Institution, year: int, amount: Decimal, user: Any, basis: str = ""
) -> SchoolFund:
    """Set a school's fund for a year. The share of the maintenance budget is a floor ("not
    less than 1 %", a setting), not a cap: a smaller fund is refused, a larger one is fine."""
    floor = selectors.fund_floor(school)
    if amount < 0:
        raise ValidationError(_("the fund cannot be negative"), code="amount")
    if floor is not None and amount < floor:
        raise ValidationError(
            _(
                "the fund must be not less than %(p)s %% of the maintenance budget: "
                "at least %(f)s ₸, not %(a)s ₸"
            )
            % {"p": f"{(selectors.fund_share() * 100).normalize():f}", "f": floor, "a": amount},
            code="floor",
        )
    with transaction.atomic():
        fund, _created = SchoolFund.objects.update_or_create(
            school=school,
            year=year,
            defaults={
                "amount": amount,
                "basis": basis[:300],
                "recorded_by": user if getattr(user, "pk", None) else None,
            },
        )
        audit.record(
            "update",
            fund,
            summary=f"fund {year}: {amount}",
            changes={"amount": [None, str(amount)]},
            user=user,
        )
    return fund


def fund_programme() -> Programme:
    """The programme the fund's cash help is recorded under (the school-fund programme)."""
    p = (
        Programme.objects.filter(active=True, funded_by_school_fund=True)
        .order_by("-kind", "code")
        .first()
    )
    if p is None:
        raise ValidationError(_("no active programme is paid from the fund"), code="programme")
    return p


def application_submit(
    *,
    pupil: Pupil,
    year: int,
    category: str,
    channel: str,
    parent_name: str,
    parent_iin: str,
    iban: str,
    documents: Sequence[str],
    consent: bool,
    phone: str = "",
    submitted_on: dt.date | None = None,
    user: Any = None,
) -> Application:
    """A parent's application for the fund's help (or the school's, on their behalf). Refused
    with a clear reason: no consent, a bad IIN or IBAN, a category outside the fund, a missing
    document of the category's checklist, or an application for the child already open."""
    from .fund import checklist, missing_documents

    if not consent:
        raise ValidationError(
            _("the application needs consent to the processing of personal data"),
            code="consent",
        )
    if category not in FUND_CATEGORIES:
        raise ValidationError(_("the fund helps only its five categories"), code="category")
    parent_name = " ".join(parent_name.split())
    if not parent_name:
        raise ValidationError(_("give the parent's full name"), code="parent_name")
    try:
        parse_iin(parent_iin)
    except IdentifierError as exc:
        raise ValidationError(
            _("the parent's IIN %(iin)s is not valid: %(reason)s")
            % {"iin": parent_iin, "reason": str(exc).split(": ", 1)[-1]},
            code="parent_iin",
        ) from exc
    if parent_iin == pupil.iin:
        raise ValidationError(_("the parent's IIN is the child's"), code="parent_iin")
    try:
        iban = parse_iban(iban)
    except IdentifierError as exc:
        raise ValidationError(
            _("the IBAN %(iban)s is not valid: %(reason)s")
            % {"iban": iban, "reason": str(exc).split(": ", 1)[-1]},
            code="iban",
        ) from exc
    missing = missing_documents(category, documents)
    if missing:
        labels = checklist(category)
        raise ValidationError(
            _("documents missing: %(d)s") % {"d": "; ".join(str(labels[m]) for m in missing)},
            code="documents",
        )
    submitted_on = submitted_on or timezone.localdate()
    days = int(selectors.setting("SUPPORT_DECISION_WORKING_DAYS", 10))
    from .fund import add_working_days

    with transaction.atomic():
        Pupil.objects.select_for_update().get(pk=pupil.pk)
        if Application.objects.filter(
            pupil=pupil,
            year=year,
            status__in=(Application.Status.SUBMITTED, Application.Status.APPROVED),
        ).exists():
            raise ValidationError(
                _("an application for this child and school year is already open or approved"),
                code="duplicate",
            )
        app = Application(
            number=f"tmp-{uuid.uuid4().hex[:12]}",
            pupil=pupil,
            school_id=pupil.school_id,
            programme=fund_programme(),
            year=year,
            category=category,
            channel=channel,
            parent_name=parent_name[:200],
            parent_iin=parent_iin,
            phone=phone.strip()[:30],
            iban=iban,
            documents=sorted(set(documents) & set(checklist(category))),
            consent=True,
            submitted_on=submitted_on,
            decide_by=add_working_days(submitted_on, days),
        )
        app.full_clean()
        app.save()
        app.number = f"{year}-{app.pk:06d}"
        app.save(update_fields=["number"])
        audit.record(
            "create",
            app,
            summary=f"application {app.number} ({channel})",
            changes=audit.snapshot(app),
            user=user,
        )
    return app


def application_decide(
    *,
    application: Application,
    approve: bool,
    decided_on: dt.date,
    minutes: str,
    user: Any,
    reason: str = "",
    amount: Decimal | None = None,
) -> Application:
    """The collegial body's decision on an application. Approval needs the child to hold the
    application's category on the date eligibility is judged on (1 October), pays at least the
    minimum payment of the year and no more than the fund has left; it enrols the child in the
    fund's programme and puts a line in the school's payment register of the month. A refusal
    needs its reason."""
    minutes = minutes.strip()
    if not minutes:
        raise ValidationError(_("give the number of the minutes"), code="minutes")
    with transaction.atomic():
        app = (
            Application.objects.select_for_update()
            .select_related("pupil", "school", "programme")
            .get(pk=application.pk)
        )
        if app.status != Application.Status.SUBMITTED:
            raise ValidationError(
                _("application %(n)s is already decided: %(s)s")
                % {"n": app.number, "s": Application.Status(app.status).label},
                code="state",
            )
        if decided_on < app.submitted_on:
            raise ValidationError(
                _("the decision cannot precede the application"), code="decided_on"
            )
        app.decided_on = decided_on
        app.minutes = minutes[:100]
        app.decided_by = user if getattr(user, "pk", None) else None
        if not approve:
            if not reason.strip():
                raise ValidationError(_("a refusal needs its reason"), code="reason")
            app.status = Application.Status.REFUSED
            app.refusal_reason = reason.strip()[:500]
            app.save()
            audit.record("update", app, summary=f"refused: {reason}", user=user)
            return app
        as_of = selectors.as_of_for(app.year)
        holds = PupilCategory.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=as_of),
            pupil=app.pupil,
            category=app.category,
            valid_from__lte=as_of,
        ).exists()
        if not holds:
            raise ValidationError(
                _(
                    "the child has no category “%(c)s” valid on %(d)s, the date eligibility "
                    "is judged on: record the evidence first, or refuse"
                )
                % {
                    "c": CategoryCode(app.category).label,
                    "d": as_of.strftime("%d.%m.%Y"),
                },
                code="category",
            )
        minimum = selectors.min_payment(app.year)
        amount = minimum if amount is None else amount
        if amount < minimum:
            raise ValidationError(
                _("the payment must be at least %(m)s ₸ in %(y)s") % {"m": minimum, "y": app.year},
                code="amount",
            )
        school = Institution.objects.select_for_update().get(pk=app.school_id)
        fund = selectors.school_fund(school, app.year)
        committed = selectors.school_committed(school.pk, year=app.year)
        if fund is not None and committed + amount > fund:
            raise ValidationError(
                _("the school's fund for %(y)s has %(left)s ₸ left, not %(a)s ₸")
                % {"y": app.year, "left": max(fund - committed, Decimal("0")), "a": amount},
                code="fund",
            )
        app.status = Application.Status.APPROVED
        app.amount = amount
        app.save()
        month = decided_on.replace(day=1)
        register, _created = PaymentRegister.objects.get_or_create(school=school, month=month)
        if register.exported_at is not None:  # already sent to the bank: the next month's
            nxt = (month + dt.timedelta(days=32)).replace(day=1)
            register, _created = PaymentRegister.objects.get_or_create(school=school, month=nxt)
        PaymentLine.objects.create(
            application=app,
            register=register,
            parent_name=app.parent_name,
            parent_iin=app.parent_iin,
            iban=app.iban,
            amount=amount,
        )
        audit.record(
            "update",
            app,
            summary=f"approved {amount} by minutes {minutes}",
            changes={"status": ["submitted", "approved"]},
            user=user,
        )
        membership_enrol(
            pupil=app.pupil,
            programme=app.programme,
            year=app.year,
            user=user,
            reason=_("application %(n)s approved, minutes %(m)s") % {"n": app.number, "m": minutes},
        )
    return app


def register_export(*, register: PaymentRegister, fmt: str, user: Any) -> tuple[bytes, str]:
    """The register in the bank format (ADR 0152), CSV or XLSX; the export is audited and
    the register marked exported (later approvals go to the next month's register)."""
    from .fund import RegisterLine, register_csv, register_xlsx

    if fmt not in ("csv", "xlsx"):
        raise ValidationError(_("choose CSV or XLSX"), code="format")
    lines = [
        RegisterLine(x.parent_name, x.parent_iin, x.iban, x.amount, x.application.number)
        for x in register.lines.select_related("application").order_by("id")
    ]
    if not lines:
        raise ValidationError(_("the register has no lines"), code="empty")
    data = (register_csv if fmt == "csv" else register_xlsx)(register.month, lines)
    with transaction.atomic():
        PaymentRegister.objects.filter(pk=register.pk, exported_at__isnull=True).update(
            exported_at=timezone.now()
        )
        audit.record(
            "export",
            register,
            summary=f"payment register {register.month:%Y-%m} ({fmt}, {len(lines)} line(s))",
            user=user,
        )
    register.refresh_from_db()
    return (
        data,
        f"register-{register.school.bin or register.school_id}-{register.month:%Y-%m}.{fmt}",
    )


def register_mark_paid(*, register: PaymentRegister, paid_on: dt.date, user: Any) -> int:
    """The bank paid the register: each line is paid and recorded as the child's delivery of
    the fund's programme (so coverage, dashboards and the briefing count it)."""
    if register.exported_at is None:
        raise ValidationError(
            _("export the register to the bank before marking it paid"), code="state"
        )
    with transaction.atomic():
        reg = PaymentRegister.objects.select_for_update().get(pk=register.pk)
        if reg.paid_on is not None:
            raise ValidationError(_("the register is already marked paid"), code="paid")
        n = 0
        for line in reg.lines.select_related("application__pupil", "application__programme"):
            app = line.application
            m = Membership.objects.get(
                pupil=app.pupil, programme=app.programme, year=app.year, school_id=app.school_id
            )
            d = delivery_record(
                membership=m,
                delivered_on=paid_on,
                user=user,
                items={"application": app.number, "register": f"{reg.month:%Y-%m}"},
                amount=line.amount,
                budget=_("school general-education fund"),
            )
            line.paid_on = paid_on
            line.save(update_fields=["paid_on", "updated_at"])
            FundHelp.objects.create(
                pupil_id=app.pupil_id,
                school_id=app.school_id,
                year=app.year,
                kind=FundHelp.Kind.CASH,
                amount=line.amount,
                given_on=paid_on,
                line=line,
                delivery=d,
            )
            n += 1
        reg.paid_on = paid_on
        reg.save(update_fields=["paid_on", "updated_at"])
        audit.record("update", reg, summary=f"register paid on {paid_on}: {n} line(s)", user=user)
    return n


def receipt_record(
    *,
    line: PaymentLine,
    kind: str,
    issued_on: dt.date,
    amount: Decimal,
    user: Any,
    items: str = "",
) -> Receipt:
    """Proof of purchase for a paid line (a scan or an itemised receipt)."""
    if line.paid_on is None:
        raise ValidationError(_("the payment is not made yet"), code="state")
    if amount <= 0:
        raise ValidationError(_("the amount must be positive"), code="amount")
    if kind == Receipt.Kind.ITEMISED and not items.strip():
        raise ValidationError(_("list what was bought"), code="items")
    with transaction.atomic():
        r = Receipt(
            line=line,
            kind=kind,
            issued_on=issued_on,
            amount=amount,
            items=items.strip()[:500],
            recorded_by=user if getattr(user, "pk", None) else None,
        )
        r.full_clean()
        r.save()
        audit.record("create", r, summary=f"receipt {amount}", changes=audit.snapshot(r), user=user)
    return r


# --- the akimat's АСП list (issue 17, point 5; ADR 0153) -------------------------------------


@dataclass
class AspImport:
    list_date: dt.date
    rows: int = 0
    new: list[str] = field(default_factory=list)  # IINs given the category
    extended: list[str] = field(default_factory=list)  # IINs whose period changed
    ended: list[str] = field(default_factory=list)  # IINs no longer on the list
    unknown: list[str] = field(default_factory=list)  # IINs of no pupil in scope
    errors: list[Any] = field(default_factory=list)  # asp.RowError: nothing was written
    written: bool = False


def asp_list_import(
    *, data: bytes, filename: str, list_date: dt.date, user: Any, dry_run: bool = False
) -> AspImport:
    """Apply the social-protection office's АСП list as of ``list_date`` to the children in
    the user's scope: a listed child without the category gets it for the listed period
    (source "akimat's АСП list", evidence the list); a changed period is corrected; a child
    whose akimat category is active on the list date but who is no longer listed has it
    ended the day before. IINs of no child in scope are reported. One bad row refuses the
    whole file, with its row and reason; nothing is written. ``dry_run`` shows the changes
    without writing them."""
    from . import asp

    result = AspImport(list_date)
    rows, errors = asp.read(data, filename)
    result.rows = len(rows)
    if errors:
        result.errors = errors
        return result
    pupils = dict(
        selectors.pupils_for(user).filter(iin__in=[r.iin for r in rows]).values_list("iin", "pk")
    )
    active = Q(valid_to__isnull=True) | Q(valid_to__gte=list_date)
    existing: dict[int, list[PupilCategory]] = {}
    for c in PupilCategory.objects.filter(
        pupil_id__in=list(pupils.values()), category=CategoryCode.ASP, source=CategorySource.AKIMAT
    ).order_by("valid_from"):
        existing.setdefault(c.pupil_id, []).append(c)
    creates: list[tuple[int, asp.AspRow]] = []
    updates: list[tuple[PupilCategory, asp.AspRow]] = []
    for r in rows:
        pid = pupils.get(r.iin)
        if pid is None:
            result.unknown.append(r.iin)
            continue
        overlap = [
            c
            for c in existing.get(pid, [])
            if c.valid_from <= (r.valid_to or dt.date.max)
            and (c.valid_to is None or c.valid_to >= r.valid_from)
        ]
        if not overlap:
            creates.append((pid, r))
            result.new.append(r.iin)
        elif (overlap[-1].valid_from, overlap[-1].valid_to) != (r.valid_from, r.valid_to):
            updates.append((overlap[-1], r))
            result.extended.append(r.iin)
    listed = set(pupils.values())
    to_end = list(
        PupilCategory.objects.filter(
            active,
            pupil__in=selectors.pupils_for(user).values("pk"),
            category=CategoryCode.ASP,
            source=CategorySource.AKIMAT,
            valid_from__lte=list_date,
        )
        .exclude(pupil_id__in=listed)
        .select_related("pupil")
    )
    result.ended = sorted(c.pupil.iin or str(c.pupil.uid) for c in to_end)
    if dry_run:
        return result
    document = _("the akimat's АСП list of %(d)s") % {"d": list_date.strftime("%d.%m.%Y")}
    with transaction.atomic():
        for pid, r in creates:
            pc = PupilCategory(
                pupil_id=pid,
                category=CategoryCode.ASP,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                document=document,
                evidence_date=list_date,
                source=CategorySource.AKIMAT,
            )
            pc.full_clean(exclude=["pupil"])
            pc.save()
        for c, r in updates:
            c.valid_from, c.valid_to = r.valid_from, r.valid_to
            c.document, c.evidence_date = document, list_date
            c.save(update_fields=["valid_from", "valid_to", "document", "evidence_date"])
        for c in to_end:
            c.valid_to = max(c.valid_from, list_date - dt.timedelta(days=1))
            c.save(update_fields=["valid_to", "updated_at"])
        audit.record(
            "import",
            object_type="support.pupilcategory",
            summary=(
                f"akimat АСП list of {list_date}: {len(result.new)} new, "
                f"{len(result.extended)} changed, {len(result.ended)} ended, "
                f"{len(result.unknown)} unknown IIN(s)"
            ),
            changes={
                "new": result.new,
                "changed": result.extended,
                "ended": result.ended,
                "unknown": result.unknown,
            },
            user=user,
        )
    result.written = True
    return result


def public_request_allow(*, ip: str | None, kind: str) -> bool:
    """Count a public request and say whether the IP is within its limit for the last hour
    (setting SUPPORT_PUBLIC_PER_HOUR, 20); older counts are dropped as it goes."""
    now = timezone.now()
    hour_ago = now - dt.timedelta(hours=1)
    limit = int(selectors.setting("SUPPORT_PUBLIC_PER_HOUR", 20))
    key = (ip or "unknown")[:45]
    with transaction.atomic():
        PublicRequest.objects.filter(at__lt=hour_ago).delete()
        n = PublicRequest.objects.filter(ip=key, kind=kind, at__gte=hour_ago).count()
        if n >= limit:
            return False
        PublicRequest.objects.create(ip=key, kind=kind, at=now)
    return True
