from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "keleshek.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from keleshek.core import hooks

        from . import services

        hooks.subscribe(hooks.RECORDS_CHANGED, services.on_records_changed)
