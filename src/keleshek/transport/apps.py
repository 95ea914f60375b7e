from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "keleshek.transport"
    label = "transport"
    verbose_name = _("School transport")

    def ready(self) -> None:
        from keleshek.core import hooks

        from . import (
            documents,
            jobs,  # noqa: F401 - registers the optimisation job
        )
        from .services import days

        documents.register()  # route sheets and the scheme, rendered ahead
        # support's coverage shows the school-bus days lost (ADR 0175)
        hooks.provide(hooks.DAYS_LOST, days.days_lost)
