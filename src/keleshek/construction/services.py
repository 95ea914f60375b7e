"""Construction projects: create, fund, track progress and commission (ADR 0021).

Commissioning is the one write that changes capacity: in one transaction it creates the new
school (or enlarges the existing one), moves the overflow of the overcrowded schools the project
relieves into the new places, marks the project commissioned and writes one audit entry.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keleshek.core import audit, hooks
from keleshek.core.models import AuditEntry
from keleshek.core.schoolyear import school_year_of
from keleshek.core.services import save_audited
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear

from .models import FundingSource, Project, ProjectFunding


@transaction.atomic
def project_upsert(*, code: str, actor: Any = None, **fields: Any) -> tuple[Project, bool]:
    """Create or update a project by its code. Commissioning goes through
    ``commission_project``, never through here."""
    if fields.get("stage") == Project.Stage.COMMISSIONED:
        existing = Project.objects.filter(code=code).values_list("stage", flat=True).first()
        if existing != Project.Stage.COMMISSIONED:
            raise ValidationError(
                _("use commissioning to commission a project"), code="use_commission"
            )
    return save_audited(Project, lookup={"code": code}, values=fields, actor=actor)


@transaction.atomic
def project_set_funding(
    *,
    project: Project,
    shares: Mapping[str, Decimal],
    actor: Any = None,
) -> list[ProjectFunding]:
    """Replace the project's funding mix. Shares are fractions that must add up to exactly 1."""
    if not shares:
        raise ValidationError(_("a project needs at least one funding source"), code="empty")
    unknown = sorted(set(shares) - set(FundingSource.values))
    if unknown:
        raise ValidationError(
            _("unknown funding source: %(s)s") % {"s": ", ".join(unknown)}, code="source"
        )
    values = {k: Decimal(v) for k, v in shares.items()}
    if any(v <= 0 or v > 1 for v in values.values()):
        raise ValidationError(_("each share must be above 0 and at most 1"), code="share")
    total = sum(values.values(), Decimal(0))
    if total != 1:
        raise ValidationError(
            _("funding shares must add up to 1 (they add up to %(t)s)") % {"t": total},
            code="sum",
        )
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = {f.source: str(f.share) for f in project.funding.all()}
    project.funding.exclude(source__in=list(values)).delete()
    rows = []
    for source, share in sorted(values.items()):
        amount = (
            (project.planned_cost * share).quantize(Decimal("0.01"))
            if (project.planned_cost is not None)
            else None
        )
        row, _created = ProjectFunding.objects.update_or_create(
            project=project, source=source, defaults={"share": share, "amount": amount}
        )
        rows.append(row)
    after = {source: str(share) for source, share in sorted(values.items())}
    if before != after:
        audit.record(
            AuditEntry.Action.UPDATE,
            project,
            summary=f"funding of {project.code} set",
            changes={"funding": [before, after]},
            user=actor,
        )
    return rows


@transaction.atomic
def project_update_progress(
    *,
    project: Project,
    readiness: int,
    stage: str | None = None,
    actual_cost: Decimal | None = None,
    planned_commissioning: dt.date | None = None,
    actor: Any = None,
) -> Project:
    """Record construction progress. It cannot commission (that is ``commission_project``)
    nor change a commissioned or cancelled project."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.stage in (Project.Stage.COMMISSIONED, Project.Stage.CANCELLED):
        raise ValidationError(
            _("project %(code)s is %(stage)s: its progress can no longer change")
            % {"code": project.code, "stage": project.get_stage_display()},
            code="closed",
        )
    if not 0 <= readiness <= 100:
        raise ValidationError(_("readiness is a percentage, 0 to 100"), code="readiness")
    if stage == Project.Stage.COMMISSIONED:
        raise ValidationError(_("use commissioning to commission a project"), code="use_commission")
    if readiness < project.readiness and stage != Project.Stage.CANCELLED:
        raise ValidationError(
            _("readiness cannot go down (%(old)s%% → %(new)s%%)")
            % {"old": project.readiness, "new": readiness},
            code="readiness_down",
        )
    values: dict[str, Any] = {"readiness": readiness}
    if stage is not None:
        values["stage"] = stage
    if actual_cost is not None:
        values["actual_cost"] = actual_cost
    if planned_commissioning is not None:
        values["planned_commissioning"] = planned_commissioning
    obj, _created = save_audited(Project, lookup={"pk": project.pk}, values=values, actor=actor)
    return obj


def _apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Integers proportional to weights, adding up to total (largest remainder)."""
    s = sum(weights)
    if total <= 0 or s <= 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))[: total - sum(out)]:
        out[i] += 1
    return out


def _recompute_shifts(iy: InstitutionYear) -> None:
    iy.shifts = max(1, sum(1 for n in (iy.pupils_shift1, iy.pupils_shift2, iy.pupils_shift3) if n))
    if iy.is_three_shift and not iy.pupils_shift3:
        iy.is_three_shift = False  # relieved of its third shift; an emergency flag stays


def _move_pupils(source: InstitutionYear, target: InstitutionYear, n: int) -> None:
    """Move n pupils (the later shifts first) and their grade/sex rows from source to target."""
    left = n
    for attr in ("pupils_shift3", "pupils_shift2", "pupils_shift1"):
        take = min(left, getattr(source, attr))
        setattr(source, attr, getattr(source, attr) - take)
        left -= take
    target.pupils_shift1 += n
    _recompute_shifts(source)
    rows = list(
        Enrolment.objects.select_for_update()
        .filter(institution_id=source.institution_id, year=source.year)
        .order_by("grade", "sex")
    )
    moved = _apportion(n, [r.count for r in rows])
    existing = {
        (r.grade, r.sex): r
        for r in Enrolment.objects.select_for_update().filter(
            institution_id=target.institution_id, year=target.year
        )
    }
    changed_target = []
    for row, k in zip(rows, moved, strict=True):
        if not k:
            continue
        row.count -= k
        dest = existing.get((row.grade, row.sex))
        if dest is None:
            dest = Enrolment(
                institution_id=target.institution_id,
                year=target.year,
                grade=row.grade,
                sex=row.sex,
                count=0,
            )
            existing[(row.grade, row.sex)] = dest
        dest.count += k
        changed_target.append(dest)
    Enrolment.objects.bulk_update([r for r, k in zip(rows, moved, strict=True) if k], ["count"])
    new = [r for r in changed_target if r.pk is None]
    Enrolment.objects.bulk_create(new)
    Enrolment.objects.bulk_update([r for r in changed_target if r.pk is not None], ["count"])


def _sync_current(inst: Institution, iy: InstitutionYear) -> None:
    """An institution's current capacity, shifts and condition flags mirror its latest year."""
    latest = (
        InstitutionYear.objects.filter(institution=inst)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if latest is not None and latest > iy.year:
        return
    inst.design_capacity = iy.design_capacity
    inst.shifts = iy.shifts
    inst.is_three_shift = iy.is_three_shift
    inst.is_emergency = inst.is_emergency or iy.is_emergency  # a building's state is not moved
    inst.save(
        update_fields=["design_capacity", "shifts", "is_emergency", "is_three_shift", "updated_at"]
    )


@transaction.atomic
def commission_project(
    *,
    project: Project,
    date: dt.date,
    actor: Any = None,
    relieve: bool = True,
    maintenance_budget: Decimal | None = None,
) -> Project:
    """Commission a project on a date.

    New school: creates the school (design capacity = the project's places) with its
    InstitutionYear for the school year of ``date``; then, if ``relieve``, moves the overflow
    (pupils above design capacity) of the schools the project relieves into the new places.
    Extension or reconstruction: adds the places to the institution and to its InstitutionYear.
    Other facilities: only the project changes. Refuses a cancelled or commissioned project.
    ``maintenance_budget`` (KZT a year) is set on a new school: its support fund derives from it.
    """
    project = Project.objects.select_for_update().select_related("settlement").get(pk=project.pk)
    if project.stage == Project.Stage.CANCELLED:
        raise ValidationError(
            _("project %(code)s was cancelled and cannot be commissioned") % {"code": project.code},
            code="cancelled",
        )
    if project.stage == Project.Stage.COMMISSIONED:
        raise ValidationError(
            _("project %(code)s is already commissioned (on %(date)s)")
            % {"code": project.code, "date": project.actual_commissioning},
            code="already_commissioned",
        )
    before = audit.snapshot(project)
    year = school_year_of(date)
    effects: dict[str, Any] = {"school_year": year, "places_added": 0, "pupils_moved": {}}

    if project.kind == Project.Kind.NEW_SCHOOL:
        inst = project.institution
        if inst is None:
            inst = Institution(
                kind=Institution.Kind.SCHOOL,
                name_ru=project.name_ru,
                name_kk=project.name_kk,
                name_en=project.name_en,
                settlement=project.settlement,
                ownership=Institution.Ownership.STATE,
                grade_from=0,
                grade_to=11,
                opened_year=year,
                is_synthetic=project.is_synthetic,
            )
            effects["school_created"] = True
        inst.design_capacity = project.places
        inst.status = Institution.Status.OPERATING
        if maintenance_budget is not None:
            inst.maintenance_budget = maintenance_budget
        inst.opened_year = inst.opened_year or year
        inst.full_clean(exclude=["bin"])
        inst.save()
        iy = InstitutionYear.objects.select_for_update().filter(institution=inst, year=year).first()
        if iy is None:
            iy = InstitutionYear(institution=inst, year=year, design_capacity=project.places)
        iy.design_capacity = project.places
        effects["places_added"] = project.places
        if relieve:
            room = iy.design_capacity - iy.pupils
            for school in project.relieves.order_by("pk"):
                if room <= 0:
                    break
                source = (
                    InstitutionYear.objects.select_for_update()
                    .filter(institution=school, year=year)
                    .first()
                )
                if source is None:
                    continue
                n = min(room, source.pupils - source.design_capacity)
                if n <= 0:
                    continue
                if iy.pk is None:
                    iy.save()
                _move_pupils(source, iy, n)
                source.save()
                _sync_current(school, source)
                effects["pupils_moved"][str(school.pk)] = n
                room -= n
        _recompute_shifts(iy)
        iy.save()
        _sync_current(inst, iy)
        project.institution = inst
    elif project.kind in (Project.Kind.EXTENSION, Project.Kind.RECONSTRUCTION):
        inst = project.institution
        if inst is None:
            raise ValidationError(
                _("an extension or reconstruction needs the institution it enlarges"),
                code="no_institution",
            )
        iy = InstitutionYear.objects.select_for_update().filter(institution=inst, year=year).first()
        if iy is None:
            iy = InstitutionYear(
                institution=inst,
                year=year,
                design_capacity=inst.design_capacity,
                shifts=inst.shifts,
                is_emergency=inst.is_emergency,
                is_three_shift=inst.is_three_shift,
            )
        iy.design_capacity += project.places
        iy.save()
        _sync_current(inst, iy)
        effects["places_added"] = project.places

    project.stage = Project.Stage.COMMISSIONED
    project.readiness = 100
    project.actual_commissioning = date
    project.full_clean()
    project.save()
    changes: dict[str, Any] = {**audit.diff(before, audit.snapshot(project)), "effects": effects}
    audit.record(
        AuditEntry.Action.COMMISSION,
        project,
        summary=f"commissioned {project.code} on {date.isoformat()}: "
        f"{effects['places_added']} places",
        changes=changes,
        user=actor,
    )
    # Maintained indicators (places, deficit) are recomputed in the background after commit:
    # only what depends on the project's settlement and the schools it changed (ADR 0202).
    changed = {int(k) for k in effects.get("pupils_moved", {})}
    if project.institution_id is not None:
        changed.add(project.institution_id)
    hooks.publish_on_commit(
        hooks.RECORDS_CHANGED,
        source="construction",
        institutions=sorted(changed),
        territories=[project.settlement_id],
    )
    return project
