"""A confirmed NOBD reconciliation is applied to the pupil registry through the pupil services
(ADR 0120): new pupils registered, changes saved, missing pupils marked as left with a date
(kept), conflicts held; a refused row leaves the database as it was."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from keleshek.census import exports, reconcile
from keleshek.core.ids import make_iin
from keleshek.core.models import AuditEntry
from keleshek.support import derived
from keleshek.support.models import Pupil
from keleshek.support.tests import factories as sf

from . import factories as f
from .test_reconcile import NOBD_HEADER, _row

pytestmark = pytest.mark.django_db

LEFT_ON = dt.date(2026, 9, 30)


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> f.World:
    settings.MEDIA_ROOT = tmp_path / "media"
    return f.world()


def _newcomer(iin: str | None = "auto", **over: Any) -> list[object]:
    born = dt.date(2019, 4, 2)
    cells: dict[str, object] = {
        "iin": make_iin(born, "M", 7101) if iin == "auto" else (iin or ""),
        "last": "Новенький",
        "first": "Ержан",
        "middle": "Қайратұлы",
        "born": born.strftime("%d.%m.%Y"),
        "sex": "М",
        "grade": "1",
        "letter": "Б",
        "lang": "Русский",
    }
    cells.update(over)
    return list(cells.values())


def _report(school: Any, rows: list[tuple[int, list[object]]]) -> reconcile.PupilReconciliation:
    source = exports.load()["nobd_pupils"]
    return reconcile.pupils_reconcile(source=source, school=school, header=NOBD_HEADER, rows=rows)


def _state() -> list[tuple[Any, ...]]:
    return list(
        Pupil.objects.order_by("pk").values_list(
            "pk", "iin", "last_name", "grade", "left_on", "name_key", "needs_review"
        )
    )


def test_each_outcome_is_applied_through_the_pupil_services(world: f.World) -> None:
    school = world.r.village_school
    same = sf.pupil(school, 3)
    moved_up = sf.pupil(school, 4, last_name="Серікова", sex="F")
    gone = sf.pupil(school, 5, last_name="Ушедший")
    elsewhere = sf.pupil(world.r.uk_school, 2, last_name="Городской")
    report = _report(
        school,
        [
            (2, _row(same)),
            (3, _row(moved_up, grade="5", last="Серикова-Ахметова")),
            (4, _row(elsewhere)),
            (5, _newcomer()),
            (6, _newcomer(iin=None, last="Безиинов", first="Тимур")),
        ],
    )
    assert (len(report.new), len(report.changed), len(report.missing)) == (2, 1, 1)
    audited = AuditEntry.objects.count()
    # When the operator confirms it
    applied = reconcile.pupils_apply(
        report=report, school=school, left_on=LEFT_ON, actor=world.operator, via="nobd_pupils"
    )
    # Then the new pupils are registered with the registry's derived fields
    assert (len(applied.created), len(applied.changed), len(applied.left)) == (2, 1, 1)
    new = Pupil.objects.get(last_name="Новенький")
    assert new.school == school
    assert new.home_settlement == school.settlement
    assert new.name_key == derived.name_key("Новенький", "Ержан", "Қайратұлы")
    assert not new.needs_review
    assert Pupil.objects.get(last_name="Безиинов").needs_review  # no IIN yet: held for review
    # the change is saved, the pupil who is not in the list left on the date and is kept
    moved_up.refresh_from_db()
    assert (moved_up.grade, moved_up.last_name) == (5, "Серикова-Ахметова")
    assert moved_up.name_key == derived.name_key("Серикова-Ахметова", moved_up.first_name, "")
    gone.refresh_from_db()
    assert gone.left_on == LEFT_ON
    # the conflicting row is held: the other school's pupil is untouched
    assert [c.row.line for c in applied.held] == [4]
    elsewhere.refresh_from_db()
    assert (elsewhere.school, elsewhere.left_on) == (world.r.uk_school, None)
    same.refresh_from_db()
    assert same.left_on is None
    # every write audited, and the whole application once
    entries = AuditEntry.objects.order_by("pk")[audited:]
    assert [e.action for e in entries].count("create") == 2
    assert [e.action for e in entries].count("update") == 2
    summary = AuditEntry.objects.get(action="import", object_type="institutions.institution")
    assert summary.changes == {"created": 2, "changed": 1, "left": 1, "held": [4]}
    # And compared again, the same list finds the registry in agreement
    again = _report(
        school,
        [
            (2, _row(same)),
            (3, _row(Pupil.objects.get(pk=moved_up.pk))),
            (5, _newcomer()),
            (6, _newcomer(iin=None, last="Безиинов", first="Тимур")),
        ],
    )
    assert (again.unchanged, again.new, again.changed, again.missing) == (4, [], [], [])


def test_a_pupil_who_left_and_is_listed_again_is_taken_back(world: f.World) -> None:
    school = world.r.village_school
    back = sf.pupil(school, 6, left_on=LEFT_ON)
    report = _report(school, [(2, _row(back))])
    assert report.missing == []
    assert [c.fields for c in report.changed] == [{"left_on": (LEFT_ON, None)}]
    reconcile.pupils_apply(report=report, school=school, left_on=LEFT_ON, via="nobd_pupils")
    back.refresh_from_db()
    assert back.left_on is None


def test_a_refused_row_leaves_the_database_as_it_was(world: f.World) -> None:
    school = world.r.village_school
    stays = sf.pupil(school, 3)
    sf.pupil(school, 5, last_name="Отсутствующий")
    before, audited = _state(), AuditEntry.objects.count()
    # a roster row (no IIN) that changes a pupil's sex against the IIN the registry holds,
    # and a new pupil without a birth date
    report = _report(
        school,
        [
            (2, _row(stays, iin="", sex="Ж")),
            (3, _newcomer(born="")),
        ],
    )
    assert report.new
    assert report.changed
    assert report.missing
    with translation.override("en"), pytest.raises(reconcile.ApplyRefused) as exc:
        reconcile.pupils_apply(report=report, school=school, left_on=LEFT_ON, via="nobd_pupils")
    assert [m[:6] for m in exc.value.messages] == ["row 3:", "row 2:"]
    assert "other sex" in exc.value.messages[1]
    assert _state() == before
    assert AuditEntry.objects.count() == audited


def test_a_refusal_while_writing_rolls_everything_back(
    world: f.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ValidationError

    from keleshek.support import services as pupil_services

    school = world.r.village_school
    sf.pupil(school, 5, last_name="Отсутствующий")
    report = _report(school, [(2, _newcomer())])
    before = _state()

    def refuse(**_kw: Any) -> None:
        raise ValidationError("refused")

    monkeypatch.setattr(pupil_services, "pupil_leave", refuse)
    with pytest.raises(reconcile.ApplyRefused):
        reconcile.pupils_apply(report=report, school=school, left_on=LEFT_ON, via="nobd_pupils")
    assert _state() == before  # the new pupil registered first is gone again


def _upload(rows: list[list[object]]) -> SimpleUploadedFile:
    lines = [",".join(NOBD_HEADER)] + [",".join(str(c) for c in r) for r in rows]
    return SimpleUploadedFile("nobd.csv", "\n".join(lines).encode())


def _confirmation(page: Any) -> dict[str, str]:
    text = page.content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', text).group(1)  # type: ignore[union-attr]
        for name in ("token", "digest", "left_on")
    }


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_operator_compares_then_confirms_on_the_page(world: f.World, lang: str) -> None:
    school = world.r.village_school
    kept = sf.pupil(school, 2)
    gone = sf.pupil(school, 5, last_name="Ушедший")
    c = Client()
    c.force_login(world.operator)
    with translation.override(lang):
        url = reverse("census:exports", args=[world.period.pk, school.pk])
    page = c.post(url, {"source": "nobd_pupils", "file": _upload([_row(kept), _newcomer()])})
    assert page.status_code == 200
    assert 'id="census-apply"' in page.content.decode()
    form = _confirmation(page)
    assert not Pupil.objects.filter(last_name="Новенький").exists()  # comparing writes nothing
    page = c.post(url, {"action": "apply", **form, "left_on": "2026-09-30"})
    assert page.status_code == 200
    assert 'id="census-applied"' in page.content.decode()
    if lang == "kk":
        assert "Оқушылар тізімі тізілімге енгізілді." in page.content.decode()
    assert Pupil.objects.filter(last_name="Новенький", school=school).exists()
    gone.refresh_from_db()
    assert gone.left_on == LEFT_ON
    # the same confirmation again: the file is gone, nothing happens
    again = c.post(url, {"action": "apply", **form})
    assert again.status_code == 400
    assert Pupil.objects.filter(last_name="Новенький").count() == 1


def test_a_registry_changed_since_the_comparison_is_not_applied(world: f.World) -> None:
    school = world.r.village_school
    kept = sf.pupil(school, 2)
    c = Client()
    c.force_login(world.operator)
    with translation.override("en"):
        url = reverse("census:exports", args=[world.period.pk, school.pk])
    page = c.post(url, {"source": "nobd_pupils", "file": _upload([_row(kept), _newcomer()])})
    form = _confirmation(page)
    sf.pupil(school, 7, last_name="Тем-временем")  # registered meanwhile: now missing too
    page = c.post(url, {"action": "apply", **form})
    assert page.status_code == 409
    assert not Pupil.objects.filter(last_name="Новенький").exists()
    assert not Pupil.objects.exclude(left_on=None).exists()


def test_another_schools_operator_cannot_confirm(world: f.World) -> None:
    school = world.r.village_school
    kept = sf.pupil(school, 2)
    c = Client()
    c.force_login(world.operator)
    with translation.override("en"):
        url = reverse("census:exports", args=[world.period.pk, school.pk])
    form = _confirmation(
        c.post(url, {"source": "nobd_pupils", "file": _upload([_row(kept), _newcomer()])})
    )
    other = f.user("institution_operator", institution=world.r.uk_school)
    o = Client()
    o.force_login(other)
    assert o.post(url, {"action": "apply", **form}).status_code == 404
    with translation.override("en"):
        own = reverse("census:exports", args=[world.period.pk, world.r.uk_school.pk])
    assert o.post(own, {"action": "apply", **form}).status_code == 400  # not their session
    assert not Pupil.objects.filter(last_name="Новенький").exists()
