"""Pages of the general-education fund (issue 17): the public application and status pages
(no login, rate-limited), the school's queue, the support officer's district view, the
monthly payment registers and the akimat's АСП list. Thin: selectors read, services write."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from keleshek.accounts.roles import PERSONAL_DATA_ROLES, SUPPORT_WRITE_ROLES, role_required
from keleshek.core import audit, params
from keleshek.core.ids import IdentifierError, parse_iin
from keleshek.core.middleware import client_ip
from keleshek.institutions.selectors import current_school_year

from . import fund, selectors, services
from .models import FUND_CATEGORIES, Application, CategoryCode, PaymentLine, Pupil


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year") or current_school_year())
    except ValueError:
        return current_school_year()


def _categories() -> list[tuple[str, str]]:
    return [(c, str(CategoryCode(c).label)) for c in FUND_CATEGORIES]


def _documents() -> list[tuple[str, str, str]]:
    """Every document of the checklists: (code, label, the categories that need it)."""
    out = [(code, str(label), "") for code, label in fund.COMMON_DOCUMENTS.items()]
    for cat, docs in fund.CATEGORY_DOCUMENTS.items():
        out += [(code, str(label), str(CategoryCode(cat).label)) for code, label in docs.items()]
    return out


# --- public -------------------------------------------------------------------------------


def apply(request: HttpRequest) -> HttpResponse:
    """A parent applies for their child (no login): the child's and the parent's IIN checked,
    the category's documents and consent; rate-limited per IP."""
    form: dict[str, Any] = {"documents": []}
    errors: list[str] = []
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "").strip()
            for k in ("child_iin", "parent_name", "parent_iin", "phone", "iban", "category")
        }
        form["documents"] = request.POST.getlist("documents")
        form["consent"] = request.POST.get("consent") == "on"
        if not services.public_request_allow(ip=client_ip(request), kind="apply"):
            return render(
                request,
                "support/public_apply.html",
                {"limited": True, "categories": _categories(), "documents": _documents()},
                status=429,
            )
        pupil = None
        try:
            parse_iin(form["child_iin"])
            pupil = Pupil.objects.filter(iin=form["child_iin"]).first()
            if pupil is None:
                errors.append(
                    _(
                        "no pupil with this IIN is in a school's register: apply at the "
                        "school, it will check the records"
                    )
                )
        except IdentifierError as exc:
            errors.append(
                _("the child's IIN %(iin)s is not valid: %(reason)s")
                % {"iin": form["child_iin"], "reason": str(exc).split(": ", 1)[-1]}
            )
        if pupil is not None:
            try:
                app = services.application_submit(
                    pupil=pupil,
                    year=current_school_year(),
                    category=form["category"],
                    channel=Application.Channel.PARENT,
                    parent_name=form["parent_name"],
                    parent_iin=form["parent_iin"],
                    phone=form["phone"],
                    iban=form["iban"],
                    documents=form["documents"],
                    consent=form["consent"],
                )
                return redirect(reverse("fund:status") + f"?number={app.number}&submitted=1")
            except ValidationError as exc:
                errors.extend(exc.messages)
    return render(
        request,
        "support/public_apply.html",
        {
            "form": form,
            "errors": errors,
            "categories": _categories(),
            "documents": _documents(),
            "days": selectors.setting("SUPPORT_DECISION_WORKING_DAYS", 10),
            "minimum": selectors.min_payment(current_school_year()),
        },
        status=400 if errors else 200,
    )


def status(request: HttpRequest) -> HttpResponse:
    """The application's status by its number and the child's or the parent's IIN."""
    number = (request.POST.get("number") or request.GET.get("number") or "").strip()
    app = None
    error = ""
    if request.method == "POST":
        iin = request.POST.get("iin", "").strip()
        if not services.public_request_allow(ip=client_ip(request), kind="status"):
            return render(request, "support/public_status.html", {"limited": True}, status=429)
        app = (
            Application.objects.filter(number=number)
            .filter(Q(parent_iin=iin) | Q(pupil__iin=iin))
            .select_related("school")
            .prefetch_related("line")
            .first()
            if iin
            else None
        )
        if app is None:
            error = _("no application with this number and IIN")
    return render(
        request,
        "support/public_status.html",
        {
            "number": number,
            "app": app,
            "line": getattr(app, "line", None) if app else None,
            "error": error,
            "submitted": request.GET.get("submitted") == "1",
        },
        status=404 if error else 200,
    )


# --- the school's queue and the district view --------------------------------------------


@require_GET
@role_required(PERSONAL_DATA_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    """Applications in scope: a school sees its own queue, an officer the district's, with a
    count per school and status."""
    year = _year(request)
    state = request.GET.get("status", Application.Status.SUBMITTED)
    apps_qs = selectors.applications_for(request.user).filter(year=year)
    school = request.GET.get("school", "")
    per_school = list(
        apps_qs.values("school_id", "school__name_ru")
        .annotate(
            submitted=Count("id", filter=Q(status=Application.Status.SUBMITTED)),
            approved=Count("id", filter=Q(status=Application.Status.APPROVED)),
            refused=Count("id", filter=Q(status=Application.Status.REFUSED)),
            amount=Sum("amount", filter=Q(status=Application.Status.APPROVED)),
        )
        .order_by("school__name_ru")
    )
    shown = apps_qs.filter(status=state) if state else apps_qs
    school_id = params.integer(request.GET, "school", None, lo=1, hi=2**31 - 1)
    if school_id is not None:
        shown = shown.filter(school_id=school_id)
    rows = list(shown.select_related("pupil", "school").order_by("submitted_on", "id")[:200])
    if rows:
        audit.record(
            "read_personal",
            object_type="support.application",
            summary=f"application queue: {len(rows)} application(s)",
            changes={"applications": [a.pk for a in rows]},
        )
    today = timezone.localdate()
    return render(
        request,
        "support/queue.html",
        {
            "year": year,
            "status": state,
            "statuses": Application.Status.choices,
            "rows": rows,
            "per_school": per_school,
            "school": school,
            "today": today,
            "overdue": sum(
                1 for a in rows if a.status == Application.Status.SUBMITTED and a.decide_by < today
            ),
            "checklists": {c: fund.checklist(c) for c in FUND_CATEGORIES},
            "by_category": Counter(a.category for a in rows),
        },
    )


@require_POST
@role_required(SUPPORT_WRITE_ROLES)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    back = reverse("support:queue") + f"?year={app.year}"
    try:
        decided_on = dt.date.fromisoformat(request.POST.get("decided_on", ""))
    except ValueError:
        messages.error(request, _("enter the dates as YYYY-MM-DD"))
        return redirect(back)
    try:
        services.application_decide(
            application=app,
            approve=request.POST.get("decision") == "approve",
            decided_on=decided_on,
            minutes=request.POST.get("minutes", ""),
            reason=request.POST.get("reason", ""),
            user=request.user,
        )
        messages.success(request, _("decision recorded"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect(back)


# --- payment registers -------------------------------------------------------------------


@require_GET
@role_required(PERSONAL_DATA_ROLES)
def registers(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    regs = list(
        selectors.registers_for(request.user)
        .filter(pk__in=PaymentLine.objects.filter(application__year=year).values("register_id"))
        .select_related("school")
        .annotate(n=Count("lines"), total=Sum("lines__amount"))
        .order_by("-month", "school__name_ru")
    )
    uncovered = selectors.uncovered_payments(request.user, year=year)
    return render(
        request,
        "support/registers.html",
        {
            "year": year,
            "registers": regs,
            "uncovered": uncovered[:100],
            "n_uncovered": len(uncovered),
            "uncovered_total": sum((u.uncovered for u in uncovered), Decimal("0")),
            "today": timezone.localdate(),
        },
    )


@require_GET
@role_required(PERSONAL_DATA_ROLES)
def register_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    reg = get_object_or_404(selectors.registers_for(request.user).select_related("school"), pk=pk)
    try:
        data, name = services.register_export(register=reg, fmt=fmt, user=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("support:registers")
    ctype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp = HttpResponse(data, content_type=ctype)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@require_POST
@role_required(SUPPORT_WRITE_ROLES)
def register_paid(request: HttpRequest, pk: int) -> HttpResponse:
    reg = get_object_or_404(selectors.registers_for(request.user), pk=pk)
    try:
        paid_on = dt.date.fromisoformat(request.POST.get("paid_on", ""))
        n = services.register_mark_paid(register=reg, paid_on=paid_on, user=request.user)
        messages.success(request, _("%(n)s payment(s) marked paid") % {"n": n})
    except ValueError:
        messages.error(request, _("enter the dates as YYYY-MM-DD"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect(reverse("support:registers") + f"?year={_year(request)}")


@require_POST
@role_required(SUPPORT_WRITE_ROLES)
def receipt_add(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(
        PaymentLine.objects.filter(
            application__in=selectors.applications_for(request.user).values("pk")
        ),
        pk=pk,
    )
    try:
        services.receipt_record(
            line=line,
            kind=request.POST.get("kind", ""),
            issued_on=dt.date.fromisoformat(request.POST.get("issued_on", "")),
            amount=Decimal(request.POST.get("amount", "")),
            items=request.POST.get("items", ""),
            user=request.user,
        )
        messages.success(request, _("receipt recorded"))
    except (ValueError, InvalidOperation):
        messages.error(request, _("enter a date (YYYY-MM-DD) and an amount"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect(reverse("support:registers") + f"?year={line.application.year}")


# --- the akimat's АСП list ---------------------------------------------------------------


@role_required(SUPPORT_WRITE_ROLES)
def asp_list(request: HttpRequest) -> HttpResponse:
    """Upload the social-protection office's list: check shows the changes, import writes."""
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            list_date = dt.date.fromisoformat(request.POST.get("list_date", ""))
        except ValueError:
            list_date = timezone.localdate()
        if upload is None:
            messages.error(request, _("choose the list's file"))
        else:
            result = services.asp_list_import(
                data=upload.read(),
                filename=upload.name or "",
                list_date=list_date,
                user=request.user,
                dry_run=request.POST.get("action") != "import",
            )
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "support/asp_list.html",
        {"result": result, "today": timezone.localdate()},
        status=400 if result and result.errors else 200,
    )
