"""The audit log for auditors and administrators (ADR 0141): filter by user, action, object and
date; a page at a time; export as CSV or XLSX through the project's writer (core.spreadsheets),
the export itself audited. Read-only: GET only, and nothing here changes an entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from keleshek.accounts import privacy
from keleshek.accounts.access import module_required
from keleshek.core import audit, spreadsheets
from keleshek.core.models import AuditEntry

PER_PAGE = 50
EXPORT_LIMIT = 100_000  # rows in one export; narrow the filter for more


def object_type_label(label: str) -> str:
    """``support.pupil`` → "pupil" (the model's name in the page's language)."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    object_type = forms.ChoiceField(label=gettext_lazy("Object"), required=False)
    object_id = forms.CharField(label=gettext_lazy("Object number"), required=False, max_length=100)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["action"].choices = everything + list(AuditEntry.Action.choices)  # type: ignore[attr-defined]
        types = sorted(
            ((t, object_type_label(t)) for t in audit.object_types()), key=lambda x: x[1]
        )
        self.fields["object_type"].choices = everything + types  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The first day comes after the last."))
        return data

    def audit_filter(self) -> audit.AuditFilter:
        d = self.cleaned_data
        return audit.AuditFilter(
            user=d.get("user") or "",
            action=d.get("action") or "",
            object_type=d.get("object_type") or "",
            object_id=d.get("object_id") or "",
            since=d.get("since"),
            until=d.get("until"),
        )


def _form(request: HttpRequest) -> AuditFilterForm:
    return AuditFilterForm(request.GET or None)


# Entries about a child: their summaries may carry the child's name (a search typed by name, an
# admin edit naming the record), which no pattern can mask.
PERSONAL_TYPES = ("support.", "transport.rider")


def sees_all(user: Any) -> bool:
    """Does the personal-data policy show ``user`` every field in clear (ADR 0132)?"""
    return len(privacy.clear_fields(user)) == len(privacy.Field)


def _summary(user: Any, e: AuditEntry) -> str:
    """The summary as the privacy policy lets ``user`` read it (ADR 0132): about a child, whole
    only for roles that read every personal field in clear, otherwise hidden; elsewhere an IIN
    searched for masked and a child's category not named."""
    from keleshek.support.models import CategoryCode

    if e.object_type.startswith(PERSONAL_TYPES) and not sees_all(user):
        return _("(personal data: hidden for your role)")
    return privacy.redact(user, e.summary, categories=CategoryCode.values)


def _row(e: AuditEntry, user: Any = None) -> list[str]:
    return [
        formats.date_format(timezone.localtime(e.at), "Y-m-d H:i:s"),
        e.actor_name,
        str(e.get_action_display()),
        object_type_label(e.object_type) if e.object_type else "",
        e.object_id,
        _summary(user, e),
        e.ip or "",
    ]


def _type_label(e: AuditEntry) -> str:
    return object_type_label(e.object_type) if e.object_type else ""


def _header() -> list[str]:
    return [
        _("When"),
        _("User"),
        _("Action"),
        _("Object"),
        _("Object number"),
        _("Summary"),
        _("IP address"),
    ]


@module_required("audit")
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    valid = form.is_bound and form.is_valid()
    if form.is_bound and not valid:
        qs = AuditEntry.objects.none()
    else:
        qs = audit.entries(form.audit_filter() if valid else audit.AuditFilter())
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (
                    e,
                    object_type_label(e.object_type) if e.object_type else "",
                    _summary(request.user, e),
                )
                for e in page
            ],
            "query": query.urlencode(),
        },
        status=400 if form.is_bound and not valid else 200,
    )


@module_required("audit")
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return log(request)
    f = form.audit_filter() if form.is_bound else audit.AuditFilter()
    entries = list(audit.entries(f)[:EXPORT_LIMIT])
    audit.record(
        AuditEntry.Action.EXPORT,
        object_type="core.auditentry",
        summary=f"audit log export ({fmt}): {len(entries)} entries",
        changes={k: v for k, v in vars(f).items() if v},
        user=request.user,
    )
    name = f"audit-log-{timezone.localdate():%Y-%m-%d}.{fmt}"
    rows = (_row(e, request.user) for e in entries)
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            spreadsheets.csv_stream(_header(), rows), content_type=spreadsheets.CSV_TYPE
        )
    else:
        body = spreadsheets.xlsx_bytes(_header(), rows, title=_("Audit log"))
        response = HttpResponse(body, content_type=spreadsheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
