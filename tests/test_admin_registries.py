"""Every registry's admin changelist renders with a pinned number of SQL queries (demo region
loaded), and the admin speaks Kazakh, Russian and English."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .admin_factories import make_corner, superuser

# Pinned maximum number of SQL queries per changelist page (50 rows of the demo region):
# session + user, then the page's own queries (count, rows, filters' choices). A number that
# grows with the rows is an N+1.
CHANGELIST_QUERIES = {
    "core/auditentry": 7,
    "territory/territory": 4,
    "territory/populationrecord": 5,
    "institutions/institution": 4,
    "institutions/laboratory": 4,
    "institutions/institutionyear": 6,
    "institutions/enrolment": 6,
    "partnerships/partner": 5,
    "partnerships/agreement": 7,
    "partnerships/internationalstudents": 6,
    "programmes/industry": 4,
    "programmes/specialty": 5,
    "programmes/offering": 6,
    "programmes/labourdemand": 5,
    "construction/project": 6,
    "news/article": 6,
    "accounts/user": 5,
    "api/apitoken": 5,
}


@pytest.fixture
def admin_client(db: Any) -> Client:
    client = Client()
    client.force_login(superuser())
    return client


@pytest.mark.parametrize(("model", "max_queries"), sorted(CHANGELIST_QUERIES.items()))
def test_changelist_query_count_is_pinned(
    admin_client: Client, django_assert_max_num_queries: Any, model: str, max_queries: int
) -> None:
    make_corner()
    url = f"/en/admin/{model}/"
    with django_assert_max_num_queries(max_queries):
        response = admin_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("model", sorted(CHANGELIST_QUERIES))
def test_add_or_change_form_renders(admin_client: Client, model: str) -> None:
    corner = make_corner()
    response = admin_client.get(f"/ru/admin/{model}/add/")
    if response.status_code == 403:  # read-only registries: the audit log, API tokens
        assert model in {"core/auditentry", "api/apitoken"}
    else:
        assert response.status_code == 200
    if model == "institutions/institution":
        change = admin_client.get(f"/ru/admin/{model}/{corner.school_a.pk}/change/")
        assert change.status_code == 200


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "kk",
            ["Білім беру ұйымдары", "Жобалық қуаттылығы (орын)", "Апатты жағдай", "Үш ауысымды"],
        ),
        (
            "ru",
            [
                "Организации образования",
                "Проектная мощность (мест)",
                "Аварийное состояние",
                "Трёхсменное",
            ],
        ),
        ("en", ["Institutions", "Design capacity (places)", "Emergency condition", "Three-shift"]),
    ],
)
def test_institution_changelist_speaks_the_language(
    admin_client: Client, lang: str, expected: list[str]
) -> None:
    make_corner()
    html = admin_client.get(f"/{lang}/admin/institutions/institution/").content.decode()
    for label in expected:
        assert label in html, f"{label!r} missing in /{lang}/admin/"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("kk", ["Құрылыс нысандары", "Кезеңі", "Таңдалған нысандарды бүгін пайдалануға беру"]),
        ("ru", ["Строительные объекты", "Стадия", "Ввести выбранные объекты в эксплуатацию"]),
        ("en", ["Construction projects", "Stage", "Commission the selected projects today"]),
    ],
)
def test_project_changelist_speaks_the_language(
    admin_client: Client, lang: str, expected: list[str]
) -> None:
    make_corner()
    html = admin_client.get(f"/{lang}/admin/construction/project/").content.decode()
    for label in expected:
        assert label in html, f"{label!r} missing in /{lang}/admin/"


def test_offering_and_agreement_labels_in_kazakh(admin_client: Client) -> None:
    html = admin_client.get("/kk/admin/programmes/offering/").content.decode()
    assert "Мамандыққа қабылдау" in html or "мамандықтарға қабылдау" in html.lower()
    html = admin_client.get("/kk/admin/partnerships/agreement/").content.decode()
    assert "Келісімдер" in html
