"""Base models and the append-only, hash-chained audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Multilingual(models.Model):
    """A name in Russian, Kazakh and English; ``name`` picks the active language."""

    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, the Russian one when there is none
        (``core.names``; templates mark the fallback with ``|lname``)."""
        from .names import localized_name

        return localized_name(self)[0]


class Synthetic(models.Model):
    """Marks records the demo generator invented (the briefing did not state them)."""

    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One audited event. Rows are only ever appended (see ``core.audit``); each row's hash is
    an HMAC, keyed with a secret outside the database, of its content, its position and the
    previous row's hash, so editing or deleting a row breaks the chain and ``keleshek
    audit_verify`` reports where; the head checkpointed outside the database reveals removed
    newest rows (ADR 0135)."""

    class Action(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        READ_PERSONAL = "read_personal", _("read personal data")
        EXPORT = "export", _("export")
        DOWNLOAD = "download", _("download")
        IMPORT = "import", _("import")
        COMMISSION = "commission", _("commission")
        RULE_CHANGE = "rule_change", _("rule change")
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")

    seq = models.PositiveBigIntegerField(_("position"), default=0)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"
