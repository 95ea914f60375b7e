"""Issue 17, point 4: the public application page (no login, rate-limited, IINs checked, ru
and kk), the status page by number and IIN, the school's queue, the district view, the
registers page and the АСП list page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from keleshek.core.ids import make_iban, make_iin
from keleshek.support import services
from keleshek.support.models import Application, PaymentRegister, Programme, Pupil

from . import factories as f

pytestmark = pytest.mark.django_db
IBAN = make_iban("KZ", "722C000012345678")
PARENT = make_iin(dt.date(1988, 4, 2), "F", 4321)


def asp_child(reg: f.Region, school: Any = None) -> Pupil:
    child = f.pupil(school or reg.village_school, 6)
    services.category_add(
        pupil=child, category="asp", valid_from=dt.date(2025, 9, 1), document="справка АСП"
    )
    return child


def form(child: Pupil, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "child_iin": child.iin,
        "parent_name": "Ахметова Айгерим",
        "parent_iin": PARENT,
        "phone": "+7 777 000 00 00",
        "iban": IBAN,
        "category": "asp",
        "documents": ["application", "birth_certificate", "parent_id", "asp_certificate"],
        "consent": "on",
    }
    data.update(kw)
    return data


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_parent_applies_without_login_and_reads_the_status(
    reg: f.Region, progs: dict[str, Programme], lang: str
) -> None:
    child = asp_child(reg)
    c = Client()
    page = c.get(f"/{lang}/fund/apply/")
    assert page.status_code == 200
    assert ("ИИН ребёнка" if lang == "ru" else "Баланың ЖСН") in page.content.decode()
    resp = c.post(f"/{lang}/fund/apply/", form(child))
    assert resp.status_code == 302
    app = Application.objects.get()
    assert (app.pupil, app.channel, app.school) == (child, "parent", reg.village_school)
    assert app.number in resp["Location"]
    # the status: by number and the parent's or the child's IIN; a wrong IIN shows nothing
    wrong = c.post(f"/{lang}/fund/status/", {"number": app.number, "iin": PARENT[::-1]})
    assert wrong.status_code == 404
    assert "Ахметова" not in wrong.content.decode()
    for iin in (PARENT, child.iin):
        ok = c.post(f"/{lang}/fund/status/", {"number": app.number, "iin": iin})
        assert ok.status_code == 200
        assert ("подано" if lang == "ru" else "берілді") in ok.content.decode()


def test_bad_iins_are_refused_in_the_parents_language(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    child = asp_child(reg)
    c = Client()
    bad_child = c.post("/ru/fund/apply/", form(child, child_iin="123456789012"))
    assert bad_child.status_code == 400
    assert "ИИН ребёнка 123456789012 неверен" in bad_child.content.decode()
    bad_parent = c.post("/kk/fund/apply/", form(child, parent_iin="123456789012"))
    assert "ата-ананың ЖСН 123456789012 жарамсыз" in bad_parent.content.decode()
    unknown = c.post(
        "/ru/fund/apply/", form(child, child_iin=make_iin(dt.date(2015, 1, 1), "M", 5555))
    )
    assert "обратитесь в школу" in unknown.content.decode()
    no_consent = form(child)
    del no_consent["consent"]
    assert "согласие" in c.post("/ru/fund/apply/", no_consent).content.decode()
    assert not Application.objects.exists()


def test_public_pages_are_rate_limited(
    reg: f.Region, progs: dict[str, Programme], settings: Any
) -> None:
    settings.KELESHEK = {**settings.KELESHEK, "SUPPORT_PUBLIC_PER_HOUR": 2}
    child = asp_child(reg)
    c = Client(REMOTE_ADDR="10.0.0.9")
    codes = [
        c.post("/ru/fund/status/", {"number": "2025-000001", "iin": PARENT}).status_code
        for _ in range(3)
    ]
    assert codes == [404, 404, 429]
    # another address is not limited; the apply page counts on its own
    assert (
        Client(REMOTE_ADDR="10.0.0.10")
        .post("/ru/fund/status/", {"number": "x", "iin": PARENT})
        .status_code
        == 404
    )
    assert c.post("/ru/fund/apply/", form(child)).status_code == 302


def test_the_school_works_its_queue_and_the_officer_exports_the_register(
    reg: f.Region, progs: dict[str, Programme]
) -> None:
    a = services.application_submit(
        pupil=asp_child(reg),
        year=2025,
        category="asp",
        channel="parent",
        parent_name="Родитель А",
        parent_iin=PARENT,
        iban=IBAN,
        documents=["application", "birth_certificate", "parent_id", "asp_certificate"],
        consent=True,
        submitted_on=dt.date(2025, 9, 5),
    )
    b = services.application_submit(
        pupil=asp_child(reg),
        year=2025,
        category="asp",
        channel="school",
        parent_name="Родитель Б",
        parent_iin=PARENT,
        iban=IBAN,
        documents=["application", "birth_certificate", "parent_id", "asp_certificate"],
        consent=True,
        submitted_on=dt.date(2025, 9, 5),
    )
    other = services.application_submit(
        pupil=asp_child(reg, reg.uk_school),
        year=2025,
        category="asp",
        channel="parent",
        parent_name="Чужой",
        parent_iin=PARENT,
        iban=IBAN,
        documents=["application", "birth_certificate", "parent_id", "asp_certificate"],
        consent=True,
        submitted_on=dt.date(2025, 9, 5),
    )
    school = Client()
    school.force_login(f.user("institution_operator", institution=reg.village_school))
    page = school.get("/ru/support/applications/", {"year": 2025})
    body = page.content.decode()
    assert a.number in body
    assert b.number in body
    assert other.number not in body
    assert school.post(f"/ru/support/applications/{other.pk}/decide/", {}).status_code == 404
    school.post(
        f"/ru/support/applications/{a.pk}/decide/",
        {"decided_on": "2025-09-15", "minutes": "3", "decision": "approve"},
    )
    school.post(
        f"/ru/support/applications/{b.pk}/decide/",
        {
            "decided_on": "2025-09-15",
            "minutes": "3",
            "decision": "refuse",
            "reason": "документы не подтверждают категорию",
        },
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status, b.refusal_reason) == (
        "approved",
        "refused",
        "документы не подтверждают категорию",
    )
    status = Client().post("/kk/fund/status/", {"number": b.number, "iin": PARENT})
    assert "документы не подтверждают категорию" in status.content.decode()
    # the district view: per school, both schools of the officer's oblast
    officer = Client()
    officer.force_login(f.user("support_officer", territory_=reg.oblast))
    view = officer.get("/ru/support/applications/", {"year": 2025, "status": ""})
    per = {
        r["school__name_ru"]: (r["submitted"], r["approved"], r["refused"])
        for r in view.context["per_school"]
    }
    assert per == {reg.village_school.name_ru: (0, 1, 1), reg.uk_school.name_ru: (1, 0, 0)}
    reg_page = officer.get("/ru/support/registers/", {"year": 2025})
    register = PaymentRegister.objects.get()
    assert reg_page.context["registers"] == [register]
    export = officer.get(f"/ru/support/registers/{register.pk}/export.csv")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode()), delimiter=";"))
    assert [r[1:5] for r in rows[1:]] == [["Родитель А", PARENT, IBAN, "46228.00"]]
    paid = officer.post(f"/ru/support/registers/{register.pk}/paid/", {"paid_on": "2025-09-25"})
    assert paid.status_code == 302
    register.refresh_from_db()
    assert register.paid_on == dt.date(2025, 9, 25)


def test_the_asp_list_page_checks_then_imports(reg: f.Region, progs: dict[str, Programme]) -> None:
    child = f.pupil(reg.village_school, 3)
    c = Client()
    c.force_login(f.user("support_officer", territory_=reg.district))
    data = f"ИИН;Дата начала;Дата окончания\n{child.iin};2025-09-01;\n".encode()
    check = c.post(
        "/ru/support/asp-list/",
        {"file": SimpleUploadedFile("asp.csv", data), "list_date": "2025-09-20", "action": "check"},
    )
    assert check.context["result"].new == [child.iin]
    assert not child.categories.exists()
    c.post(
        "/ru/support/asp-list/",
        {
            "file": SimpleUploadedFile("asp.csv", data),
            "list_date": "2025-09-20",
            "action": "import",
        },
    )
    assert child.categories.get().source == "akimat"
    bad = c.post(
        "/ru/support/asp-list/",
        {
            "file": SimpleUploadedFile("asp.csv", b"IIN;valid_from\n1;2025-09-01\n"),
            "list_date": "2025-09-20",
            "action": "import",
        },
    )
    assert bad.status_code == 400
    assert "ничего не записано" in bad.content.decode()
