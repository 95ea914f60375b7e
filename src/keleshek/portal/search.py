"""Text normalisation for the programme catalogue (docs/adr/0070-catalogue-search.md).

Russian words are lemmatised with pymorphy3 (OpenCorpora dictionaries), so "беспилотных"
and "беспилотные" both become "беспилотный". Kazakh has no dictionary here: a word keeps its
form and gets a conservative suffix-stripped stem. English words get their plural stripped.
The indexed text and the query go through the same functions, so both sides meet on the
same terms whatever the database is.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_WORD = re.compile(r"[0-9a-zа-яёәғқңөұүһі]+", re.IGNORECASE)
MAX_QUERY_TOKENS = 8
MIN_PREFIX = 4  # a query word this long also matches longer words that start with it
_STOP = (
    "и в во на по для с со к ко из о об от до за при а или "  # ru
    "the and of for in on to a an "  # en
    "мен және бен пен үшін"  # kk
)
STOP_WORDS = frozenset(_STOP.split())
# Kazakh inflectional suffixes (plural, possessive, case), longest first. Stripping is
# conservative: at most three suffixes, and the stem keeps at least three letters.
_KK = (
    "лар лер дар дер тар тер "
    "ның нің дың дің тың тің "
    "ға ге қа ке на не "
    "да де та те нда нде "
    "дан ден тан тен нан нен "
    "ды ді ты ті ны ні н "
    "сы сі ы і ым ім ың ің "
    "мен бен пен"
)
_KK_SUFFIXES = tuple(sorted(_KK.split(), key=len, reverse=True))


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


def _is_latin(word: str) -> bool:
    return word.isascii() and not word.isdigit()


def _kazakh_stem(word: str) -> str:
    stem = word
    for _ in range(3):
        for suffix in _KK_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
                stem = stem[: -len(suffix)]
                break
        else:
            break
    return stem


def _english_stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def terms(word: str) -> frozenset[str]:
    """Every normalised term a word stands for: itself plus its lemmas or stem."""
    out = {word}
    if word.isdigit():
        return frozenset(out)
    if _is_latin(word):
        out.add(_english_stem(word))
    elif KAZAKH_LETTERS.intersection(word):
        out.add(_kazakh_stem(word))
    else:
        # Russian (or a Kazakh word written only with letters Russian also has): every
        # dictionary lemma, so an ambiguous form ("стали") is found by either reading.
        morph = _morph()
        for parse in morph.parse(word):
            if parse.score >= 0.05:
                out.add(normalise(parse.normal_form))
        if not morph.word_is_known(word):
            out.add(_kazakh_stem(word))
    return frozenset(t for t in out if t)


def index_terms(text: str) -> set[str]:
    """The terms stored for a document."""
    out: set[str] = set()
    for w in words(text):
        out |= terms(w)
    return out


def query_terms(query: str) -> list[tuple[frozenset[str], str | None]]:
    """Per query word: the terms that match it exactly, and a prefix that matches (or None)."""
    seen: set[str] = set()
    out: list[tuple[frozenset[str], str | None]] = []
    for w in words(query):
        if w in seen:
            continue
        seen.add(w)
        prefix = w if len(w) >= MIN_PREFIX and not w.isdigit() else None
        out.append((terms(w), prefix))
        if len(out) == MAX_QUERY_TOKENS:
            break
    return out
