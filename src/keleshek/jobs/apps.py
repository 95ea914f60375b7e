from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs. Each app registers its own job handlers in its ``ready``
    (``transport.jobs``, ``intake.jobs``): jobs imports no app above it."""

    name = "keleshek.jobs"
    label = "jobs"
    verbose_name = _("Jobs")

    def ready(self) -> None:
        from . import documents  # noqa: F401 - registers the job that renders documents ahead
