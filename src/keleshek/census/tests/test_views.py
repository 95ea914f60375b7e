"""The census pages by role: the operator fills and submits their own school's form, the
district returns and approves, the region accepts and sees completeness; every other role or
school is refused and nothing changes. The offline sync endpoint answers conflicts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from keleshek.census import selectors, services
from keleshek.census.models import Return
from keleshek.institutions.models import InstitutionYear

from . import factories as f

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def form_url(w: f.World, school: object = None, lang: str = "en") -> str:
    school = school or w.r.village_school
    with translation.override(lang):
        return reverse("census:form", args=[w.period.pk, school.pk])  # type: ignore[attr-defined]


def test_the_operator_fills_the_generated_form_in_each_language_and_submits() -> None:
    w = f.world()
    c = client_for(w.operator)
    for lang, label in (
        ("ru", "Всего учащихся"),
        ("kk", "Барлық оқушылар"),
        ("en", "Pupils, total"),
    ):
        page = c.get(form_url(w, lang=lang))
        assert page.status_code == 200
        assert label in page.content.decode()
    post = {f"v_{k}": v for k, v in f.good_values(g4_f=7).items()}
    saved = c.post(form_url(w), {**post, "action": "save"})
    assert saved.status_code == 302
    page = c.get(form_url(w)).content.decode()
    assert "The pupils by grade do not add up to the total" in page
    refused = c.post(form_url(w), {**post, "action": "submit"}, follow=True)
    assert "The pupils by grade do not add up to the total" in refused.content.decode()
    assert Return.objects.get().status == Return.Status.DRAFT
    post["v_g4_f"] = "5"
    c.post(form_url(w), {**post, "action": "submit"})
    assert Return.objects.get().status == Return.Status.SUBMITTED


def test_a_bad_figure_is_refused_in_the_users_language_and_nothing_is_saved() -> None:
    w = f.world()
    page = client_for(w.operator).post(
        form_url(w, lang="ru"), {"v_capacity": "много", "v_canteen_seats": "60", "action": "save"}
    )
    assert page.status_code == 400
    assert "целое число" in page.content.decode()
    assert not Return.objects.filter(values__isnull=False).exists()


def test_other_schools_and_districts_are_out_of_reach() -> None:
    w = f.world()
    other_operator = f.user("institution_operator", institution=w.r.uk_school)
    assert client_for(other_operator).get(form_url(w)).status_code == 404
    city_officer = f.user("district_officer", territory_=w.r.uk)
    assert client_for(city_officer).get(form_url(w)).status_code == 404
    support = f.user("support_officer", territory_=w.r.district)
    assert client_for(support).get(form_url(w)).status_code == 403
    # The district officer sees the form but may not enter figures.
    page = client_for(w.officer).post(form_url(w), {"v_capacity": "10", "action": "save"})
    assert page.status_code == 403
    assert not Return.objects.filter(values__isnull=False).exists()


def test_the_district_returns_then_approves_and_only_approval_moves_the_records() -> None:
    w = f.world()
    ret = f.filled(w)
    services.return_submit(ret=ret, actor=w.operator)
    officer = client_for(w.officer)
    # The operator cannot approve their own return.
    assert client_for(w.operator).post(form_url(w), {"action": "approve"}).status_code == 403
    officer.post(form_url(w), {"action": "send_back", "comment": "grade 2 looks high"})
    ret.refresh_from_db()
    assert ret.status == Return.Status.RETURNED
    assert "grade 2 looks high" in client_for(w.operator).get(form_url(w)).content.decode()
    services.return_submit(ret=ret, actor=w.operator)
    assert not InstitutionYear.objects.exists()
    officer.post(form_url(w), {"action": "approve"})
    assert InstitutionYear.objects.get().pupils == 120
    # The district may not accept for the region; the analyst may.
    assert officer.post(form_url(w), {"action": "accept"}).status_code == 403
    client_for(w.analyst).post(form_url(w), {"action": "accept"})
    ret.refresh_from_db()
    assert ret.status == Return.Status.ACCEPTED
    # An accepted return is unlocked by the region only.
    assert officer.post(form_url(w), {"action": "unapprove", "comment": "x"}).status_code == 403


def test_the_district_page_lists_who_is_late_and_what_fails() -> None:
    w = f.world(year=2024)  # due 11 October 2024: past
    other = f.f.school(w.r.village, "Second village school")
    ret = f.filled(w, school=other, teachers_total=500)
    services.values_save(ret=ret, entries={"qual_none": services.Entry("486")}, actor=w.admin)
    services.return_submit(ret=ret, actor=w.admin)
    started = services.return_for(w.period, w.r.village_school)
    services.values_save(ret=started, entries={"capacity": services.Entry("200")})
    with translation.override("en"):
        url = reverse("census:district", args=[w.period.pk, w.r.district.kato])
        page = client_for(w.officer).get(url).content.decode()
    assert "2 schools: 1 submitted, 0 approved, 1 late" in page
    assert "There are no fewer teachers than pupils" in page
    assert "<summary>missing</summary>" in page
    assert "Pupils, total" in page
    assert "1 / 49" in page


def test_the_region_sees_completeness_per_district() -> None:
    w = f.world(year=2027)  # due 11 October 2027: submitting today is on time
    ret = f.filled(w)
    services.return_submit(ret=ret, actor=w.operator)
    total, districts = selectors.region_completeness(
        w.period, w.analyst, today=dt.date(2027, 10, 20)
    )
    assert (total.schools, total.submitted, total.on_time, total.late) == (2, 1, 1, 1)
    assert {t.kato: t.submitted for t in districts} == {"991000000": 0, "994000000": 1}
    with translation.override("en"):
        page = client_for(w.analyst).get(reverse("census:period", args=[w.period.pk]))
    assert page.status_code == 200
    assert "Completeness and timeliness" in page.content.decode()


def test_the_sync_endpoint_saves_and_answers_a_conflict_with_both_values() -> None:
    w = f.world()
    ret = services.return_for(w.period, w.r.village_school)
    services.values_save(ret=ret, entries={"capacity": services.Entry("200")}, actor=w.operator)
    services.values_save(
        ret=ret, entries={"capacity": services.Entry("230", base_version=1)}, actor=w.officer
    )
    with translation.override("en"):
        url = reverse("census:sync", args=[w.period.pk, w.r.village_school.pk])
    body = {"values": {"capacity": {"value": "210", "base": 1}, "meals_free": {"value": "4"}}}
    answer = client_for(w.operator).post(url, json.dumps(body), content_type="application/json")
    data = answer.json()
    assert data["saved"] == ["meals_free"]
    assert [(c["code"], c["yours"], c["theirs"]) for c in data["conflicts"]] == [
        ("capacity", "210", "230")
    ]
    assert data["versions"]["capacity"] == 2
    assert ret.values.get(element__code="capacity").value == "230"
    bad = client_for(w.operator).post(url, "nonsense", content_type="application/json")
    assert bad.status_code == 400


def test_reminders_go_once_a_day_to_the_late_schools_only() -> None:
    from django.core import mail

    w = f.world(year=2024)
    w.operator.email = "school@example.kz"
    w.operator.save()
    ret = f.filled(w, school=w.r.uk_school)
    services.return_submit(ret=ret, actor=w.admin)
    before_due = services.reminders_send(period=w.period, today=dt.date(2024, 10, 5))
    assert before_due.schools == 0
    first = services.reminders_send(period=w.period, today=dt.date(2024, 10, 14))
    again = services.reminders_send(period=w.period, today=dt.date(2024, 10, 14))
    assert (first.schools, first.emails, again.schools) == (1, 1, 0)
    assert mail.outbox[0].to == ["school@example.kz"]
    assert w.r.village_school.name_ru in mail.outbox[0].body


def test_an_import_file_with_a_bad_row_writes_nothing() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = f.world()
    bin_ = w.r.village_school.bin
    lines = ["bin,element,value"] + [f"{bin_},{k},{v}" for k, v in f.good_values().items()]
    good = SimpleUploadedFile("census.csv", "\n".join(lines).encode())
    bad = SimpleUploadedFile("census.csv", "\n".join([*lines, f"{bin_},capacity,x"]).encode())
    with translation.override("en"):
        url = reverse("census:import", args=[w.period.pk])
    c = client_for(w.officer)
    assert c.post(url, {"file": bad}).status_code == 400
    assert not Return.objects.filter(values__isnull=False).exists()
    page = c.post(url, {"file": good})
    assert page.status_code == 200
    assert Return.objects.get().values.count() == len(f.good_values())


@pytest.mark.parametrize("model", ["dataset", "validationrule", "period", "return"])
def test_the_census_admin_pages_render(model: str) -> None:
    w = f.world()
    f.filled(w)
    admin = f.user("regional_admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    assert client_for(admin).get(f"/en/admin/census/{model}/").status_code == 200
    from django.apps import apps

    # the first record's own key: PostgreSQL's sequences do not restart for each test
    pk = apps.get_model("census", model).objects.order_by("pk").values_list("pk", flat=True)[0]
    assert client_for(admin).get(f"/en/admin/census/{model}/{pk}/change/").status_code == 200


def test_dashboards_move_only_on_approval_and_say_which_figures_they_count(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from keleshek.indicators import selectors as indicator_selectors
    from keleshek.indicators.services import refresh_indicators

    w = f.world(year=2025)
    InstitutionYear.objects.create(
        institution=w.r.village_school, year=2025, design_capacity=200, pupils_shift1=100
    )
    refresh_indicators()

    def pupils() -> float | None:
        figures = indicator_selectors.institution_values(w.r.village_school.pk, 2025)
        return figures["pupils"].value

    assert pupils() == 100
    ret = f.filled(w)  # 120 pupils
    with django_capture_on_commit_callbacks(execute=True):
        services.return_submit(ret=ret, actor=w.operator)
    assert pupils() == 100
    with django_capture_on_commit_callbacks(execute=True):
        services.return_approve(ret=ret, actor=w.officer)
    assert pupils() == 120
    with translation.override("en"):
        page = client_for(w.analyst).get(reverse("staff:institution", args=[w.r.village_school.pk]))
        page = page.content.decode()
    assert "census returns approved by the district" in page


def test_the_district_page_takes_the_same_queries_for_three_schools_as_for_six() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = f.world()
    url = reverse("census:district", args=[w.period.pk, w.r.district.kato])
    c = client_for(w.officer)

    def grow() -> int:
        school = f.f.school(w.r.village, "Another school")
        services.return_submit(ret=f.filled(w, school=school), actor=w.admin)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        grow()
    small = grow()
    for _ in range(2):
        grow()
    assert grow() == small
    assert small <= 18  # session, user, scope, period, rows, rules, values, previous, missing


def test_another_districts_officer_cannot_approve_and_nothing_changes() -> None:
    w = f.world()
    ret = f.filled(w)
    services.return_submit(ret=ret, actor=w.operator)
    city_officer = f.user("district_officer", territory_=w.r.uk)
    for action in ("approve", "send_back", "unapprove"):
        answer = client_for(city_officer).post(form_url(w), {"action": action, "comment": "x"})
        assert answer.status_code == 404
    analyst = client_for(w.analyst)  # the region accepts, it does not approve for the district
    assert analyst.post(form_url(w), {"action": "approve"}).status_code == 403
    ret.refresh_from_db()
    assert ret.status == Return.Status.SUBMITTED
    assert not ret.events.exclude(to_status="submitted").exists()


def test_the_reminders_run_as_a_job_of_the_jobs_app() -> None:
    from keleshek.jobs.models import Job
    from keleshek.jobs.services import enqueue, execute

    w = f.world(year=2024)
    job = enqueue(kind="census.reminders")
    execute(job.pk)  # the queue would call it after commit; the test's transaction never commits
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"periods": 1, "schools": 2, "emails": 0}
    assert w.period.returns.count() == 2


def test_the_briefing_says_it_counts_approved_returns_in_each_language() -> None:
    from keleshek.reports.render import DOC_LABELS

    said = DOC_LABELS["generated"]
    assert "approved by the district" in said["en"]
    assert "утверждённые районом" in said["ru"]
    assert "аудан бекіткен" in said["kk"]
