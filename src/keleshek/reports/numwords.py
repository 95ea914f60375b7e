"""Numbers as a person writes them in a briefing, in Russian, Kazakh and English.

A pure module (no Django): the briefing text composes its sentences from these pieces.

The house style is read off the seed briefing (ADR 0080):

* a count from one to ten, and a whole number of thousands up to ten thousand, is written in
  words ("семь школ", "на три тысячи мест", "из восьми стран");
* other exact numbers are written in digits ("на 300 мест", "400 студентов");
* large totals that the source rounds are rounded to thousands or millions and written in digits
  with the unit in words ("19 тысяч детей", "5 тысяч школьников", "почти 4 млн юаней"); "почти"
  ("almost") when the exact value is more than 1 % below the rounded one, "более" ("over") when
  it is more than 1 % above, nothing in between. Tables always carry the exact figure.

Russian nouns agree with the numeral (1 школа, 3 школы, 7 школ) in the nominative/accusative and
in the genitive ("из одной страны", "из восьми стран"). Kazakh nouns stay singular after a
numeral ("жеті мектеп"); the case suffixes we use follow vowel harmony and the final sound
(``kk_suffix``). English uses singular/plural.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from num2words import num2words

Lang = Literal["ru", "kk", "en"]
Case = Literal["nom", "gen"]
Gender = Literal["m", "f", "n"]

LANGS: tuple[Lang, ...] = ("ru", "kk", "en")

# How close to a round figure an exact value must be to be written without "almost"/"over".
ROUNDING_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Noun:
    """A noun in the forms a count needs.

    ``ru``: nominative after 1, after 2-4, after 5+ (e.g. школа, школы, школ);
    ``ru_gen``: genitive singular and plural (школы, школ); ``gender`` of the Russian noun (for
    "одна", "две"); ``kk``: the Kazakh form (singular after numerals); ``en``: singular, plural.
    """

    ru: tuple[str, str, str]
    ru_gen: tuple[str, str]
    gender: Gender
    kk: str
    en: tuple[str, str]


# The nouns the briefing counts.
SCHOOL = Noun(("школа", "школы", "школ"), ("школы", "школ"), "f", "мектеп", ("school", "schools"))
PLACE = Noun(("место", "места", "мест"), ("места", "мест"), "n", "орын", ("place", "places"))
CHILD = Noun(
    ("ребенок", "ребенка", "детей"), ("ребенка", "детей"), "m", "бала", ("child", "children")
)
PUPIL = Noun(
    ("школьник", "школьника", "школьников"),
    ("школьника", "школьников"),
    "m",
    "оқушы",
    ("pupil", "pupils"),
)
STUDENT = Noun(
    ("студент", "студента", "студентов"),
    ("студента", "студентов"),
    "m",
    "студент",
    ("student", "students"),
)
COUNTRY = Noun(
    ("страна", "страны", "стран"), ("страны", "стран"), "f", "ел", ("country", "countries")
)
LABORATORY = Noun(
    ("лаборатория", "лаборатории", "лабораторий"),
    ("лаборатории", "лабораторий"),
    "f",
    "зертхана",
    ("laboratory", "laboratories"),
)
UNIVERSITY = Noun(
    ("университет", "университета", "университетов"),
    ("университета", "университетов"),
    "m",
    "университет",
    ("university", "universities"),
)
SPECIALTY = Noun(
    ("специальность", "специальности", "специальностей"),
    ("специальности", "специальностей"),
    "f",
    "мамандық",
    ("specialty", "specialties"),
)
SEAT = Noun(("место", "места", "мест"), ("места", "мест"), "n", "орын", ("seat", "seats"))
GROUP = Noun(("группа", "группы", "групп"), ("группы", "групп"), "f", "топ", ("group", "groups"))
YUAN = Noun(("юань", "юаня", "юаней"), ("юаня", "юаней"), "m", "юань", ("yuan", "yuan"))
TENGE = Noun(("тенге", "тенге", "тенге"), ("тенге", "тенге"), "m", "теңге", ("tenge", "tenge"))

CURRENCY_NOUNS: dict[str, Noun] = {
    "CNY": YUAN,
    "KZT": TENGE,
    "USD": Noun(
        ("доллар", "доллара", "долларов"),
        ("доллара", "долларов"),
        "m",
        "доллар",
        ("dollar", "dollars"),
    ),
    "EUR": Noun(("евро", "евро", "евро"), ("евро", "евро"), "m", "еуро", ("euro", "euros")),
    "RUB": Noun(
        ("рубль", "рубля", "рублей"), ("рубля", "рублей"), "m", "рубль", ("rouble", "roubles")
    ),
}


# --- plural agreement ---------------------------------------------------------------------


def ru_form_index(n: int) -> int:
    """0 after 1 (21, 101 …), 1 after 2-4 (22 …, not 12-14), 2 otherwise."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def ru_plural(n: int, forms: tuple[str, str, str]) -> str:
    return forms[ru_form_index(n)]


def noun_for(n: int, noun: Noun, lang: Lang, case: Case = "nom") -> str:
    """The noun form that goes after the number ``n``."""
    if lang == "ru":
        if case == "gen":
            return noun.ru_gen[0] if ru_form_index(n) == 0 else noun.ru_gen[1]
        return ru_plural(n, noun.ru)
    if lang == "kk":
        return noun.kk
    return noun.en[0] if n == 1 else noun.en[1]


# --- digits and words ----------------------------------------------------------------------


def digits(n: int | Decimal, lang: Lang, places: int = 0) -> str:
    """Grouped digits: "3 000" (ru, kk), "3,000" (en); decimals with a comma in ru/kk."""
    value = Decimal(n).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:,.{places}f}"
    if lang == "en":
        return text
    return text.replace(",", " ").replace(".", ",")


_RU_CASES = {"nom": "nominative", "gen": "genitive"}


def words(n: int, lang: Lang, case: Case = "nom", gender: Gender = "m") -> str:
    """The number in words ("семь", "трех", "үш мың", "three thousand")."""
    if lang == "ru":
        text = num2words(n, lang="ru", case=_RU_CASES[case], gender=gender)
        # the house style (and the seed) writes е for ё
        return str(text).replace("ё", "е")
    if lang == "kk":
        return str(num2words(n, lang="kz"))
    return str(num2words(n, lang="en"))


def as_words(n: int) -> bool:
    """Whether the house style writes this exact number in words (see the module doc)."""
    return 0 < n <= 10 or (n % 1000 == 0 and 0 < n <= 10_000)


def number(n: int, lang: Lang, case: Case = "nom", gender: Gender = "m") -> str:
    """An exact number in words or digits, as the house style writes it."""
    if as_words(n):
        return words(n, lang, case, gender)
    return digits(n, lang)


def count(n: int, noun: Noun, lang: Lang, case: Case = "nom", *, spell: bool = True) -> str:
    """An exact count with its noun: "семь школ", "3 школы" (``spell=False``), "на 300 мест"."""
    num = number(n, lang, case, noun.gender) if spell else digits(n, lang)
    return f"{num} {noun_for(n, noun, lang, case)}"


# --- rounding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rounded:
    value: Decimal  # 19, 4, 3.5 …
    unit: int  # 1, 1_000, 1_000_000, 1_000_000_000
    qualifier: Literal["", "almost", "over"]


def round_figure(n: int | Decimal) -> Rounded:
    """Round a total as a briefing does: to thousands below a million, to millions (one decimal
    below ten million) above, with "almost"/"over" when the rounding moved it more than 1 %."""
    exact = Decimal(n)
    if exact < 1000:
        return Rounded(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP), 1, "")
    if exact < 1_000_000:
        unit = 1000
        value = (exact / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    elif exact < 1_000_000_000:
        unit = 1_000_000
        q = Decimal("0.1") if exact < 10 * unit else Decimal(1)
        value = (exact / unit).quantize(q, rounding=ROUND_HALF_UP).normalize()
    else:
        unit = 1_000_000_000
        q = Decimal("0.1") if exact < 10 * unit else Decimal(1)
        value = (exact / unit).quantize(q, rounding=ROUND_HALF_UP).normalize()
    if value == 0:
        return Rounded(exact, 1, "")
    gap = (exact - value * unit) / (value * unit)
    qualifier: Literal["", "almost", "over"] = ""
    if gap < -ROUNDING_TOLERANCE:
        qualifier = "almost"
    elif gap > ROUNDING_TOLERANCE:
        qualifier = "over"
    # a value with a fraction is written with one decimal, an integer without
    return Rounded(value if value != value.to_integral() else value.to_integral(), unit, qualifier)


_UNIT_RU = {
    1000: ("тысяча", "тысячи", "тысяч"),
    1_000_000: ("млн", "млн", "млн"),
    1_000_000_000: ("млрд", "млрд", "млрд"),
}
_UNIT_KK = {1000: "мың", 1_000_000: "млн", 1_000_000_000: "млрд"}
_UNIT_EN = {1000: "thousand", 1_000_000: "million", 1_000_000_000: "billion"}


def _value_text(value: Decimal, lang: Lang) -> str:
    if value == value.to_integral():
        return digits(int(value), lang)
    return digits(value, lang, places=1)


def approx(n: int | Decimal, noun: Noun | None, lang: Lang) -> str:
    """A rounded total with its noun: "19 тысяч детей", "почти 4 млн юаней",
    "19 мың бала", "4 млн юаньға жуық", "almost 4 million yuan"."""
    r = round_figure(n)
    if r.unit == 1:
        whole = int(r.value)
        return count(whole, noun, lang, spell=False) if noun else digits(whole, lang)
    value = _value_text(r.value, lang)
    fractional = r.value != r.value.to_integral()
    if lang == "ru":
        forms = _UNIT_RU[r.unit]
        unit_word = forms[2] if fractional else ru_plural(int(r.value), forms)
        # after тысяч / млн the counted noun is in the genitive plural
        phrase = f"{value} {unit_word}" + (f" {noun.ru_gen[1]}" if noun else "")
        prefix = {"": "", "almost": "почти ", "over": "более "}[r.qualifier]
        return prefix + phrase
    if lang == "kk":
        unit_word = _UNIT_KK[r.unit]
        if r.qualifier == "almost":
            # "4 млн юаньға жуық": the dative before жуық ("close to")
            if noun:
                return f"{value} {unit_word} {kk_suffix(noun.kk, 'dat')} жуық"
            return f"{value} {kk_suffix(unit_word, 'dat')} жуық"
        if r.qualifier == "over":
            # "19 мыңнан астам бала": the ablative before астам ("more than")
            tail = f" {noun.kk}" if noun else ""
            return f"{value} {kk_suffix(unit_word, 'abl')} астам{tail}"
        return f"{value} {unit_word}" + (f" {noun.kk}" if noun else "")
    unit_word = _UNIT_EN[r.unit]
    prefix = {"": "", "almost": "almost ", "over": "over "}[r.qualifier]
    return prefix + f"{value} {unit_word}" + (f" {noun.en[1]}" if noun else "")


def percent(part: int, whole: int, lang: Lang) -> str:
    """A share in per cent with at most one decimal: "100 %", "87,5 %", "87.5%"."""
    if whole <= 0:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    text = _value_text(value.normalize() if value == value.to_integral() else value, lang)
    return f"{text}%" if lang == "en" else f"{text} %"


# --- Kazakh case suffixes ------------------------------------------------------------------

_KK_BACK = set("аоұыяюАОҰЫЯЮ")
_KK_FRONT = set("әөүіеэиӘӨҮІЕЭИ")
_KK_VOWELS = _KK_BACK | _KK_FRONT | set("уУ")
_KK_VOICELESS = set("пфктшсқхцчщһПФКТШСҚХЦЧЩҺ")
_KK_NASAL = set("мнңМНҢ")

KkCase = Literal["dat", "loc", "abl", "gen"]


def _kk_is_back(word: str) -> bool:
    for ch in reversed(word):
        if ch in _KK_BACK:
            return True
        if ch in _KK_FRONT:
            return False
    return True  # no vowel (an abbreviation such as "млн"): back by convention


def kk_suffix(word: str, case: KkCase) -> str:
    """Attach a Kazakh case ending by vowel harmony and the final sound.

    dative -ға/-ге/-қа/-ке, locative -да/-де/-та/-те, ablative -дан/-ден/-тан/-тен/-нан/-нен,
    genitive -ның/-нің/-дың/-дің/-тың/-тің. A final soft or hard sign is skipped when looking at
    the last sound; a word in Latin letters (a brand) takes the ending after a hyphen.
    """
    if not word:
        return word
    last = word.rstrip("ьъЬЪ")[-1:] or word[-1]
    back = _kk_is_back(word)
    abbreviation = not any(ch in _KK_VOWELS for ch in word)
    sep = "-" if last.isascii() or abbreviation else ""
    vowel_end = last in _KK_VOWELS or last in "йЙ"
    voiceless = last in _KK_VOICELESS
    nasal = last in _KK_NASAL
    if case == "dat":
        ending = ("қа" if back else "ке") if voiceless else "ға" if back else "ге"
    elif case == "loc":
        ending = ("та" if back else "те") if voiceless else ("да" if back else "де")
    elif case == "abl":
        if voiceless:
            ending = "тан" if back else "тен"
        elif nasal:
            ending = "нан" if back else "нен"
        else:
            ending = "дан" if back else "ден"
    else:  # genitive
        if vowel_end or nasal:
            ending = "ның" if back else "нің"
        elif voiceless:
            ending = "тың" if back else "тің"
        else:
            ending = "дың" if back else "дің"
    return f"{word}{sep}{ending}"


def join_list(items: list[str], lang: Lang) -> str:
    """ "a, b и c" / "a, b және c" / "a, b and c"."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    conj = {"ru": "и", "kk": "және", "en": "and"}[lang]
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"
