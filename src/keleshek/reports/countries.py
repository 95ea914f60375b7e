"""Country names for the briefing (ISO 3166 alpha-2): name in ru, kk, en and the plural
adjective a briefing puts before "partners" ("китайские партнеры", "Chinese partners")."""

from __future__ import annotations

from typing import NamedTuple


class Country(NamedTuple):
    ru: str
    kk: str
    en: str
    ru_adj: str  # plural adjective: китайские
    en_adj: str  # Chinese


COUNTRIES: dict[str, Country] = {
    "AF": Country("Афганистан", "Ауғанстан", "Afghanistan", "афганские", "Afghan"),
    "AZ": Country("Азербайджан", "Әзербайжан", "Azerbaijan", "азербайджанские", "Azerbaijani"),
    "BY": Country("Беларусь", "Беларусь", "Belarus", "белорусские", "Belarusian"),
    "CN": Country("Китай", "Қытай", "China", "китайские", "Chinese"),
    "DE": Country("Германия", "Германия", "Germany", "немецкие", "German"),
    "FR": Country("Франция", "Франция", "France", "французские", "French"),
    "GB": Country("Великобритания", "Ұлыбритания", "United Kingdom", "британские", "British"),
    "IN": Country("Индия", "Үндістан", "India", "индийские", "Indian"),
    "IR": Country("Иран", "Иран", "Iran", "иранские", "Iranian"),
    "JP": Country("Япония", "Жапония", "Japan", "японские", "Japanese"),
    "KG": Country("Кыргызстан", "Қырғызстан", "Kyrgyzstan", "кыргызские", "Kyrgyz"),
    "KR": Country(
        "Республика Корея", "Корея Республикасы", "Republic of Korea", "корейские", "Korean"
    ),
    "KZ": Country("Казахстан", "Қазақстан", "Kazakhstan", "казахстанские", "Kazakh"),
    "MN": Country("Монголия", "Моңғолия", "Mongolia", "монгольские", "Mongolian"),
    "PK": Country("Пакистан", "Пәкістан", "Pakistan", "пакистанские", "Pakistani"),
    "RU": Country("Россия", "Ресей", "Russia", "российские", "Russian"),
    "TJ": Country("Таджикистан", "Тәжікстан", "Tajikistan", "таджикские", "Tajik"),
    "TM": Country("Туркменистан", "Түрікменстан", "Turkmenistan", "туркменские", "Turkmen"),
    "TR": Country("Турция", "Түркия", "Türkiye", "турецкие", "Turkish"),
    "US": Country("США", "АҚШ", "United States", "американские", "American"),
    "UZ": Country("Узбекистан", "Өзбекстан", "Uzbekistan", "узбекские", "Uzbek"),
    "UA": Country("Украина", "Украина", "Ukraine", "украинские", "Ukrainian"),
    "IT": Country("Италия", "Италия", "Italy", "итальянские", "Italian"),
    "PL": Country("Польша", "Польша", "Poland", "польские", "Polish"),
}


def country_name(code: str, lang: str) -> str:
    c = COUNTRIES.get(code.upper())
    if c is None:
        return code.upper()
    return str(getattr(c, lang, c.en))


def partners_phrase(codes: list[str], lang: str) -> str:
    """ "китайские партнеры" / "Қытай серіктестері" / "Chinese partners"; several countries or
    an unknown one give "зарубежные партнеры" / "шетелдік серіктестер" / "foreign partners"."""
    known = [COUNTRIES[c] for c in codes if c in COUNTRIES]
    if len(codes) == 1 and len(known) == 1:
        c = known[0]
        return {
            "ru": f"{c.ru_adj} партнеры",
            "kk": f"{c.kk} серіктестері",
            "en": f"{c.en_adj} partners",
        }[lang]
    return {"ru": "зарубежные партнеры", "kk": "шетелдік серіктестер", "en": "foreign partners"}[
        lang
    ]
