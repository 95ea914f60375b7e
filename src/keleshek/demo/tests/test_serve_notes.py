"""`keleshek serve` prints the demo logins that still have the published demo password."""

from __future__ import annotations

import pytest
from django.apps import apps

from keleshek.accounts.models import User
from keleshek.demo.users import DEMO_PASSWORD


@pytest.mark.django_db
def test_the_banner_lists_demo_logins_still_on_the_demo_password() -> None:
    for name, password in (("admin", DEMO_PASSWORD), ("analyst", "a-new-secret-2026")):
        user, _ = User.objects.get_or_create(username=name)
        user.set_password(password)
        user.save()
    (first, *_) = apps.get_app_config("demo").serve_notes()  # type: ignore[attr-defined]
    assert first.startswith(f"Demo logins (password {DEMO_PASSWORD}): ")
    listed = first.split(": ", 1)[1].split(", ")
    assert "admin" in listed
    assert "analyst" not in listed  # its password was changed


@pytest.mark.django_db
def test_no_banner_lines_once_every_demo_password_is_changed() -> None:
    for user in User.objects.all():
        user.set_unusable_password()
        user.save()
    assert apps.get_app_config("demo").serve_notes() == []  # type: ignore[attr-defined]
