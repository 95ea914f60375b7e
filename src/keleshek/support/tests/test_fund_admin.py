"""The fund's records in the admin (ADR 0158): read-only for every role (the services write
them); a role that reads personal data in clear sees the parent's IIN, name and card account,
and each record it opens is an audited read; a role that must not read IINs sees them masked,
and neither the child nor the category."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from keleshek.accounts.privacy import mask_iin
from keleshek.core.models import AuditEntry
from keleshek.support.models import Application, PaymentLine, Programme

from . import factories as f
from .test_fund import IBAN, PARENT, _approved

pytestmark = pytest.mark.django_db
NAME = "Ахметова Айгерим"
MODELS = (
    "application",
    "paymentline",
    "paymentregister",
    "schoolfund",
    "collegialdecision",
    "receipt",
    "fundhelp",
)


def staff(role: str, reg: f.Region) -> Client:
    user = f.user(role, territory_=reg.district)
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="support", codename__startswith="view_")
    )
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def approved(reg: f.Region, progs: dict[str, Programme]) -> Application:
    officer = f.user("support_officer", territory_=reg.district)
    app = _approved(reg, officer, 1)[0]
    Application.objects.filter(pk=app.pk).update(parent_name=NAME)
    PaymentLine.objects.filter(application=app).update(parent_name=NAME)
    app.refresh_from_db()
    return app


def test_a_role_without_iins_in_clear_sees_them_masked(
    reg: f.Region, approved: Application
) -> None:
    c = staff("district_officer", reg)
    line = PaymentLine.objects.get(application=approved)
    pupil_iin = approved.pupil.iin or ""
    for url in (
        "/ru/admin/support/application/",
        f"/ru/admin/support/application/{approved.pk}/change/",
        "/ru/admin/support/paymentline/",
        f"/ru/admin/support/paymentline/{line.pk}/change/",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        page = r.content.decode()
        assert mask_iin(PARENT) in page, url
        assert PARENT not in page, url
        assert IBAN not in page, url
        assert IBAN[-4:] in page, url  # the card account masked, its last digits shown
        assert pupil_iin not in page, url
        assert approved.pupil.first_name not in page, url  # nor the child
        assert NAME not in page, url
        assert "Ахметова А." in page, url  # the parent's name masked
        assert "asp" not in page.replace("aspect", ""), url  # nor the category
    # no search by the IIN it may not read, and nothing to change
    found = c.get("/ru/admin/support/application/", {"q": PARENT}).content.decode()
    assert approved.number not in found
    assert c.post(f"/ru/admin/support/application/{approved.pk}/change/", {}).status_code == 403
    assert not AuditEntry.objects.filter(action="read_personal").exists()


def test_a_role_that_reads_personal_data_sees_it_and_the_read_is_audited(
    reg: f.Region, approved: Application
) -> None:
    c = staff("support_officer", reg)
    page = c.get(f"/ru/admin/support/application/{approved.pk}/change/").content.decode()
    assert PARENT in page
    assert IBAN in page
    assert NAME in page
    entry = AuditEntry.objects.get(action="read_personal", object_type="support.application")
    assert entry.object_id == str(approved.pk)
    found = c.get("/ru/admin/support/application/", {"q": PARENT}).content.decode()
    assert approved.number in found
    assert c.get("/ru/admin/support/application/add/").status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_every_fund_admin_page_renders_in_scope(
    reg: f.Region, approved: Application, model: str
) -> None:
    for role in ("district_officer", "support_officer"):
        assert staff(role, reg).get(f"/ru/admin/support/{model}/").status_code == 200
    other = f.territory("995000000", "district", reg.oblast, name_ru="Другой район")
    outside = f.user("support_officer", territory_=other)
    outside.is_staff = True
    outside.save()
    outside.user_permissions.set(Permission.objects.filter(codename="view_application"))
    c = Client()
    c.force_login(outside)
    assert c.get(f"/ru/admin/support/application/{approved.pk}/change/").status_code in (302, 404)
    assert approved.number not in c.get("/ru/admin/support/application/").content.decode()


def test_masking_helpers() -> None:
    from keleshek.support.admin import mask_iban, mask_name

    assert mask_name("Ахметова Айгерим Серикқызы") == "Ахметова А."
    assert mask_iban(IBAN) == IBAN[:4] + "•" * 12 + IBAN[-4:]
    assert mask_iban("") == ""
