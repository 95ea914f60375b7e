"""Who may do what: role groups and small helpers used by every app's views and API.

Row-level scope (which records) lives in ``keleshek.core.scoping``; this module answers
which *kinds* of pages and which *fields* a role may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Role

F = TypeVar("F", bound=Callable[..., HttpResponse])

STAFF_ROLES = frozenset(r.value for r in Role)
# Roles that need a child's personal data (IIN, categories, disability, address) to do their job.
PERSONAL_DATA_ROLES = frozenset(
    {Role.REGIONAL_ADMIN, Role.SUPPORT_OFFICER, Role.INSTITUTION_OPERATOR}
)
# Roles that see a child's home address and coordinates (routing) but not IIN or categories.
ADDRESS_ROLES = PERSONAL_DATA_ROLES | {Role.TRANSPORT_COORDINATOR}
# Roles that may change support data (memberships, deliveries, categories, rules).
SUPPORT_WRITE_ROLES = frozenset(
    {Role.REGIONAL_ADMIN, Role.SUPPORT_OFFICER, Role.INSTITUTION_OPERATOR}
)
# Roles that may open the support pages at all (coverage is counts for the others).
SUPPORT_READ_ROLES = SUPPORT_WRITE_ROLES | {
    Role.REGIONAL_ANALYST,
    Role.DISTRICT_OFFICER,
    Role.AUDITOR,
    Role.TRANSPORT_COORDINATOR,
}
# Only these may edit a programme's eligibility rule.
RULE_EDIT_ROLES = frozenset({Role.REGIONAL_ADMIN, Role.SUPPORT_OFFICER})
READ_ONLY_ROLES = frozenset({Role.AUDITOR, Role.REGIONAL_ANALYST})


def role_of(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if getattr(user, "is_superuser", False):
        return Role.REGIONAL_ADMIN.value
    return str(getattr(user, "role", "") or "")


def has_role(user: Any, roles: Iterable[str]) -> bool:
    return role_of(user) in {str(r) for r in roles}


def sees_personal_data(user: Any) -> bool:
    return has_role(user, PERSONAL_DATA_ROLES)


def sees_address(user: Any) -> bool:
    return has_role(user, ADDRESS_ROLES)


def can_write_support(user: Any) -> bool:
    return has_role(user, SUPPORT_WRITE_ROLES)


def role_required(roles: Iterable[str]) -> Callable[[F], F]:
    """View decorator: anonymous users go to the login page, other roles get 403."""
    allowed = frozenset(str(r) for r in roles)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(user) not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def mask_iin(iin: str | None) -> str:
    from .privacy import mask_iin as mask

    return mask(iin)
