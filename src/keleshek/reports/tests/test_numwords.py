"""Numbers as a person writes them: plural agreement, words vs digits, rounding, Kazakh case
endings. Pure functions: no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from keleshek.reports import numwords as nw


@pytest.mark.parametrize(
    ("n", "school", "place"),
    [
        (0, "школ", "мест"),
        (1, "школа", "место"),
        (2, "школы", "места"),
        (3, "школы", "места"),
        (4, "школы", "места"),
        (5, "школ", "мест"),
        (7, "школ", "мест"),
        (11, "школ", "мест"),
        (12, "школ", "мест"),
        (14, "школ", "мест"),
        (21, "школа", "место"),
        (22, "школы", "места"),
        (25, "школ", "мест"),
        (101, "школа", "место"),
        (111, "школ", "мест"),
        (300, "школ", "мест"),
        (1001, "школа", "место"),
        (3000, "школ", "мест"),
    ],
)
def test_russian_plural_agreement(n: int, school: str, place: str) -> None:
    assert nw.noun_for(n, nw.SCHOOL, "ru") == school
    assert nw.noun_for(n, nw.PLACE, "ru") == place


@pytest.mark.parametrize(
    ("n", "noun", "lang", "case", "expected"),
    [
        # the seed's own phrases
        (7, nw.SCHOOL, "ru", "nom", "семь школ"),
        (3000, nw.PLACE, "ru", "nom", "три тысячи мест"),
        (3, nw.SCHOOL, "ru", "nom", "три школы"),
        (300, nw.PLACE, "ru", "nom", "300 мест"),
        (600, nw.PLACE, "ru", "nom", "600 мест"),
        (7, nw.SCHOOL, "ru", "gen", "семи школ"),
        (8, nw.COUNTRY, "ru", "gen", "восьми стран"),
        (4, nw.LABORATORY, "ru", "nom", "четыре лаборатории"),
        (3, nw.UNIVERSITY, "ru", "gen", "трех университетов"),
        (400, nw.STUDENT, "ru", "nom", "400 студентов"),
        # agreement beyond the seed
        (1, nw.SCHOOL, "ru", "nom", "одна школа"),
        (1, nw.PLACE, "ru", "nom", "одно место"),
        (2, nw.SCHOOL, "ru", "nom", "две школы"),
        (1, nw.COUNTRY, "ru", "gen", "одной страны"),
        (9, nw.COUNTRY, "ru", "gen", "девяти стран"),
        (401, nw.STUDENT, "ru", "nom", "401 студент"),
        (402, nw.STUDENT, "ru", "nom", "402 студента"),
        (2000, nw.PLACE, "ru", "nom", "две тысячи мест"),
        (3300, nw.PLACE, "ru", "nom", "3 300 мест"),
        (10, nw.SCHOOL, "ru", "nom", "десять школ"),
        (11, nw.SCHOOL, "ru", "nom", "11 школ"),
        # Kazakh: the noun stays singular after a numeral
        (7, nw.SCHOOL, "kk", "nom", "жеті мектеп"),
        (3000, nw.PLACE, "kk", "nom", "үш мың орын"),
        (400, nw.STUDENT, "kk", "nom", "400 студент"),
        (8, nw.COUNTRY, "kk", "nom", "сегіз ел"),
        # English
        (7, nw.SCHOOL, "en", "nom", "seven schools"),
        (1, nw.SCHOOL, "en", "nom", "one school"),
        (3000, nw.PLACE, "en", "nom", "three thousand places"),
        (3300, nw.PLACE, "en", "nom", "3,300 places"),
    ],
)
def test_count_phrases(n: int, noun: nw.Noun, lang: nw.Lang, case: nw.Case, expected: str) -> None:
    assert nw.count(n, noun, lang, case) == expected


@pytest.mark.parametrize(
    ("value", "noun", "lang", "expected"),
    [
        (19_000, nw.CHILD, "ru", "19 тысяч детей"),
        (19_040, nw.CHILD, "ru", "19 тысяч детей"),  # within 1 %: no qualifier
        (18_950, nw.CHILD, "ru", "19 тысяч детей"),
        (18_700, nw.CHILD, "ru", "почти 19 тысяч детей"),
        (19_400, nw.CHILD, "ru", "более 19 тысяч детей"),
        (5_008, nw.PUPIL, "ru", "5 тысяч школьников"),
        (4_987, nw.PUPIL, "ru", "5 тысяч школьников"),
        (21_000, nw.CHILD, "ru", "21 тысяча детей"),
        (3_000, nw.CHILD, "ru", "3 тысячи детей"),
        (Decimal("3950000"), nw.YUAN, "ru", "почти 4 млн юаней"),
        (Decimal("3500000"), nw.YUAN, "ru", "3,5 млн юаней"),
        (Decimal("284992500"), nw.TENGE, "ru", "285 млн тенге"),
        (Decimal("270000000"), nw.TENGE, "ru", "270 млн тенге"),
        (850, nw.PUPIL, "ru", "850 школьников"),
        (19_000, nw.CHILD, "kk", "19 мың бала"),
        (19_400, nw.CHILD, "kk", "19 мыңнан астам бала"),
        (Decimal("3950000"), nw.YUAN, "kk", "4 млн юаньға жуық"),
        (19_000, nw.CHILD, "en", "19 thousand children"),
        (Decimal("3950000"), nw.YUAN, "en", "almost 4 million yuan"),
        (Decimal("3500000"), nw.YUAN, "en", "3.5 million yuan"),
    ],
)
def test_rounding_as_the_source_rounds(
    value: int | Decimal, noun: nw.Noun, lang: nw.Lang, expected: str
) -> None:
    assert nw.approx(value, noun, lang) == expected


@pytest.mark.parametrize(
    ("word", "case", "expected"),
    [
        ("ел", "abl", "елден"),
        ("мың", "abl", "мыңнан"),
        ("мектеп", "gen", "мектептің"),
        ("мектеп", "dat", "мектепке"),
        ("қала", "gen", "қаланың"),
        ("қала", "loc", "қалада"),
        ("юань", "dat", "юаньға"),
        ("Риддер", "loc", "Риддерде"),
        ("Өскемен", "loc", "Өскеменде"),
        ("Алматы", "abl", "Алматыдан"),
        ("кітап", "abl", "кітаптан"),
        ("млн", "dat", "млн-ға"),
        ("Allur", "dat", "Allur-ға"),
    ],
)
def test_kazakh_case_endings(word: str, case: nw.KkCase, expected: str) -> None:
    assert nw.kk_suffix(word, case) == expected


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, False),
        (1, True),
        (10, True),
        (11, False),
        (300, False),
        (1000, True),
        (3000, True),
        (10_000, True),
        (3300, False),
        (20_000, False),
    ],
)
def test_which_numbers_are_written_in_words(n: int, words: bool) -> None:
    assert nw.as_words(n) is words


def test_percent_and_digits() -> None:
    assert nw.percent(1, 1, "ru") == "100 %"
    assert nw.percent(7, 8, "ru") == "87,5 %"
    assert nw.percent(7, 8, "en") == "87.5%"
    assert nw.percent(1, 0, "ru") == "—"
    assert nw.digits(1234567, "ru") == "1 234 567"
    assert nw.digits(1234567, "en") == "1,234,567"
    assert nw.join_list(["a", "b", "c"], "ru") == "a, b и c"
    assert nw.join_list(["a"], "kk") == "a"
