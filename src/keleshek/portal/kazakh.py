"""A small rule-based Kazakh stemmer for the catalogue search (docs/adr/0116-kazakh-words.md).

Kazakh is agglutinative: "мұғалімдерге" is мұғалім + дер (plural) + ге (dative). A noun carries
at most one case ending, one possessive and one plural suffix, in the order
stem · plural · possessive · case, and each suffix agrees with the stem: its vowel follows the
last vowel of the stem (back а/о/ұ/ы, front ә/е/ө/ү/і) and its first consonant follows the
stem's last sound (лар after a vowel, дар after л/м/н/з/ж, тар after a voiceless consonant...).
``inflectional_stem`` peels the three layers from the outside in and only when the suffix agrees
with what it leaves, so "білім" (knowledge) stays whole while "колледжі" becomes "колледж".

``derivational_root`` goes one step further for search: the agent suffix -шы/-ші
("дәнекерлеуші" welder → "дәнекерлеу" welding, "бағдарламашы" programmer → "бағдарлама") and the
adjective suffix -лық/-лік ("бағдарламалық" → "бағдарлама"). Roots are returned as a second,
weaker term; occupation words that share no root with the specialty ("мұғалім" teacher and
"білім беру" education) come from the lexicon (``portal/data/lexicon.toml``), not from here.

Pure functions; no Django.
"""

from __future__ import annotations

from functools import lru_cache

KAZAKH_LETTERS = frozenset("әғқңөұүһі")
BACK_VOWELS = frozenset("аоұыяё")
FRONT_VOWELS = frozenset("әеөүіэ")
VOWELS = BACK_VOWELS | FRONT_VOWELS | frozenset("иую")
# the sound a suffix's first consonant agrees with
SONORANT_OR_VOICED = frozenset("лмнңзжрйу")
VOICELESS = frozenset("кқпстфхцчшщһбвгғд")
MIN_STEM = 3

_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")


def fold(word: str) -> str:
    """Kazakh letters replaced by the Russian letters people type for them on a Russian
    keyboard ("мұғалім" → "мугалим")."""
    return word.translate(_FOLD)


def is_kazakh(word: str) -> bool:
    return not KAZAKH_LETTERS.isdisjoint(word)


def _harmony(stem: str) -> str | None:
    """'back' or 'front' by the stem's last unambiguous vowel; None when it has none."""
    for ch in reversed(stem):
        if ch in BACK_VOWELS:
            return "back"
        if ch in FRONT_VOWELS:
            return "front"
    return None


def _suffix_harmony(suffix: str) -> str | None:
    return _harmony(suffix)


def _agrees(stem: str, suffix: str, after: str, strict: bool) -> bool:
    """May ``suffix`` follow ``stem``? ``after`` says what the suffix's first sound needs:
    'v' a vowel, 'c' a consonant, 'son' a sonorant or voiced consonant, 'vl' a voiceless one,
    'poss' a 3rd-person possessive (the stem ends in ы/і), 'nas' a nasal (м, н, ң) or a
    possessive, 'vnas' a vowel or a nasal, '' anything."""
    if len(stem) < MIN_STEM or not any(ch in VOWELS for ch in stem):
        return False
    last = stem[-1] if stem[-1] != "ь" or len(stem) < 2 else stem[-2]  # "электромобиль"
    if after == "v" and last not in VOWELS:
        return False
    if after == "c" and last in VOWELS:
        return False
    if after == "son" and last not in SONORANT_OR_VOICED and last not in VOWELS:
        return False
    if after == "vl" and last not in VOICELESS:
        return False
    if after == "poss" and last not in "ыі":
        return False
    if after == "nas" and last not in "мнңыі":
        return False
    if after == "vnas" and last not in VOWELS and last not in "мнң":
        return False
    if strict:
        want = _suffix_harmony(suffix)
        have = _harmony(stem)
        if want and have and want != have:
            return False
    return True


# (suffix, what it follows); longest first inside each layer
_CASE: tuple[tuple[str, str], ...] = (
    # ablative
    ("нан", "nas"),
    ("нен", "nas"),
    ("дан", "son"),
    ("ден", "son"),
    ("тан", "vl"),
    ("тен", "vl"),
    # genitive
    ("ның", "vnas"),
    ("нің", "vnas"),
    ("дың", "son"),
    ("дің", "son"),
    ("тың", "vl"),
    ("тің", "vl"),
    # locative
    ("нда", "poss"),
    ("нде", "poss"),
    ("да", "son"),
    ("де", "son"),
    ("та", "vl"),
    ("те", "vl"),
    # dative
    ("на", "poss"),
    ("не", "poss"),
    ("ға", "son"),
    ("ге", "son"),
    ("қа", "vl"),
    ("ке", "vl"),
    # accusative
    ("ны", "v"),
    ("ні", "v"),
    ("ды", "son"),
    ("ді", "son"),
    ("ты", "vl"),
    ("ті", "vl"),
    ("н", "poss"),
    # instrumental
    ("мен", "son"),
    ("бен", "son"),
    ("пен", "vl"),
)
_POSSESSIVE: tuple[tuple[str, str], ...] = (
    ("сы", "v"),
    ("сі", "v"),
    ("ы", "c"),
    ("і", "c"),
)
_PLURAL: tuple[tuple[str, str], ...] = (
    ("лар", "v"),
    ("лер", "v"),
    ("дар", "son"),
    ("дер", "son"),
    ("тар", "vl"),
    ("тер", "vl"),
)
# "лар/лер" also follow р, й, у: the plural's own rule, checked in _plural_ok
_AGENT = ("шы", "ші")
_ADJECTIVE = ("лық", "лік", "дық", "дік", "тық", "тік")
_VOICED_FINAL = {"ғ": "қ", "г": "к", "б": "п"}


def _plural_ok(stem: str, suffix: str, strict: bool) -> bool:
    if suffix[0] == "л" and stem and stem[-1] in "рйу":
        return _agrees(stem, suffix, "", strict)
    after = dict(_PLURAL)[suffix]
    return _agrees(stem, suffix, after, strict)


def _strip(word: str, layer: tuple[tuple[str, str], ...], strict: bool) -> str | None:
    for suffix, after in layer:
        if word.endswith(suffix) and len(word) > len(suffix):
            stem = word[: -len(suffix)]
            if layer is _PLURAL:
                if _plural_ok(stem, suffix, strict):
                    return stem
                continue
            if layer is _POSSESSIVE and suffix in ("ы", "і") and stem.endswith("ш"):
                # "бағдарламашы" is an agent noun, not бағдарламаш + ы
                continue
            if _agrees(stem, suffix, after, strict):
                return stem
    return None


def _devoice(stem: str) -> str:
    """A stem-final consonant voiced before a vowel suffix returns to its dictionary form:
    "шаруашылығы" → "шаруашылығ" → "шаруашылық"."""
    if stem and stem[-1] in _VOICED_FINAL:
        return stem[:-1] + _VOICED_FINAL[stem[-1]]
    return stem


@lru_cache(maxsize=100_000)
def inflectional_stem(word: str) -> str:
    """The word without its case ending, possessive and plural (each at most once).

    Vowel harmony is checked only when the word is written with Kazakh letters; a word typed
    with Russian letters only ("мугалимдер") may have lost the letters that carry it.
    """
    strict = is_kazakh(word)
    stem = word
    for layer in (_CASE, _POSSESSIVE, _PLURAL):
        cut = _strip(stem, layer, strict)
        if cut is not None:
            vowel_suffix = stem[len(cut)] in VOWELS
            stem = _devoice(cut) if vowel_suffix else cut
    return stem


@lru_cache(maxsize=100_000)
def derivational_root(word: str) -> str:
    """The inflectional stem without an agent (-шы/-ші) or adjective (-лық/-лік) suffix."""
    stem = inflectional_stem(word)
    strict = is_kazakh(stem)
    for suffix in (*_ADJECTIVE, *_AGENT):
        if stem.endswith(suffix):
            root = stem[: -len(suffix)]
            if len(root) < MIN_STEM or not any(ch in VOWELS for ch in root):
                continue
            if strict:
                want, have = _suffix_harmony(suffix), _harmony(root)
                if want and have and want != have:
                    continue
            return root
    return stem
