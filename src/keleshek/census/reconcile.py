"""NOBD and Kündelik in (ADR 0184): an exported pupil list or class roster compared with the
pupil registry of the school (new, changed, missing, conflicting), a school passport compared
with the census form; and the census form's figures filled from them, so that a school enters
its data once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from keleshek.core import audit
from keleshek.core.ids import IdentifierError, parse_iin
from keleshek.institutions.models import Institution
from keleshek.support import derived
from keleshek.support import services as pupil_services
from keleshek.support.models import Pupil

from . import exports, services
from .exports import PupilRow, Source, passport_rows, pupil_rows
from .models import Return

PROBLEMS = {
    "no_name": lambda: _("no last or first name"),
    "bad_date": lambda: _("the birth date is not a date"),
    "bad_sex": lambda: _("the sex is not understood"),
    "bad_grade": lambda: _("the class is not understood"),
    "bad_language": lambda: _("the language is not understood"),
}
COMPARED = ("last_name", "first_name", "middle_name", "birth_date", "sex", "grade")


@dataclass
class Change:
    pupil: Pupil
    row: PupilRow
    fields: dict[str, tuple[Any, Any]]  # field: (registry, file)


@dataclass
class Conflict:
    row: PupilRow
    reason: str
    pupil: Pupil | None = None


@dataclass
class PupilReconciliation:
    rows: list[PupilRow] = field(default_factory=list)
    new: list[PupilRow] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    missing: list[Pupil] = field(default_factory=list)
    conflicting: list[Conflict] = field(default_factory=list)
    unchanged: int = 0

    @property
    def usable(self) -> list[PupilRow]:
        """Rows that count for the census: read without a problem and not in conflict."""
        bad = {id(c.row) for c in self.conflicting}
        return [r for r in self.rows if id(r) not in bad]


def _iin_problem(row: PupilRow) -> str | None:
    if not row.iin:
        return None
    try:
        parse_iin(row.iin)
    except IdentifierError as exc:
        return _("IIN %(iin)s is not valid: %(reason)s") % {
            "iin": row.iin,
            "reason": str(exc).split(": ", 1)[-1],
        }
    for _field, code, params in derived.pupil_problems(
        iin=row.iin, birth_date=row.birth_date, sex=row.sex or None, today=timezone.localdate()
    ):
        if code == "iin_birth_date":
            return _("IIN %(iin)s encodes birth date %(d)s, not %(b)s") % {
                "iin": row.iin,
                "d": params["iin_date"],
                "b": row.birth_date,
            }
        if code == "iin_sex":
            return _("IIN %(iin)s encodes the other sex") % {"iin": row.iin}
    return None


def _key(last: str, first: str, middle: str, born: dt.date | None) -> tuple[str, str]:
    return (derived.name_key(last, first, middle), born.isoformat() if born else "")


def pupils_reconcile(
    *, source: Source, school: Institution, header: list[str], rows: list[tuple[int, list[Any]]]
) -> PupilReconciliation:
    """Compare a pupil list of one school with the registry: matched by IIN, else (a roster
    without IINs) by name and birth date. Read-only."""
    out = PupilReconciliation(rows=pupil_rows(source, header, rows))
    registry = list(Pupil.objects.filter(school=school))
    by_iin = {p.iin: p for p in registry if p.iin}
    by_key = {_key(p.last_name, p.first_name, p.middle_name, p.birth_date): p for p in registry}
    elsewhere = {
        p.iin: p
        for p in Pupil.objects.filter(
            iin__in=[r.iin for r in out.rows if r.iin and r.iin not in by_iin]
        ).select_related("school")
    }
    seen: set[int] = set()
    iins = Counter(r.iin for r in out.rows if r.iin)
    for row in out.rows:
        reason = (
            "; ".join(str(PROBLEMS[p]()) for p in row.problems)
            if row.problems
            else _iin_problem(row)
        )
        if reason is None and row.iin and iins[row.iin] > 1:
            reason = _("IIN %(iin)s appears %(n)s times in the file") % {
                "iin": row.iin,
                "n": iins[row.iin],
            }
        if reason is None and row.iin in elsewhere:
            other = elsewhere[row.iin]
            reason = _("registered at another school: %(school)s") % {"school": other.school.name}
            out.conflicting.append(Conflict(row=row, reason=reason, pupil=other))
            continue
        if reason is not None:
            out.conflicting.append(Conflict(row=row, reason=reason))
            continue
        pupil = by_iin.get(row.iin) if row.iin else None
        if pupil is None:
            pupil = by_key.get(_key(row.last_name, row.first_name, row.middle_name, row.birth_date))
        if pupil is None or pupil.pk in seen:
            out.new.append(row)
            continue
        seen.add(pupil.pk)
        diffs: dict[str, tuple[Any, Any]] = {}
        if pupil.left_on is not None:  # marked as left, and on the school's list again
            diffs["left_on"] = (pupil.left_on, None)
        for name in COMPARED:
            theirs = getattr(row, name)
            if theirs in (None, ""):
                continue  # the file does not say
            ours = getattr(pupil, name)
            if name in ("last_name", "first_name", "middle_name"):
                same = derived.key_part(ours) == derived.key_part(theirs)
            else:
                same = ours == theirs
            if not same:
                diffs[name] = (ours, theirs)
        if diffs:
            out.changed.append(Change(pupil=pupil, row=row, fields=diffs))
        else:
            out.unchanged += 1
    # A pupil already marked as left is not missing again.
    out.missing = [p for p in registry if p.pk not in seen and p.left_on is None]
    return out


def pupils_digest(report: PupilReconciliation) -> str:
    """A fingerprint of what the operator saw: confirming applies only that reconciliation
    (a registry or a file that changed since the comparison gives another)."""
    what = {
        "new": [
            [
                r.line,
                r.iin,
                r.last_name,
                r.first_name,
                r.middle_name,
                str(r.birth_date),
                r.sex,
                r.grade,
            ]
            for r in report.new
        ],
        "changed": [
            [c.pupil.pk, c.row.line, sorted((k, str(v[0]), str(v[1])) for k, v in c.fields.items())]
            for c in report.changed
        ],
        "missing": [p.pk for p in report.missing],
        "conflicting": [[c.row.line, c.pupil.pk if c.pupil else None] for c in report.conflicting],
    }
    return hashlib.sha256(json.dumps(what, ensure_ascii=False).encode()).hexdigest()[:32]


@dataclass
class Applied:
    created: list[Pupil] = field(default_factory=list)
    changed: list[Pupil] = field(default_factory=list)
    left: list[Pupil] = field(default_factory=list)
    held: list[Conflict] = field(default_factory=list)


class ApplyRefused(Exception):
    """The list was not applied, nothing was written: one message per refused row."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _row_refused(line: int, exc: ValidationError) -> str:
    return _("row %(n)s: %(msg)s") % {"n": line, "msg": "; ".join(exc.messages)}


def _new_pupil(row: PupilRow, school: Institution) -> Pupil:
    missing = [
        label
        for label, absent in (
            (_("birth date"), row.birth_date is None),
            (_("sex"), row.sex not in ("M", "F")),
            (pgettext("school class", "class"), row.grade is None),
        )
        if absent
    ]
    if missing:
        raise ValidationError(
            _("a new pupil needs: %(what)s") % {"what": ", ".join(str(m) for m in missing)},
            code="incomplete",
        )
    assert row.birth_date is not None
    assert row.grade is not None
    pupil_services.check_iin(iin=row.iin or None, birth_date=row.birth_date, sex=row.sex)
    # The list does not say where a pupil lives: the school's settlement until corrected.
    return Pupil(
        iin=row.iin or None,
        last_name=row.last_name,
        first_name=row.first_name,
        middle_name=row.middle_name,
        birth_date=row.birth_date,
        sex=row.sex,
        school=school,
        grade=row.grade,
        home_settlement_id=school.settlement_id,
    )


def _changed_pupil(change: Change) -> Pupil:
    pupil = Pupil.objects.get(pk=change.pupil.pk)
    for name, (_ours, theirs) in change.fields.items():
        setattr(pupil, name, theirs)
    pupil_services.check_iin(iin=pupil.iin or None, birth_date=pupil.birth_date, sex=pupil.sex)
    return pupil


def pupils_apply(
    *,
    report: PupilReconciliation,
    school: Institution,
    left_on: dt.date,
    actor: Any = None,
    via: str,
) -> Applied:
    """Apply a confirmed reconciliation to the pupil registry through the support services —
    the registry's one write path with its IIN cross-check, derived fields and audit: new
    pupils registered, changes saved, missing pupils marked as left on ``left_on`` (never
    deleted), a pupil marked as left who is on the list again taken back. Conflicting rows are
    held for review: not written, listed. All or nothing: a row the registry refuses refuses
    the list (``ApplyRefused``) and the database stays as it was."""
    refused: list[str] = []
    new: list[Pupil] = []
    for row in report.new:
        try:
            new.append(_new_pupil(row, school))
        except ValidationError as exc:
            refused.append(_row_refused(row.line, exc))
    changed: list[Pupil] = []
    for change in report.changed:
        try:
            changed.append(_changed_pupil(change))
        except ValidationError as exc:
            refused.append(_row_refused(change.row.line, exc))
    if left_on > timezone.localdate():
        refused.append(_("the date of leaving is in the future"))
    if refused:
        raise ApplyRefused(refused)
    out = Applied(held=list(report.conflicting))
    # The audit log names the list by its layout's name, not its code ("NOBD: pupil register").
    layout = exports.load().get(via)
    via = layout.name("en") if layout is not None else via
    try:
        with transaction.atomic():
            out.created = pupil_services.pupils_register(
                new, summary=f"census {via}: {school.name}", user=actor
            )
            for pupil in changed:
                out.changed.append(pupil_services.pupil_save(pupil=pupil, user=actor))
            for pupil in report.missing:
                out.left.append(
                    pupil_services.pupil_leave(
                        pupil=pupil, on=left_on, reason=f"not in the {via} list", user=actor
                    )
                )
            audit.record(
                "import",
                school,
                summary=f"census: {via} pupil list applied to the registry",
                changes={
                    "created": len(out.created),
                    "changed": len(out.changed),
                    "left": len(out.left),
                    "held": sorted(c.row.line for c in out.held),
                },
                user=actor,
            )
    except ValidationError as exc:  # refused while writing: everything rolled back
        raise ApplyRefused(exc.messages) from exc
    return out


def pupil_counts(rows: list[PupilRow]) -> dict[str, str]:
    """The autumn form's pupil figures from a pupil list: by grade and sex, the total and (when
    the list says) by language of instruction."""
    counts: dict[str, int] = {f"g{g}_{s}": 0 for g in range(12) for s in "mf"}
    langs: Counter[str] = Counter()
    for r in rows:
        if r.grade is None or r.sex not in ("M", "F"):
            continue
        counts[f"g{r.grade}_{r.sex.lower()}"] += 1
        if r.language:
            langs[r.language] += 1
    total = sum(counts.values())
    out = {k: str(v) for k, v in counts.items()}
    out["pupils_total"] = str(total)
    if sum(langs.values()) == total and total:
        out["lang_kk"] = str(langs.get("kk", 0))
        out["lang_ru"] = str(langs.get("ru", 0))
        out["lang_other"] = str(total - langs.get("kk", 0) - langs.get("ru", 0))
    return out


def form_fill(
    *, ret: Return, values: dict[str, str], actor: Any = None, via: str
) -> services.SaveResult:
    """Put figures read from an export into a form still being filled (never a locked one)."""
    entries = {k: services.Entry(v) for k, v in values.items()}
    return services.values_save(ret=ret, entries=entries, actor=actor, via=via)


@dataclass
class PassportRow:
    line: int
    school: Institution | None
    values: dict[str, str]
    changed: dict[str, tuple[str, str]]  # element: (form, file)
    problem: str = ""


def passport_reconcile(
    *,
    source: Source,
    period_returns: QuerySet[Return],
    schools: QuerySet[Institution],
    header: list[str],
    rows: list[tuple[int, list[Any]]],
) -> list[PassportRow]:
    """Each passport row against its school's census form of the period (by BIN): the
    figures that differ from what the form holds."""
    out = []
    for line, values, unknown in passport_rows(source, header, rows):
        bin_ = values.pop("bin", "")
        values.pop("name", None)
        school = schools.filter(bin=bin_).first() if bin_ else None
        if school is None:
            out.append(
                PassportRow(line, None, values, {}, _("no school with BIN %(bin)s") % {"bin": bin_})
            )
            continue
        if unknown:
            out.append(
                PassportRow(
                    line,
                    school,
                    values,
                    {},
                    _("values not understood: %(fields)s") % {"fields": ", ".join(unknown)},
                )
            )
            continue
        ret = period_returns.filter(institution=school).first()
        stored = (
            {v.element.code: v.value for v in ret.values.select_related("element")} if ret else {}
        )
        changed = {k: (stored.get(k, ""), v) for k, v in values.items() if stored.get(k, "") != v}
        out.append(PassportRow(line, school, values, changed))
    return out
