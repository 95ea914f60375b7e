"""The transport what-if takes its places from lists and refuses figures out of bounds, in the
user's language (issue 15, point 6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client

from keleshek.accounts.models import User
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory
from keleshek.transport import services
from keleshek.transport.models import Plan, Stop

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any) -> tuple[Territory, Institution, Stop, Plan]:
    # The pages list the configured oblast's districts only: this world's oblast is configured.
    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "640000000"}
    oblast = Territory.objects.create(kato="640000000", level="oblast", name_ru="Область")
    district = Territory.objects.create(
        kato="641000000", level="district", parent=oblast, name_ru="Район"
    )
    village = Territory.objects.create(
        kato="641030001", level="settlement", parent=district, name_ru="Село", lat=50, lon=80
    )
    school = Institution.objects.create(
        kind=Institution.Kind.SCHOOL,
        name_ru="Школа села",
        name_kk="Ауыл мектебі",
        settlement=village,
    )
    stop = Stop.objects.create(
        code="s-1", name="Остановка у клуба", settlement=village, school=school, lat=50.1, lon=80.1
    )
    plan = Plan.objects.create(
        territory=district, name="p", params={"iterations": 10}, status=Plan.Status.DONE
    )
    return district, school, stop, plan


def test_the_closed_road_form_lists_the_schools_and_their_stops(
    world: tuple[Territory, Institution, Stop, Plan],
) -> None:
    district, school, stop, plan = world
    c = Client()
    c.force_login(
        User.objects.create_user(username="t", role="transport_coordinator", territory=district)
    )
    body = c.get(f"/kk/transport/{district.kato}/plans/{plan.pk}/").content.decode()
    assert "stop:ID" not in body
    assert f'<option value="stop:{stop.pk}">Остановка у клуба</option>' in body
    assert f'<option value="school:{school.pk}">Ауыл мектебі</option>' in body
    stop.name_kk = "Клуб жанындағы аялдама"
    stop.save(update_fields=["name_kk"])
    body = c.get(f"/kk/transport/{district.kato}/plans/{plan.pk}/").content.decode()
    assert f'<option value="stop:{stop.pk}">Клуб жанындағы аялдама</option>' in body


def test_a_refused_what_if_writes_nothing_and_says_why_in_russian(
    world: tuple[Territory, Institution, Stop, Plan],
) -> None:
    district, school, _stop, plan = world
    c = Client()
    c.force_login(
        User.objects.create_user(username="t", role="transport_coordinator", territory=district)
    )
    resp = c.post(
        f"/ru/transport/{district.kato}/plans/{plan.pk}/what-if/",
        {"kind": "new_stop", "school": str(school.pk), "lat": "abc", "lon": "80"},
        follow=True,
    )
    said = [str(m) for m in get_messages(resp.wsgi_request)]
    assert said == ["сценарий заполнен не полностью: lat: нужно число от -90.0 до 90.0"]
    assert Plan.objects.count() == 1
    with pytest.raises(ValidationError):
        services.whatif_params(
            plan, {"kind": "closed_road", "a": "stop:1", "b": "school:1", "distance_m": "0"}
        )


def test_the_district_page_names_schools_in_the_page_language(
    world: tuple[Territory, Institution, Stop, Plan],
) -> None:
    from keleshek.support.models import Pupil
    from keleshek.transport.models import Rider

    district, school, stop, _plan = world
    pupil = Pupil.objects.create(
        last_name="Серіков",
        first_name="Алмас",
        birth_date="2015-03-01",
        sex="M",
        school=school,
        grade=4,
        home_settlement=stop.settlement,
    )
    Rider.objects.create(
        pupil=pupil, school=school, settlement=stop.settlement, stop=stop, distance_km=5, reason="x"
    )
    c = Client()
    c.force_login(
        User.objects.create_user(username="t", role="transport_coordinator", territory=district)
    )
    body = c.get(f"/kk/transport/{district.kato}/").content.decode()
    assert "<td>Ауыл мектебі</td>" in body
    assert "Школа села" not in body
