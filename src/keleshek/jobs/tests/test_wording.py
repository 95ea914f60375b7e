"""The jobs page speaks the reader's language: kinds, progress messages, results."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from keleshek.accounts.models import User
from keleshek.jobs.models import Job
from keleshek.jobs.wording import message_text

pytestmark = pytest.mark.django_db


def test_stored_messages_are_shown_in_the_reader_language() -> None:
    with translation.override("kk"):
        assert message_text("done") == "дайын"
        assert message_text("116768 rows, 5230 rows/s") == "116\xa0768 жол, 5\xa0230 жол/с"
        assert message_text("something else") == "something else"
    with translation.override("ru"):
        assert message_text("chaining trips into bus days") == (
            "рейсы сводятся в рабочие дни автобусов"
        )


def test_jobs_pages_in_kazakh() -> None:
    admin = User.objects.create_user(username="a", password="x", role="regional_admin")
    job = Job.objects.create(
        kind="transport.optimise",
        status=Job.Status.SUCCEEDED,
        progress=100,
        message="done",
        result={"plan": 3, "buses": 12, "km": 1234.56, "served": 116768, "total": 116800},
        created_by=admin,
    )
    c = Client()
    c.force_login(admin)
    listing = c.get("/kk/jobs/").content.decode()
    assert "бағыттарды оңтайландыру" in listing
    assert "Фондық тапсырмалар" in listing
    detail = c.get(f"/kk/jobs/{job.pk}/").content.decode()
    assert "<dt>қамтылған оқушылар</dt><dd>116\xa0768</dd>" in detail
    assert "<dt>автобус-км</dt><dd>1\xa0234,6</dd>" in detail
    assert "transport.optimise" not in detail
    assert "{&#x27;plan&#x27;" not in detail
