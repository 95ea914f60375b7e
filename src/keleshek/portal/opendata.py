"""Open-data datasets: aggregated, with stable KATO and BIN identifiers.

Counts of people (pupils, students, teachers) from 1 to ``PUBLIC_SUPPRESS_BELOW`` − 1 are
suppressed (empty in CSV, null in JSON); zero stays zero (it identifies no one). Schools' pupils
and teachers and districts' pupils come from ``institutions.selectors.published_school_counts``,
which adds complementary suppression along the territory (ADR 0139, 0133); offerings' students
and international students from ``published_offerings`` and ``published_international`` (the
indicators publish their totals). Places,
seats and money are not counts of people and are published as they are
(docs/adr/0071-open-data-suppression.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from keleshek.construction.models import Project
from keleshek.institutions.capacity import places_short
from keleshek.institutions.models import Institution, InstitutionYear
from keleshek.institutions.selectors import published_school_counts
from keleshek.partnerships.models import InternationalStudents
from keleshek.partnerships.selectors import published_international
from keleshek.programmes.models import Offering
from keleshek.programmes.selectors import published_offerings
from keleshek.territory.models import Territory

Row = dict[str, Any]


def suppress_below() -> int:
    value: Any = settings.KELESHEK.get("PUBLIC_SUPPRESS_BELOW", 5)
    return int(value)


def suppress(value: int | None, threshold: int) -> int | None:
    if value is None:
        return None
    return None if 0 < value < threshold else value


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise
    description: Promise
    columns: tuple[str, ...]
    people: tuple[str, ...]  # columns that count people: suppressed
    rows: Callable[[int | None], Iterator[Row]]

    def records(self, year: int | None) -> Iterator[Row]:
        threshold = suppress_below()
        for row in self.rows(year):
            for col in self.people:
                row[col] = suppress(row[col], threshold)
            yield row


def latest_year() -> int | None:
    return InstitutionYear.objects.aggregate(y=Max("year"))["y"]


def _schools(year: int | None) -> Iterator[Row]:
    qs = (
        InstitutionYear.objects.filter(year=year or 0, institution__kind=Institution.Kind.SCHOOL)
        .order_by("institution__settlement__kato", "institution__bin", "institution_id")
        .values(
            "institution__bin",
            "institution__name_ru",
            "institution__settlement__kato",
            "year",
            "design_capacity",
            "shifts",
            "is_emergency",
            "is_three_shift",
            "pupils_shift1",
            "pupils_shift2",
            "pupils_shift3",
            "teachers_headcount",
            "institution_id",
        )
    )
    published = published_school_counts(year)  # the one suppression (ADR 0139)
    for r in qs:
        counts = published.of(r["institution_id"])
        yield {
            "bin": r["institution__bin"] or "",
            "name_ru": r["institution__name_ru"],
            "settlement_kato": r["institution__settlement__kato"],
            "year": r["year"],
            "design_capacity": r["design_capacity"],
            "shifts": r["shifts"],
            "emergency": int(r["is_emergency"]),
            "three_shift": int(r["is_three_shift"] or r["shifts"] >= 3 or r["pupils_shift3"] > 0),
            "pupils": counts.pupils,
            "teachers": counts.teachers,
        }


def _districts(year: int | None) -> Iterator[Row]:
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    qs = InstitutionYear.objects.filter(
        year=year or 0, institution__kind=Institution.Kind.SCHOOL
    ).values_list(
        "institution__settlement__path",
        "design_capacity",
        "pupils_shift1",
        "pupils_shift2",
        "pupils_shift3",
    )
    for path, capacity, s1, s2, s3 in qs:
        parts = path.strip("/").split("/")
        kato = parts[1] if len(parts) > 1 else parts[0]
        pupils = s1 + s2 + s3
        a = acc[kato]
        a[0] += 1
        a[1] += capacity
        a[2] += pupils
        a[3] += places_short(pupils, capacity)  # the one rule (ADR 0128)
    names = dict(Territory.objects.filter(kato__in=list(acc)).values_list("kato", "name_ru"))
    published = published_school_counts(year)  # the one suppression (ADR 0139)
    for kato in sorted(acc):
        schools, capacity, _pupils, deficit = acc[kato]
        yield {
            "kato": kato,
            "name_ru": names.get(kato, ""),
            "year": year,
            "schools": schools,
            "design_capacity": capacity,
            "pupils": published.district_pupils.get(kato),
            "deficit_places": deficit,
        }


def _offerings(year: int | None) -> Iterator[Row]:
    qs = (
        Offering.objects.filter(year=year or 0)
        .order_by("institution__bin", "specialty__code", "language", "pk")
        .values(
            "institution__bin",
            "institution__settlement__kato",
            "specialty__code",
            "specialty__isced_level",
            "year",
            "language",
            "launch_year",
            "state_seats",
            "paid_seats",
            "enrolled",
            "dual_training",
            "pk",
        )
    )
    hidden = published_offerings(year).enrolled  # the one suppression (ADR 0133)
    for r in qs:
        yield {
            "bin": r["institution__bin"] or "",
            "settlement_kato": r["institution__settlement__kato"],
            "specialty_code": r["specialty__code"],
            "isced_level": r["specialty__isced_level"],
            "year": r["year"],
            "language": r["language"],
            "launch_year": r["launch_year"],
            "state_seats": r["state_seats"],
            "paid_seats": r["paid_seats"],
            "enrolled": None if r["pk"] in hidden else r["enrolled"],
            "dual_training": r["dual_training"],
        }


def _construction(year: int | None) -> Iterator[Row]:
    qs = (
        Project.objects.exclude(stage=Project.Stage.CANCELLED)
        .select_related("settlement")
        .prefetch_related("funding")
        .order_by("code")
    )
    for p in qs:
        yield {
            "code": p.code,
            "kind": p.kind,
            "settlement_kato": p.settlement.kato,
            "stage": p.stage,
            "places": p.places,
            "readiness": p.readiness,
            "main_funding_source": p.main_source or "",
            "planned_commissioning": p.planned_commissioning.isoformat()
            if p.planned_commissioning
            else "",
            "actual_commissioning": p.actual_commissioning.isoformat()
            if p.actual_commissioning
            else "",
        }


def _international(year: int | None) -> Iterator[Row]:
    qs = (
        InternationalStudents.objects.filter(year=year or 0)
        .order_by("institution__bin", "country")
        .values("institution__bin", "year", "country", "count", "pk")
    )
    hidden = published_international(year).records  # the one suppression (ADR 0133)
    for r in qs:
        yield {
            "bin": r["institution__bin"] or "",
            "year": r["year"],
            "country": r["country"],
            "students": None if r["pk"] in hidden else r["count"],
        }


DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in (
        Dataset(
            "districts",
            _("Schools by district"),
            _("Schools, design capacity, pupils and the deficit of places per district (KATO)."),
            (
                "kato",
                "name_ru",
                "year",
                "schools",
                "design_capacity",
                "pupils",
                "deficit_places",
            ),
            ("pupils",),
            _districts,
        ),
        Dataset(
            "schools",
            _("Schools"),
            _(
                "Each school (BIN, settlement KATO): capacity, shifts, emergency and three-shift "
                "flags, pupils."
            ),
            (
                "bin",
                "name_ru",
                "settlement_kato",
                "year",
                "design_capacity",
                "shifts",
                "emergency",
                "three_shift",
                "pupils",
                "teachers",
            ),
            ("pupils", "teachers"),
            _schools,
        ),
        Dataset(
            "offerings",
            _("Programme offerings"),
            _("Specialties offered by colleges and universities: seats, enrolment, dual training."),
            (
                "bin",
                "settlement_kato",
                "specialty_code",
                "isced_level",
                "year",
                "language",
                "launch_year",
                "state_seats",
                "paid_seats",
                "enrolled",
                "dual_training",
            ),
            ("enrolled",),
            _offerings,
        ),
        Dataset(
            "construction",
            _("Construction projects"),
            _("Schools and social facilities: stage, places, readiness, main funding source."),
            (
                "code",
                "kind",
                "settlement_kato",
                "stage",
                "places",
                "readiness",
                "main_funding_source",
                "planned_commissioning",
                "actual_commissioning",
            ),
            (),
            _construction,
        ),
        Dataset(
            "international-students",
            _("International students"),
            _("Foreign students by institution (BIN) and country (ISO 3166)."),
            ("bin", "year", "country", "students"),
            ("students",),
            _international,
        ),
    )
}
