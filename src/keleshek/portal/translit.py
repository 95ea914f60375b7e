"""Transliteration and keyboard-layout fixes for the catalogue search (docs/adr/0117).

People type Russian and Kazakh words in Latin letters ("svarshik", "medsestra", "mugalim",
Kazakh Latin "dänekerleuşı"), or with the keyboard left in the wrong layout ("cdfhobr" for
"сварщик", "цудвук" for "welder"). Both are recovered here as candidate spellings; the search
keeps only the candidates its vocabulary knows, so the many spellings a Latin word could stand
for cost nothing when they are wrong.

Pure functions; no Django.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

MAX_VARIANTS = 16

# Latin → Cyrillic, longest sequences first. A sequence with several readings lists them all;
# "sh" is ш or щ ("svarshik" is сварщик), "y" is й, ы or и... Kazakh letters typed without
# their marks ("mugalim") are left to the folded terms of the index ("мұғалім" → "мугалим").
_LATIN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("shch", ("щ",)),
    ("sch", ("щ", "сх")),
    ("sh", ("ш", "щ")),
    ("ch", ("ч",)),
    ("zh", ("ж",)),
    ("kh", ("х",)),
    ("ts", ("ц", "тс")),
    ("tz", ("ц",)),
    ("ya", ("я",)),
    ("ia", ("я", "иа")),
    ("yu", ("ю",)),
    ("iu", ("ю",)),
    ("yo", ("ё", "йо")),
    ("ye", ("е", "ье")),
    ("ck", ("к",)),
    ("ph", ("ф",)),
    ("a", ("а",)),
    ("b", ("б",)),
    ("c", ("к", "ц")),
    ("d", ("д",)),
    ("e", ("е",)),
    ("f", ("ф",)),
    ("g", ("г",)),
    ("h", ("х",)),
    ("i", ("и", "ы")),
    ("j", ("ж", "дж", "й")),
    ("k", ("к",)),
    ("l", ("л",)),
    ("m", ("м",)),
    ("n", ("н",)),
    ("o", ("о",)),
    ("p", ("п",)),
    ("q", ("к",)),
    ("r", ("р",)),
    ("s", ("с",)),
    ("t", ("т",)),
    ("u", ("у",)),
    ("v", ("в",)),
    ("w", ("в", "у")),
    ("x", ("кс", "х")),
    ("y", ("ы", "й", "и")),
    ("z", ("з",)),
    ("'", ("ь",)),
    # Kazakh Latin alphabet (2021) and common diacritics
    ("ä", ("ә",)),
    ("ö", ("ө",)),
    ("ü", ("ү",)),
    ("ū", ("ұ",)),
    ("ğ", ("ғ",)),
    ("ñ", ("ң",)),
    ("ş", ("ш",)),
    ("ç", ("ч",)),
    ("ı", ("ы", "і")),
    ("é", ("е",)),
)

# a word-initial "e" is as often э as е ("elektrik", "ekonomika")
_INITIAL = {"e": ("е", "э")}

# Cyrillic → Latin, one reading each (for Latin names in the records: "лу бань" → "lu ban")
_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ә": "a",
    "ғ": "g",
    "қ": "q",
    "ң": "n",
    "ө": "o",
    "ұ": "u",
    "ү": "u",
    "һ": "h",
    "і": "i",
}

# the same keys on a US and a Russian (ЙЦУКЕН) keyboard
_US = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_RU = "йцукенгшщзхъфывапролджэячсмитьбюё"
_TO_RU = str.maketrans(_US, _RU)
_TO_US = str.maketrans(_RU, _US)


def _segments(word: str) -> list[tuple[str, ...]] | None:
    out: list[tuple[str, ...]] = []
    i = 0
    if word[:1] in _INITIAL:
        out.append(_INITIAL[word[0]])
        i = 1
    while i < len(word):
        for latin, readings in _LATIN:
            if word.startswith(latin, i):
                out.append(readings)
                i += len(latin)
                break
        else:
            if word[i].isdigit():
                out.append((word[i],))
                i += 1
            else:
                return None
    return out


@lru_cache(maxsize=20_000)
def latin_to_cyrillic(word: str) -> tuple[str, ...]:
    """Cyrillic spellings a Latin word may stand for, the most literal first, at most
    ``MAX_VARIANTS``; () when the word has letters no reading covers."""
    segments = _segments(word)
    if not segments:
        return ()
    # limit the combinations: ambiguous segments beyond the first few keep their first reading
    budget = MAX_VARIANTS
    shaped: list[tuple[str, ...]] = []
    for readings in segments:
        if len(readings) > 1 and budget >= len(readings):
            budget //= len(readings)
            shaped.append(readings)
        else:
            shaped.append(readings[:1])
    variants = ["".join(parts) for parts in product(*shaped)]
    return tuple(dict.fromkeys(variants))[:MAX_VARIANTS]


def cyrillic_to_latin(word: str) -> str:
    return "".join(_CYRILLIC.get(ch, ch) for ch in word)


def wrong_layout(word: str) -> str | None:
    """The word as it was meant when typed in the other keyboard layout, or None."""
    if all(ch in _US for ch in word) and not word.isdigit():
        fixed = word.translate(_TO_RU)
    elif all(ch in _RU for ch in word):
        fixed = word.translate(_TO_US)
    else:
        return None
    return fixed if fixed != word else None
