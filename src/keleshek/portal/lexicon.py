"""The occupation and synonym lexicon (``portal/data/lexicon.toml``, docs/adr/0117).

Read once per process. A concept's words and ``when`` phrases are normalised with the same
``search.terms`` as the records, so a concept listed in one form matches every form.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .search import best_lemma, terms, words

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "lexicon.toml"


@dataclass(frozen=True)
class Concept:
    name: str
    # each phrase: for each of its words, the terms any of which must occur
    when: tuple[tuple[frozenset[str], ...], ...]
    words: tuple[str, ...]  # every word of the concept, as written (ru, kk, en)

    def applies_to(self, specialty_terms: set[str] | frozenset[str]) -> bool:
        return any(
            all(not alternatives.isdisjoint(specialty_terms) for alternatives in phrase)
            for phrase in self.when
        )


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[Concept, ...]
    filler: frozenset[str]
    fingerprint: str

    def concepts_for(self, specialty_terms: set[str] | frozenset[str]) -> list[Concept]:
        return [c for c in self.concepts if c.applies_to(specialty_terms)]

    def is_filler(self, word: str) -> bool:
        """A word that says nothing about the programme, in this or its likeliest dictionary
        form ("курсы" → "курс")."""
        return word in self.filler or best_lemma(word) in self.filler


def parse(text: str) -> Lexicon:
    data = tomllib.loads(text)
    concepts = []
    for raw in data.get("concept", []):
        phrases = tuple(tuple(terms(w) for w in words(phrase)) for phrase in raw.get("when", []))
        listed = tuple(w for lang in ("ru", "kk", "en") for w in raw.get(lang, []))
        concepts.append(Concept(name=raw["name"], when=phrases, words=listed))
    filler = data.get("filler", {})
    filler_words = frozenset(
        w for lang in ("ru", "kk", "en") for phrase in filler.get(lang, []) for w in words(phrase)
    )
    return Lexicon(
        concepts=tuple(concepts),
        filler=filler_words,
        fingerprint=hashlib.sha256(text.encode()).hexdigest()[:16],
    )


@cache
def lexicon() -> Lexicon:
    return parse(LEXICON_PATH.read_text(encoding="utf-8"))
