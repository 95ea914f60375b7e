"""The personal-data policy holds on every emitting path (issue 14 point 1, ADR 0132).

Generated, not listed: the URLs come from the resolver and the API operations from the OpenAPI
schema, so a path added later is walked too — and fails the decision check below until
``accounts.privacy.EMITTING`` says which personal fields it emits.

A child with planted values (an IIN, a full name with middle name and birth date, a home address
and settlement, home coordinates, categories with evidence — one of them a disability — and a
membership of a programme for a category) is read through every path as every role. Where the
policy says masked or absent for that role, none of the field's planted values may appear in
the response (HTML, JSON, CSV, XLSX, the audit admin included). The figures of the walk are
printed (docs/reliability.md, "Privacy").
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

from keleshek.accounts import privacy
from keleshek.accounts.models import Role, User
from keleshek.accounts.privacy import EMITTING, POLICY, Field, Show
from keleshek.accounts.roles import ADDRESS_ROLES, PERSONAL_DATA_ROLES

pytestmark = pytest.mark.django_db
YEAR = 2025
ROLES = [r.value for r in Role]


# --- the decision table ---------------------------------------------------------------------


def _names(patterns: list[Any], ns: str = "", prefix: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        part = "en/" if isinstance(p.pattern, LocalePrefixPattern) else str(p.pattern)
        if isinstance(p, URLResolver):
            inner = ns
            if p.namespace:
                inner = f"{ns}:{p.namespace}" if ns else p.namespace
            yield from _names(p.url_patterns, inner, prefix + part)
        elif isinstance(p, URLPattern):
            yield (f"{ns}:{p.name}" if ns else str(p.name)), prefix + part


def _decision_key(name: str) -> str:
    return "admin:*" if name.startswith("admin:") else name


def test_every_url_and_api_operation_has_a_decision() -> None:
    from django.urls import resolve

    from keleshek.api.main import api

    names = {_decision_key(n) for n, _route in _names(get_resolver().url_patterns)}
    operations = set()
    for path in api.get_openapi_schema()["paths"]:
        url = re.sub(r"\{[^}]+\}", "1", path)
        if not url.startswith("/api/"):
            url = "/api/v1" + url
        match = resolve(url)
        operations.add(f"{match.namespace}:{match.url_name}")
    assert "api-v1:pupils" in operations
    missing = sorted((names | operations) - set(EMITTING))
    assert missing == [], f"emitting paths without a decision in accounts.privacy: {missing}"


def test_the_census_reconciliation_is_for_clear_roles_only() -> None:
    from keleshek.census.selectors import ENTRY_ROLES

    assert all(privacy.POLICY[r][Field.IIN] is Show.CLEAR for r in ENTRY_ROLES)


def test_the_policy_agrees_with_the_role_groups() -> None:
    for role in ROLES:
        row = POLICY[role]
        assert set(row) == set(Field)
        assert (row[Field.IIN] is Show.CLEAR) == (role in PERSONAL_DATA_ROLES)
        assert (row[Field.ADDRESS] is Show.CLEAR) == (role in ADDRESS_ROLES)
    assert privacy.show(None, Field.IIN) is Show.ABSENT


def test_a_personal_registry_names_the_field_of_each_personal_column() -> None:
    from keleshek.intake import registries

    for reg in registries.all_registries():
        fields = {c.personal for c in reg.columns if c.personal}
        assert bool(fields) == reg.personal, reg.name
        assert fields <= {f.value for f in Field}, reg.name


# --- the planted child ----------------------------------------------------------------------


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Any) -> dict[str, Any]:
    from keleshek.support import services
    from keleshek.support.tests import factories as f
    from keleshek.transport.models import Plan, Rider, Stop

    settings.MEDIA_ROOT = tmp_path / "media"
    # the small world lies in a test oblast: the transport pages list the configured oblast's
    # districts only (ADR 0160)
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "990000000"}
    reg = f.region()
    progs = f.programmes(reg)
    home = f.territory(
        "994010007", "settlement", reg.village.parent, name_ru="Тайный хутор", name_en="Tainy"
    )
    child = f.pupil(
        reg.village_school,
        3,
        home=home,
        last_name="Приватова",
        first_name="Секретбике",
        middle_name="Тайнықызы",
        birth_date=dt.date(2016, 3, 17),
        sex="F",
        home_address="улица Потаённая, 77",
        home_lat=50.123457,
        home_lon=82.654321,
    )
    services.category_add(
        pupil=child, category="large_family", valid_from=dt.date(2025, 1, 1), document="EVID-7731"
    )
    services.category_add(
        pupil=child,
        category="sen_disability",
        valid_from=dt.date(2025, 1, 1),
        document="DISAB-5501",
    )
    admin = f.user("regional_admin", name="p-admin")
    membership = services.membership_enrol(
        pupil=child, programme=progs["uniform"], year=YEAR, user=admin
    )
    # a stop generated for this one child stands at the child's home
    stop = Stop.objects.create(
        code="s-lone",
        name="Тайный хутор — 1",
        settlement=home,
        school=reg.village_school,
        lat=child.home_lat,
        lon=child.home_lon,
        generated=True,
    )
    Rider.objects.create(
        pupil=child,
        stop=stop,
        walk_m=0,
        school=reg.village_school,
        settlement=home,
        distance_km=12.345,
        reason="живёт в 12,3 км (Тайный хутор)",
    )
    plan = Plan.objects.create(territory=reg.district, name="p", params={"iterations": 40})
    users: dict[str, User] = {"regional_admin": admin}
    for role in ROLES:
        if role == "regional_admin":
            continue
        users[role] = f.user(
            role,
            territory_=reg.district
            if role in ("district_officer", "support_officer", "transport_coordinator")
            else None,
            institution=reg.village_school if role == "institution_operator" else None,
            name=f"p-{role}",
        )
    admin.is_superuser = True
    admin.is_staff = True
    admin.save()
    # the administrator's import with the child's row refused: the run page, its error
    # workbook and its job are the uploader's (and the administrator's) only
    from keleshek.intake.services import import_file
    from keleshek.jobs.models import Job

    sent = tmp_path / "pupils.csv"
    sent.write_text(
        "iin,last_name,first_name,middle_name,birth_date,sex,school,grade,home_settlement\n"
        f"{child.iin},{child.last_name},{child.first_name},{child.middle_name},2016-03-17,F,"
        f"{reg.village_school.bin},99,{home.kato}\n",
        encoding="utf-8",
    )
    run = import_file(registry="pupils", path=sent, user=admin, dry_run=True)
    assert run.error_file
    job = Job.objects.create(
        kind="intake.apply", params={"run": run.pk}, created_by=admin, result={"run": run.pk}
    )
    return {
        "reg": reg,
        "child": child,
        "membership": membership,
        "users": users,
        "plan": plan,
        "progs": progs,
        "run": run,
        "job": job,
    }


def markers(child: Any) -> dict[Field, list[str]]:
    b = child.birth_date
    return {
        Field.IIN: [child.iin],
        Field.NAME: [
            child.middle_name,
            child.first_name,
            b.isoformat(),
            b.strftime("%d.%m.%Y"),
            "March 17, 2016",
            "17 марта 2016",
        ],
        Field.ADDRESS: ["Потаённая", "Тайный хутор", "12,3 км", "12.3"],
        Field.HOME: ["50.1234", "50,1234", "82.6543", "82,6543"],
        Field.CATEGORIES: ["EVID-7731", "large_family"],
        Field.DISABILITY: ["DISAB-5501", "sen_disability"],
        Field.MEMBERSHIP: [],  # checked on the memberships themselves (below)
    }


PUBLIC = {"Тайный хутор", "large_family", "sen_disability"}  # words that are not personal alone


def _text(resp: Any) -> str:
    if getattr(resp, "streaming", False):
        from django.core.signals import request_finished
        from django.db import close_old_connections

        body = b"".join(resp.streaming_content)
        request_finished.disconnect(close_old_connections)
        try:
            resp.close()
        finally:
            request_finished.connect(close_old_connections)
    else:
        body = bytes(resp.content)
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            # openpyxl may write text as character references (&#1058;…): read them as text,
            # or a leak in a workbook would go unseen
            return html.unescape(
                " ".join(
                    z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
                )
            )
    if body.startswith(b"%PDF"):
        return ""  # route sheets: stops and counts (a PDF's text is compressed)
    if "json" in resp.get("Content-Type", ""):
        import json

        return json.dumps(json.loads(body), ensure_ascii=False)
    return body.decode("utf-8", "replace")


CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _urls(world: dict[str, Any]) -> list[tuple[str, str]]:
    """(decision key, concrete URL) for every GET path of the product, filled with the planted
    child's records, plus the API operations with their query parameters."""
    reg, child, m = world["reg"], world["child"], world["membership"]
    values = {
        "uid": str(child.uid),
        "kato": reg.district.kato,
        "registry": "pupils",
        "fmt": "csv",
        "code": "uniform",
        "slug": "x",
        "kind": "support",
        "institution_id": str(reg.village_school.pk),
        "plan_id": str(world["plan"].pk),
        "language": "ru",
    }
    out: list[tuple[str, str]] = []
    for name, route in _names(get_resolver().url_patterns):
        key = _decision_key(name)
        if key == "admin:*" and not route.endswith(("/change/", "/")):
            continue
        r = route.lstrip("^").rstrip("$").replace("\\Z", "")
        if "(?P" in r or "\\" in r:
            continue

        def sub(mt: re.Match[str], key: str = key) -> str:
            conv, n = mt.group("conv") or "str", mt.group("name")
            if n == "pk":
                if key.startswith("intake:"):
                    return str(world["run"].pk)
                if key.startswith("jobs:"):
                    return str(world["job"].pk)
                return str(world["plan"].pk if key == "transport:plan" else m.pk)
            if n == "object_id":
                return str(child.pk)
            if n in values:
                return values[n]
            return "1" if conv == "int" else "x"

        out.append((key, "/" + CONVERTER.sub(sub, r)))
    for fmt in ("csv", "xlsx"):
        out.append(("intake:export", f"/en/intake/export/pupils.{fmt}"))
    q = {
        "api-v1:pupils": [f"?q={child.iin}", f"?q={child.last_name}", "?limit=500"],
        "api-v1:memberships": ["?limit=500", f"?programme=uniform&year={YEAR}"],
        "support:coverage": [
            f"?programme=uniform&year={YEAR}",
            f"?programme=uniform&year={YEAR}&format=csv",
        ],
        "support:index": [f"?q={child.iin}", f"?q={child.last_name}"],
        "transport:riders": ["?nostop=1"],
        "reports:trace": [f"?programme=uniform&year={YEAR}"],
        "admin:*": [f"admin/support/pupil/?q={child.iin}", f"admin/core/auditentry/?q={child.pk}"],
    }
    for key, suffixes in q.items():
        for s in suffixes:
            if key == "admin:*":
                out.append((key, f"/en/{s}"))
            else:
                base = next(u for k, u in out if k == key)
                out.append((key, base.split("?")[0] + s))
    out.append(("api-v1:pupils", "/api/v1/support/pupils?limit=500"))
    out.append(("api-v1:pupil_detail", f"/api/v1/support/pupils/{child.uid}"))
    return out


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # WeasyPrint, for the route sheets
def test_every_emitting_path_as_every_role_leaks_nothing(world: dict[str, Any]) -> None:
    child = world["child"]
    planted = markers(child)
    uniform = world["progs"]["uniform"].code
    urls = _urls(world)
    failures: list[str] = []
    walked = checked = 0
    for role, user in world["users"].items():
        c = Client()
        c.force_login(user)
        hidden = [f for f, s in POLICY[role].items() if s is not Show.CLEAR]
        for key, url in urls:
            resp = c.get(url)
            if resp.status_code >= 500:
                failures.append(f"{role} {url}: {resp.status_code}")
                continue
            walked += 1
            if resp.status_code != 200:
                continue
            text = _text(resp)
            for field in hidden:
                if field not in EMITTING[key] and not planted[field]:
                    continue
                checked += 1
                for value in planted[field]:
                    # a settlement's name is public: personal only next to the child
                    tied = value not in PUBLIC or child.last_name in text
                    if value and value in text and tied:
                        failures.append(f"{role} {url}: {field.value} leaks ({value!r})")
                if field is Field.MEMBERSHIP and "api/v1/support/memberships" in url:
                    items = resp.json()["items"]
                    if any(i["programme"] == uniform for i in items):
                        failures.append(f"{role} {url}: a category programme's membership")
    print(
        f"\nprivacy walk: {len(urls)} paths x {len(world['users'])} roles = {walked} requests, "
        f"{checked} field checks, {len(failures)} leaks"
    )
    assert failures == [], "\n".join(failures)
    assert walked >= len(urls) * len(ROLES) // 2


def test_the_clear_roles_do_see_the_child(world: dict[str, Any]) -> None:
    """The markers are real: the roles the policy shows everything to find them."""
    child = world["child"]
    c = Client()
    c.force_login(world["users"]["regional_admin"])
    assert child.middle_name in _text(c.get(f"/en/intake/runs/{world['run'].pk}/errors.xlsx"))
    c.force_login(world["users"]["support_officer"])
    text = _text(c.get(f"/api/v1/support/pupils/{child.uid}"))
    assert child.iin in text
    assert child.middle_name in text
    text = _text(c.get("/en/intake/export/pupils.csv"))
    assert child.iin in text
    assert "Потаённая" in text
    assert "large_family" in text
    items = c.get("/api/v1/support/memberships?limit=500").json()["items"]
    assert any(i["programme"] == "uniform" for i in items)
    c.force_login(world["users"]["transport_coordinator"])
    assert "Тайный хутор" in _text(c.get(f"/en/transport/{world['reg'].district.kato}/riders/"))


def test_a_personal_export_is_audited_with_its_row_count(world: dict[str, Any]) -> None:
    from keleshek.core.models import AuditEntry

    c = Client()
    c.force_login(world["users"]["district_officer"])
    _text(c.get("/en/intake/export/pupils.csv"))
    entry = AuditEntry.objects.filter(action="export").order_by("-id").first()
    assert entry is not None
    assert entry.changes["rows"] == 1
    assert entry.changes["personal"] is True
    assert entry.changes["clear"] == []


def test_the_cli_exports_as_a_user_with_their_policy(world: dict[str, Any], tmp_path: Any) -> None:
    from django.core.management import call_command

    child = world["child"]
    for username, clear in (("p-district_officer", False), (None, True)):
        dest = tmp_path / f"{username}.csv"
        args = ["export", "pupils", str(dest)] + (["--user", username] if username else [])
        call_command(*args)
        text = dest.read_text(encoding="utf-8-sig")
        assert child.last_name in text
        assert (child.iin in text) is clear
        assert ("Потаённая" in text) is clear
        assert (child.middle_name in text) is clear
