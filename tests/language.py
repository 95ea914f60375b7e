"""What a page says in a language that is not its own (issue 15, point 3).

``foreign_words`` finds English words of ours on a page: words that occur in the English
msgids of Keleshek's own catalogues (so a record's proper name — "Astana Motors" — is not
taken for an untranslated label, but "rural", "done" or "Planned commissioning" are).
``ungrouped_numbers`` finds big numbers written without the locale's digit grouping,
``decimal_points`` figures written with a point where Kazakh and Russian write a comma.
Both read the visible text only: no tags, scripts, styles, code samples, and nothing inside an
element that declares another language (the language switcher, a marked name fallback).
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "keleshek"

# Words of our msgids that a Kazakh or Russian page may show as they are: abbreviations and
# names of formats and standards, the product's name.
SHARED = frozenset(
    {
        "API",
        "CSV",
        "JSON",
        "XLSX",
        "PDF",
        "HTML",
        "ISCED",
        "OpenAPI",
        "REST",
        "SHA",
        "KZT",
        "ISO",
        "Keleshek",
    }
)

_MSGID = re.compile(r'^msgid "(.*)"$', re.M)
_WORD = re.compile(r"\b[A-Za-z][A-Za-z'’-]{3,}\b")


@cache
def english_vocabulary() -> frozenset[str]:
    """Every word of four letters or more in the English msgids of our own catalogues."""
    words: set[str] = set()
    for po in SRC.glob("*/locale/kk/LC_MESSAGES/django.po"):
        for msgid in _MSGID.findall(po.read_text(encoding="utf-8")):
            text = re.sub(r"%\([a-z_]+\)[sd]|\{[^}]*\}|<[^>]+>", " ", msgid)
            words.update(w.lower() for w in _WORD.findall(text))
    return frozenset(words)


_DROP_ELEMENTS = re.compile(r"(?is)<(script|style|code|pre|svg|title|textarea)\b.*?</\1>")


def visible_text(body: str, page_lang: str) -> str:
    text = _DROP_ELEMENTS.sub(" ", body)
    text = re.sub(r"(?is)<head\b.*?</head>", " ", text)
    text = re.sub(r'(?is)<nav class="lang".*?</nav>', " ", text)
    text = re.sub(
        rf'(?is)<(\w+)\b[^>]*\blang="(?!{page_lang}\b)[a-z]{{2}}"[^>]*>.*?</\1>', " ", text
    )
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text)


def foreign_words(body: str, page_lang: str = "kk") -> list[str]:
    """Our English words left on a page in another language (sorted, unique)."""
    vocab = english_vocabulary()
    found = {
        w
        for w in _WORD.findall(visible_text(body, page_lang))
        if w.lower() in vocab and w not in SHARED
    }
    return sorted(found)


# A number of five to seven digits with no grouping: not a KATO (nine digits), an IIN or BIN
# (twelve), a classifier code (leading zero, or letters before it: "6B10301") or a year.
_UNGROUPED = re.compile(r"(?<![\w\xa0\u202f.,/:-])[1-9]\d{4,6}(?![\d.,]\d)(?!\w)")


def ungrouped_numbers(body: str, page_lang: str = "kk") -> list[str]:
    """Big numbers without digit grouping; a document's number ("№ 51676") is a name."""
    text = visible_text(body, page_lang)
    return sorted(
        {
            m.group(0)
            for m in _UNGROUPED.finditer(text)
            if not text[max(0, m.start() - 2) : m.start()].strip().endswith("№")
        }
    )


# A figure with a decimal point ("92.4", "1 234.5") where the page's language writes a comma;
# dates (01.09.2025), times and codes are not figures.
_POINT = re.compile(r"(?<![\w.,:/-])\d{1,3}(?:[\u202f\xa0 ]\d{3})*\.\d{1,2}(?![\w.])")


def decimal_points(body: str, page_lang: str = "kk") -> list[str]:
    return sorted(set(_POINT.findall(visible_text(body, page_lang))))
