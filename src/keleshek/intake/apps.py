from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "keleshek.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the job handlers
