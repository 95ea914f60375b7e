"""Reads for institutions: schools with their year's figures, pupils, shifts, condition flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet, Sum

from keleshek.core.schoolyear import school_year_of
from keleshek.core.scoping import scope_queryset
from keleshek.territory.models import Territory

from .capacity import SHIFTS_COUNTED, places_short, places_two_shift
from .models import Enrolment, Institution, InstitutionYear


def current_school_year(today: dt.date | None = None) -> int:
    """The school year pages and services take when none is asked for: the setting
    ``KELESHEK["CURRENT_YEAR"]`` if set, else the latest year with school records (the year
    the region is working in: its data are filed), else the school year of ``today``
    (``keleshek.core.schoolyear``)."""
    configured = settings.KELESHEK.get("CURRENT_YEAR")
    if configured:
        return int(str(configured))
    latest = InstitutionYear.objects.order_by("-year").values_list("year", flat=True).first()
    return int(latest) if latest else school_year_of(today or dt.date.today())


def institutions(
    *, user: Any = None, kind: str | None = None, territory: Territory | None = None
) -> QuerySet[Institution]:
    """Institutions, scoped to the user when one is given (every staff read path passes one)."""
    qs = Institution.objects.select_related("settlement", "parent")
    if user is not None:
        qs = scope_queryset(qs, user, territory="settlement", institution="")
    if kind:
        qs = qs.filter(kind=kind)
    if territory is not None:
        qs = qs.filter(settlement__path__startswith=territory.path)
    return qs.order_by("kind", "name_ru")


def school_years(
    year: int, *, territory: Territory | None = None, user: Any = None
) -> QuerySet[InstitutionYear]:
    qs = InstitutionYear.objects.filter(
        year=year, institution__kind=Institution.Kind.SCHOOL
    ).select_related("institution", "institution__settlement")
    if user is not None:
        qs = scope_queryset(
            qs, user, territory="institution__settlement", institution="institution"
        )
    if territory is not None:
        qs = qs.filter(institution__settlement__path__startswith=territory.path)
    return qs


@dataclass(frozen=True)
class SchoolTotals:
    schools: int
    pupils: int
    capacity: int
    second_shift: int
    third_shift: int
    three_shift_schools: int
    emergency_schools: int
    teachers_fte: float

    @property
    def utilisation(self) -> float:
        return 100.0 * self.pupils / self.capacity if self.capacity else 0.0


def school_totals(year: int, *, territory: Territory | None = None) -> SchoolTotals:
    qs = school_years(year, territory=territory)
    agg = qs.aggregate(
        pupils=Sum(F("pupils_shift1") + F("pupils_shift2") + F("pupils_shift3")),
        capacity=Sum("design_capacity"),
        s2=Sum("pupils_shift2"),
        s3=Sum("pupils_shift3"),
        fte=Sum("teachers_fte"),
    )
    return SchoolTotals(
        schools=qs.count(),
        pupils=int(agg["pupils"] or 0),
        capacity=int(agg["capacity"] or 0),
        second_shift=int(agg["s2"] or 0),
        third_shift=int(agg["s3"] or 0),
        three_shift_schools=qs.filter(THREE_SHIFT).count(),
        emergency_schools=qs.filter(is_emergency=True).count(),
        teachers_fte=float(agg["fte"] or 0),
    )


def overcrowded_schools(year: int, *, territory: Territory | None = None) -> list[InstitutionYear]:
    """Schools with a deficit of places (``capacity.places_short`` > 0), largest first."""
    qs = school_years(year, territory=territory).annotate(
        over=PUPILS - F("design_capacity") * SHIFTS_COUNTED
    )
    return list(qs.filter(over__gt=0).order_by("-over", "institution__name_ru"))


# --- places and their deficit (ADR 0128) -----------------------------------------------------

PUPILS = F("pupils_shift1") + F("pupils_shift2") + F("pupils_shift3")
# a school year in three shifts: flagged, or pupils in a third shift (InstitutionYear's
# ``works_three_shifts`` in SQL)
THREE_SHIFT = Q(is_three_shift=True) | Q(shifts__gte=3) | Q(pupils_shift3__gt=0)


@dataclass(frozen=True)
class SchoolPlaces:
    """One school's places in one school year: the one read every deficit starts from."""

    institution_id: int
    settlement_id: int
    settlement_path: str
    year: int
    capacity: int
    pupils_shift1: int
    pupils_shift2: int
    pupils_shift3: int
    shifts: int
    is_emergency: bool
    is_three_shift: bool
    teachers_fte: float

    @property
    def pupils(self) -> int:
        return self.pupils_shift1 + self.pupils_shift2 + self.pupils_shift3

    @property
    def deficit(self) -> int:
        return places_short(self.pupils, self.capacity)

    @property
    def places(self) -> int:
        """Places in two-shift education, as the ministry counts them (ADR 0162)."""
        return places_two_shift(self.capacity)

    @property
    def works_three_shifts(self) -> bool:
        return self.is_three_shift or self.shifts >= 3 or self.pupils_shift3 > 0


def school_places(
    year: int | None = None,
    *,
    years: Collection[int] | None = None,
    territory: Territory | None = None,
) -> list[SchoolPlaces]:
    """Every school's places and pupils in ``year`` (or ``years``; all years when neither),
    optionally within a territory; in institution order. One query."""
    qs = InstitutionYear.objects.filter(institution__kind=Institution.Kind.SCHOOL)
    if year is not None:
        qs = qs.filter(year=year)
    if years is not None:
        qs = qs.filter(year__in=years)
    if territory is not None:
        qs = qs.filter(institution__settlement__path__startswith=territory.path)
    rows = qs.order_by("institution_id", "year").values_list(
        "institution_id",
        "institution__settlement_id",
        "institution__settlement__path",
        "year",
        "design_capacity",
        "pupils_shift1",
        "pupils_shift2",
        "pupils_shift3",
        "shifts",
        "is_emergency",
        "is_three_shift",
        "teachers_fte",
    )
    return [
        SchoolPlaces(*r[:11], teachers_fte=float(r[11] or 0))
        for r in rows.iterator(chunk_size=5000)
    ]


def places_deficit(year: int, *, territory: Territory | None = None) -> int:
    """The deficit of places of a territory's schools (the whole region without one)."""
    return sum(s.deficit for s in school_places(year, territory=territory))


@dataclass(frozen=True)
class CapacityRow:
    territory: Territory
    schools: int
    pupils: int
    capacity: int
    deficit: int


def places_by_unit(year: int, parent: Territory) -> list[CapacityRow]:
    """Schools, pupils, capacity and deficit for each current child unit of ``parent``."""
    units = list(Territory.objects.filter(parent=parent, valid_to__isnull=True).order_by("kato"))
    agg: dict[int, list[int]] = {u.pk: [0, 0, 0, 0] for u in units}
    for s in school_places(year, territory=parent):
        for u in units:
            if s.settlement_path.startswith(u.path):
                a = agg[u.pk]
                a[0] += 1
                a[1] += s.pupils
                a[2] += s.capacity
                a[3] += s.deficit
                break
    return [CapacityRow(u, *agg[u.pk]) for u in units]


def enrolment_by_grade(
    year: int, *, territory: Territory | None = None
) -> dict[tuple[int, str], int]:
    """{(grade, sex): pupils} in schools."""
    qs = Enrolment.objects.filter(year=year, institution__kind=Institution.Kind.SCHOOL)
    if territory is not None:
        qs = qs.filter(institution__settlement__path__startswith=territory.path)
    rows = qs.values("grade", "sex").annotate(n=Sum("count")).order_by("grade", "sex")
    return {(r["grade"], r["sex"]): r["n"] for r in rows}


# --- Counts of people as every public path publishes them (ADR 0139) ---------------------------


@dataclass(frozen=True)
class PublishedCounts:
    """One institution's counts of people for the public; None where suppressed."""

    pupils: int | None
    shifts: tuple[int | None, int | None, int | None]
    teachers: int | None


@dataclass(frozen=True)
class PublishedYear:
    """A school year's counts for the public: per institution, per district (schools' pupils,
    summed as the open data's districts file and the portal's home page sum them) and the
    region."""

    institutions: dict[int, PublishedCounts]
    district_pupils: dict[str, int | None]
    region_pupils: int | None

    def of(self, institution_id: int) -> PublishedCounts:
        return self.institutions.get(
            institution_id, PublishedCounts(None, (None, None, None), None)
        )


def _district_of(path: str) -> str:
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) > 1 else parts[0]


def published_school_counts(year: int | None) -> PublishedYear:
    """The one suppression of counts of people on public paths (``core.suppression``).

    Along every sum that is published: a row's shifts → its pupils; the pupils and the teachers
    of the schools of a settlement, a rural okrug, a district → that territory's total; the
    districts' totals → the region's. A part
    hidden in one sum stays hidden in every other, so no subtraction recovers it."""
    from keleshek.core.suppression import hide, hide_cells, small, threshold

    below = threshold()
    rows = list(
        InstitutionYear.objects.filter(year=year or 0).values_list(
            "institution_id",
            "institution__kind",
            "institution__settlement__path",
            "pupils_shift1",
            "pupils_shift2",
            "pupils_shift3",
            "teachers_headcount",
        )
    )
    pupils: dict[int, int] = {}
    teachers: dict[int, int] = {}
    shifts: dict[int, tuple[int, int, int]] = {}
    hidden_pupils: set[int] = set()
    hidden_shifts: dict[int, set[int]] = {}
    groups: dict[tuple[str, bool], list[int]] = {}
    nested: dict[tuple[str, bool], list[int]] = {}
    for iid, kind, path, s1, s2, s3, t in rows:
        shifts[iid] = (s1, s2, s3)
        pupils[iid] = s1 + s2 + s3
        teachers[iid] = t
        hidden_cells, total_hidden = hide_cells([s1, s2, s3], pupils[iid], below)
        hidden_shifts[iid] = hidden_cells
        if total_hidden:
            hidden_pupils.add(iid)
        is_school = kind == Institution.Kind.SCHOOL
        groups.setdefault((_district_of(path), is_school), []).append(iid)
        # Every territory below the region may publish its total (the indicators do, per
        # settlement, rural okrug and district): each is a sum to complement.
        parts = path.strip("/").split("/")
        for depth in range(2, len(parts) + 1):
            nested.setdefault(("/".join(parts[:depth]), is_school), []).append(iid)
    hidden_teachers: set[int] = set()
    # Deepest sums first; repeat until a pass hides nothing more (a part hidden for one sum may
    # leave another sum with a single hidden part).
    order = sorted(nested.values(), key=len)
    for _pass in range(10):
        before = (len(hidden_pupils), len(hidden_teachers))
        for members in order:
            hidden_pupils |= hide(
                {i: pupils[i] for i in members}, below, hidden=hidden_pupils & set(members)
            )
            hidden_teachers |= hide(
                {i: teachers[i] for i in members}, below, hidden=hidden_teachers & set(members)
            )
        if (len(hidden_pupils), len(hidden_teachers)) == before:
            break
    # Districts' totals of schools' pupils, and the region's.
    totals: dict[str, int] = {}
    for (district, is_school), members in groups.items():
        if is_school:
            totals[district] = totals.get(district, 0) + sum(pupils[i] for i in members)
    hidden_districts = hide(totals, below)
    for district in hidden_districts:
        # A hidden district total must not be the sum of published schools: hide one more.
        members = groups.get((district, True), [])
        if not small(totals[district], below) and not hidden_pupils & set(members):
            smallest = min(
                (i for i in members if pupils[i] > 0), key=lambda i: (pupils[i], i), default=None
            )
            if smallest is not None:
                hidden_pupils.add(smallest)
    region = sum(totals.values())
    published: dict[int, PublishedCounts] = {}
    for iid in pupils:
        shown: tuple[int | None, int | None, int | None] = (None, None, None)
        if iid not in hidden_pupils:
            s = shifts[iid]
            h = hidden_shifts[iid]
            shown = (
                None if 0 in h else s[0],
                None if 1 in h else s[1],
                None if 2 in h else s[2],
            )
        published[iid] = PublishedCounts(
            pupils=None if iid in hidden_pupils else pupils[iid],
            shifts=shown,
            teachers=None if iid in hidden_teachers else teachers[iid],
        )
    return PublishedYear(
        institutions=published,
        district_pupils={d: None if d in hidden_districts else v for d, v in totals.items()},
        region_pupils=None if small(region, below) else region,
    )
