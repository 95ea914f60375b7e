from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "keleshek.institutions"
    label = "institutions"
    verbose_name = _("Institutions")
