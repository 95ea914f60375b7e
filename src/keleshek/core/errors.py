"""The site's own error pages (400, 403, 404, 500, 503 and a refused form), in the site's frame
and the visitor's language (ADR 0092).

The language comes from the URL prefix (/ru/, /kk/, /en/); a URL without one (/static/…, a
typo) falls back to the language cookie, then the browser's Accept-Language, then Russian.
Pages for 500 and 503 are drawn without touching the database (no user, no session, no
messages): the database may be why they are shown. Under /api/ the answer is JSON, as the API's
own errors are.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TITLES: dict[int, Promise] = {
    400: _("The request could not be understood"),
    403: _("You do not have access to this page"),
    404: _("Page not found"),
    500: _("Something went wrong on our side"),
    503: _("The database is temporarily unavailable"),
}
EXPLANATIONS: dict[int, Promise] = {
    400: _(
        "The address or the form contains something the site cannot read. Check the address, "
        "or go back and try again."
    ),
    403: _(
        "Your role does not include this page. If you need it for your work, ask the "
        "regional administrator to extend your access."
    ),
    404: _("There is no page at this address. It may have moved, or the address has a typo."),
    500: _(
        "The error has been recorded and nothing was changed. Please try again in a few "
        "minutes; if it happens again, tell the regional administrator."
    ),
    503: _("Nothing was changed. Please try again in a minute."),
}
CSRF_TITLE = _("The form could not be sent")
CSRF_EXPLANATION = _(
    "The form could not be sent: its security token has expired or cookies are blocked in "
    "your browser. Go back, reload the page and send the form again."
)
API_DETAILS = {  # as the API's own answers say them ({"detail": "Not Found"})
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def visitor_language(request: HttpRequest) -> str:
    """The language of the URL's prefix, else the cookie's, the browser's, or the default."""
    from_path = translation.get_language_from_path(request.path_info)
    if from_path:
        return from_path
    return translation.get_language_from_request(request, check_path=False)


def _has_language_prefix(request: HttpRequest) -> bool:
    return translation.get_language_from_path(request.path_info) is not None


def error_response(
    request: HttpRequest,
    status: int,
    *,
    safe: bool = False,
    title: Any = None,
    explanation: Any = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The error page for ``status``. ``safe``: draw it without the database."""
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": API_DETAILS[status]}, status=status)
    else:
        with translation.override(visitor_language(request)):
            context = {
                "status": status,
                "title": title or TITLES[status],
                "explanation": explanation or EXPLANATIONS[status],
                # The language switcher keeps the rest of the address only after a prefix.
                "lang_rest": None if _has_language_prefix(request) else "/",
                "login_url": resolve_url(settings.LOGIN_URL),
            }
            if safe:
                # No context processors: `user` and `messages` would read the session.
                body = render_to_string("core/error.html", {**context, "request": request})
                response = HttpResponse(body, status=status)
            else:
                response = render(request, "core/error.html", context, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A translated reason given by the code (a lazy string: core.params) is shown.
    reason = exception.args[0] if exception is not None and exception.args else None
    return error_response(request, 400, explanation=reason if isinstance(reason, Promise) else None)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A translated reason given by the code (a lazy string) is shown; other text is internal.
    reason = exception.args[0] if exception is not None and exception.args else None
    return error_response(request, 403, explanation=reason if isinstance(reason, Promise) else None)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500, safe=True)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a refused form, said in words a user can act on."""
    return error_response(request, 403, title=CSRF_TITLE, explanation=CSRF_EXPLANATION)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    return error_response(request, 503, safe=True, headers={"Retry-After": "30"})
