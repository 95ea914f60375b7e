"""The admin writes through the audited services, stays inside each user's scope, refuses
to touch the audit log, and lets nobody raise their own role. Every denied request changes
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from keleshek.accounts.models import Role, User
from keleshek.construction.models import Project
from keleshek.core import audit
from keleshek.core.models import AuditEntry
from keleshek.institutions.models import Institution

from .admin_factories import Corner, make_corner, staff_user, superuser

INLINES = {
    f"{prefix}-{key}": value
    for prefix in ("laboratories", "years")
    for key, value in (
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    )
}


def institution_form(corner: Corner, settlement_pk: int, **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "school",
        "bin": "",
        "name_ru": "Школа из админки",
        "name_kk": "",
        "name_en": "",
        "short_name": "",
        "settlement": str(settlement_pk),
        "parent": "",
        "address": "",
        "lat": "",
        "lon": "",
        "design_capacity": "500",
        "shifts": "1",
        "languages": '["kk"]',
        "grade_from": "",
        "grade_to": "",
        "ownership": "state",
        "status": "operating",
        "opened_year": "",
        "maintenance_budget": "",
        "website": "",
        "description_ru": "",
        "description_kk": "",
        "description_en": "",
        **INLINES,
    }
    data.update(overrides)
    return data


@pytest.fixture
def corner(db: Any) -> Corner:
    return make_corner()


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_audit_log_is_read_only_even_for_a_superuser(corner: Corner) -> None:
    entry = audit.record(AuditEntry.Action.UPDATE, corner.school_a, summary="a fact")
    client = login(superuser())
    base = "/en/admin/core/auditentry/"
    count = AuditEntry.objects.count()
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}add/", {"summary": "forged"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/change/", {"summary": "edited"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert bulk.status_code == 200  # the action does not exist: the list is shown again
    assert client.get(f"{base}{entry.pk}/change/").status_code == 200  # viewing is allowed
    assert AuditEntry.objects.count() == count
    entry.refresh_from_db()
    assert entry.summary == "a fact"
    assert audit.verify_chain() == []


def test_admin_save_goes_through_the_service_and_is_audited(corner: Corner) -> None:
    client = login(superuser())
    village = corner.village_a
    response = client.post(
        f"/en/admin/territory/territory/{village.pk}/change/",
        {
            "level": "settlement",
            "name_ru": "Село А (новое)",
            "name_kk": "А ауылы",
            "name_en": village.name_en,
            "parent": str(corner.district_a.pk),
            "lat": "",
            "lon": "",
            "valid_from": "",
            "valid_to": "",
            "successor": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    village.refresh_from_db()
    assert village.name_ru == "Село А (новое)"
    entry = AuditEntry.objects.filter(
        object_type="territory.territory", object_id=str(village.pk)
    ).latest("id")
    assert entry.action == "update"
    assert entry.actor_name == "test-admin-root"
    assert entry.changes["name_ru"] == ["Село А", "Село А (новое)"]
    assert entry.changes["name_kk"] == ["Село А", "А ауылы"]


def test_district_officer_sees_and_edits_only_their_district(corner: Corner) -> None:
    officer = staff_user(
        "test-officer-a",
        Role.DISTRICT_OFFICER,
        ["institutions.view_institution", "institutions.change_institution"],
        territory=corner.district_a,
    )
    client = login(officer)
    html = client.get("/en/admin/institutions/institution/?q=Школа+в+районе").content.decode()
    assert "Школа в районе А" in html
    assert "Школа в районе Б" not in html
    # Another district's school: not found for them, and a POST changes nothing.
    other = f"/en/admin/institutions/institution/{corner.school_b.pk}/change/"
    assert client.get(other).status_code == 302
    before = AuditEntry.objects.count()
    client.post(other, institution_form(corner, corner.village_b.pk, name_ru="Захвачено"))
    corner.school_b.refresh_from_db()
    assert corner.school_b.name_ru == "Школа в районе Б"
    assert AuditEntry.objects.count() == before


def test_officer_cannot_create_a_row_outside_their_scope(corner: Corner) -> None:
    officer = staff_user(
        "test-officer-add",
        Role.DISTRICT_OFFICER,
        ["institutions.view_institution", "institutions.add_institution"],
        territory=corner.district_a,
    )
    client = login(officer)
    before = (Institution.objects.count(), AuditEntry.objects.count())
    response = client.post(
        "/en/admin/institutions/institution/add/",
        institution_form(corner, corner.village_b.pk, name_ru="Чужая школа"),
    )
    assert response.status_code == 403
    assert (Institution.objects.count(), AuditEntry.objects.count()) == before
    # Inside their district the same form works, and is audited.
    response = client.post(
        "/en/admin/institutions/institution/add/",
        institution_form(corner, corner.village_a.pk, name_ru="Своя школа"),
    )
    assert response.status_code == 302
    created = Institution.objects.get(name_ru="Своя школа")
    assert AuditEntry.objects.filter(
        object_type="institutions.institution", object_id=str(created.pk), action="create"
    ).exists()


def test_user_without_permission_is_refused_and_nothing_changes(corner: Corner) -> None:
    viewer = staff_user(
        "test-viewer",
        Role.REGIONAL_ANALYST,
        ["institutions.view_institution"],
    )
    client = login(viewer)
    url = f"/en/admin/institutions/institution/{corner.school_a.pk}/change/"
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, institution_form(corner, corner.village_a.pk, name_ru="X"))
    assert response.status_code == 403
    corner.school_a.refresh_from_db()
    assert corner.school_a.name_ru == "Школа в районе А"


def test_commission_action_calls_the_service(corner: Corner) -> None:
    client = login(superuser())
    response = client.post(
        "/en/admin/construction/project/",
        {"action": "commission", "_selected_action": [corner.project.pk]},
    )
    assert response.status_code == 302
    project = Project.objects.get(pk=corner.project.pk)
    assert project.stage == Project.Stage.COMMISSIONED
    assert project.actual_commissioning is not None
    assert AuditEntry.objects.filter(
        object_type="construction.project", object_id=str(project.pk), action="commission"
    ).exists()
    # Commissioning twice is refused by the service: the admin shows the error, nothing changes.
    before = AuditEntry.objects.count()
    client.post(
        "/en/admin/construction/project/",
        {"action": "commission", "_selected_action": [project.pk]},
    )
    assert AuditEntry.objects.count() == before


def test_editing_the_stage_cannot_commission(corner: Corner) -> None:
    client = login(superuser())
    url = f"/en/admin/construction/project/{corner.project.pk}/change/"
    html = client.get(url).content.decode()
    assert "under_construction" in html
    response = client.post(url, {"stage": "commissioned", "code": corner.project.code})
    assert response.status_code == 200  # the form is shown again with errors
    corner.project.refresh_from_db()
    assert corner.project.stage == Project.Stage.UNDER_CONSTRUCTION


def test_nobody_raises_their_own_role(corner: Corner) -> None:
    operator = staff_user(
        "test-operator",
        Role.INSTITUTION_OPERATOR,
        ["accounts.view_user", "accounts.change_user"],
        institution=corner.school_a,
    )
    client = login(operator)
    url = f"/en/admin/accounts/user/{operator.pk}/change/"
    client.post(
        url,
        {
            "username": "test-operator",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "role": Role.REGIONAL_ADMIN,
            "territory": "",
            "institution": "",
        },
    )
    operator.refresh_from_db()
    assert operator.role == Role.INSTITUTION_OPERATOR
    assert operator.is_superuser is False
    assert operator.institution_id == corner.school_a.pk
