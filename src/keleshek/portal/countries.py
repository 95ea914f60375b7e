"""Names of the countries foreign students most often come from (ISO 3166-1 alpha-2).

Open data keeps the code; pages show the name in the interface language, or the code when the
country is not listed here.
"""

from __future__ import annotations

NAMES: dict[str, tuple[str, str, str]] = {  # code: (ru, kk, en)
    "AF": ("Афганистан", "Ауғанстан", "Afghanistan"),
    "AZ": ("Азербайджан", "Әзербайжан", "Azerbaijan"),
    "BY": ("Беларусь", "Беларусь", "Belarus"),
    "CN": ("Китай", "Қытай", "China"),
    "DE": ("Германия", "Германия", "Germany"),
    "IN": ("Индия", "Үндістан", "India"),
    "KG": ("Кыргызстан", "Қырғызстан", "Kyrgyzstan"),
    "KZ": ("Казахстан", "Қазақстан", "Kazakhstan"),
    "MN": ("Монголия", "Моңғолия", "Mongolia"),
    "PK": ("Пакистан", "Пәкістан", "Pakistan"),
    "RU": ("Россия", "Ресей", "Russia"),
    "TJ": ("Таджикистан", "Тәжікстан", "Tajikistan"),
    "TM": ("Туркменистан", "Түрікменстан", "Turkmenistan"),
    "TR": ("Турция", "Түркия", "Türkiye"),
    "UZ": ("Узбекистан", "Өзбекстан", "Uzbekistan"),
}
_INDEX = {"ru": 0, "kk": 1, "en": 2}


def country_name(code: str, language: str) -> str:
    names = NAMES.get(code.upper())
    return names[_INDEX.get(language, 0)] if names else code
