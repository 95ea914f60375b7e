"""The school census as data: datasets and their elements, periods, one return per school per
period with its values, validation rules, the approval trail, reminders and the mappings of
outside exports (NOBD, Kundelik)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from keleshek.core.models import Multilingual, TimeStamped
from keleshek.institutions.models import Institution


def _in_language(obj: object, field: str) -> str:
    lang = (get_language() or "ru")[:2]
    return str(getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_ru", ""))


class Dataset(Multilingual):
    """What is collected and how often: the autumn census (as of 1 October), monthly meals,
    monthly transported pupils."""

    class Frequency(models.TextChoices):
        YEARLY = "yearly", _("yearly")
        MONTHLY = "monthly", _("monthly")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    reference_month = models.PositiveSmallIntegerField(
        _("reference month"), default=10, help_text=_("yearly datasets: the census day's month")
    )
    reference_day = models.PositiveSmallIntegerField(_("reference day"), default=1)
    due_days = models.PositiveSmallIntegerField(
        _("days to submit"), default=10, help_text=_("after the reference date")
    )
    sections = models.JSONField(
        _("sections"), default=dict, blank=True, help_text=_("{code: [ru, kk, en]}")
    )

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["code"]

    def section_name(self, code: str) -> str:
        lang = (get_language() or "ru")[:2]
        names = self.sections.get(code) or [code]
        index = {"ru": 0, "kk": 1, "en": 2}.get(lang, 0)
        return str(names[index] if index < len(names) and names[index] else names[0])


class DataElement(models.Model):
    """One figure of a dataset's form. ``target`` names the record the approved figure feeds:
    ``year:<field>`` (capacity, shifts and staff by year) or ``enrolment:<grade>:<M|F>``."""

    class Type(models.TextChoices):
        INTEGER = "integer", _("whole number")
        DECIMAL = "decimal", _("number")
        CHOICE = "choice", _("choice")
        BOOLEAN = "boolean", _("yes / no")

    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="elements"
    )
    code = models.SlugField(_("code"), max_length=40)
    section = models.SlugField(_("section"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.INTEGER)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("[[value, ru, kk, en], ...]")
    )
    required = models.BooleanField(_("required"), default=True)
    target = models.CharField(_("feeds the record"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["dataset", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "code"], name="census_element_key")
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.code}"

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    def choice_labels(self) -> list[tuple[str, str]]:
        lang = (get_language() or "ru")[:2]
        index = {"ru": 1, "kk": 2, "en": 3}.get(lang, 1)
        return [(str(c[0]), str(c[index] or c[1])) for c in self.choices]


class Period(models.Model):
    """One round of a dataset: the autumn census of 2026 (as of 1 October 2026), meals of
    October 2026."""

    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.PROTECT, related_name="periods"
    )
    code = models.CharField(_("code"), max_length=20)
    reference_date = models.DateField(_("as of"))
    due = models.DateField(_("due"))
    school_year = models.PositiveSmallIntegerField(_("school year"))
    is_open = models.BooleanField(_("open for entry"), default=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-reference_date", "dataset"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "code"], name="census_period_key")
        ]

    def __str__(self) -> str:
        return f"{self.dataset.name} {self.code}"


class Return(TimeStamped):
    """One school's form for one period, and where it stands on the way to the region."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("being filled")
        # its own context: "submitted" of a fund application reads otherwise in Russian
        SUBMITTED = "submitted", pgettext_lazy("census return", "submitted")
        RETURNED = "returned", _("returned for correction")
        APPROVED = "approved", _("approved by the district")
        ACCEPTED = "accepted", _("accepted by the region")

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="returns"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="census_returns",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    comment = models.TextField(_("last comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("census return")
        verbose_name_plural = _("census returns")
        ordering = ["period", "institution"]
        constraints = [
            models.UniqueConstraint(fields=["period", "institution"], name="census_return_key")
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.institution_id} {self.status}"

    @property
    def is_locked(self) -> bool:
        return self.status not in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_approved(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.ACCEPTED)


class DataValue(models.Model):
    """One figure of a return. ``version`` grows with every change, so that an offline edit
    made against an older version is recognised as a conflict instead of overwriting."""

    ret = models.ForeignKey(
        Return, verbose_name=_("census return"), on_delete=models.CASCADE, related_name="values"
    )
    element = models.ForeignKey(
        DataElement, verbose_name=_("data element"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.CharField(_("value"), max_length=40, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("census value")
        verbose_name_plural = _("census values")
        constraints = [models.UniqueConstraint(fields=["ret", "element"], name="census_value_key")]

    def __str__(self) -> str:
        return f"{self.ret_id}:{self.element_id}={self.value}"


class ValidationRule(models.Model):
    """``left operator right``, e.g. ``sum(g*) == pupils_total``. A blocking rule stops the
    submission; a warning is listed. ``comment_on`` names an element whose comment explains
    (and so clears) a violation: a capacity change over 20 % needs a comment."""

    class Importance(models.TextChoices):
        BLOCKING = "blocking", _("must be corrected")
        WARNING = "warning", _("check")

    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="rules"
    )
    code = models.SlugField(_("code"), max_length=40)
    left = models.CharField(_("left side"), max_length=300)
    operator = models.CharField(
        _("operator"),
        max_length=2,
        choices=[(o, o) for o in ("==", "!=", "<", "<=", ">", ">=")],
    )
    right = models.CharField(_("right side"), max_length=300)
    importance = models.CharField(
        _("importance"), max_length=10, choices=Importance.choices, default=Importance.BLOCKING
    )
    comment_on = models.SlugField(_("a comment on this element explains it"), blank=True)
    message_ru = models.CharField(_("message (Russian)"), max_length=300)
    message_kk = models.CharField(_("message (Kazakh)"), max_length=300)
    message_en = models.CharField(_("message (English)"), max_length=300)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["dataset", "code"]
        constraints = [models.UniqueConstraint(fields=["dataset", "code"], name="census_rule_key")]

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"

    @property
    def message(self) -> str:
        return _in_language(self, "message")


class ReturnEvent(models.Model):
    """The approval trail of a return: who moved it where, when and why."""

    ret = models.ForeignKey(
        Return, verbose_name=_("census return"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Return.Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Return.Status.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["ret", "at", "id"]

    def __str__(self) -> str:
        return f"{self.ret_id}: {self.from_status} → {self.to_status}"


class Reminder(models.Model):
    """A reminder sent to a school whose return is late (one per return per day at most)."""

    ret = models.ForeignKey(
        Return, verbose_name=_("census return"), on_delete=models.CASCADE, related_name="reminders"
    )
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    missing = models.PositiveSmallIntegerField(_("figures missing"), default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["ret", "sent_on"], name="census_reminder_key")
        ]

    def __str__(self) -> str:
        return f"{self.ret_id} {self.sent_on}"
