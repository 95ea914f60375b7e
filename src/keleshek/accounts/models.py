"""Users and their roles, scoped along the KATO tree or to one institution."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory

from . import usercache


class Role(models.TextChoices):
    REGIONAL_ADMIN = "regional_admin", _("regional administrator")
    REGIONAL_ANALYST = "regional_analyst", _("regional analyst")
    DISTRICT_OFFICER = "district_officer", _("district officer")
    INSTITUTION_OPERATOR = "institution_operator", _("school / college operator")
    SUPPORT_OFFICER = "support_officer", _("support officer")
    TRANSPORT_COORDINATOR = "transport_coordinator", _("transport coordinator")
    AUDITOR = "auditor", _("auditor (read-only)")
    INTEGRATOR = "integrator", _("integrator (API)")


REGIONAL_ROLES = (Role.REGIONAL_ADMIN, Role.REGIONAL_ANALYST, Role.AUDITOR)
TERRITORY_ROLES = (Role.DISTRICT_OFFICER, Role.SUPPORT_OFFICER, Role.TRANSPORT_COORDINATOR)


class UserQuerySet(models.QuerySet["User"]):
    def update(self, **kwargs: Any) -> int:
        """A bulk update or delete is a change of these users too: their cached rows are
        dropped (ADR 0205)."""
        pks = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        usercache.forget(pks)
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        pks = list(self.values_list("pk", flat=True))
        deleted = super().delete()
        usercache.forget(pks)
        return deleted


class KeleshekUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager over :class:`UserQuerySet`."""


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects: ClassVar[KeleshekUserManager] = KeleshekUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every change of a user drops their cached row (the admin, services, Django's password
        change, ``createsuperuser``; ADR 0205)."""
        super().save(*args, **kwargs)
        usercache.forget([self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        pk = self.pk
        deleted = super().delete(*args, **kwargs)
        usercache.forget([pk])
        return deleted

    def get_session_auth_hash(self) -> str:
        """The copy the user cache keeps has no password hash, only this (ADR 0205)."""
        if "password" not in self.__dict__ and usercache.SESSION_HASH_ATTR in self.__dict__:
            return str(self.__dict__[usercache.SESSION_HASH_ATTR])
        return super().get_session_auth_hash()

    def clean(self) -> None:
        super().clean()
        if self.role in TERRITORY_ROLES and not self.territory_id:
            raise ValidationError({"territory": _("this role needs a territory scope")})
        if self.role == Role.INSTITUTION_OPERATOR and not self.institution_id:
            raise ValidationError({"institution": _("this role needs an institution scope")})


class LoginFailure(models.Model):
    """Failed logins per username and client IP; enough of them lock that pair out for a while
    (``KELESHEK["LOGIN_MAX_FAILURES"]``, ``KELESHEK["LOGIN_LOCKOUT_MINUTES"]``)."""

    username = models.CharField(_("username"), max_length=150)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    failures = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_failure_at = models.DateTimeField(_("last failure at"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        constraints = [models.UniqueConstraint(fields=["username", "ip"], name="login_failure_key")]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip}: {self.failures}"
