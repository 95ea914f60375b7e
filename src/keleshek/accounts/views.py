"""Login and logout with throttling; everything else is Django's own session machinery."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from keleshek.core.middleware import client_ip

from . import access, services


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts for this account from your address. "
            "Try again after %(until)s."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request else None
        until = services.login_locked_until(username=username, ip=ip)
        if until is not None:
            # Do not even check the password while locked: a correct guess must not leak.
            services.login_failure_record(username=username, ip=ip)
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"until": formats.date_format(timezone.localtime(until), "DATETIME_FORMAT")},
            )
        try:
            return super().clean()
        except forms.ValidationError:
            services.login_failure_record(username=username, ip=ip)
            raise


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        services.login_success_record(user=form.get_user(), ip=client_ip(self.request))
        return response

    def get_default_redirect_url(self) -> str:
        """No ``next``: the start page of the user's own work, in the login page's language."""
        return access.start_url(self.request.user)

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        """A ``next`` in another language (the visitor switched language on the login page)
        is followed in the login page's language."""
        return in_active_language(super().get_redirect_url())


login_view = sensitive_post_parameters("password")(csrf_protect(never_cache(LoginView.as_view())))


def in_active_language(url: str) -> str:
    """``/ru/staff/`` → ``/kk/staff/`` when Kazakh is active; other addresses unchanged."""
    if not url.startswith("/"):
        return url
    lang = translation.get_language() or ""
    current = translation.get_language_from_path(url)
    if current and lang and current != lang:
        return f"/{lang}{url[len(current) + 1 :]}"
    return url


def start(request: HttpRequest) -> HttpResponse:
    """``/<lang>/accounts/start/``: the user's start page (anonymous: the login page)."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(access.start_url(request.user))


class LogoutView(auth_views.LogoutView):
    next_page = "portal:home"  # a URL name: reversed in the page's language

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.logout_record(user=request.user, ip=client_ip(request))
        return super().post(request, *args, **kwargs)


logout_view = LogoutView.as_view()
