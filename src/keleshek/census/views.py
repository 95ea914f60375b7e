"""The census pages: the operator's form (online and offline), the district's review and its
page of who is late, the region's completeness, the import of figures from a file."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from keleshek.intake import files
from keleshek.intake.readers import FileRejected, open_table

from . import exports, reconcile, selectors, services
from .models import Period, Return


def _require_use(request: HttpRequest) -> None:
    if not selectors.can_use(request.user):
        raise PermissionDenied


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require_use(request)
    periods = list(selectors.open_periods())
    schools = list(selectors.schools_for(request.user)[:2])
    own = schools[0] if len(schools) == 1 else None
    rows = []
    for period in periods:
        ret = Return.objects.filter(period=period, institution=own).first() if own else None
        rows.append((period, ret))
    return render(
        request,
        "census/home.html",
        {"rows": rows, "own": own, "districts": list(selectors.districts_for(request.user))},
    )


def _sections(
    ret: Return,
    posted: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    conflicts: list[services.Conflict] | None = None,
) -> list[dict[str, Any]]:
    """The form generated from the dataset: its sections and their figures, each with the
    stored (or just posted) value, comment, version, error and conflict."""
    stored = selectors.values_of(ret) if ret.pk else {}
    clashes = {c.code: c for c in conflicts or []}
    sections: list[dict[str, Any]] = []
    for element in ret.period.dataset.elements.all():
        if not sections or sections[-1]["code"] != element.section:
            sections.append(
                {
                    "code": element.section,
                    "name": ret.period.dataset.section_name(element.section),
                    "fields": [],
                }
            )
        value = stored.get(element.code)
        sections[-1]["fields"].append(
            {
                "element": element,
                "value": (posted or {}).get(element.code, value.value if value else ""),
                "comment": value.comment if value else "",
                "version": value.version if value else 0,
                "error": (errors or {}).get(element.code, ""),
                "conflict": clashes.get(element.code),
            }
        )
    for section in sections:
        section["grid"] = _grid(section["fields"])
    return sections


def _grid(fields: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Pupils by grade and sex drawn as a table: a row per grade, a column per sex (the
    elements' names are "<grade>, <sex>"); the other figures of the section below it."""
    cells = [f for f in fields if f["element"].target.startswith("enrolment:")]
    if len(cells) < 4:
        return None
    rows: dict[str, list[dict[str, Any]]] = {}
    columns: list[str] = []
    for f in cells:
        grade, _sep, sex = f["element"].name.rpartition(", ")
        rows.setdefault(grade, []).append(f)
        if sex not in columns:
            columns.append(sex)
    if any(len(r) != len(columns) for r in rows.values()):
        return None
    return {
        "columns": columns,
        "rows": list(rows.items()),
        "rest": [f for f in fields if f not in cells],
    }


def _return(request: HttpRequest, period_id: int, institution_id: int) -> Return:
    _require_use(request)
    period = get_object_or_404(Period.objects.select_related("dataset"), pk=period_id)
    school = selectors.schools_for(request.user).filter(pk=institution_id).first()
    if school is None:
        raise Http404
    ret = Return.objects.filter(period=period, institution=school).first()
    if ret is None:
        ret = Return(period=period, institution=school)
    return ret


def _entries(request: HttpRequest, ret: Return) -> dict[str, services.Entry]:
    entries = {}
    for element in ret.period.dataset.elements.all():
        key = f"v_{element.code}"
        if key not in request.POST:
            continue
        base = request.POST.get(f"b_{element.code}", "")
        entries[element.code] = services.Entry(
            value=request.POST[key],
            comment=request.POST.get(f"c_{element.code}"),
            base_version=int(base) if base.isdigit() else None,
        )
    return entries


@never_cache
@login_required
def form(request: HttpRequest, period_id: int, institution_id: int) -> HttpResponse:
    """The school's form for a period: enter, save, see what fails, submit; the district and
    the region review it on the same page."""
    ret = _return(request, period_id, institution_id)
    errors: dict[str, str] = {}
    conflicts: list[services.Conflict] = []
    posted: dict[str, str] | None = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if ret.pk is None and action not in ("save", "submit"):
            raise Http404  # nothing to review before the school starts its form
        try:
            if action in ("save", "submit"):
                if not selectors.can_enter(request.user, ret):
                    raise PermissionDenied
                if ret.pk is None:
                    ret = services.return_for(ret.period, ret.institution)
                result = services.values_save(
                    ret=ret, entries=_entries(request, ret), actor=request.user
                )
                errors, conflicts = result.errors, result.conflicts
                if errors or conflicts:
                    posted = {k: e.value for k, e in _entries(request, ret).items()}
                    if conflicts:
                        posted.update({c.code: c.theirs for c in conflicts})
                elif action == "submit":
                    services.return_submit(ret=ret, actor=request.user)
                    messages.success(request, _("Submitted to the district."))
                    return redirect(request.path)
                else:
                    messages.success(request, _("Saved."))
                    return redirect(request.path)
            elif action in ("approve", "send_back"):
                if not selectors.can_review(request.user, ret):
                    raise PermissionDenied
                comment = request.POST.get("comment", "")
                if action == "approve":
                    services.return_approve(ret=ret, actor=request.user, comment=comment)
                    messages.success(request, _("Approved: the figures now feed the records."))
                else:
                    services.return_send_back(ret=ret, comment=comment, actor=request.user)
                    messages.success(request, _("Returned to the school."))
                return redirect(request.path)
            elif action == "accept":
                if not selectors.can_accept(request.user):
                    raise PermissionDenied
                services.return_accept(
                    ret=ret, actor=request.user, comment=request.POST.get("comment", "")
                )
                messages.success(request, _("Accepted by the region."))
                return redirect(request.path)
            elif action == "unapprove":
                if not selectors.can_unapprove(request.user, ret):
                    raise PermissionDenied
                services.return_unapprove(
                    ret=ret, reason=request.POST.get("comment", ""), actor=request.user
                )
                messages.success(request, _("Unlocked: the school may correct the figures."))
                return redirect(request.path)
            else:
                raise Http404
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            ret.refresh_from_db()
    status = 200 if not (errors or conflicts) else 400
    return render(
        request,
        "census/form.html",
        {
            "ret": ret,
            "period": ret.period,
            "school": ret.institution,
            "sections": _sections(ret, posted, errors, conflicts),
            "errors": errors,
            "conflicts": conflicts,
            "violations": services.violations(ret) if ret.pk else [],
            "missing": services.missing(ret) if ret.pk else [],
            "history": selectors.history(ret) if ret.pk else [],
            "can_enter": selectors.can_enter(request.user, ret) and not ret.is_locked,
            "can_review": selectors.can_review(request.user, ret)
            and ret.status == Return.Status.SUBMITTED,
            "can_accept": selectors.can_accept(request.user)
            and ret.status == Return.Status.APPROVED,
            "can_unapprove": ret.is_approved and selectors.can_unapprove(request.user, ret),
            "sync_url": reverse("census:sync", args=[ret.period_id, ret.institution_id]),
        },
        status=status,
    )


@require_POST
@login_required
def sync(request: HttpRequest, period_id: int, institution_id: int) -> JsonResponse:
    """The offline queue's endpoint: ``{"values": {code: {"value", "comment", "base"}}}``.
    Answers what was saved, what conflicts (both values) and what is wrong."""
    ret = _return(request, period_id, institution_id)
    if not selectors.can_enter(request.user, ret):
        raise PermissionDenied
    try:
        body = json.loads(request.body or b"{}")
        raw = body["values"]
        entries = {
            str(code): services.Entry(
                value=str(item.get("value", "")),
                comment=None if item.get("comment") is None else str(item["comment"]),
                base_version=int(item["base"]) if item.get("base") is not None else None,
            )
            for code, item in raw.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": _("not a census sync request")}, status=400)
    if ret.pk is None:
        ret = services.return_for(ret.period, ret.institution)
    try:
        result = services.values_save(ret=ret, entries=entries, actor=request.user, via="offline")
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=409)
    versions = {v.element.code: v.version for v in ret.values.select_related("element")}
    elements = {e.code: e.name for e in ret.period.dataset.elements.all()}
    return JsonResponse(
        {
            "saved": result.saved,
            "errors": result.errors,
            "conflicts": [
                {
                    "code": c.code,
                    "name": elements.get(c.code, c.code),
                    "yours": c.yours,
                    "theirs": c.theirs,
                    "version": c.version,
                    "by": c.by,
                }
                for c in result.conflicts
            ],
            "versions": versions,
            "violations": [v.rule.message for v in services.violations(ret)],
        },
        status=200,
    )


@login_required
@require_GET
def period(request: HttpRequest, period_id: int) -> HttpResponse:
    """The region's (or a district officer's) completeness and timeliness of a period."""
    _require_use(request)
    p = get_object_or_404(Period.objects.select_related("dataset"), pk=period_id)
    districts = list(selectors.districts_for(request.user))
    if len(districts) == 1:
        return redirect("census:district", period_id=p.pk, kato=districts[0].kato)
    if not districts:
        raise PermissionDenied
    total, per_district = selectors.region_completeness(p, request.user)
    return render(
        request, "census/period.html", {"period": p, "total": total, "districts": per_district}
    )


@login_required
@require_GET
def district(request: HttpRequest, period_id: int, kato: str) -> HttpResponse:
    """The district's page: every school, its status, what is missing, the rules it fails,
    who is late."""
    _require_use(request)
    p = get_object_or_404(Period.objects.select_related("dataset"), pk=period_id)
    unit = selectors.districts_for(request.user).filter(kato=kato).first()
    if unit is None:
        raise Http404
    t = selectors.tally(p, unit, selectors.schools_for(request.user))
    found = services.violations_many(p, [row.ret for row in t.rows if row.ret])
    problems = {row.school.pk: found[row.ret.pk] if row.ret else [] for row in t.rows}
    pupils = selectors.pupils_records_and_returns(p, [row.school.pk for row in t.rows])
    absent = selectors.missing_many(p, [row.ret for row in t.rows if row.ret])
    rows = [
        (
            row,
            problems[row.school.pk],
            pupils[row.school.pk],
            absent.get(row.ret.pk, []) if row.ret else [],
        )
        for row in t.rows
    ]
    return render(request, "census/district.html", {"period": p, "t": t, "rows": rows})


@login_required
def import_values(request: HttpRequest, period_id: int) -> HttpResponse:
    """Figures from a CSV or XLSX file (bin, element, value, comment): checked like the form,
    all or nothing, the rules' violations listed per school."""
    _require_use(request)
    if not selectors.can_import(request.user):
        raise PermissionDenied
    p = get_object_or_404(Period.objects.select_related("dataset"), pk=period_id)
    result = None
    problems: list[str] = []
    upload = request.FILES.get("file") if request.method == "POST" else None
    if upload is not None and not isinstance(upload, list):
        suffix = Path(upload.name or "").suffix.lower() or ".csv"
        with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                table = open_table(Path(tmp.name))
                header = [h.strip().lower() for h in table.header]
                missing = [h for h in ("bin", "element", "value") if h not in header]
                if missing:
                    raise FileRejected("missing_column", header=", ".join(missing))
                rows = [
                    {
                        h: "" if c is None else str(c).strip()
                        for h, c in zip(header, cells, strict=False)
                    }
                    for _n, cells, _problem in table.rows
                ]
                table.close()
            except FileRejected as exc:
                problems.append(exc.message())
                rows = []
        if rows:
            result = services.values_import(
                period=p, rows=rows, actor=request.user, scope=selectors.schools_for(request.user)
            )
            problems.extend(result.errors)
    returns = Return.objects.in_bulk(list(result.violations)) if result else {}
    return render(
        request,
        "census/import.html",
        {
            "period": p,
            "result": result,
            "problems": problems,
            "violations": [(returns[k], v) for k, v in result.violations.items()] if result else [],
            "elements": p.dataset.elements.all(),
        },
        status=400 if problems else 200,
    )


@login_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The offline worker, served from the census's address so that it may cover its pages."""
    body = render_to_string("census/sw.js", {})
    response = HttpResponse(body, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def _read_table(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    table = open_table(path)
    try:
        header = [str(h or "").strip() for h in table.header]
        rows = [(n, list(cells)) for n, cells, _problem in table.rows]
    finally:
        table.close()
    return header, rows


def _store_upload(request: HttpRequest) -> Path:
    """The uploaded file, kept privately (0600, deleted by the intake's expiry) so that the
    operator may confirm the reconciliation without sending it again."""
    upload = request.FILES.get("file")
    if upload is None or isinstance(upload, list):
        raise FileRejected("empty")
    suffix = Path(upload.name or "").suffix.lower()
    suffix = suffix if suffix in (".csv", ".xlsx", ".xlsm") else ".csv"
    path = files.private_dir("uploads") / f"census-{secrets.token_hex(16)}{suffix}"
    with files.create_private(path) as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


PENDING = "census_pupil_lists"  # session: {token: [period, school, source, file name]}


def _pending(request: HttpRequest, token: str, ret: Return) -> tuple[str, Path] | None:
    entry = request.session.get(PENDING, {}).get(token)
    if not entry or entry[:2] != [ret.period_id, ret.institution_id]:
        return None
    path = files.private_dir("uploads") / entry[3]
    return (entry[2], path) if path.is_file() else None


def _forget(request: HttpRequest, token: str) -> None:
    pending = dict(request.session.get(PENDING, {}))
    entry = pending.pop(token, None)
    if entry:
        files.discard(files.private_dir("uploads") / entry[3])
    request.session[PENDING] = pending


@login_required
def exports_in(request: HttpRequest, period_id: int, institution_id: int) -> HttpResponse:
    """A school's NOBD pupil list, NOBD passport or Kündelik class roster: the reconciliation
    with the registry (new, changed, missing, conflicting) and, on request, the form's figures
    filled from it."""
    from django.utils.translation import get_language

    ret = _return(request, period_id, institution_id)
    if not selectors.can_enter(request.user, ret):
        raise PermissionDenied  # pupils' names and IINs: the school's operator and the region
    sources = exports.load()
    lang = get_language() or "ru"
    context: dict[str, Any] = {
        "ret": ret,
        "period": ret.period,
        "school": ret.institution,
        "sources": [(s.code, s.name(lang)) for s in sources.values()],
        "problems": [],
    }
    if request.method == "POST" and request.POST.get("action") == "apply":
        return _apply(request, ret, sources, context)
    if request.method == "POST":
        source = sources.get(request.POST.get("source", ""))
        if source is None:
            raise Http404
        context["source"] = source.code
        path: Path | None = None
        try:
            path = _store_upload(request)
            header, rows = _read_table(path)
        except FileRejected as exc:
            if path is not None:
                files.discard(path)
            context["problems"].append(exc.message())
            return render(request, "census/exports.html", context, status=400)
        keep = False
        if not source.header_map(header):
            files.discard(path)
            context["problems"].append(
                _("none of the columns of %(source)s was found in the file")
                % {"source": source.name(lang)}
            )
            return render(request, "census/exports.html", context, status=400)
        fill = request.POST.get("fill") == "1"
        if source.kind == "pupils":
            report = reconcile.pupils_reconcile(
                source=source, school=ret.institution, header=header, rows=rows
            )
            context["report"] = report
            values = reconcile.pupil_counts(report.usable)
            if report.new or report.changed or report.missing:
                # kept for the confirmation: applying it to the registry (ADR 0185)
                token = secrets.token_hex(8)
                pending = dict(request.session.get(PENDING, {}))
                pending[token] = [ret.period_id, ret.institution_id, source.code, path.name]
                request.session[PENDING] = pending
                context.update(
                    token=token,
                    digest=reconcile.pupils_digest(report),
                    left_on=timezone.localdate().isoformat(),
                )
                keep = True
        else:
            passport = reconcile.passport_reconcile(
                source=source,
                period_returns=Return.objects.filter(period=ret.period),
                schools=selectors.schools_for(request.user),
                header=header,
                rows=rows,
            )
            mine = [p for p in passport if p.school == ret.institution]
            context["passport"] = mine
            context["problems"].extend(
                _("row %(n)s: %(msg)s") % {"n": p.line, "msg": p.problem}
                for p in passport
                if p.problem and (p.school is None or p.school == ret.institution)
            )
            values = mine[0].values if mine and not mine[0].problem else {}
        if fill and values:
            if ret.pk is None:
                ret = services.return_for(ret.period, ret.institution)
            try:
                result = reconcile.form_fill(
                    ret=ret, values=values, actor=request.user, via=source.code
                )
            except ValidationError as exc:
                context["problems"].extend(exc.messages)
            else:
                context["filled"] = len(result.saved)
        if not keep:
            files.discard(path)
    return render(request, "census/exports.html", context)


def _apply(
    request: HttpRequest, ret: Return, sources: dict[str, Any], context: dict[str, Any]
) -> HttpResponse:
    """The operator confirms the reconciliation they saw: it is compared again with the
    registry and, unchanged, applied through the pupil services."""
    token = request.POST.get("token", "")
    found = _pending(request, token, ret)
    if found is None or found[0] not in sources:
        context["problems"].append(_("The compared file is no longer here: upload it again."))
        return render(request, "census/exports.html", context, status=400)
    source = sources[found[0]]
    context["source"] = source.code
    try:
        left_on = dt.date.fromisoformat(request.POST.get("left_on", ""))
    except ValueError:
        left_on = None
    header, rows = _read_table(found[1])
    report = reconcile.pupils_reconcile(
        source=source, school=ret.institution, header=header, rows=rows
    )
    context["report"] = report
    if reconcile.pupils_digest(report) != request.POST.get("digest"):
        context["problems"].append(
            _("The registry changed since the comparison: compare the file again.")
        )
        _forget(request, token)
        return render(request, "census/exports.html", context, status=409)
    if left_on is None:
        context["problems"].append(_("Give the date the missing pupils left the school."))
        context.update(token=token, digest=request.POST.get("digest"), left_on="")
        return render(request, "census/exports.html", context, status=400)
    try:
        applied = reconcile.pupils_apply(
            report=report,
            school=ret.institution,
            left_on=left_on,
            actor=request.user,
            via=source.code,
        )
    except reconcile.ApplyRefused as exc:
        context["problems"].append(_("Nothing was applied to the registry:"))
        context["problems"].extend(exc.messages)
        _forget(request, token)
        return render(request, "census/exports.html", context, status=400)
    _forget(request, token)
    context["applied"] = applied
    context["report"] = None
    return render(request, "census/exports.html", context)
