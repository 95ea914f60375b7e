"""Writes of the portal: maintaining the catalogue's search index.

The index is derived data (like a materialised view): it is not audited, and rebuilding it
from the registries always gives the same rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from keleshek.programmes.models import Offering

from .models import SearchDocument, SearchTerm
from .search import index_terms, normalise

INDEX_VERSION = "1"  # bump when the normalisation changes: every document is rebuilt


@dataclass(frozen=True)
class RefreshResult:
    examined: int
    rebuilt: int


def offering_document(offering: Offering) -> str:
    """The searchable text of an offering, in every language the records carry."""
    spec = offering.specialty
    inst = offering.institution
    settlement = inst.settlement
    parts: list[str] = [
        spec.code,
        spec.name_ru,
        spec.name_kk,
        spec.name_en,
        spec.qualification_ru,
        spec.qualification_kk,
        spec.qualification_en,
        spec.industry.name_ru,
        spec.industry.name_kk,
        spec.industry.name_en,
        inst.name_ru,
        inst.name_kk,
        inst.name_en,
        inst.short_name,
        settlement.name_ru,
        settlement.name_kk,
        settlement.name_en,
        offering.description_ru,
        offering.description_kk,
        offering.description_en,
    ]
    if offering.dual_employer is not None:
        emp = offering.dual_employer
        parts += [emp.name_ru, emp.name_kk, emp.name_en]
    return normalise(" ".join(p for p in parts if p))


def _fingerprint(text: str) -> str:
    return hashlib.sha256(f"{INDEX_VERSION}\n{text}".encode()).hexdigest()


def search_index_refresh(*, offering_ids: Iterable[int] | None = None) -> RefreshResult:
    """Bring the search index up to date for the given offerings (all when None).

    Only documents whose source text changed are rebuilt, so a periodic full refresh is cheap.
    """
    qs = Offering.objects.select_related(
        "specialty__industry", "institution__settlement", "dual_employer"
    ).order_by("pk")
    ids = None if offering_ids is None else sorted(set(offering_ids))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    with transaction.atomic():
        existing = dict(
            SearchDocument.objects.filter(
                **({} if ids is None else {"offering_id__in": ids})
            ).values_list("offering_id", "fingerprint")
        )
        changed: dict[int, tuple[str, str]] = {}
        examined = 0
        for offering in qs.iterator(chunk_size=2000):
            examined += 1
            text = offering_document(offering)
            fp = _fingerprint(text)
            if existing.get(offering.pk) != fp:
                changed[offering.pk] = (text, fp)
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
                    SearchTerm(offering_id=pk, term=term)
                    for pk in chunk
                    for term in sorted(index_terms(changed[pk][0]))
                ),
                batch_size=5000,
            )
    # Deleted offerings take their documents and terms with them (CASCADE).
    return RefreshResult(examined=examined, rebuilt=len(changed))


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
