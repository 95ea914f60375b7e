"""Partners, agreements (dual training, internships, consortia, research groups, equipment
donations in foreign currency) and international students by country."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core.links import validate_web_link
from keleshek.core.models import Multilingual, Synthetic, TimeStamped
from keleshek.institutions.models import Institution, validate_bin


class Partner(Multilingual, Synthetic, TimeStamped):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("employer")
        UNIVERSITY = "university", _("university")
        FOREIGN_GOVERNMENT = "foreign_government", _("foreign government")
        COMPANY = "company", _("company")
        FOREIGN_ORGANISATION = "foreign_organisation", _("foreign organisation")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    country = models.CharField(_("country (ISO 3166)"), max_length=2, default="KZ")
    bin = models.CharField(
        _("BIN"), max_length=12, null=True, blank=True, unique=True, validators=[validate_bin]
    )
    website = models.URLField(_("website"), blank=True, validators=[validate_web_link])

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name_ru"]


class Agreement(Synthetic, TimeStamped):
    class Kind(models.TextChoices):
        DUAL_TRAINING = "dual_training", _("dual training")
        INTERNSHIP = "internship", _("internship")
        CONSORTIUM = "consortium", _("consortium / memorandum")
        RESEARCH_GROUP = "research_group", _("research group")
        EQUIPMENT_DONATION = "equipment_donation", _("equipment donation")
        COOPERATION = "cooperation", _("cooperation")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=400)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=400, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    institutions = models.ManyToManyField(
        Institution,
        verbose_name=_("participating institutions"),
        blank=True,
        related_name="participations",
    )
    partners = models.ManyToManyField(
        Partner, verbose_name=_("partners"), related_name="agreements"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("e.g. a research group formed under a consortium memorandum"),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=400, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3, blank=True)
    kzt_rate = models.DecimalField(
        _("KZT per unit"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    rate_date = models.DateField(_("rate date"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "code"]

    def __str__(self) -> str:
        return self.title_ru

    @property
    def amount_kzt(self) -> Decimal | None:
        if self.amount is None:
            return None
        if self.currency in ("", "KZT"):
            return self.amount
        if self.kzt_rate is None:
            return None
        return (self.amount * self.kzt_rate).quantize(Decimal("0.01"))

    def clean(self) -> None:
        if self.amount is not None and not self.currency:
            raise ValidationError({"currency": _("an amount needs a currency")})
        if self.currency and self.currency not in ("KZT",) and self.amount and not self.kzt_rate:
            raise ValidationError({"kzt_rate": _("a foreign-currency amount needs a KZT rate")})
        if self.valid_to and self.signed_on and self.valid_to < self.signed_on:
            raise ValidationError({"valid_to": _("ends before it was signed")})


class InternationalStudents(Synthetic, models.Model):
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="international_students",
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    country = models.CharField(_("country (ISO 3166)"), max_length=2)
    count = models.PositiveIntegerField(_("students"))

    class Meta:
        verbose_name = _("international students")
        verbose_name_plural = _("international students")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "country"], name="intl_students_natural_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.year} {self.country}: {self.count}"
