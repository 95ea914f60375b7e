"""The site's URLs plus views that fail in each way an error page answers (test_errors.py)."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from keleshek.urls import handler400, handler403, handler404, handler500  # noqa: F401
from keleshek.urls import urlpatterns as site


def refused(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def refused_with_reason(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(_("This record is outside your scope."))


def refused_with_internal_text(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("role check failed in module x")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a tampered parameter")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    *i18n_patterns(
        path("test-errors/refused/", refused),
        path("test-errors/refused-reason/", refused_with_reason),
        path("test-errors/refused-internal/", refused_with_internal_text),
        path("test-errors/suspicious/", suspicious),
        path("test-errors/broken/", broken),
        path("test-errors/database-down/", database_down),
        prefix_default_language=True,
    ),
    *site,
]
