from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CensusConfig(AppConfig):
    name = "keleshek.census"
    label = "census"
    verbose_name = _("School census")

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the reminders' job handler)
