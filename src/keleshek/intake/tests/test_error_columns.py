"""The error table of an import run names each column in the page's language, whatever
header the file used (issue 15, point 3: "IIN", "Grade", "Home latitude" on Kazakh pages)."""

from __future__ import annotations

import pytest
from django.test import Client

from keleshek.accounts.models import User
from keleshek.intake.models import ImportRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lang", "column"), [("kk", "ЖСН"), ("ru", "ИИН"), ("en", "IIN")])
def test_error_columns_are_named_in_the_page_language(lang: str, column: str) -> None:
    admin = User.objects.create_user(username="a", password="x", role="regional_admin")
    run = ImportRun.objects.create(
        registry="pupils",
        user=admin,
        file_name="pupils.csv",
        sha256="0" * 64,
        status=ImportRun.Status.PREVIEWED,
        total=120000,
        invalid=1,
        first_errors=[
            {"row": 2, "column": "iin", "header": "IIN", "value": "123", "code": "required"}
        ],
    )
    c = Client()
    c.force_login(admin)
    body = c.get(f"/{lang}/intake/runs/{run.pk}/").content.decode()
    assert f"<td>2</td><td>{column}</td><td>123</td>" in body
    if lang == "kk":
        assert "120\xa0000" in body  # the row counts are grouped too
