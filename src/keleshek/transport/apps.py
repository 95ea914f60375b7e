from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "keleshek.transport"
    label = "transport"
    verbose_name = _("School transport")

    def ready(self) -> None:
        from . import (
            documents,
            jobs,  # noqa: F401 - registers the optimisation job
        )

        documents.register()  # route sheets and the scheme, rendered ahead
