"""A delivery is refused with a message in the user's language when its amount, date or
quantity make no sense; nothing is written (issue 15, point 6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client

from keleshek.support import services
from keleshek.support.models import Delivery, Membership, Programme

from . import factories as f

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def enrolled(reg: f.Region, progs: dict[str, Programme]) -> tuple[Membership, Client]:
    child = f.pupil(reg.village_school, 3)
    officer = f.user("support_officer", territory_=reg.district)
    m = services.membership_enrol(pupil=child, programme=progs["meals"], year=YEAR, user=officer)
    assert m.state == "enrolled"
    c = Client()
    c.force_login(officer)
    return m, c


def _deliver(c: Client, m: Membership, lang: str, **data: str) -> list[str]:
    resp = c.post(f"/{lang}/support/membership/{m.pk}/deliver/", data, follow=True)
    assert resp.status_code == 200  # back on the child's page, which shows the messages
    return [str(x) for x in get_messages(resp.wsgi_request) if x.level_tag == "error"]


def test_negative_amount_and_a_date_outside_the_year_are_refused_in_russian(
    enrolled: tuple[Membership, Client],
) -> None:
    m, c = enrolled
    # a delivery dated 2030 of −5,000 ₸
    said = _deliver(c, m, "ru", delivered_on="2030-01-15", quantity="1", amount="-5000")
    assert said == ["дата выдачи должна быть в учебном году программы, 01.07.2025 – 30.06.2026"]
    said = _deliver(c, m, "ru", delivered_on="2025-10-01", quantity="1", amount="-5 000")
    assert said == ["сумма должна быть больше нуля"]
    assert not Delivery.objects.exists()


def test_amount_typed_by_the_locale_is_read_and_nonsense_is_refused_in_kazakh(
    enrolled: tuple[Membership, Client],
) -> None:
    m, c = enrolled
    said = _deliver(c, m, "kk", delivered_on="2025-10-01", quantity="1", amount="abc")
    assert said == ["«abc» сомасы сан емес (мысалы, 32 000 немесе 32 000,50)"]
    said = _deliver(c, m, "kk", delivered_on="2025-10-01", quantity="x", amount="1")
    assert said == ["саны бүтін сан болуы керек"]
    assert not Delivery.objects.exists()
    # "1 300,50" with a non-breaking space, as a figure copied from a page, is 1300.50
    _deliver(c, m, "kk", delivered_on="2025-10-01", quantity="2", amount="1\u00a0300,50")
    assert Delivery.objects.get().amount == Decimal("1300.50")


def test_the_service_refuses_what_the_form_refuses(
    reg: f.Region, progs: dict[str, Programme], enrolled: tuple[Membership, Client]
) -> None:
    m, _c = enrolled
    with pytest.raises(ValidationError) as exc:
        services.delivery_record(
            membership=m, delivered_on=dt.date(2026, 7, 1), user=None, amount=Decimal("10")
        )
    assert exc.value.code == "date"
    with pytest.raises(ValidationError) as exc:
        services.delivery_record(
            membership=m, delivered_on=dt.date(2026, 6, 30), user=None, amount=Decimal("0")
        )
    assert exc.value.code == "amount"
    with pytest.raises(ValidationError) as exc:
        services.delivery_record(
            membership=m, delivered_on=dt.date(2026, 6, 30), user=None, amount=Decimal("1e9")
        )
    assert exc.value.code == "amount"
    # the last day of the school year and the programme's own cost are accepted
    d = services.delivery_record(membership=m, delivered_on=dt.date(2026, 6, 30), user=None)
    assert d.amount == progs["meals"].unit_cost
