"""Text normalisation for the programme catalogue (docs/adr/0070, 0115, 0116, 0117).

A word becomes a small set of *terms*, each with a quality out of 100 (how surely the term
stands for the word):

- itself (100);
- Russian: every dictionary lemma pymorphy3 proposes with a score ≥ 0.05 (100; 80 when the
  word is not in the dictionary and the lemma is only predicted), so "беспилотных" and
  "беспилотные" both give "беспилотный";
- Kazakh (a word with Kazakh letters, or one the Russian dictionary does not know): its
  inflectional stem (100) and derivational root (80) from ``kazakh``, and every Kazakh term
  folded to the Russian letters people type instead (90: "мұғалім" → "мугалим");
- English: the plural stripped (100).

The indexed text and the query go through the same functions, so both sides meet on the same
terms whatever the database is. Pure functions; no Django.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from . import kazakh

KAZAKH_LETTERS = kazakh.KAZAKH_LETTERS
LATIN_EXTRA = "äöüūğñşçıé"  # the Kazakh Latin alphabet and common accents
_WORD = re.compile(rf"[0-9a-zа-яёәғқңөұүһі{LATIN_EXTRA}]+", re.IGNORECASE)
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz" + LATIN_EXTRA)
MAX_QUERY_TOKENS = 8
MIN_PREFIX = 4  # a query word this long also matches longer words that start with it
_STOP = (
    "и в во на по для с со к ко из о об от до за при а или "  # ru
    "the and of for in on to a an "  # en
    "мен және бен пен үшін"  # kk
)
STOP_WORDS = frozenset(_STOP.split())

# qualities (out of 100) of the terms a word gives
Q_EXACT = 100
Q_PREDICTED = 80
Q_ROOT = 80
Q_FOLDED = 90


@cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def normalise(text: str) -> str:
    return text.casefold().replace("ё", "е")


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words and one-letter words."""
    out = []
    for w in _WORD.findall(normalise(text)):
        if len(w) < 2 and not w.isdigit():
            continue
        if w in STOP_WORDS:
            continue
        out.append(w[:64])
    return out


def is_latin(word: str) -> bool:
    return any(ch in _LATIN for ch in word) and all(ch in _LATIN or ch.isdigit() for ch in word)


def is_cyrillic(word: str) -> bool:
    return not word.isdigit() and not is_latin(word) and not any(ch in _LATIN for ch in word)


def english_stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _add(out: dict[str, int], term: str, quality: int) -> None:
    if term and out.get(term, -1) < quality:
        out[term] = quality


@lru_cache(maxsize=200_000)
def _word_terms(word: str) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {word: Q_EXACT}
    if word.isdigit():
        return tuple(out.items())
    if is_latin(word):
        _add(out, english_stem(word), Q_EXACT)
        return tuple(out.items())
    kazakh_like = kazakh.is_kazakh(word)
    if not kazakh_like:
        # Russian (or a Kazakh word written only with letters Russian also has): every
        # dictionary lemma, so an ambiguous form ("стали") is found by either reading.
        morph = _morph()
        known = morph.word_is_known(word)
        for parse in morph.parse(word):
            if parse.score >= 0.05:
                _add(out, normalise(parse.normal_form), Q_EXACT if known else Q_PREDICTED)
        kazakh_like = not known
    if kazakh_like:
        _add(out, kazakh.inflectional_stem(word), Q_EXACT)
        _add(out, kazakh.derivational_root(word), Q_ROOT)
        for term, quality in list(out.items()):
            folded = kazakh.fold(term)
            if folded != term:
                _add(out, folded, quality * Q_FOLDED // 100)
    return tuple(out.items())


def word_terms(word: str) -> dict[str, int]:
    """Every term a word stands for, with its quality out of 100."""
    return dict(_word_terms(word))


def terms(word: str) -> frozenset[str]:
    return frozenset(dict(_word_terms(word)))


def best_lemma(word: str) -> str:
    """The most likely dictionary form of a Russian word; other words stay as they are."""
    if not is_cyrillic(word) or kazakh.is_kazakh(word):
        return word
    parses = _morph().parse(word)
    return normalise(parses[0].normal_form) if parses else word


def text_terms(text: str) -> dict[str, int]:
    """The terms of a text, each with the best quality any of its words gives it."""
    out: dict[str, int] = {}
    for w in words(text):
        for term, quality in _word_terms(w):
            _add(out, term, quality)
    return out


def index_terms(text: str) -> set[str]:
    """The terms stored for a text."""
    return set(text_terms(text))


def query_words(query: str) -> list[str]:
    """The distinct words of a query, at most ``MAX_QUERY_TOKENS``."""
    return list(dict.fromkeys(words(query)))[:MAX_QUERY_TOKENS]
