"""The personal-data policy, written once (ADR 0132).

Which fields of a child's record are personal, and for each role whether a path that emits
records shows them in clear, masked, or not at all. Rows outside a user's scope are absent
whatever the field (``core.scoping``); this table decides the columns of the rows that remain.

Every path that emits records — pages, the API, registry exports (web and CLI), coverage and
rider lists, route sheets, the admin, job results, error workbooks — asks :func:`show` (or one
of the helpers below) instead of testing roles itself. ``EMITTING`` names each URL of the
product with the personal fields it can emit; ``tests/test_privacy.py`` walks every URL of the
resolver and every API operation as every role and fails when a field leaves where the policy
says masked or absent, and when a URL has no entry here.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .models import Role


class Field(enum.StrEnum):
    IIN = "iin"
    NAME = "name_with_birth_date"  # full name (with middle name) together with the birth date
    ADDRESS = "address"  # home settlement, home address, distance from home to school
    HOME = "home_coordinates"
    CATEGORIES = "categories"  # support categories and their evidence
    DISABILITY = "disability"  # the category ``sen_disability`` and anything that implies it
    MEMBERSHIP = "category_membership"  # membership of a programme whose rule uses categories


class Show(enum.StrEnum):
    CLEAR = "clear"
    MASKED = "masked"  # IIN: first and last two digits; name: last name and initial, birth year
    ABSENT = "absent"


F, S = Field, Show
_CLEAR_ALL = dict.fromkeys(Field, S.CLEAR)
_AGGREGATE = {
    F.IIN: S.MASKED,
    F.NAME: S.MASKED,
    F.ADDRESS: S.ABSENT,
    F.HOME: S.ABSENT,
    F.CATEGORIES: S.ABSENT,
    F.DISABILITY: S.ABSENT,
    F.MEMBERSHIP: S.ABSENT,
}
_NOTHING = dict.fromkeys(Field, S.ABSENT)

POLICY: Mapping[str, Mapping[Field, Show]] = {
    # They decide on a child's support or keep the child's record: everything, in scope.
    Role.REGIONAL_ADMIN: _CLEAR_ALL,
    Role.SUPPORT_OFFICER: _CLEAR_ALL,
    Role.INSTITUTION_OPERATOR: _CLEAR_ALL,
    # Routes buses: where the child lives, not why the child is supported.
    Role.TRANSPORT_COORDINATOR: {**_AGGREGATE, F.ADDRESS: S.CLEAR, F.HOME: S.CLEAR},
    # Figures, oversight and machine clients: no child identifiable beyond a masked line.
    Role.REGIONAL_ANALYST: _AGGREGATE,
    Role.DISTRICT_OFFICER: _AGGREGATE,
    Role.AUDITOR: _AGGREGATE,
    Role.INTEGRATOR: _AGGREGATE,
}


def role_of(user: Any) -> str:
    from .roles import role_of as _role_of

    return _role_of(user)


def show(user: Any, field: Field) -> Show:
    """How ``field`` leaves for ``user``: a user without a known role sees nothing."""
    return POLICY.get(role_of(user), _NOTHING)[field]


def clear(user: Any, field: Field) -> bool:
    return show(user, field) is S.CLEAR


def any_clear(user: Any) -> bool:
    """Whether a read by ``user`` shows any personal field in clear (and is audited as such)."""
    return any(v is S.CLEAR for v in POLICY.get(role_of(user), _NOTHING).values())


def mask_iin(iin: str | None) -> str:
    if not iin:
        return ""
    return iin[:2] + "•" * 8 + iin[-2:]


def mask_first_name(first: str | None) -> str:
    return f"{first[0]}." if first else ""


def iin_for(user: Any, iin: str | None) -> str:
    s = show(user, F.IIN)
    return (iin or "") if s is S.CLEAR else mask_iin(iin) if s is S.MASKED else ""


def clear_fields(user: Any) -> list[str]:
    """The fields ``user`` reads in clear (for the audit entry of an export)."""
    return [f.value for f, s in POLICY.get(role_of(user), _NOTHING).items() if s is S.CLEAR]


_IIN_LIKE = re.compile(r"(?<!\d)\d{12}(?!\d)")


def redact(user: Any, text: str, *, categories: Iterable[str] = ()) -> str:
    """Free text written about records (an audit entry's summary: "search '…'", "category …")
    as ``user`` may read it: twelve-digit numbers masked as IINs and the ``categories`` codes
    hidden, unless the policy shows these fields to ``user`` in clear."""
    if not clear(user, F.IIN):
        text = _IIN_LIKE.sub(lambda m: mask_iin(m.group(0)), text)
    if not clear(user, F.CATEGORIES):
        for code in sorted(categories, key=len, reverse=True):
            text = re.sub(rf"\b{re.escape(code)}\b", "•••", text)
    return text


def category_based(rule: Any) -> bool:
    """Whether a programme's eligibility rule reads a child's categories (so membership reveals
    a category: uniforms for all of whom are in a vulnerable category, say)."""
    if isinstance(rule, dict):
        return any(k.startswith("category") or category_based(v) for k, v in rule.items())
    if isinstance(rule, list):
        return any(category_based(v) for v in rule)
    return False


# --- every emitting URL and the personal fields it can emit -----------------------------------
#
# Key: the URL's name as ``reverse`` knows it (``namespace:name``; the API: ``api-v1:<operation>``);
# the admin: ``admin:*`` (one decision for the whole site, ``support.admin`` and
# ``transport.admin`` keep personal models to the roles that read them in clear).
# Value: the personal fields the path can emit (each then shown as POLICY says), or an empty
# tuple for a path that emits no personal field.

EMITTING: Mapping[str, tuple[Field, ...]] = {
    # support: the child's page, lists, coverage (names of children not covered), the API
    "support:index": (F.IIN, F.NAME, F.CATEGORIES, F.DISABILITY),
    "support:pupil": tuple(Field),
    "support:coverage": (F.NAME, F.CATEGORIES, F.MEMBERSHIP),
    "support:duplicates": (F.IIN, F.NAME),
    "support:budget": (),
    "support:rule": (),
    "support:enrol": (),
    "support:category_add": (),
    "support:membership_state": (),
    "support:deliver": (),
    "support:duplicate_resolve": (),
    # the fund (issue 17): counts per school; the application queue names children and their
    # category; the payment registers name parents (name, IIN) for the bank; the АСП list shows
    # the IINs it could not match; the public status page shows one application to whoever
    # gives its number and the child's IIN
    "support:meals": (),
    "support:queue": (F.NAME, F.CATEGORIES, F.MEMBERSHIP),
    "support:decide": (),
    "support:registers": (F.NAME, F.IIN),
    "support:register_export": (F.NAME, F.IIN),
    "support:register_paid": (),
    "support:receipt_add": (),
    "support:asp_list": (F.IIN,),
    "fund:apply": (),
    "fund:status": (F.NAME, F.CATEGORIES),
    "api-v1:pupils": (F.IIN, F.NAME, F.ADDRESS, F.HOME, F.CATEGORIES, F.DISABILITY),
    "api-v1:pupil_detail": tuple(Field),
    "api-v1:memberships": (F.MEMBERSHIP,),
    "api-v1:coverage_view": (),
    "api-v1:fund_helped_view": (),  # counts and amounts per region, district or school
    # transport: riders (names, home settlement, distance), plans, route sheets
    "transport:riders": (F.NAME, F.ADDRESS),
    "transport:plan": (F.NAME,),
    "transport:whatif": (),
    "transport:route_sheets": (),
    "transport:home": (),
    "transport:district": (),
    "transport:assess": (),
    "transport:stops": (),
    "transport:generate": (),
    "transport:stop_new": (),
    "transport:stop_edit": (),
    "transport:fleet": (),
    "transport:vehicle_new": (),
    "transport:vehicle_edit": (),
    "transport:vehicle_available": (),
    "transport:bells": (),
    "transport:bell_edit": (),
    "transport:optimise": (),
    # transport records (ADR 0170–0172): names of children as last name and initial
    "transport:days": (F.NAME,),
    "transport:stops_map": (F.NAME, F.HOME),
    "transport:crew": (),
    "transport:driver_new": (),
    "transport:driver_edit": (),
    "transport:escort_new": (),
    "transport:escort_edit": (),
    "transport:scheme": (),
    "transport:scheme_file": (),
    "transport:roads": (),  # road networks: no child's record
    "api-v1:district_plans": (),
    "api-v1:plan_routes": (),
    # the school census: figures of schools; the NOBD/Kündelik page reconciles a pupil list
    # (names and IINs) and is open only to those who enter the school's figures
    "census:home": (),
    "census:sw": (),
    "census:period": (),
    "census:district": (),
    "census:import": (),
    "census:form": (),
    "census:sync": (),
    "census:exports": (F.IIN, F.NAME),
    # registries: exports (web; the CLI ``keleshek export`` calls the same service), templates,
    # import runs and their error workbooks (the refused rows as sent)
    "intake:export": tuple(Field),
    "intake:template": (),
    "intake:index": (),
    "intake:upload": (),
    "intake:run": tuple(Field),
    "intake:confirm": (),
    "intake:errors": tuple(Field),
    # jobs: results are counts and file links, never rows
    "jobs:list": (),
    "jobs:detail": (),
    "jobs:status": (),
    # the admin site (every model): personal models only for the roles that read them in clear
    "admin:*": tuple(Field),
    # staff dashboards, reports, accounts: aggregates only
    "staff:home": (),
    "staff:territory": (),
    "staff:institution": (),
    "staff:definitions": (),
    "staff:export": (),
    "staff:capacity_home": (),
    "staff:capacity": (),
    "staff:labour_home": (),
    "staff:labour": (),
    "reports:briefing": (),
    "reports:download": (),
    "reports:trace": (),
    "accounts:login": (),
    "accounts:logout": (),
    "accounts:start": (),
    # the audit log: summaries may name a child or carry a searched IIN (reports.audit_views
    # shows them whole only to those who read every field in clear)
    "audit:log": (F.IIN, F.NAME),
    "audit:export": (F.IIN, F.NAME),
    "support_pupil_change": tuple(Field),
    # public: the portal, open data and the anonymous API publish aggregates and institutions
    **dict.fromkeys(
        [
            "portal:home",
            "portal:catalogue",
            "portal:offering",
            "portal:institution",
            "portal:news",
            "portal:article",
            "portal:open_data",
            "portal:open_data_file",
            "set_language",
            "healthz",
            "readyz",
            "api-v1:api-root",
            "api-v1:openapi-json",
            "api-v1:openapi-view",
            "api-v1:get_article",
            "api-v1:get_institution",
            "api-v1:get_partner",
            "api-v1:get_project",
            "api-v1:get_specialty",
            "api-v1:get_territory",
            "api-v1:list_agreements",
            "api-v1:list_articles",
            "api-v1:list_definitions",
            "api-v1:list_enrolment",
            "api-v1:list_industries",
            "api-v1:list_institution_years",
            "api-v1:list_institutions",
            "api-v1:list_international_students",
            "api-v1:list_laboratories",
            "api-v1:list_labour_demand",
            "api-v1:list_offerings",
            "api-v1:list_partners",
            "api-v1:list_population",
            "api-v1:list_projects",
            "api-v1:list_specialties",
            "api-v1:list_territories",
            "api-v1:list_values",
        ],
        (),
    ),
}
