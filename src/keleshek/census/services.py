"""Writes of the school census: datasets from their definition file, periods, values entered
on the form, offline or imported (with conflicts), validation, and the approval chain
school → district → region. Approved figures feed the records imports feed (capacity, shifts
and staff by year; pupils by grade and sex) through the institutions' services."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keleshek.core import audit, hooks
from keleshek.core.models import AuditEntry
from keleshek.core.schoolyear import school_year_of
from keleshek.institutions import services as institution_services
from keleshek.institutions.models import Institution, InstitutionYear

from . import definitions, expressions
from .models import (
    DataElement,
    Dataset,
    DataValue,
    Period,
    Return,
    ReturnEvent,
    ValidationRule,
)

# ----------------------------------------------------------------------------------------------
# Datasets and periods


@dataclass
class SyncResult:
    datasets: int = 0
    elements: int = 0
    rules: int = 0


@transaction.atomic
def datasets_sync(path: Path = definitions.DEFAULT_FILE) -> SyncResult:
    """Create or update the datasets, their elements and rules from the definition file.
    Every rule is checked against its dataset's elements before anything is written."""
    result = SyncResult()
    for ds in definitions.load(path):
        codes = {e.code for e in ds.elements}
        for rule in ds.rules:
            for side in (rule.left, rule.right):
                expressions.check(side, codes)
            if rule.comment_on and rule.comment_on not in codes:
                raise expressions.ExpressionError(f"unknown element {rule.comment_on}")
        dataset, _created = Dataset.objects.update_or_create(
            code=ds.code,
            defaults={
                "frequency": ds.frequency,
                "name_ru": ds.names[0],
                "name_kk": ds.names[1],
                "name_en": ds.names[2],
                "reference_month": ds.reference_month,
                "reference_day": ds.reference_day,
                "due_days": ds.due_days,
                "sections": ds.sections,
            },
        )
        result.datasets += 1
        for e in ds.elements:
            DataElement.objects.update_or_create(
                dataset=dataset,
                code=e.code,
                defaults={
                    "section": e.section,
                    "order": e.order,
                    "name_ru": e.names[0],
                    "name_kk": e.names[1],
                    "name_en": e.names[2],
                    "type": e.type,
                    "choices": e.choices,
                    "required": e.required,
                    "target": e.target,
                },
            )
            result.elements += 1
        for r in ds.rules:
            ValidationRule.objects.update_or_create(
                dataset=dataset,
                code=r.code,
                defaults={
                    "left": r.left,
                    "operator": r.operator,
                    "right": r.right,
                    "importance": r.importance,
                    "comment_on": r.comment_on,
                    "message_ru": r.messages[0],
                    "message_kk": r.messages[1],
                    "message_en": r.messages[2],
                },
            )
            result.rules += 1
    return result


@transaction.atomic
def period_open(
    *, dataset: Dataset, year: int, month: int | None = None, actor: Any = None
) -> Period:
    """The period of a yearly dataset in ``year`` (as of its reference day), or of a monthly
    one in ``year``/``month`` (as of the month's last day). Opening it twice returns it."""
    if dataset.frequency == Dataset.Frequency.MONTHLY:
        if month is None or not 1 <= month <= 12:
            raise ValidationError(_("a monthly dataset needs a month"), code="month")
        ref = dt.date(year, month, calendar.monthrange(year, month)[1])
        code = f"{year}-{month:02d}"
    else:
        ref = dt.date(year, dataset.reference_month, dataset.reference_day)
        code = str(year)
    period, created = Period.objects.get_or_create(
        dataset=dataset,
        code=code,
        defaults={
            "reference_date": ref,
            "due": ref + dt.timedelta(days=dataset.due_days),
            "school_year": school_year_of(ref),
        },
    )
    if created:
        audit.record(
            AuditEntry.Action.CREATE, period, summary=f"opened census period {period}", user=actor
        )
    return period


def return_for(period: Period, institution: Institution) -> Return:
    ret, _created = Return.objects.get_or_create(period=period, institution=institution)
    return ret


# ----------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class Entry:
    """One figure as the form (or the offline queue, or a file) sends it. ``base_version`` is
    the version the operator's copy started from; ``None`` means "no copy" (an import)."""

    value: str
    comment: str | None = None
    base_version: int | None = None


@dataclass
class Conflict:
    code: str
    yours: str
    theirs: str
    version: int
    by: str


@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def clean_value(element: DataElement, raw: str) -> str:
    """The stored text of a value, or ValidationError with a message for the operator."""
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "")
    if text == "":
        return ""
    if element.type == DataElement.Type.INTEGER:
        if not text.isdigit():
            raise ValidationError(_("a whole number of 0 or more"), code="integer")
        return str(int(text))
    if element.type == DataElement.Type.DECIMAL:
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError(_("a number, e.g. 12.5"), code="decimal") from exc
        if number < 0 or not number.is_finite():
            raise ValidationError(_("a number of 0 or more"), code="decimal")
        return str(number.quantize(Decimal("0.01")))
    if element.type == DataElement.Type.BOOLEAN:
        lowered = text.lower()
        if lowered in ("1", "yes", "true", "да", "иә"):
            return "1"
        if lowered in ("0", "no", "false", "нет", "жоқ"):
            return "0"
        raise ValidationError(_("yes or no"), code="boolean")
    allowed = [str(c[0]) for c in element.choices]
    if text not in allowed:
        raise ValidationError(
            _("one of: %(choices)s") % {"choices": ", ".join(allowed)}, code="choice"
        )
    return text


@transaction.atomic
def values_save(
    *, ret: Return, entries: Mapping[str, Entry], actor: Any = None, via: str = "form"
) -> SaveResult:
    """Store the figures of a return that is still being filled (or was returned).

    A figure changed on the server since the operator's copy was taken (its version moved on)
    and now different from what the operator sends is a conflict: it is not written, and both
    values go back to the operator to choose. Nothing is written when any value is invalid."""
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    if ret.is_locked:
        raise ValidationError(
            _("the return is %(status)s: its figures are locked")
            % {"status": ret.get_status_display()},
            code="locked",
        )
    elements = {e.code: e for e in ret.period.dataset.elements.all()}
    result = SaveResult()
    cleaned: dict[str, str] = {}
    for code, entry in entries.items():
        element = elements.get(code)
        if element is None:
            result.errors[code] = _("unknown figure %(code)s") % {"code": code}
            continue
        try:
            cleaned[code] = clean_value(element, entry.value)
        except ValidationError as exc:
            result.errors[code] = exc.messages[0]
    if result.errors:
        return result
    stored = {v.element.code: v for v in ret.values.select_related("element", "updated_by")}
    changes: dict[str, list[Any]] = {}
    for code, entry in entries.items():
        value = cleaned[code]
        current = stored.get(code)
        comment = entry.comment
        if current is None:
            if value == "" and not comment:
                continue
            DataValue.objects.create(
                ret=ret,
                element=elements[code],
                value=value,
                comment=comment or "",
                updated_by=actor if getattr(actor, "pk", None) else None,
            )
            changes[code] = [None, value]
            if comment:
                changes[f"{code} (comment)"] = [None, comment]
            result.saved.append(code)
            continue
        same = current.value == value and (comment is None or comment == current.comment)
        if same:
            continue
        if (
            entry.base_version is not None
            and entry.base_version != current.version
            and current.value != value
        ):
            result.conflicts.append(
                Conflict(
                    code=code,
                    yours=value,
                    theirs=current.value,
                    version=current.version,
                    by=getattr(current.updated_by, "username", "") or "",
                )
            )
            continue
        if current.value != value:
            changes[code] = [current.value, value]
        current.value = value
        if comment is not None and comment != current.comment:
            changes[f"{code} (comment)"] = [current.comment, comment]
            current.comment = comment
        current.version += 1
        current.updated_by = actor if getattr(actor, "pk", None) else None
        current.save()
        result.saved.append(code)
    if changes:
        audit.record(
            AuditEntry.Action.UPDATE,
            ret,
            summary=f"census figures of {ret.institution_id} for {ret.period} ({via})",
            changes=changes,
            user=actor,
        )
    return result


# ----------------------------------------------------------------------------------------------
# Validation


@dataclass(frozen=True)
class Violation:
    rule: ValidationRule
    left: Decimal | None
    right: Decimal | None
    explained: bool

    @property
    def blocking(self) -> bool:
        return self.rule.importance == ValidationRule.Importance.BLOCKING and not self.explained


def _number(element: DataElement, value: str) -> Decimal | None:
    if value == "":
        return None
    if element.type in (DataElement.Type.INTEGER, DataElement.Type.DECIMAL):
        return Decimal(value)
    if element.type == DataElement.Type.BOOLEAN:
        return Decimal(value)
    return None


def previous_many(
    period: Period, institution_ids: list[int]
) -> dict[int, dict[str, Decimal | None]]:
    """Each school's figures in the dataset's previous period (its latest approved return),
    else from the records of the previous school year (what imports brought). Four queries
    whatever the number of schools."""
    out: dict[int, dict[str, Decimal | None]] = {pk: {} for pk in institution_ids}
    latest: dict[int, int] = {}
    for ret_id, inst_id in (
        Return.objects.filter(
            institution_id__in=institution_ids,
            period__dataset_id=period.dataset_id,
            period__reference_date__lt=period.reference_date,
            status__in=(Return.Status.APPROVED, Return.Status.ACCEPTED),
        )
        .order_by("institution_id", "-period__reference_date")
        .values_list("pk", "institution_id")
    ):
        latest.setdefault(inst_id, ret_id)
    by_return = {ret_id: inst_id for inst_id, ret_id in latest.items()}
    for v in DataValue.objects.filter(ret_id__in=by_return).select_related("element"):
        out[by_return[v.ret_id]][v.element.code] = _number(v.element, v.value)
    rest = [pk for pk in institution_ids if pk not in latest]
    targets = [
        (e.code, e.target.split(":", 1)[1])
        for e in period.dataset.elements.filter(target__startswith="year:")
    ]
    if rest and targets:
        for year in InstitutionYear.objects.filter(
            institution_id__in=rest, year=period.school_year - 1
        ):
            for code, attr in targets:
                raw = getattr(year, attr, None)
                if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
                    out[year.institution_id][code] = Decimal(raw)
    return out


def _condition_flags(raw: Any, existing: InstitutionYear | None) -> dict[str, Any]:
    """The census form's one "condition" answer as the record's two flags (ADR 0162):
    "emergency" sets the emergency flag, "three_shift" the three-shift flag, "normal" clears the
    emergency flag; a flag the answer does not speak of is kept (three-shift otherwise follows
    the pupils of a third shift)."""
    emergency = existing.is_emergency if existing is not None else False
    three: bool | None = existing.is_three_shift if existing is not None else None
    if raw == "emergency":
        emergency = True
    elif raw == "three_shift":
        three = True
    elif raw == "normal":
        emergency, three = False, None
    return {"is_emergency": emergency, "is_three_shift": three}


def _check(
    rules: list[ValidationRule],
    elements: list[DataElement],
    stored: Mapping[int, DataValue],
    previous: Mapping[str, Decimal | None],
) -> list[Violation]:
    numbers: dict[str, Decimal | None] = {}
    comments: dict[str, str] = {}
    for e in elements:
        current = stored.get(e.pk)
        numbers[e.code] = _number(e, current.value if current else "")
        comments[e.code] = current.comment if current else ""
    ctx = expressions.Context(numbers, previous)
    out: list[Violation] = []
    for rule in rules:
        if expressions.holds(rule.left, rule.operator, rule.right, ctx) is False:
            out.append(
                Violation(
                    rule=rule,
                    left=expressions.evaluate(rule.left, ctx),
                    right=expressions.evaluate(rule.right, ctx),
                    explained=bool(rule.comment_on and comments.get(rule.comment_on, "").strip()),
                )
            )
    return out


def violations(ret: Return) -> list[Violation]:
    """The dataset's rules that fail on the return's figures. A rule with a missing figure is
    skipped."""
    return violations_many(ret.period, [ret])[ret.pk]


def violations_many(period: Period, returns: list[Return]) -> dict[int, list[Violation]]:
    """The failing rules of many returns of one period, in a fixed number of queries."""
    elements = list(period.dataset.elements.all())
    rules = list(period.dataset.rules.all())
    stored: dict[int, dict[int, DataValue]] = {r.pk: {} for r in returns}
    for v in DataValue.objects.filter(ret__in=returns):
        stored[v.ret_id][v.element_id] = v
    previous = previous_many(period, [r.institution_id for r in returns])
    return {
        r.pk: _check(rules, elements, stored[r.pk], previous[r.institution_id]) for r in returns
    }


def missing(ret: Return) -> list[DataElement]:
    """Required figures without a value."""
    filled = set(ret.values.exclude(value="").values_list("element_id", flat=True))
    return [e for e in ret.period.dataset.elements.filter(required=True) if e.pk not in filled]


# ----------------------------------------------------------------------------------------------
# Approval


def _move(ret: Return, to: str, *, actor: Any, comment: str = "") -> Return:
    before = ret.status
    ret.status = to
    if comment:
        ret.comment = comment
    now = timezone.now()
    if to == Return.Status.SUBMITTED and before in (Return.Status.DRAFT, Return.Status.RETURNED):
        ret.submitted_at = now
    if to == Return.Status.APPROVED:
        ret.approved_at = now
    if to == Return.Status.ACCEPTED:
        ret.accepted_at = now
    ret.save()
    ReturnEvent.objects.create(
        ret=ret,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=before,
        to_status=to,
        comment=comment,
    )
    audit.record(
        AuditEntry.Action.UPDATE,
        ret,
        summary=f"census return {ret.institution_id} {ret.period}: {before} → {to}",
        changes={"status": [before, to], **({"comment": comment} if comment else {})},
        user=actor,
    )
    return ret


def _locked(ret: Return) -> Return:
    return Return.objects.select_for_update().select_related("period__dataset").get(pk=ret.pk)


def _expect(ret: Return, *statuses: str) -> None:
    if ret.status not in statuses:
        raise ValidationError(
            _("the return is %(status)s") % {"status": ret.get_status_display()}, code="status"
        )


@transaction.atomic
def return_submit(*, ret: Return, actor: Any = None) -> Return:
    """The school sends its figures to the district: every required figure is there and no
    rule that must be corrected fails."""
    ret = _locked(ret)
    _expect(ret, Return.Status.DRAFT, Return.Status.RETURNED)
    absent = missing(ret)
    if absent:
        raise ValidationError(
            _("%(n)s required figures are missing: %(names)s")
            % {"n": len(absent), "names": ", ".join(e.name for e in absent[:5])},
            code="missing",
        )
    blocking = [v for v in violations(ret) if v.blocking]
    if blocking:
        raise ValidationError([v.rule.message for v in blocking], code="rules")
    return _move(ret, Return.Status.SUBMITTED, actor=actor)


@transaction.atomic
def return_send_back(*, ret: Return, comment: str, actor: Any = None) -> Return:
    """The district returns a submitted form to the school, saying what to correct."""
    ret = _locked(ret)
    _expect(ret, Return.Status.SUBMITTED)
    if not comment.strip():
        raise ValidationError(_("say what the school should correct"), code="comment")
    return _move(ret, Return.Status.RETURNED, actor=actor, comment=comment.strip())


@transaction.atomic
def return_approve(*, ret: Return, actor: Any = None, comment: str = "") -> Return:
    """The district approves a submitted form; its figures now feed the records."""
    ret = _locked(ret)
    _expect(ret, Return.Status.SUBMITTED)
    ret = _move(ret, Return.Status.APPROVED, actor=actor, comment=comment.strip())
    apply_to_records(ret, actor=actor)
    return ret


@transaction.atomic
def return_accept(*, ret: Return, actor: Any = None, comment: str = "") -> Return:
    """The region accepts a form the district approved."""
    ret = _locked(ret)
    _expect(ret, Return.Status.APPROVED)
    return _move(ret, Return.Status.ACCEPTED, actor=actor, comment=comment.strip())


@transaction.atomic
def return_unapprove(*, ret: Return, reason: str, actor: Any = None) -> Return:
    """Unlock approved figures for a change: back to the school as returned, with the reason
    on record (the audit log keeps who and why). The records keep the approved figures until
    the corrected form is approved again."""
    ret = _locked(ret)
    _expect(ret, Return.Status.APPROVED, Return.Status.ACCEPTED)
    if not reason.strip():
        raise ValidationError(_("give the reason for unlocking approved figures"), code="reason")
    return _move(ret, Return.Status.RETURNED, actor=actor, comment=reason.strip())


def apply_to_records(ret: Return, *, actor: Any = None) -> int:
    """Write an approved return's figures to the records imports feed. Returns how many
    records were written."""
    targets: dict[str, str] = {}
    for v in ret.values.select_related("element").exclude(element__target=""):
        targets[v.element.target] = v.value
    if not targets:
        return 0
    inst, year = ret.institution, ret.period.school_year
    written = 0
    year_fields = {k.split(":", 1)[1]: v for k, v in targets.items() if k.startswith("year:")}
    if year_fields:
        existing = InstitutionYear.objects.filter(institution=inst, year=year).first()

        def pick(name: str, default: Any) -> Any:
            raw = year_fields.get(name)
            if raw in (None, ""):
                return getattr(existing, name) if existing is not None else default
            return raw

        institution_services.institution_year_set(
            institution=inst,
            year=year,
            design_capacity=int(pick("design_capacity", inst.design_capacity)),
            pupils_shift1=int(pick("pupils_shift1", 0)),
            pupils_shift2=int(pick("pupils_shift2", 0)),
            pupils_shift3=int(pick("pupils_shift3", 0)),
            **_condition_flags(year_fields.get("condition"), existing),
            teachers_headcount=int(pick("teachers_headcount", 0)),
            teachers_fte=Decimal(str(pick("teachers_fte", "0"))),
            actor=actor,
        )
        written += 1
    for target, raw in targets.items():
        if target.startswith("enrolment:") and raw != "":
            _kind, grade, sex = target.split(":")
            institution_services.enrolment_set(
                institution=inst, year=year, grade=int(grade), sex=sex, count=int(raw), actor=actor
            )
            written += 1
    # one school's return: only what depends on that school in that year (ADR 0202)
    hooks.publish_on_commit(
        hooks.RECORDS_CHANGED, source="census", year=year, institutions=[inst.pk]
    )
    return written


# ----------------------------------------------------------------------------------------------
# Import: the same checks as the form, all or nothing


@dataclass
class ImportResult:
    rows: int = 0
    returns: int = 0
    saved: int = 0
    errors: list[str] = field(default_factory=list)
    violations: dict[int, list[Violation]] = field(default_factory=dict)
    skipped_locked: list[str] = field(default_factory=list)


@transaction.atomic
def values_import(
    *, period: Period, rows: Iterable[Mapping[str, str]], actor: Any = None, scope: Any = None
) -> ImportResult:
    """Rows of ``bin, element, value[, comment]``. A bad row (unknown school or figure, a
    value of the wrong kind, a school outside ``scope``, a locked return) stops the import and
    nothing is written. The rules are checked on every return the file touched."""
    result = ImportResult()
    by_return: dict[int, dict[str, Entry]] = {}
    returns: dict[int, Return] = {}
    elements = {e.code: e for e in period.dataset.elements.all()}
    for n, row in enumerate(rows, start=2):
        result.rows += 1
        bin_ = (row.get("bin") or "").strip()
        code = (row.get("element") or "").strip()
        inst = Institution.objects.filter(bin=bin_).first()
        if inst is None or (scope is not None and not scope.filter(pk=inst.pk).exists()):
            result.errors.append(_("row %(n)s: no school with BIN %(bin)s") % {"n": n, "bin": bin_})
            continue
        if code not in elements:
            result.errors.append(_("row %(n)s: unknown figure %(code)s") % {"n": n, "code": code})
            continue
        try:
            clean_value(elements[code], row.get("value", ""))
        except ValidationError as exc:
            result.errors.append(
                _("row %(n)s, %(code)s: %(msg)s") % {"n": n, "code": code, "msg": exc.messages[0]}
            )
            continue
        ret = return_for(period, inst)
        if ret.is_locked:
            result.errors.append(
                _("row %(n)s: the return of %(school)s is %(status)s")
                % {"n": n, "school": inst.name, "status": ret.get_status_display()}
            )
            continue
        returns[ret.pk] = ret
        comment = row.get("comment")
        by_return.setdefault(ret.pk, {})[code] = Entry(
            value=row.get("value", ""), comment=comment if comment else None
        )
    if result.errors:
        transaction.set_rollback(True)
        return result
    for pk, entries in by_return.items():
        saved = values_save(ret=returns[pk], entries=entries, actor=actor, via="import")
        result.saved += len(saved.saved)
        found = violations(returns[pk])
        if found:
            result.violations[pk] = found
    result.returns = len(by_return)
    audit.record(
        AuditEntry.Action.IMPORT,
        period,
        summary=f"census figures imported for {period}: {result.rows} rows",
        changes={"rows": result.rows, "returns": result.returns},
        user=actor,
    )
    return result


# ----------------------------------------------------------------------------------------------
# Reminders


@dataclass
class ReminderResult:
    schools: int = 0
    emails: int = 0


@transaction.atomic
def reminders_send(*, period: Period, today: dt.date | None = None) -> ReminderResult:
    """Remind every operating school whose return is not sent by the due date: one reminder
    per school per day (running twice on a day sends nothing more), an e-mail to the school's
    operators who have an address. A school that never opened its form is late too."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.utils import translation

    from .models import Reminder

    today = today or timezone.localdate()
    result = ReminderResult()
    if today <= period.due or not period.is_open:
        return result
    sent = (Return.Status.SUBMITTED, Return.Status.APPROVED, Return.Status.ACCEPTED)
    from .selectors import operating_schools

    schools = operating_schools().exclude(
        census_returns__period=period, census_returns__status__in=sent
    )
    operators = get_user_model().objects.filter(role="institution_operator", is_active=True)
    for school in schools:
        ret = return_for(period, school)
        reminder, created = Reminder.objects.get_or_create(
            ret=ret, sent_on=today, defaults={"missing": len(missing(ret))}
        )
        if not created:
            continue
        result.schools += 1
        addresses = [u.email for u in operators.filter(institution=school) if u.email]
        if addresses:
            with translation.override("ru"):
                subject = _("Census return overdue: %(period)s") % {"period": period}
                body = _(
                    "The return of %(school)s for %(period)s was due on %(due)s. "
                    "%(n)s required figures are missing."
                ) % {
                    "school": school.name,
                    "period": period,
                    "due": period.due,
                    "n": reminder.missing,
                }
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=True)
            reminder.recipients = len(addresses)
            reminder.save(update_fields=["recipients"])
            result.emails += len(addresses)
    return result


def rule_check(*, dataset: Dataset, left: str, right: str, comment_on: str = "") -> None:
    """Both sides of a rule must be expressions over the dataset's elements."""
    codes = set(dataset.elements.values_list("code", flat=True))
    errors: dict[str, str] = {}
    for side, text in (("left", left), ("right", right)):
        try:
            expressions.check(text, codes)
        except expressions.ExpressionError as exc:
            errors[side] = str(exc)
    if comment_on and comment_on not in codes:
        errors["comment_on"] = _("unknown figure %(code)s") % {"code": comment_on}
    if errors:
        raise ValidationError(errors, code="expression")


@transaction.atomic
def rule_save(*, rule: ValidationRule, actor: Any = None) -> ValidationRule:
    """Save a validation rule edited as data (the admin), checked, audited as a rule change."""
    rule_check(dataset=rule.dataset, left=rule.left, right=rule.right, comment_on=rule.comment_on)
    before = {} if rule.pk is None else audit.snapshot(ValidationRule.objects.get(pk=rule.pk))
    rule.full_clean()
    rule.save()
    audit.record(
        AuditEntry.Action.RULE_CHANGE,
        rule,
        summary=f"census rule {rule.dataset_id}:{rule.code}",
        changes=audit.diff(before, audit.snapshot(rule)),
        user=actor,
    )
    return rule
