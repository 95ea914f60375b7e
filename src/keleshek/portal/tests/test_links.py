"""Stored links: http and https only, on every write and every rendering (ADR 0137)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from keleshek.core.links import validate_web_link, web_link
from keleshek.institutions.models import Institution
from keleshek.intake.services import import_file
from keleshek.intake.tests.factories import bin_for, csv_bytes, write
from keleshek.intake.tests.factories import world as intake_world
from keleshek.partnerships.models import Partner

from . import factories as pf

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\tjava\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript://school.kz/%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    " VBScript:msgbox(1)",
    "javascript&#58;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&colon;alert(1)",
    "javascript&amp;#58;alert(1)",
    "http&#58;//school.kz",
    "\x00javascript:alert(1)",
    "\u200bjavascript:alert(1)",
    "ftp://school.kz/",
    "//evil.example/",
    "school.kz",
    "https://",
]
GOOD = [
    "https://school.kz",
    "http://school.kz/about?a=1&b=2",
    "HTTPS://School.KZ/",
    " https://x.kz ",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_links_are_refused(value: str) -> None:
    assert web_link(value) is None
    with pytest.raises(ValidationError):
        validate_web_link(value)


@pytest.mark.parametrize("value", GOOD)
def test_http_and_https_pass(value: str) -> None:
    assert web_link(value) == value.strip()
    validate_web_link(value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE[:12])
def test_models_refuse_them(value: str) -> None:
    t = pf.tree()
    inst = pf.institution(t["village"])
    inst.website = value
    with pytest.raises(ValidationError) as err:
        inst.full_clean()
    assert "website" in err.value.message_dict
    partner = Partner(code="p1", kind="employer", name_ru="П", website=value)
    with pytest.raises(ValidationError) as err2:
        partner.full_clean()
    assert "website" in err2.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["javascript:alert(1)", " JavaScript:alert(1)", "vbscript:x"])
def test_the_importer_refuses_them_and_writes_nothing(value: str, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    intake_world()
    rows = [
        ["bin", "kind", "name_ru", "settlement", "design_capacity", "website"],
        [bin_for(31), "school", "Сайт-школа", "651010000", "100", value],
    ]
    path = write(tmp_path / "institutions.csv", csv_bytes(rows))
    run = import_file(registry="institutions", path=path, user=None)
    assert run.status == "refused"
    assert run.first_errors[0]["column"] == "website"
    assert run.first_errors[0]["code"] == "web_link"
    assert not Institution.objects.filter(bin=bin_for(31)).exists()


@pytest.mark.django_db
def test_a_stored_hostile_link_is_never_rendered_live(client: Client) -> None:
    t = pf.tree()
    bad = pf.institution(t["village"])
    # A value that reached the database without validation (an old row, raw SQL)
    Institution.objects.filter(pk=bad.pk).update(website="JaVaScRiPt:alert(1)")
    good = pf.institution(t["village"], website="https://school.kz/")
    html = client.get(f"/en/institutions/{bad.pk}/").content.decode()
    assert "JaVaScRiPt:alert(1)" in html  # shown as text
    assert 'href="JaVaScRiPt' not in html
    assert (
        'href="https://school.kz/"' in client.get(f"/en/institutions/{good.pk}/").content.decode()
    )
    api = client.get(f"/api/v1/institutions/{bad.pk}").json()
    assert api["website"] == ""
