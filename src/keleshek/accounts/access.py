"""Which staff modules a role may use, in one table: the views check it, the staff menu is
drawn from it, and every role's start page is named in it (ADR 0140).

Row-level scope (which records inside a module) stays in ``keleshek.core.scoping``; field
masking stays in ``keleshek.accounts.roles``. This table answers only "may this user open this
module at all", so a menu never offers a page that answers 403 and never hides one that
answers 200.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from keleshek.core.scoping import scope_for

from .models import Role
from .roles import PERSONAL_DATA_ROLES, STAFF_ROLES, SUPPORT_READ_ROLES, role_of

F = TypeVar("F", bound=Callable[..., HttpResponseBase])

A, N, D = Role.REGIONAL_ADMIN, Role.REGIONAL_ANALYST, Role.DISTRICT_OFFICER
OP, S, T = Role.INSTITUTION_OPERATOR, Role.SUPPORT_OFFICER, Role.TRANSPORT_COORDINATOR
U, INT = Role.AUDITOR, Role.INTEGRATOR


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise
    url_name: str  # the module's entry page (no arguments)
    roles: frozenset[str]
    scoped: bool = True  # a role without a territory or institution gets nothing
    in_menu: bool = True  # False: a sub-page, reached from its module's own navigation
    django_admin: bool = False  # the admin site: staff with something to edit there


def _roles(*roles: str) -> frozenset[str]:
    return frozenset(str(r) for r in roles)


# Territory planning pages: every role with a territory (an operator has only a school).
PLANNERS = frozenset(str(r) for r in (A, N, D, S, T, U, INT))

# The table. Order is the menu's order.
MODULES: tuple[Module, ...] = (
    Module("dashboards", _("Dashboard"), "staff:home", _roles(*STAFF_ROLES)),
    Module("capacity", _("Capacity planning"), "staff:capacity_home", PLANNERS),
    Module("labour", _("Labour-market match"), "staff:labour_home", PLANNERS),
    Module("indicators", _("Indicator definitions"), "staff:definitions", _roles(*STAFF_ROLES)),
    Module("find_child", _("Find a child"), "support:index", _roles(*PERSONAL_DATA_ROLES)),
    Module("coverage", _("Support coverage"), "support:coverage", _roles(*SUPPORT_READ_ROLES)),
    Module(
        "duplicates",
        _("Duplicate review"),
        "support:duplicates",
        _roles(*PERSONAL_DATA_ROLES),
        in_menu=False,
    ),
    Module(
        "budget", _("School funds"), "support:budget", _roles(*SUPPORT_READ_ROLES), in_menu=False
    ),
    Module("transport", _("School transport"), "transport:home", _roles(A, N, D, T, U)),
    Module("census", _("School census"), "census:home", _roles(A, N, U, D, OP)),
    Module("intake", _("Import and export"), "intake:index", _roles(*STAFF_ROLES)),
    Module("reports", _("Briefing"), "reports:briefing", _roles(*STAFF_ROLES)),
    Module("jobs", _("Background jobs"), "jobs:list", _roles(*STAFF_ROLES), scoped=False),
    Module("audit", _("Audit log"), "audit:log", _roles(A, U), scoped=False),
    Module("admin", _("Administration"), "admin:index", _roles(*STAFF_ROLES), django_admin=True),
)
BY_KEY = {m.key: m for m in MODULES}

# Where each role lands after logging in: the page of its own work.
START: dict[str, str] = {
    str(A): "staff:home",
    str(N): "staff:home",
    str(D): "staff:home",
    str(OP): "staff:home",  # the operator's home is their school's page
    str(S): "support:index",
    str(T): "transport:home",  # with START_QUERY: one district's current plan
    str(U): "audit:log",
    str(INT): "staff:home",
}


# What the start page asks its module for, beyond its entry page.
START_QUERY: dict[str, str] = {str(T): "?current=1"}


def roles_for(key: str) -> frozenset[str]:
    return BY_KEY[key].roles


def may_use(user: Any, key: str) -> bool:
    """May ``user`` open module ``key``? Unknown keys raise KeyError (a typo is a bug)."""
    module = BY_KEY[key]
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if module.django_admin:
        # The admin's own rule (active staff), narrowed to those it lets edit something.
        if not (user.is_active and getattr(user, "is_staff", False)):
            return False
        return bool(user.is_superuser or user.get_all_permissions())
    if role_of(user) not in module.roles:
        return False
    return not (module.scoped and scope_for(user).nothing)


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str | Promise
    url: str
    current: bool = False


def menu_for(user: Any) -> list[MenuItem]:
    """The staff menu: every module the user may use, in the table's order."""
    return [
        MenuItem(m.key, m.label, reverse(m.url_name))
        for m in MODULES
        if m.in_menu and may_use(user, m.key)
    ]


def start_url(user: Any) -> str:
    """The user's start page (in the active language)."""
    name = START.get(role_of(user), "staff:home")
    key = next((m.key for m in MODULES if m.url_name == name), "dashboards")
    if not may_use(user, key):
        return reverse("portal:home")
    return reverse(name) + START_QUERY.get(role_of(user), "")


def module_required(key: str) -> Callable[[F], F]:
    """View decorator: anonymous users go to the login page (keeping the language), users
    whom the table does not allow get 403."""
    BY_KEY[key]  # fail at import on a typo

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may_use(request.user, key):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def staff_menu(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``staff_menu`` for the site's frame."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_menu": []}
    items = menu_for(user)
    here = [i for i in items if request.path.startswith(i.url)]
    if here:  # the longest match: /staff/capacity/ is capacity, not the dashboard
        best = max(here, key=lambda i: len(i.url))
        items = [MenuItem(i.key, i.label, i.url, current=i is best) for i in items]
    return {"staff_menu": items}
