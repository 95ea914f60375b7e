"""The main staff and public pages of the demo region, rendered in Kazakh, carry no English
text of ours and no ungrouped big numbers (issue 15, point 3).

"English of ours" is any word of our own English msgids (``tests.language``): a label or
message left untranslated — "urban / rural", "Planned commissioning", "done", "draft" — and
not a record's proper name. Records are shown by their Kazakh name where they have one.
The transport pages are checked by the transport work (reasons, route and stop names).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from keleshek.accounts.models import User
from keleshek.core.models import Multilingual
from keleshek.institutions.models import Institution
from keleshek.news.models import Article
from keleshek.programmes.models import Offering
from keleshek.support.models import Membership
from keleshek.territory.models import Territory

from .language import decimal_points, foreign_words, ungrouped_numbers, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def _pages() -> list[str]:
    oblast = Territory.objects.filter(level="oblast", kato__startswith="63").first()
    district = Territory.objects.filter(level="district", parent=oblast).order_by("kato").first()
    school = Institution.objects.filter(kind=Institution.Kind.SCHOOL).order_by("pk").first()
    offering = Offering.objects.order_by("pk").first()
    article = Article.objects.order_by("pk").first()
    member = Membership.objects.select_related("pupil").order_by("pk").first()
    assert oblast is not None
    assert district is not None
    assert school is not None
    assert offering is not None
    assert article is not None
    assert member is not None
    return [
        # public
        "/kk/",
        "/kk/catalogue/",
        f"/kk/catalogue/{offering.pk}/",
        f"/kk/institutions/{school.pk}/",
        "/kk/news/",
        f"/kk/news/{article.slug}/",
        "/kk/open-data/",
        # staff
        "/kk/staff/",
        f"/kk/staff/t/{oblast.kato}/",
        f"/kk/staff/t/{district.kato}/",
        f"/kk/staff/i/{school.pk}/",
        "/kk/staff/indicators/",
        "/kk/staff/capacity/",
        f"/kk/staff/capacity/{district.kato}/",
        "/kk/staff/labour/",
        "/kk/intake/",
        "/kk/support/",
        f"/kk/support/pupil/{member.pupil.uid}/",
        "/kk/support/coverage/",
        "/kk/support/budget/",
        "/kk/support/duplicates/",
        "/kk/reports/",
        "/kk/jobs/",
    ]


@pytest.fixture
def admin() -> Client:
    c = Client()
    c.force_login(User.objects.get(username="admin"))
    return c


def test_kazakh_pages_have_no_english_of_ours_and_write_numbers_the_kazakh_way(
    admin: Client,
) -> None:
    problems: dict[str, Any] = {}
    for url in _pages():
        resp = admin.get(url)
        assert resp.status_code == 200, url
        body = resp.content.decode()
        english, numbers = foreign_words(body, "kk"), ungrouped_numbers(body, "kk")
        points = decimal_points(body, "kk")
        if english or numbers or points:
            problems[url] = {"english": english, "numbers": numbers, "points": points}
    assert problems == {}


def test_kazakh_pages_name_records_by_their_kazakh_names(admin: Client) -> None:
    """A school, territory or programme that has a Kazakh name is not shown by its Russian one
    on a Kazakh page (where it has none, the Russian name is marked with lang="ru")."""
    from django.apps import apps

    russian_only: dict[str, str] = {}
    for model in apps.get_models():
        if issubclass(model, Multilingual):
            for ru, kk in model.objects.values_list("name_ru", "name_kk"):
                if kk and kk != ru and len(ru) > 8:
                    russian_only[ru] = model.__name__
    pages = ["/kk/", "/kk/staff/", "/kk/staff/capacity/", "/kk/support/coverage/", "/kk/reports/"]
    found: dict[str, list[str]] = {}
    for url in pages:
        text = visible_text(admin.get(url).content.decode(), "kk")
        hits = sorted(name for name in russian_only if name in text)
        if hits:
            found[url] = hits[:10]
    assert found == {}
