"""Authentication backend: Django's model backend, the signed-in user read through the shared
cache (``accounts.usercache``, ADR 0205)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from . import usercache


class CachedUserBackend(ModelBackend):
    """Django's model backend; ``get_user`` reads the shared cache first."""

    def get_user(self, user_id: Any) -> Any | None:
        user = usercache.read(user_id, super().get_user)
        return user if user is not None and self.user_can_authenticate(user) else None
