"""The whole briefing: every section's facts for one school year."""

from __future__ import annotations

from .common import has_data, region
from .construction import construction_facts
from .education import university_facts, vocational_facts
from .facts import Facts
from .partnerships import partnership_facts
from .support import support_facts


def briefing_facts(*, year: int, compare: bool = True) -> Facts:
    facts = Facts(
        year=year,
        region=region(),
        construction=construction_facts(year),
        support=support_facts(year),
        vocational=vocational_facts(year),
        universities=university_facts(year),
        partnerships=partnership_facts(year),
    )
    if compare and has_data(year - 1):
        facts.previous = briefing_facts(year=year - 1, compare=False)
    return facts
