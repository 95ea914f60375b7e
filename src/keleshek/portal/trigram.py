"""Trigram similarity as PostgreSQL's pg_trgm computes it, and the typo rule of the search.

On PostgreSQL the vocabulary is searched with pg_trgm (`term % word`, a GIN trigram index); on
SQLite the same candidates are found here in Python. pg_trgm splits a string into words of
letters and digits, pads each with two spaces in front and one behind, and takes the set of
three-character windows; similarity is |A ∩ B| / |A ∪ B|. (pg_trgm keeps a non-ASCII trigram as
a 24-bit hash, so two different trigrams could collide there and not here: a 1-in-16-million
event per pair, which ``test_trigram_similarity_equals_pg_trgm`` would show.)

A candidate becomes a typo correction only when it is also close in edits (optimal string
alignment distance, a transposition counting once): one edit for words of 4-6 letters, two for
longer ones — Elasticsearch's "AUTO" fuzziness, shifted by one letter because search words here
are lemmas and stems, already shorter than the words typed. Trigrams find candidates fast;
the edit distance keeps "сварщек" → "сварщик" and drops "сварка" → "сварщик".

Pure functions; no Django.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

SIMILARITY_THRESHOLD = 0.3  # pg_trgm's default `%` threshold (pg_trgm.similarity_threshold)
MIN_TYPO_LENGTH = 4
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=50_000)
def trigrams(text: str) -> frozenset[str]:
    out: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        out.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(out)


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    common = len(ta & tb)
    return common / (len(ta) + len(tb) - common)


def max_edits(word: str) -> int:
    if len(word) < MIN_TYPO_LENGTH:
        return 0
    return 1 if len(word) <= 6 else 2


def edits(a: str, b: str) -> int:
    return int(OSA.distance(a, b))


def corrections(word: str, candidates: list[str]) -> list[tuple[str, int]]:
    """The candidates that ``word`` is a typo of, with their edit distance: only those at the
    smallest distance found (a spelling corrector's choice), none beyond ``max_edits``."""
    limit = max_edits(word)
    if limit == 0:
        return []
    found = []
    for term in candidates:
        if term == word or len(term) < MIN_TYPO_LENGTH:
            continue
        d = edits(word, term)
        if d <= limit:
            found.append((term, d))
    if not found:
        return []
    best = min(d for _t, d in found)
    return sorted((t, d) for t, d in found if d == best)
