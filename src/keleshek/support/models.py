"""Targeted social support: pupils, households, categories with evidence, programmes with
declarative eligibility rules, memberships with a state history, deliveries and the
de-duplication review queue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core.ids import IdentifierError, parse_iin
from keleshek.core.models import Multilingual, Synthetic, TimeStamped
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory


def validate_iin(value: str) -> None:
    try:
        parse_iin(value)
    except IdentifierError as exc:
        raise ValidationError(
            _("invalid IIN %(value)s: %(reason)s"),
            code=f"iin_{exc.code}",
            params={"value": value, "reason": str(exc).split(": ", 1)[-1]},
        ) from exc


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Household(Synthetic, TimeStamped):
    """A family: the unit that categories such as АСП or large family usually apply to."""

    settlement = models.ForeignKey(
        Territory,
        verbose_name=_("settlement"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    children_count = models.PositiveSmallIntegerField(_("children in the family"), default=1)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"household {self.pk}"


class Pupil(Synthetic, TimeStamped):
    iin = models.CharField(
        _("IIN"), max_length=12, null=True, blank=True, unique=True, validators=[validate_iin]
    )
    uid = models.UUIDField(_("internal id"), default=uuid.uuid4, unique=True, editable=False)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.PROTECT, related_name="pupils"
    )
    grade = models.PositiveSmallIntegerField(_("grade"), validators=[MaxValueValidator(11)])
    home_settlement = models.ForeignKey(
        Territory,
        verbose_name=_("home settlement"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    home_address = models.CharField(_("home address"), max_length=300, blank=True)
    home_lat = models.FloatField(_("home latitude"), null=True, blank=True)
    home_lon = models.FloatField(_("home longitude"), null=True, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pupils",
    )
    needs_review = models.BooleanField(_("needs manual review"), default=False)
    # The day the pupil left the school (a NOBD list without it, confirmed): kept, not deleted.
    left_on = models.DateField(_("left the school on"), null=True, blank=True)
    # Normalised "last first middle" (services.name_key): search and de-duplication.
    name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["school", "grade"]),
            models.Index(fields=["birth_date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(grade__lte=11), name="pupil_grade_0_11"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class Guardian(Synthetic, TimeStamped):
    class Role(models.TextChoices):
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        GUARDIAN = "guardian", _("legal guardian")
        FOSTER = "foster", _("foster parent")
        OTHER = "other", _("other relative")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="guardians"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    iin = models.CharField(
        _("IIN"), max_length=12, null=True, blank=True, validators=[validate_iin]
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name} ({self.role})"


class CategoryCode(models.TextChoices):
    ASP = "asp", _("family receiving targeted social assistance (АСП)")
    BELOW_SUBSISTENCE = "below_subsistence", _("income below the subsistence minimum")
    ORPHAN = "orphan", _("orphan or without parental care")
    EMERGENCY = "emergency", _("family hit by an emergency")
    LARGE_FAMILY = "large_family", _("large family (4+ children)")
    SEN_DISABILITY = "sen_disability", _("special educational needs / disability")
    COLLEGIAL_DECISION = "collegial_decision", _("decision of the school's collegial body")


# Categories that reveal more than a count to roles that do not need them.
SENSITIVE_CATEGORIES = frozenset(CategoryCode.values)

# The five categories of the general-education fund (Rules, Decree No. 64 as amended
# 08.05.2025; DOMAIN.md section 4). Large families and special needs are kept as data for
# other programmes and reach the fund only through the collegial body's decision (ADR 0150).
FUND_CATEGORIES: tuple[str, ...] = (
    CategoryCode.ASP,
    CategoryCode.BELOW_SUBSISTENCE,
    CategoryCode.ORPHAN,
    CategoryCode.EMERGENCY,
    CategoryCode.COLLEGIAL_DECISION,
)


class CollegialDecision(Synthetic, TimeStamped):
    """A decision of the school's collegial body (попечительский совет / педсовет) that grants
    the fund's fifth category ("other categories") to the children it names, for a period."""

    school = models.ForeignKey(
        Institution,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="collegial_decisions",
    )
    decided_on = models.DateField(_("date of the decision"))
    number = models.CharField(_("minutes number"), max_length=50)
    members_present = models.PositiveSmallIntegerField(_("members present"))
    reason = models.CharField(_("reason"), max_length=500)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("collegial body's decision")
        verbose_name_plural = _("collegial body's decisions")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "decided_on", "number"], name="collegial_decision_key"
            )
        ]

    def __str__(self) -> str:
        return f"№ {self.number} {self.decided_on:%d.%m.%Y}"


class CategorySource(models.TextChoices):
    MANUAL = "manual", _("entered from a document")
    IMPORT = "import", _("registry import")
    AKIMAT = "akimat", _("akimat's АСП list")
    COLLEGIAL = "collegial", _("collegial body's decision")


class PupilCategory(Synthetic, TimeStamped):
    pupil = models.ForeignKey(
        Pupil, verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="categories"
    )
    category = models.CharField(_("category"), max_length=30, choices=CategoryCode.choices)
    document = models.CharField(_("source document"), max_length=300, blank=True)
    evidence_date = models.DateField(_("date of the document"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=CategorySource.choices, default=CategorySource.MANUAL
    )
    decision = models.ForeignKey(
        CollegialDecision,
        verbose_name=_("collegial body's decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="categories",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pupil category")
        verbose_name_plural = _("pupil categories")
        indexes = [models.Index(fields=["category", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.pupil_id}: {self.category}"


class Programme(Multilingual, TimeStamped):
    class Kind(models.TextChoices):
        UNIFORM = "uniform", _("school uniform and shoes")
        MEALS = "meals", _("free meals")
        TRANSPORT = "transport", _("rural school transport")
        TRANSIT = "transit", _("free city transit")
        OTHER = "other", _("other")

    class Cycle(models.TextChoices):
        SCHOOL_YEAR = "school_year", _("once a school year")
        MONTH = "month", _("monthly")
        DAY = "day", _("daily")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The declarative eligibility rule: see keleshek.support.rules.
    rule = models.JSONField(_("eligibility rule"), default=dict)
    entitlement = models.JSONField(
        _("entitlement"), default=dict, blank=True, help_text=_("what and how much")
    )
    cycle = models.CharField(
        _("cycle"), max_length=20, choices=Cycle.choices, default=Cycle.SCHOOL_YEAR
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("the programme only applies within this territory"),
    )
    unit_cost = models.DecimalField(
        _("cost per delivery, KZT"), max_digits=12, decimal_places=2, default=0
    )
    funded_by_school_fund = models.BooleanField(
        _("paid from the school's general-education fund"), default=False
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]


class MembershipState(models.TextChoices):
    DRAFT = "draft", _("draft")
    ENROLLED = "enrolled", _("enrolled")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    DUPLICATED = "duplicated", _("duplicated")
    PAUSED = "paused", _("paused")
    EXITED = "exited", _("exited")


class Membership(TimeStamped):
    pupil = models.ForeignKey(
        Pupil, verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="memberships"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    school = models.ForeignKey(
        Institution,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("the school that enrolled the pupil"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=MembershipState.choices, default=MembershipState.DRAFT
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "programme", "year", "school"], name="membership_key"
            )
        ]
        indexes = [models.Index(fields=["programme", "year", "state"])]


def _state_label(state: str) -> str:
    """A stored state code in the reader's language (the code itself if unknown)."""
    if not state:
        return ""
    try:
        return str(MembershipState(state).label)
    except ValueError:
        return state


class MembershipChange(models.Model):
    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="changes"
    )
    at = models.DateTimeField(_("at"))
    old_state = models.CharField(_("from"), max_length=20, blank=True)
    new_state = models.CharField(_("to"), max_length=20)
    reason = models.CharField(_("reason"), max_length=500)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_name = models.CharField(_("author name"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.old_state} -> {self.new_state}"

    @property
    def old_state_label(self) -> str:
        return _state_label(self.old_state)

    @property
    def new_state_label(self) -> str:
        return _state_label(self.new_state)


class Delivery(TimeStamped):
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    delivered_on = models.DateField(_("delivered on"))
    items = models.JSONField(
        _("items"),
        default=dict,
        blank=True,
        help_text=_("uniform items and sizes, meal days, route, transit pass number"),
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    amount = models.DecimalField(_("amount, KZT"), max_digits=12, decimal_places=2, default=0)
    budget = models.CharField(_("budget"), max_length=100, blank=True)
    over_budget = models.BooleanField(_("over the school's fund"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on", "-id"]

    @property
    def item_rows(self) -> list[tuple[str, str]]:
        """The items as (label in the reader's language, value); unknown keys as stored."""
        items = self.items if isinstance(self.items, dict) else {}
        return [(str(ITEM_LABELS.get(k, k)), str(v)) for k, v in items.items()]


# The keys a delivery's items use (services, importer, demo) and how a page names them.
ITEM_LABELS = {
    "uniform": _("uniform, size"),
    "shoes": _("shoes, size"),
    "month": _("month"),
    "meal_days": _("meal days"),
    "pass": _("transit pass"),
    "route": _("route"),
    "items": _("items"),
    "application": _("application"),  # a fund payment: the application and its month's register
    "register": _("payment register"),
}


class DuplicateCandidate(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SAME = "same", _("same child")
        DIFFERENT = "different", _("different children")

    class Kind(models.TextChoices):
        IIN = "iin", _("same IIN")
        FUZZY = "fuzzy", _("similar name and birth date")
        DOUBLE_ENROLMENT = "double_enrolment", _("same programme at two schools")

    a = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    score = models.FloatField(_("score"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate review queue")
        constraints = [
            models.UniqueConstraint(fields=["a", "b", "kind"], name="duplicate_pair_key")
        ]


# --- the general-education fund: money to parents against an application (issue 17) --------


def validate_iban(value: str) -> None:
    from keleshek.core.ids import parse_iban

    try:
        parse_iban(value)
    except IdentifierError as exc:
        raise ValidationError(
            _("invalid IBAN %(value)s: %(reason)s"),
            code=exc.code,
            params={"value": value, "reason": str(exc).split(": ", 1)[-1]},
        ) from exc


class SchoolFund(TimeStamped):
    """The fund of a school for a school year: its size, at least the floor (a share of the
    maintenance budget, a setting: "not less than 1 %")."""

    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.PROTECT, related_name="funds"
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    amount = models.DecimalField(_("fund, KZT"), max_digits=14, decimal_places=2)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("school fund")
        verbose_name_plural = _("school funds")
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="school_fund_key")]


class Application(Synthetic, TimeStamped):
    """A parent's application (or the school's on their behalf) for the fund's help for a
    child: cash for clothing, shoes and school supplies paid to the parent's card account."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    class Channel(models.TextChoices):
        PARENT = "parent", _("by the parent")
        SCHOOL = "school", _("by the school on the parent's behalf")

    number = models.CharField(_("application number"), max_length=20, unique=True)
    pupil = models.ForeignKey(
        Pupil, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="applications"
    )
    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    category = models.CharField(_("category"), max_length=30, choices=CategoryCode.choices)
    channel = models.CharField(_("submitted"), max_length=10, choices=Channel.choices)
    parent_name = models.CharField(_("parent's full name"), max_length=200)
    parent_iin = models.CharField(_("parent's IIN"), max_length=12, validators=[validate_iin])
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    iban = models.CharField(_("card account IBAN"), max_length=34, validators=[validate_iban])
    documents = models.JSONField(_("documents attached"), default=list, blank=True)
    consent = models.BooleanField(_("consent to the processing of personal data"))
    submitted_on = models.DateField(_("submitted on"))
    decide_by = models.DateField(_("to be decided by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    minutes = models.CharField(_("minutes of the collegial body"), max_length=100, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)
    amount = models.DecimalField(
        _("amount, KZT"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["school", "year", "status"])]

    def __str__(self) -> str:
        return self.number


class PaymentRegister(Synthetic, TimeStamped):
    """The list a school sends its bank for a month: one line per approved application."""

    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("the first day of the month"))
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment register")
        verbose_name_plural = _("payment registers")
        constraints = [
            models.UniqueConstraint(fields=["school", "month"], name="payment_register_key")
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.month:%Y-%m}"


class PaymentLine(Synthetic, TimeStamped):
    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="line"
    )
    register = models.ForeignKey(
        PaymentRegister,
        verbose_name=_("payment register"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    parent_name = models.CharField(_("parent's full name"), max_length=200)
    parent_iin = models.CharField(_("parent's IIN"), max_length=12)
    iban = models.CharField(_("card account IBAN"), max_length=34)
    amount = models.DecimalField(_("amount, KZT"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment line")
        verbose_name_plural = _("payment lines")
        ordering = ["register", "id"]


class Receipt(Synthetic, TimeStamped):
    """Proof of purchase the parent shows: a scan or an itemised receipt."""

    class Kind(models.TextChoices):
        SCAN = "scan", _("scanned receipt")
        ITEMISED = "itemised", _("itemised receipt")

    line = models.ForeignKey(
        PaymentLine,
        verbose_name=_("payment line"),
        on_delete=models.CASCADE,
        related_name="receipts",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    issued_on = models.DateField(_("date of the receipt"))
    amount = models.DecimalField(_("amount, KZT"), max_digits=12, decimal_places=2)
    items = models.CharField(_("what was bought"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["issued_on", "id"]


class FundHelp(Synthetic, TimeStamped):
    """A child helped by the general-education fund in a school year: cash paid to the parent
    against an application (a paid payment line), or help in kind recorded before the law
    paid cash (a uniform delivery, migrated — ADR 0155). The one record the fund's counts
    read: children helped (distinct pupils) and the amount (₸)."""

    class Kind(models.TextChoices):
        CASH = "cash", _("paid in cash")
        IN_KIND = "in_kind", _("given in kind")

    pupil = models.ForeignKey(
        Pupil, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="fund_help"
    )
    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount, KZT"), max_digits=12, decimal_places=2)
    given_on = models.DateField(_("given on"))
    line = models.OneToOneField(
        PaymentLine,
        verbose_name=_("payment line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help",
    )
    delivery = models.OneToOneField(
        Delivery,
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_help",
    )

    class Meta:
        verbose_name = _("help from the fund")
        verbose_name_plural = _("help from the fund")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["year", "school"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="cash") | models.Q(line__isnull=False),
                name="fund_help_cash_has_line",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.year} {self.kind}"


class PublicRequest(models.Model):
    """One request of the public application or status page: counted per IP and hour to
    rate-limit pages that need no login (ADR 0154)."""

    ip = models.CharField(_("IP address"), max_length=45)
    kind = models.CharField(_("kind"), max_length=10)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("public request")
        verbose_name_plural = _("public requests")
        indexes = [models.Index(fields=["ip", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.ip} {self.at:%Y-%m-%d %H:%M}"
