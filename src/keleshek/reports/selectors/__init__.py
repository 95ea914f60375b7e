"""Reads for the briefing: every figure of the seed briefing computed from records.

``briefing_facts(year=Y)`` returns a ``Facts`` tree (exact numbers only; wording is
``reports.text``'s job). Every figure carries a ``Trace``: the name and parameters of the
staff list of the records behind it (``trace_rows``), which filters by the user's scope.

Conventions (shared with ``keleshek.indicators.elements``):
- ``year`` is the school year by its starting calendar year;
- a project commissioned on date *d* adds places in its school year
  (``keleshek.core.schoolyear``: ``d.year`` from July on, otherwise ``d.year - 1``; a school
  commissioned in August 2025 serves 2025/26);
- "the national project" is every funding source in ``NATIONAL_PROJECT_SOURCES``; a project
  counts under its main funding source (the largest share).

The queries are set-based (a handful per section, none per record) so that the briefing of a
national-scale dataset costs about as much as rendering its template (benchmarks/briefing).

One module per section of the briefing (``construction``, ``support``, ``education``,
``partnerships``), the tree they fill (``facts``), the whole (``briefing``), the records behind a
figure (``traces``) and the ministry pack (``ministry``); this package re-exports their public
names.
"""

from .briefing import briefing_facts
from .common import has_data, latest_year, region
from .construction import construction_facts, deficit_by_district
from .education import university_facts, vocational_facts
from .facts import (
    LOW_INCOME_CATEGORIES,
    PRIMARY_GRADES,
    SCHOOL_KINDS,
    Consortium,
    Construction,
    CorporateProject,
    DistrictRow,
    Donation,
    Facts,
    NamedItem,
    Partnerships,
    SourceRow,
    Support,
    Trace,
    Universities,
    Vocational,
    Workshop,
)
from .ministry import Family, district_families
from .partnerships import partnership_facts
from .support import support_facts
from .traces import TraceTable, trace_queryset, trace_table

__all__ = [
    "LOW_INCOME_CATEGORIES",
    "PRIMARY_GRADES",
    "SCHOOL_KINDS",
    "Consortium",
    "Construction",
    "CorporateProject",
    "DistrictRow",
    "Donation",
    "Facts",
    "Family",
    "NamedItem",
    "Partnerships",
    "SourceRow",
    "Support",
    "Trace",
    "TraceTable",
    "Universities",
    "Vocational",
    "Workshop",
    "briefing_facts",
    "construction_facts",
    "deficit_by_district",
    "district_families",
    "has_data",
    "latest_year",
    "partnership_facts",
    "region",
    "support_facts",
    "trace_queryset",
    "trace_table",
    "university_facts",
    "vocational_facts",
]
