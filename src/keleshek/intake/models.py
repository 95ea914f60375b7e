"""The record of every import: who, when, which file (name, SHA-256), counts and the outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        VALIDATING = "validating", _("checking")
        PREVIEWED = "previewed", _("checked, waiting for confirmation")
        RUNNING = "running", _("importing")
        SUCCEEDED = "succeeded", _("imported")
        PARTIAL = "partial", _("imported the valid rows")
        REFUSED = "refused", _("refused: nothing written")
        REJECTED = "rejected", _("file rejected: nothing written")
        FAILED = "failed", _("failed: nothing written")

    registry = models.CharField(_("registry"), max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("started by"), max_length=150, blank=True)
    via = models.CharField(_("via"), max_length=10, default="web")
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size, bytes"), default=0)
    stored_file = models.CharField(max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=5, default="ru")
    dry_run = models.BooleanField(_("dry run"), default=False)
    partial = models.BooleanField(_("write valid rows only"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    invalid = models.PositiveIntegerField(_("invalid"), default=0)
    message = models.TextField(_("message"), blank=True)
    first_errors = models.JSONField(_("first errors"), default=list, blank=True)
    error_file = models.CharField(_("error report"), max_length=500, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    job_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.registry} {self.file_name} ({self.status})"

    @property
    def valid_rows(self) -> int:
        return self.new + self.changed + self.unchanged

    @property
    def written(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.PARTIAL)
