"""One countries table (ADR 0129): every ISO 3166-1 code, named in ru, kk and en, for the
public pages, the briefing and its spreadsheet alike."""

from __future__ import annotations

import re

from keleshek.core import countries
from keleshek.core.countries import COUNTRIES, country_name, partners_phrase


def test_every_iso_3166_code_has_three_names() -> None:
    assert len(COUNTRIES) == 249
    for code, c in COUNTRIES.items():
        assert re.fullmatch(r"[A-Z]{2}", code)
        assert c.ru and c.kk and c.en, code  # noqa: PT018 - one message for the three
        assert not re.search(r"[A-Za-z]", c.ru), (code, c.ru)  # translated, not left in English


def test_names_follow_the_language_and_the_briefing_s_short_forms() -> None:
    assert [country_name("CN", lang) for lang in ("ru", "kk", "en")] == ["Китай", "Қытай", "China"]
    assert country_name("ru", "ru") == "Россия"  # not "Российская Федерация"
    assert country_name(" us ", "ru") == "США"
    assert country_name("VN", "kk") == "Вьетнам"  # beyond the briefing's own list
    assert country_name("zz", "ru") == "ZZ"  # not a country: the code, as open data shows it


def test_partners_phrase() -> None:
    assert partners_phrase(["CN"], "ru") == "китайские партнеры"
    assert partners_phrase(["CN"], "kk") == "Қытай серіктестері"
    assert partners_phrase(["CN", "RU"], "en") == "foreign partners"
    assert partners_phrase(["VN"], "ru") == "зарубежные партнеры"  # no adjective: generic


def test_no_other_country_table_in_the_product() -> None:
    from pathlib import Path

    root = Path(countries.__file__).parents[1]
    others = [
        p
        for p in root.rglob("*.py")
        if p.name != "countries.py" and '"Қытай"' in p.read_text(encoding="utf-8")
    ]
    assert [p for p in others if "tests" not in p.parts] == []
