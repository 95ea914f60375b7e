"""Many pupils registered at once (the demo, a confirmed NOBD list) go through the same
preparation as one registered on the web page (ADR 0120); a pupil who left is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from keleshek.core.ids import make_iin
from keleshek.core.models import AuditEntry
from keleshek.support import services
from keleshek.support.models import Pupil

from . import factories as f

pytestmark = pytest.mark.django_db

BORN = dt.date(2014, 5, 17)


def _pupils(r: f.Region, names: list[tuple[str, str | None]]) -> list[Pupil]:
    return [
        Pupil(
            iin=iin,
            last_name=last,
            first_name="Әлия",
            middle_name="Серікқызы",
            birth_date=BORN,
            sex="F",
            school=r.village_school,
            grade=5,
            home_settlement=r.village,
        )
        for last, iin in names
    ]


@pytest.mark.parametrize("exclusive", [False, True], ids=["shared", "exclusive"])
def test_many_pupils_get_the_fields_one_pupil_gets(exclusive: bool) -> None:
    r = f.region()
    one = services.pupil_register(
        last_name="Қасымова",
        first_name="Әлия",
        middle_name="Серікқызы",
        birth_date=BORN,
        sex="F",
        school=r.village_school,
        grade=5,
        home_settlement=r.village,
        iin=make_iin(BORN, "F", 7001),
    )
    many = services.pupils_register(
        _pupils(r, [("Қасымова", make_iin(BORN, "F", 7002)), ("Қасымова", "")]),
        summary="test",
        exclusive=exclusive,
    )
    stored = list(Pupil.objects.filter(pk__in=[p.pk for p in many]).order_by("pk"))
    assert [p.pk for p in stored] == [p.pk for p in many]
    assert {p.name_key for p in stored} == {one.name_key} == {"касымова алия сериккызы"}
    assert [p.needs_review for p in stored] == [False, True]
    assert stored[1].iin is None
    audited = AuditEntry.objects.filter(object_type="support.pupil", action="create").count()
    assert audited == (1 if exclusive else 3)  # the exclusive writer audits the count once
    assert AuditEntry.objects.filter(action="import", summary="test: 2 pupils registered").exists()


def test_one_refused_pupil_refuses_them_all() -> None:
    r = f.region()
    good = make_iin(BORN, "F", 7003)
    male = make_iin(BORN, "M", 7004)  # the IIN of a boy for a girl
    with pytest.raises(ValidationError) as exc:
        services.pupils_register(_pupils(r, [("Первая", good), ("Вторая", male)]), summary="test")
    assert "2" in exc.value.messages[0]
    assert not Pupil.objects.exists()
    too_old = _pupils(r, [("Третья", good), ("Пятая", None)])
    too_old[1].grade = 12
    with pytest.raises(ValidationError):
        services.pupils_register(too_old, summary="test")
    assert not Pupil.objects.exists()


def test_a_pupil_who_left_is_kept_with_the_date_and_audited() -> None:
    r = f.region()
    pupil = f.pupil(r.village_school, 4)
    services.pupil_leave(pupil=pupil, on=dt.date(2026, 10, 1), reason="not in the NOBD list")
    pupil.refresh_from_db()
    assert pupil.left_on == dt.date(2026, 10, 1)
    entry = AuditEntry.objects.filter(object_type="support.pupil", action="update").last()
    assert entry is not None
    assert entry.changes == {"left_on": [None, "2026-10-01"]}
    # leaving twice keeps the first date
    services.pupil_leave(pupil=pupil, on=dt.date(2026, 11, 1))
    pupil.refresh_from_db()
    assert pupil.left_on == dt.date(2026, 10, 1)


def test_a_pupil_who_left_before_the_judging_day_is_no_longer_counted(
    settings: object,
) -> None:
    from keleshek.support import figures
    from keleshek.transport.models import Rider
    from keleshek.transport.services import riders

    settings.KELESHEK = {**settings.KELESHEK, "OBLAST_KATO": "990000000"}  # type: ignore[attr-defined]
    r = f.region()
    f.programmes(r)
    year = 2025
    stays = f.pupil(r.village_school, 2, home=r.hamlet)
    left_early = f.pupil(r.village_school, 2, home=r.hamlet)
    left_late = f.pupil(r.village_school, 3, home=r.hamlet)
    services.pupil_leave(pupil=left_early, on=dt.date(2025, 9, 20))  # before 1 October
    services.pupil_leave(pupil=left_late, on=dt.date(2025, 11, 3))  # after: counted that year
    counts = figures.by_school(year)
    meals = counts[(r.village_school.pk, r.village.pk, "meals")]
    assert meals.eligible == 2  # the one who stays and the one who left in November
    # A pupil who has left rides no more, whatever the year being assessed.
    riders.assess_riders(territory=r.district, year=year)
    riding = set(Rider.objects.values_list("pupil_id", flat=True))
    assert left_early.pk not in riding
    assert left_late.pk not in riding
    assert stays.pk in riding
