"""Rural school transport: the fleet, school bell times, stops, who rides, and optimised plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core.models import Synthetic, TimeStamped
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory


class Driver(Synthetic, TimeStamped):
    """A bus driver: a category D licence and a valid medical check let them carry pupils."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    licence_number = models.CharField(_("driving licence number"), max_length=40, blank=True)
    licence_categories = models.CharField(
        _("licence categories"), max_length=40, help_text=_("e.g. B, C, D")
    )
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    medical_valid_until = models.DateField(_("medical check valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")
        ordering = ["territory", "full_name"]

    def __str__(self) -> str:
        return self.full_name

    def has_category_d(self) -> bool:
        cats = {c.strip().upper() for c in self.licence_categories.replace(";", ",").split(",")}
        return bool(cats & {"D", "D1", "DE", "D1E"})


class Escort(Synthetic, TimeStamped):
    """An adult who accompanies the pupils, appointed by the school director's order."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    school = models.ForeignKey(
        Institution,
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order_number = models.CharField(_("director's order number"), max_length=40, blank=True)
    order_date = models.DateField(_("director's order date"), null=True, blank=True)
    valid_until = models.DateField(_("appointed until"), null=True, blank=True)

    class Meta:
        verbose_name = _("escort")
        verbose_name_plural = _("escorts")
        ordering = ["territory", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class Vehicle(Synthetic, TimeStamped):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    plate = models.CharField(_("number plate"), max_length=20, blank=True)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(_("seats for pupils"))
    territory = models.ForeignKey(
        Territory, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    # A bus's home (ADR 0170): the school it belongs to, where it stands overnight and starts
    # and ends its day; blank for a carrier's bus, which stands at the carrier's garage (the
    # depot below) and may serve any school of the district.
    home_school = models.ForeignKey(
        Institution,
        verbose_name=_("home school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("the school the bus belongs to and stands at; blank: a carrier's garage"),
    )
    carrier = models.CharField(_("carrier"), max_length=200, blank=True)
    depot_name = models.CharField(_("depot"), max_length=200)
    depot_lat = models.FloatField(_("depot latitude"))
    depot_lon = models.FloatField(_("depot longitude"))
    cost_per_km = models.DecimalField(_("cost per km, KZT"), max_digits=10, decimal_places=2)
    available = models.BooleanField(_("available"), default=True)
    # Documents and equipment (issue 18 point 5): expiry dates are warned about in advance.
    inspection_valid_until = models.DateField(
        _("technical inspection valid until"), null=True, blank=True
    )
    insurance_valid_until = models.DateField(_("insurance valid until"), null=True, blank=True)
    seat_belts = models.BooleanField(_("seat belts at every seat"), default=False)
    tachograph = models.BooleanField(_("tachograph"), default=False)
    driver = models.ForeignKey(
        Driver,
        verbose_name=_("driver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vehicles",
    )
    escort = models.ForeignKey(
        Escort,
        verbose_name=_("escort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vehicles",
    )

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["territory", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.capacity})"

    @property
    def label(self) -> str:
        """How a page names the bus: its number plate, which people read on it; the code (an
        id for imports and the API) only when there is no plate."""
        return self.plate or self.code


def parse_grades(text: str) -> frozenset[int]:
    """``"2-4, 6"`` as {2, 3, 4, 6}. Raises ValueError with the part it cannot read."""
    grades: set[int] = set()
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        lo, dash, hi = part.partition("-")
        try:
            first, last = int(lo), int(hi if dash else lo)
        except ValueError:
            raise ValueError(part) from None
        if not 0 <= first <= last <= 11:
            raise ValueError(part)
        grades.update(range(first, last + 1))
    return frozenset(grades)


class SchoolSchedule(Synthetic, models.Model):
    """When a school's first lesson starts, and how early buses may arrive."""

    school = models.OneToOneField(
        Institution, verbose_name=_("school"), on_delete=models.CASCADE, related_name="schedule"
    )
    bell = models.TimeField(_("first bell"))
    margin_min = models.PositiveSmallIntegerField(_("arrive at least this early, min"), default=10)
    window_min = models.PositiveSmallIntegerField(_("arrival window, min"), default=25)
    dismissal = models.TimeField(
        _("last lesson ends"),
        null=True,
        blank=True,
        help_text=_(
            "buses start boarding for the way home within the window after this time; "
            "blank: the first bell plus the length of the school day (setting SCHOOL_DAY_MIN)"
        ),
    )
    # A second shift: its pupils (by grade) ride to school for its own bell and home after its
    # own last lesson; a bus may bring the second shift after taking the first one home.
    shift2_bell = models.TimeField(
        _("second shift: first bell"),
        null=True,
        blank=True,
        help_text=_("blank: the school has one shift"),
    )
    shift2_grades = models.CharField(
        _("second shift: grades"),
        max_length=40,
        blank=True,
        help_text=_("grades taught in the second shift, e.g. 2-4, 6"),
    )
    shift2_dismissal = models.TimeField(
        _("second shift: last lesson ends"),
        null=True,
        blank=True,
        help_text=_("blank: the second shift's first bell plus the length of the school day"),
    )

    class Meta:
        verbose_name = _("school bell time")
        verbose_name_plural = _("school bell times")

    def __str__(self) -> str:
        return f"{self.school_id} {self.bell:%H:%M}"

    def second_shift_grades(self) -> frozenset[int]:
        """The grades of the second shift; empty when the school has one shift."""
        if self.shift2_bell is None:
            return frozenset()
        return parse_grades(self.shift2_grades)


class Stop(Synthetic, TimeStamped):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    # The settlement and a landmark or street, e.g. "Секисовка, у школы" (issue 15 point 10).
    name = models.CharField(_("name"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    settlement = models.ForeignKey(
        Territory, verbose_name=_("settlement"), on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.CASCADE, related_name="+"
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    generated = models.BooleanField(_("generated"), default=True)

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        ordering = ["school", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the active language (Kazakh where it is given)."""
        from django.utils.translation import get_language

        if (get_language() or "")[:2] == "kk" and self.name_kk:
            return self.name_kk
        return self.name


class Rider(models.Model):
    """A pupil who needs transport (the support programme's rule says why) and their stop."""

    pupil = models.OneToOneField(
        "support.Pupil", verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="rider"
    )
    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.CASCADE, related_name="+"
    )
    settlement = models.ForeignKey(
        Territory, verbose_name=_("home settlement"), on_delete=models.PROTECT, related_name="+"
    )
    distance_km = models.FloatField(_("distance to school, km"))
    reason = models.CharField(_("why transport is needed"), max_length=300)
    stop = models.ForeignKey(
        Stop,
        verbose_name=_("stop"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="riders",
    )
    walk_m = models.PositiveIntegerField(_("walk to the stop, m"), null=True, blank=True)

    class Meta:
        verbose_name = _("rider")
        verbose_name_plural = _("riders")

    def __str__(self) -> str:
        return f"rider {self.pupil_id}"


class Plan(TimeStamped):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    territory = models.ForeignKey(
        Territory, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    base = models.ForeignKey(
        "self",
        verbose_name=_("compared with"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="variants",
    )
    scenario = models.JSONField(_("what-if"), default=dict, blank=True)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_current = models.BooleanField(_("current plan"), default=False)
    buses = models.PositiveIntegerField(_("buses"), default=0)
    distance_km = models.FloatField(_("bus-km per morning"), default=0)
    longest_ride_min = models.FloatField(_("longest ride, min"), default=0)
    pupils_total = models.PositiveIntegerField(_("pupils needing transport"), default=0)
    pupils_served = models.PositiveIntegerField(_("pupils served"), default=0)
    unserved = models.JSONField(_("not served, with reasons"), default=list, blank=True)
    afternoon_km = models.FloatField(_("bus-km per afternoon"), default=0)
    pupils_home = models.PositiveIntegerField(_("pupils taken home"), default=0)
    afternoon_unserved = models.JSONField(
        _("not taken home, with reasons"), default=list, blank=True
    )
    problems = models.JSONField(_("feasibility check"), default=list, blank=True)
    # Expired, expiring or missing documents of the drivers, escorts and vehicles on the
    # plan's routes, as found when the plan was stored (issue 18 point 5).
    document_issues = models.JSONField(_("document issues"), default=list, blank=True)
    # Where the distances came from (ADR 0172): a road network, or the straight-line fallback.
    distances = models.CharField(_("distances"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("transport plan")
        verbose_name_plural = _("transport plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Route(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="routes"
    )
    number = models.PositiveSmallIntegerField(_("route number"))
    vehicle = models.ForeignKey(
        Vehicle, verbose_name=_("vehicle"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    distance_km = models.FloatField(_("km"))
    longest_ride_min = models.FloatField(_("longest ride, min"))
    load = models.PositiveSmallIntegerField(_("largest load"))
    trips = models.JSONField(_("trips"))  # [{school, arrival, visits: [{stop, arrival, ...}]}]
    # [{school, boarding, departure, visits: [{stop, arrival, alighted, load}]}]
    afternoon = models.JSONField(_("afternoon trips"), default=list, blank=True)
    afternoon_km = models.FloatField(_("km in the afternoon"), default=0)

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        ordering = ["plan", "number"]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.number}"


class CancelledDay(TimeStamped):
    """A day's trips cancelled (issue 18 point 6): for weather in the whole district or at one
    school, or for a broken bus on its routes; the pupils left without a ride are kept as they
    were on the current plan that day."""

    class Reason(models.TextChoices):
        FOG = "fog", _("fog")
        BLIZZARD = "blizzard", _("blizzard")
        FROST = "frost", _("frost")
        BROKEN_BUS = "broken_bus", _("broken bus")
        OTHER = "other", _("other")

    territory = models.ForeignKey(
        Territory, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    school = models.ForeignKey(
        Institution,
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("blank: every school of the district"),
    )
    vehicle = models.ForeignKey(
        Vehicle,
        verbose_name=_("vehicle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("a broken bus: only its routes are cancelled"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pupil_ids = models.JSONField(_("pupils affected"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("cancelled day")
        verbose_name_plural = _("cancelled days")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"

    @property
    def pupils_affected(self) -> int:
        return len(self.pupil_ids)


class SchemeApproval(TimeStamped):
    """The register of resolutions approving a district's transport scheme for a school year
    (Law on Automobile Transport, art. 14: the akimat's "схема и порядок перевозки")."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("school year (its first calendar year)"))
    number = models.CharField(_("resolution number"), max_length=40)
    date = models.DateField(_("resolution date"))
    body = models.CharField(_("approved by"), max_length=200, blank=True)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan approved"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("transport scheme approval")
        verbose_name_plural = _("transport scheme approvals")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.date}"


class RoadNetwork(TimeStamped):
    """A routable road graph imported from an OpenStreetMap extract (``keleshek roads import``,
    ADR 0172); plans of the districts it covers use it instead of straight lines."""

    name = models.CharField(_("source file"), max_length=300)
    nodes = models.PositiveIntegerField(_("nodes"))
    edges = models.PositiveIntegerField(_("road segments"))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    graph = models.BinaryField(_("graph"))

    class Meta:
        verbose_name = _("road network")
        verbose_name_plural = _("road networks")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
