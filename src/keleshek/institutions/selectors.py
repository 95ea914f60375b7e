"""Reads for institutions: schools with their year's figures, pupils, shifts, condition flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
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
    settlements: Collection[int] | None = None,
) -> list[SchoolPlaces]:
    """Every school's places and pupils in ``year`` (or ``years``; all years when neither),
    optionally within a territory (or the ``settlements`` by id); in institution order. One
    query."""
    qs = InstitutionYear.objects.filter(institution__kind=Institution.Kind.SCHOOL)
    if year is not None:
        qs = qs.filter(year=year)
    if years is not None:
        qs = qs.filter(year__in=years)
    if territory is not None:
        qs = qs.filter(institution__settlement__path__startswith=territory.path)
    if settlements is not None:
        qs = qs.filter(institution__settlement_id__in=sorted(settlements))
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
    region; and, for every territory total the indicators publish from schools' records
    (``hidden``: element code → the ``(kato, dimension, category)`` cells to hide)."""

    institutions: dict[int, PublishedCounts]
    district_pupils: dict[str, int | None]
    region_pupils: int | None
    hidden: dict[str, set[tuple[str, str, str]]] = field(default_factory=dict)

    def of(self, institution_id: int) -> PublishedCounts:
        return self.institutions.get(
            institution_id, PublishedCounts(None, (None, None, None), None)
        )


# The indicators' data elements summed from schools' records that count people, with the
# school's cell each one sums (``published_school_counts`` protects them together).
SCHOOL_PEOPLE_ELEMENTS = ("pupils", "pupils_shift23", "pupils_shift3", "teachers_fte")


def published_school_counts(year: int | None) -> PublishedYear:
    """The one suppression of counts of people on public paths (``core.suppression.protect``,
    ADR 0133).

    One table of every figure the public paths publish from schools' records, with every sum a
    reader knows: a school's shifts → its pupils (and shifts 2 + 3); its teachers with their
    full-time equivalents; the schools of a settlement → its total, a settlement's → its rural
    okrug's, district's, region's (the open data, the portal and the indicators publish them),
    the same per urban and rural area, and a territory's urban + rural → its total. Protected
    together, so a cell hidden for one sum is hidden in all and no subtraction along any of
    them recovers it."""
    from keleshek.core.suppression import protect, threshold

    below = threshold()
    rows = list(
        InstitutionYear.objects.filter(year=year or 0).values_list(
            "institution_id",
            "institution__kind",
            "institution__settlement__path",
            "institution__settlement__level",
            "institution__settlement__is_urban",
            "pupils_shift1",
            "pupils_shift2",
            "pupils_shift3",
            "teachers_headcount",
            "teachers_fte",
        )
    )
    values: dict[Any, float | None] = {}
    sums: list[tuple[Any, list[Any]]] = []
    # territory cell ("T", element, kato, dimension, category) -> its parts
    parts_of: dict[tuple[str, str, str, str, str], list[Any]] = {}
    no_area: set[str] = set()  # territories with a school outside any settlement (no area)
    depth_of: dict[str, int] = {}  # 1: the region, 2: a district or a city of the region
    leaf = {
        "pupils": lambda i: ("pupils", i),
        "pupils_shift23": lambda i: ("s23", i),
        "pupils_shift3": lambda i: ("shift", i, 2),
        "teachers_fte": lambda i: ("fte", i),
        "teachers": lambda i: ("teachers", i),  # no total published today: kept safe ahead
    }
    for iid, kind, path, level, urban, s1, s2, s3, t, fte in rows:
        values[("pupils", iid)] = s1 + s2 + s3
        values[("shift", iid, 0)] = s1
        values[("shift", iid, 1)] = s2
        values[("shift", iid, 2)] = s3
        values[("s23", iid)] = s2 + s3
        values[("teachers", iid)] = t
        values[("fte", iid)] = float(fte or 0)
        sums.append((("pupils", iid), [("shift", iid, k) for k in range(3)]))
        sums.append((("s23", iid), [("shift", iid, 1), ("shift", iid, 2)]))
        # the headcount and its full-time equivalents are hidden together
        sums.append((("teachers", iid), [("fte", iid)]))
        sums.append((("fte", iid), [("teachers", iid)]))
        if kind != Institution.Kind.SCHOOL:
            continue  # no territory publishes other institutions' totals
        katos = path.strip("/").split("/")
        area = ("urban" if urban else "rural") if level == Territory.Level.SETTLEMENT else None
        if area is None:
            no_area.update(katos)
        depth_of.update((k, d) for d, k in enumerate(katos, start=1))
        for element, cell in leaf.items():
            v = values[cell(iid)]
            for depth in range(len(katos), 0, -1):
                kato = katos[depth - 1]
                cells = [("T", element, kato, "", "")]
                if area is not None:
                    cells.append(("T", element, kato, "area", area))
                for node in cells:
                    values[node] = (values.get(node) or 0) + (v or 0)
                    if depth == len(katos):
                        parts_of.setdefault(node, []).append(cell(iid))
                    else:
                        child = (node[0], node[1], katos[depth], node[3], node[4])
                        kids = parts_of.setdefault(node, [])
                        if child not in kids:
                            kids.append(child)
    sums.extend((node, parts) for node, parts in parts_of.items())
    for node in list(parts_of):
        _t, element, kato, dim, _cat = node
        if dim == "" and kato not in no_area:
            areas = [("T", element, kato, "area", a) for a in ("urban", "rural")]
            sums.append((node, [a for a in areas if a in values]))
    hidden = protect(values, sums, below)
    published: dict[int, PublishedCounts] = {}
    for iid, *_rest in rows:
        p_hidden = ("pupils", iid) in hidden
        shifts = tuple(
            None if p_hidden or ("shift", iid, k) in hidden else int(values[("shift", iid, k)] or 0)
            for k in range(3)
        )
        published[iid] = PublishedCounts(
            pupils=None if p_hidden else int(values[("pupils", iid)] or 0),
            shifts=shifts,  # type: ignore[arg-type]
            teachers=None if ("teachers", iid) in hidden else int(values[("teachers", iid)] or 0),
        )
    by_element: dict[str, set[tuple[str, str, str]]] = {e: set() for e in leaf}
    for key in hidden:
        if key[0] == "T":
            by_element[key[1]].add((key[2], key[3], key[4]))
    district_pupils: dict[str, int | None] = {}
    region_pupils: int | None = 0  # no school: nought
    for node, v in values.items():
        if node[0] != "T" or node[1] != "pupils" or node[3] != "":
            continue
        shown: int | None = None if node in hidden else int(v or 0)
        tier = depth_of.get(node[2])
        if tier == 2:
            district_pupils[node[2]] = shown
        elif tier == 1:
            region_pupils = shown
    return PublishedYear(
        institutions=published,
        district_pupils=district_pupils,
        region_pupils=region_pupils,
        hidden=by_element,
    )
