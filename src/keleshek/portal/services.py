"""Writes of the portal: maintaining the catalogue's search index.

The index is derived data (like a materialised view): it is not audited, and rebuilding it
from the registries always gives the same rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Exists, OuterRef

from keleshek.programmes.models import Offering

from .lexicon import lexicon
from .models import SearchDocument, SearchTerm, SearchVocabulary
from .search import normalise, text_terms

INDEX_VERSION = "3"  # bump when the normalisation changes: every document is rebuilt

# field weights out of 100 (ADR 0115): what the programme is, then where it is taught
W_SPECIALTY = 100  # specialty name and qualification (every language), specialty code
W_LEXICON = 90  # occupation words of the lexicon's concepts the specialty belongs to
W_INDUSTRY = 60
W_PLACE = 40  # institution, settlement, dual-training employer
W_DESCRIPTION = 25


@dataclass(frozen=True)
class RefreshResult:
    examined: int
    rebuilt: int


def offering_fields(offering: Offering) -> list[tuple[str, int]]:
    """The searchable texts of an offering, in every language the records carry, with the
    weight of the field each comes from."""
    spec = offering.specialty
    inst = offering.institution
    settlement = inst.settlement
    specialty = " ".join(
        [
            spec.code,
            spec.name_ru,
            spec.name_kk,
            spec.name_en,
            spec.qualification_ru,
            spec.qualification_kk,
            spec.qualification_en,
        ]
    )
    fields = [(specialty, W_SPECIALTY)]
    concepts = lexicon().concepts_for(set(text_terms(specialty)))
    if concepts:
        fields.append((" ".join(w for c in concepts for w in c.words), W_LEXICON))
    fields.append(
        (
            " ".join([spec.industry.name_ru, spec.industry.name_kk, spec.industry.name_en]),
            W_INDUSTRY,
        )
    )
    place = [inst.name_ru, inst.name_kk, inst.name_en, inst.short_name]
    place += [settlement.name_ru, settlement.name_kk, settlement.name_en]
    if offering.dual_employer is not None:
        emp = offering.dual_employer
        place += [emp.name_ru, emp.name_kk, emp.name_en]
    fields.append((" ".join(place), W_PLACE))
    fields.append(
        (
            " ".join([offering.description_ru, offering.description_kk, offering.description_en]),
            W_DESCRIPTION,
        )
    )
    return [(normalise(text), weight) for text, weight in fields if text.strip()]


def weighted_terms(fields: list[tuple[str, int]]) -> dict[str, int]:
    """Each term of the fields with its best weight: the field's weight × the term's quality."""
    out: dict[str, int] = {}
    for text, weight in fields:
        for term, quality in text_terms(text).items():
            w = weight * quality // 100
            if out.get(term, -1) < w:
                out[term] = w
    return out


def _fingerprint(text: str) -> str:
    payload = f"{INDEX_VERSION}\n{lexicon().fingerprint}\n{text}"
    return hashlib.sha256(payload.encode()).hexdigest()


# PostgreSQL: the offering's terms as a weighted tsvector (A: specialty and lexicon, B:
# industry, C: place, D: description), built from the rows just written. The lexemes are ours,
# quoted so that no text-search parser or dictionary touches them; each gets position 1 to
# carry its weight (PostgreSQL keeps weights on positions).
_PG_VECTOR = """
UPDATE portal_searchdocument d SET vector = v.vector FROM (
  SELECT offering_id, string_agg(
    quote_literal(term) || ':1' || CASE WHEN weight >= 90 THEN 'A' WHEN weight >= 60 THEN 'B'
                                        WHEN weight >= 40 THEN 'C' ELSE 'D' END,
    ' ')::tsvector AS vector
  FROM portal_searchterm WHERE offering_id = ANY(%s) GROUP BY offering_id
) v WHERE d.offering_id = v.offering_id
"""


def search_index_refresh(*, offering_ids: Iterable[int] | None = None) -> RefreshResult:
    """Bring the search index up to date for the given offerings (all when None).

    Only documents whose source text (or the index version, or the lexicon) changed are
    rebuilt, so a periodic full refresh is cheap.
    """
    qs = Offering.objects.select_related(
        "specialty__industry", "institution__settlement", "dual_employer"
    ).order_by("pk")
    ids = None if offering_ids is None else sorted(set(offering_ids))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    db = SearchTerm.objects.db
    with transaction.atomic():
        existing = dict(
            SearchDocument.objects.filter(
                **({} if ids is None else {"offering_id__in": ids})
            ).values_list("offering_id", "fingerprint")
        )
        changed: dict[int, tuple[str, str, dict[str, int]]] = {}
        examined = 0
        for offering in qs.iterator(chunk_size=2000):
            examined += 1
            fields = offering_fields(offering)
            text = "\n".join(t for t, _w in fields)
            fp = _fingerprint(text)
            if existing.get(offering.pk) != fp:
                changed[offering.pk] = (text, fp, weighted_terms(fields))
        changed_ids = list(changed)
        for start in range(0, len(changed_ids), 500):
            chunk = changed_ids[start : start + 500]
            SearchTerm.objects.filter(offering_id__in=chunk).delete()
            SearchDocument.objects.filter(offering_id__in=chunk).delete()
            SearchDocument.objects.bulk_create(
                SearchDocument(offering_id=pk, text=changed[pk][0], fingerprint=changed[pk][1])
                for pk in chunk
            )
            SearchTerm.objects.bulk_create(
                (
                    SearchTerm(offering_id=pk, term=term, weight=weight)
                    for pk in chunk
                    for term, weight in sorted(changed[pk][2].items())
                ),
                batch_size=5000,
            )
            if connections[db].vendor == "postgresql":
                with connections[db].cursor() as cursor:
                    cursor.execute(_PG_VECTOR, [chunk])
        if changed:
            _refresh_vocabulary({t for _text, _fp, ts in changed.values() for t in ts})
    # Deleted offerings take their documents and terms with them (CASCADE); their words leave
    # the vocabulary at the next rebuild.
    return RefreshResult(examined=examined, rebuilt=len(changed))


def _refresh_vocabulary(new_terms: set[str]) -> None:
    """Add the terms just written, drop those no offering has any more."""
    ordered = sorted(new_terms)
    for start in range(0, len(ordered), 5000):  # SQLite limits the parameters of one query
        chunk = ordered[start : start + 5000]
        known = set(SearchVocabulary.objects.filter(term__in=chunk).values_list("term", flat=True))
        SearchVocabulary.objects.bulk_create(
            (SearchVocabulary(term=t, length=len(t)) for t in chunk if t not in known),
            batch_size=5000,
            ignore_conflicts=True,  # a refresh running alongside may add the same term
        )
    SearchVocabulary.objects.exclude(
        Exists(SearchTerm.objects.filter(term=OuterRef("term")))
    ).delete()


def search_index_fill_missing(*, limit: int = 5000) -> int:
    """Index offerings that have no search document yet (one cheap query when none).

    The catalogue calls this before a text search, so offerings written by a path that did not
    enqueue ``refresh_search_index`` (a fresh demo load, a manual admin edit) are findable at
    once; changed documents are still caught by the periodic refresh.
    """
    missing = list(
        Offering.objects.filter(search_document__isnull=True).values_list("pk", flat=True)[:limit]
    )
    if not missing:
        return 0
    return search_index_refresh(offering_ids=missing).rebuilt
