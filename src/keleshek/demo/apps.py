from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "keleshek.demo"
    label = "demo"
    verbose_name = _("Demo")

    def serve_notes(self) -> list[str]:
        """Lines `keleshek serve` prints when the site is up: the demo logins that still have
        the published demo password (none once they were changed)."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import check_password

        from .users import DEMO_PASSWORD, DEMO_USERS

        names = [u.username for u in DEMO_USERS]
        users = get_user_model().objects.filter(username__in=names, is_active=True)
        hashes = dict(users.values_list("username", "password"))
        usable = [n for n in names if n in hashes and check_password(DEMO_PASSWORD, hashes[n])]
        if not usable:
            return []
        return [
            f"Demo logins (password {DEMO_PASSWORD}): {', '.join(usable)}",
            "  — change these passwords (or remove the users) before real data goes in.",
        ]
