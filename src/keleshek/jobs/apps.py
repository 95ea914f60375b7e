import importlib
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "keleshek.jobs"
    label = "jobs"
    verbose_name = _("Jobs")

    def ready(self) -> None:
        modules: Any = settings.KELESHEK.get("JOB_MODULES", [])
        for module in modules:
            importlib.import_module(module)
