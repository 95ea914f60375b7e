"""The facts tree: the briefing's figures as data, each with the trace of its records."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from keleshek.construction.models import Project

SCHOOL_KINDS = tuple(str(k) for k in Project.SCHOOL_KINDS)
LOW_INCOME_CATEGORIES = ("asp", "below_subsistence")
PRIMARY_GRADES = (1, 4)
# The grades free meals reach by the rule (grades 1-4 all, 5-11 the fund's categories): a
# low-income child of the pre-school grade 0 is not fed at school, so is not counted as unfed.
MEAL_GRADES = (1, 11)


@dataclass(frozen=True)
class Trace:
    """Which staff list shows the records behind a figure: ``kind`` and its filters."""

    kind: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, trace_kind: str, /, **params: object) -> Trace:
        return cls(
            trace_kind, tuple(sorted((k, str(v)) for k, v in params.items() if v is not None))
        )


@dataclass
class SourceRow:
    source: str
    count: int
    places: int
    trace: Trace


@dataclass
class CorporateProject:
    partner: str
    partner_kk: str
    partner_en: str
    places: int
    settlement: str
    settlement_kk: str
    settlement_en: str
    settlement_urban: bool
    stage: str
    trace: Trace


@dataclass
class DistrictRow:
    kato: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Construction:
    commissioned: list[SourceRow]
    under_construction: int  # excluding projects whose main source is a corporate partner
    under_construction_all: int
    under_construction_places: int
    under_construction_trace: Trace
    corporate: list[CorporateProject]
    by_district: list[DistrictRow]  # values: {source: (count, places)}
    places_by_year: dict[int, dict[str, int]]  # year -> source -> places (chart)
    deficit: list[DistrictRow]  # values: before, after


@dataclass
class Support:
    available: bool
    # the general-education fund: children helped (cash paid against applications plus the
    # earlier in-kind help migrated) and the amount, ₸ (support.selectors.fund_helped)
    fund_children_helped: int = 0
    fund_amount_paid: Decimal = Decimal("0")
    fund_trace: Trace = Trace("none")
    fund_by_district: list[DistrictRow] = field(default_factory=list)  # children, amount
    primary_eligible: int = 0
    primary_covered: int = 0
    low_income_eligible: int = 0
    low_income_covered: int = 0
    meals_trace: Trace = Trace("none")
    transported: int = 0
    transport_trace: Trace = Trace("none")
    transit: list[dict[str, Any]] = field(default_factory=list)
    by_district: list[DistrictRow] = field(default_factory=list)  # kind -> (covered, eligible)


@dataclass
class NamedItem:
    name_ru: str
    name_kk: str
    name_en: str
    value: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return str(getattr(self, f"name_{lang}", "") or self.name_ru)


@dataclass
class Vocational:
    new_specialties: list[NamedItem]  # value = seats; extra: institutions
    new_specialties_trace: Trace
    centres: list[NamedItem]  # extra: host (NamedItem), status, kind of host
    centres_trace: Trace
    planned_centres: list[NamedItem]
    planned_hosts: int
    planned_trace: Trace
    industries: list[NamedItem]
    industries_trace: Trace


@dataclass
class Universities:
    launched: list[NamedItem]  # name = specialty; extra: institution (NamedItem), seats
    trace: Trace


@dataclass
class Consortium:
    title: NamedItem
    partner_countries: list[str]
    groups: list[NamedItem]
    trace: Trace


@dataclass
class Donation:
    recipient: NamedItem | None
    partner_countries: list[str]
    amount: Decimal
    currency: str
    amount_kzt: Decimal | None
    trace: Trace


@dataclass
class Workshop:
    name: NamedItem
    labs: list[NamedItem]
    labs_trace: Trace
    students: int
    countries: list[str]
    students_trace: Trace
    dual_partners: list[NamedItem]
    internship_partners: list[NamedItem]
    agreements_trace: Trace


@dataclass
class Partnerships:
    consortia: list[Consortium]
    donations: list[Donation]
    workshops: list[Workshop]
    students_by_country: list[tuple[str, int]]
    students_total: int
    students_trace: Trace


@dataclass
class Facts:
    year: int
    region: NamedItem
    construction: Construction
    support: Support
    vocational: Vocational
    universities: Universities
    partnerships: Partnerships
    previous: Facts | None = None
