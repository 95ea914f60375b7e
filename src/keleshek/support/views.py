"""Pages for the support officer: find a child, why they qualify, record a delivery, coverage,
membership changes, the de-duplication queue, budget flags. Thin: selectors read, services write.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from keleshek.accounts.access import module_required
from keleshek.accounts.roles import (
    PERSONAL_DATA_ROLES,
    RULE_EDIT_ROLES,
    SUPPORT_WRITE_ROLES,
    role_required,
    sees_personal_data,
)
from keleshek.core import audit, params, schoolyear, spreadsheets
from keleshek.core.numbers import parse_decimal, parse_int
from keleshek.institutions.selectors import current_school_year

from . import rules, selectors, services
from .models import CategoryCode, DuplicateCandidate, MembershipState, Programme, Pupil


def _year(request: HttpRequest) -> int:
    """The school year asked for (address or form): within the data's years, the last ten
    and the next one; anything else is a 400 with a message (core.params)."""
    current = current_school_year()
    query = request.GET if "year" in request.GET else request.POST
    return params.year(query, current, years=selectors.membership_years(next_to=current))


def _pupil(request: HttpRequest, uid: str) -> Pupil:
    try:
        return (
            selectors.pupils_for(request.user)
            .select_related("school", "home_settlement", "household")
            .get(uid=uid)
        )
    except (Pupil.DoesNotExist, ValidationError):
        raise Http404 from None


@require_GET
@module_required("find_child")
def index(request: HttpRequest) -> HttpResponse:
    q = params.text(request.GET, "q", max_length=100)
    results = selectors.pupil_search(request.user, q) if q else []
    if q:
        audit.record(
            "read_personal",
            object_type="support.pupil",
            summary=f"search {q[:40]!r}: {len(results)} result(s)",
            changes={"pupils": [p.pk for p in results]},
        )
    year = _year(request)
    n_expiring, expiring = selectors.categories_to_reverify(
        request.user, as_of=selectors.as_of_for(year), limit=20
    )
    if expiring:
        audit.record(
            "read_personal",
            object_type="support.pupilcategory",
            summary=f"re-verification list: {len(expiring)} categorie(s)",
            changes={"pupils": [c.pupil_id for c in expiring]},
        )
    return render(
        request,
        "support/index.html",
        {
            "q": q,
            "results": results,
            "year": year,
            "expiring": expiring,
            "n_expiring": n_expiring,
        },
    )


@require_GET
@role_required(PERSONAL_DATA_ROLES)
def pupil_detail(request: HttpRequest, uid: str) -> HttpResponse:
    pupil = _pupil(request, uid)
    year = _year(request)
    services.pupil_read_record(pupil=pupil, user=request.user)
    statuses = selectors.pupil_programmes(pupil, year=year)
    changes = {
        s.membership.pk: list(s.membership.changes.select_related("author"))
        for s in statuses
        if s.membership
    }
    return render(
        request,
        "support/pupil.html",
        {
            "pupil": pupil,
            "year": year,
            "statuses": [
                (s, s.explanation.rows(), changes.get(s.membership.pk, []) if s.membership else [])
                for s in statuses
            ],
            "categories": pupil.categories.select_related("verified_by").order_by("valid_from"),
            "as_of": selectors.as_of_for(year),
            "states": MembershipState.choices,
            "category_choices": CategoryCode.choices,
        },
    )


@require_POST
@role_required(SUPPORT_WRITE_ROLES)
def enrol(request: HttpRequest, uid: str, code: str) -> HttpResponse:
    pupil = _pupil(request, uid)
    programme = get_object_or_404(Programme, code=code, active=True)
    year = _year(request)
    m = services.membership_enrol(
        pupil=pupil,
        programme=programme,
        year=year,
        user=request.user,
        reason=request.POST.get("reason", "").strip(),
    )
    messages.info(
        request,
        _("%(p)s: membership is now %(s)s")
        % {"p": programme.name, "s": MembershipState(m.state).label},
    )
    return redirect(reverse("support:pupil", args=[pupil.uid]) + f"?year={year}")


@require_POST
@role_required(SUPPORT_WRITE_ROLES)
def category_add(request: HttpRequest, uid: str) -> HttpResponse:
    """Record a category with its evidence; the officer who records it verified it."""
    pupil = _pupil(request, uid)
    back = reverse("support:pupil", args=[pupil.uid])
    try:
        valid_from = dt.date.fromisoformat(request.POST.get("valid_from", ""))
        raw_to = request.POST.get("valid_to", "").strip()
        valid_to = dt.date.fromisoformat(raw_to) if raw_to else None
    except ValueError:
        messages.error(request, _("enter the dates as YYYY-MM-DD"))
        return redirect(back)
    try:
        services.category_add(
            pupil=pupil,
            category=request.POST.get("category", ""),
            valid_from=valid_from,
            valid_to=valid_to,
            document=request.POST.get("document", "").strip(),
            verified_by=request.user,
        )
        messages.success(request, _("category recorded"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect(back)


@require_POST
@role_required(SUPPORT_WRITE_ROLES)
def membership_state(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(selectors.memberships_for(request.user).select_related("pupil"), pk=pk)
    try:
        services.membership_set_state(
            membership=m,
            state=request.POST.get("state", ""),
            reason=request.POST.get("reason", ""),
            user=request.user,
        )
        messages.success(request, _("membership state changed"))
    except (ValidationError, ValueError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(reverse("support:pupil", args=[m.pupil.uid]) + f"?year={m.year}")


@require_POST
@role_required(SUPPORT_WRITE_ROLES)
def delivery_add(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(
        selectors.memberships_for(request.user).select_related("pupil", "programme"), pk=pk
    )
    back = reverse("support:pupil", args=[m.pupil.uid]) + f"?year={m.year}"
    problems = []
    try:
        delivered_on = dt.date.fromisoformat(request.POST.get("delivered_on", ""))
    except ValueError:
        problems.append(_("enter the delivery date"))
    try:
        quantity = parse_int(request.POST.get("quantity") or "1")
    except ValueError:
        problems.append(_("the quantity must be a whole number"))
    raw_amount = request.POST.get("amount", "").strip()
    try:
        amount = parse_decimal(raw_amount) if raw_amount else None
    except ValueError:
        problems.append(
            _("the amount “%(v)s” is not a number (for example 32 000 or 32 000,50)")
            % {"v": raw_amount[:40]}
        )
    if problems:
        messages.error(request, "; ".join(str(p) for p in problems))
        return redirect(back)
    try:
        items_text = request.POST.get("items", "").strip()
        items = {"note": items_text} if items_text else {}
        d = services.delivery_record(
            membership=m,
            delivered_on=delivered_on,
            user=request.user,
            items=items,
            quantity=quantity,
            amount=amount,
            budget=request.POST.get("budget", "").strip(),
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect(back)
    if d.over_budget:
        messages.warning(
            request, _("recorded, but this takes the school's fund over its budget share")
        )
    else:
        messages.success(request, _("delivery recorded"))
    return redirect(back)


@require_GET
@module_required("coverage")
def coverage(request: HttpRequest) -> HttpResponse:
    programmes = selectors.active_programmes()
    code = params.text(request.GET, "programme", max_length=40) or (
        programmes[0].code if programmes else ""
    )
    by = params.text(request.GET, "by", "district", max_length=40)
    if by not in selectors.DIMENSIONS:
        by = "district"
    year = _year(request)
    programme = next((p for p in programmes if p.code == code), None)
    report = selectors.coverage(request.user, programme, year=year, by=by) if programme else None
    personal = sees_personal_data(request.user)
    names: list[tuple[Pupil, str]] = []
    if report and personal and report.not_covered:
        by_id = (
            selectors.pupils_for(request.user)
            .select_related("school")
            .in_bulk([n.pupil_id for n in report.not_covered])
        )
        names = [(by_id[n.pupil_id], n.reason) for n in report.not_covered if n.pupil_id in by_id]
        audit.record(
            "read_personal",
            object_type="support.pupil",
            summary=f"coverage list {code} {year}: {len(names)} child(ren)",
            changes={"pupils": [p.pk for p, _r in names]},
        )
    if request.GET.get("format") == "csv" and report:
        return _coverage_csv(report, names, personal)
    # days the programme did not deliver, reported by higher layers (transport, ADR 0175)
    lost = selectors.days_lost(request.user, programme, year) if programme else []
    if lost and personal:
        audit.record(
            "read_personal",
            object_type="support.pupil",
            summary=f"coverage days lost {code} {year}: {len(lost)} day(s)",
        )
    return render(
        request,
        "support/coverage.html",
        {
            "programmes": programmes,
            "programme": programme,
            "by": by,
            "dimensions": [
                ("district", _("district")),
                ("school", _("school")),
                ("category", _("category")),
                ("grade", _("grade")),
                ("sex", _("sex")),
            ],
            "year": year,
            "report": report,
            "names": names,
            "personal": personal,
            "rule_text": rules.describe(programme.rule) if programme else "",
            **_fund_help_context(request.user, programme, year=year, by=by),
            "lost": lost,
            "lost_pupil_days": sum(len(d.pupils) for d in lost),
        },
    )


def _fund_help_context(
    user: Any, programme: Programme | None, *, year: int, by: str
) -> dict[str, Any]:
    """For a programme paid from the fund: children helped and amounts paid, per district or
    school as the page is broken down (per region otherwise), and the total (ADR 0156)."""
    if programme is None or not programme.funded_by_school_fund:
        return {}
    level = by if by in ("district", "school") else "region"
    return {
        "fund_rows": selectors.fund_helped(user, year=year, by=level),
        "fund_total": selectors.fund_helped_total(user, year=year),
    }


def _coverage_csv(
    report: selectors.Coverage, names: list[tuple[Pupil, str]], personal: bool
) -> HttpResponse:
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = (
        f'attachment; filename="coverage-{report.programme.code}-{report.year}.csv"'
    )
    rows: list[list[object]] = [
        [row.label, row.eligible, row.enrolled, row.delivered, row.coverage]
        for row in [*report.rows, report.total]
    ]
    if personal:
        rows.append([])
        rows.append(["uid", "last_name", "first_name", "school", "grade", "reason"])
        rows.extend(
            [p.uid, p.last_name, p.first_name, p.school.name, p.grade, reason]
            for p, reason in names
        )
    resp.write(
        spreadsheets.csv_bytes(
            ["group", "eligible", "enrolled", "delivered", "coverage_pct"],
            rows,
            delimiter=",",
            bom=False,
        )
    )
    audit.record(
        "export",
        object_type="support.coverage",
        object_id=report.programme.code,
        summary=f"coverage CSV {report.programme.code} {report.year}"
        + (f" with {len(names)} named child(ren)" if personal else " (counts only)"),
        # every export of personal data with its row count (ADR 0132)
        changes={"rows": len(rows), "personal": bool(personal and names), "named": len(names)},
    )
    return resp


@require_GET
@module_required("duplicates")
def duplicates(request: HttpRequest) -> HttpResponse:
    status = params.choice(
        request.GET, "status", DuplicateCandidate.Status.values, DuplicateCandidate.Status.OPEN
    )
    pairs = list(
        selectors.duplicates_for(request.user)
        .filter(status=status)
        .select_related("a__school", "b__school")
        .order_by("-score", "id")[:100]
    )
    if pairs:
        audit.record(
            "read_personal",
            object_type="support.duplicatecandidate",
            summary=f"duplicate queue: {len(pairs)} pair(s)",
        )
    return render(
        request,
        "support/duplicates.html",
        {"pairs": pairs, "status": status, "statuses": DuplicateCandidate.Status.choices},
    )


@require_POST
@role_required(SUPPORT_WRITE_ROLES)
def duplicate_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(selectors.duplicates_for(request.user), pk=pk)
    try:
        services.duplicate_resolve(
            candidate=c,
            status=request.POST.get("status", ""),
            user=request.user,
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("decision recorded"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("support:duplicates")


@require_GET
@module_required("budget")
def budget(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = selectors.school_budgets(request.user, year=year)
    return render(
        request,
        "support/budget.html",
        {"rows": rows, "year": year, "share": f"{(selectors.fund_share() * 100).normalize():f}"},
    )


@require_GET
@module_required("coverage")
def meals(request: HttpRequest) -> HttpResponse:
    """Per school: children fed in a month and its cost at the daily cost per child."""
    year = _year(request)
    try:
        month = dt.date.fromisoformat((request.GET.get("month") or "") + "-01")
    except ValueError:
        month = schoolyear.lessons_begin(year)  # the first month of lessons
    rows = selectors.meals_by_school(request.user, year=year, month=month)
    return render(
        request,
        "support/meals.html",
        {
            "rows": rows,
            "year": year,
            "month": month,
            "daily_cost": selectors.meal_daily_cost(),
            "total_fed": sum(r.fed for r in rows),
            "total_cost": sum((r.cost for r in rows), Decimal("0")),
        },
    )


@role_required(RULE_EDIT_ROLES)
def programme_rule(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(Programme, code=code)
    text = json.dumps(programme.rule, ensure_ascii=False, indent=2)
    error = ""
    if request.method == "POST":
        text = request.POST.get("rule", "")
        try:
            services.programme_rule_update(
                programme=programme,
                rule=json.loads(text),
                user=request.user,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("rule saved"))
            return redirect("support:rule", code=programme.code)
        except json.JSONDecodeError as exc:
            error = _("not valid JSON: %(e)s") % {"e": exc}
        except ValidationError as exc:
            error = "; ".join(exc.messages)
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "support/rule.html",
        {
            "programme": programme,
            "text": text,
            "error": error,
            "described": rules.describe(programme.rule),
            "operators": rules.OPERATORS,
        },
        status=400 if error else 200,
    )
