"""Query parameters read once and checked (ADR 0138)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from keleshek.core import params


def q(text: str) -> QueryDict:
    return QueryDict(text)


@pytest.mark.parametrize("value", ["-1", "0", "99999999", "9" * 30, "abc", "1.5", "²", "nan"])
def test_a_year_outside_the_span_or_not_a_year_is_a_400(value: str) -> None:
    with pytest.raises(params.BadParameter):
        params.year({"year": value}, 2025, years=(2020, 2026))


def test_a_year_within_the_datas_span_or_empty_passes() -> None:
    assert params.year(q("year=2021"), 2025, years=(2020, 2026)) == 2021
    assert params.year(q("year="), 2025, years=(2020, 2026)) == 2025
    assert params.year(q(""), 2025) == 2025


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e309", "NaN"])
def test_numbers_are_finite(value: str) -> None:
    with pytest.raises(params.BadParameter):
        params.number({"lat": value}, "lat", None, lo=-90, hi=90)
    assert params.number({"lat": "49,9"}, "lat", None, lo=-90, hi=90) == 49.9


def test_text_refuses_nul_controls_and_length() -> None:
    for bad in ("a\x00b", "\x01", "x" * 201):
        with pytest.raises(params.BadParameter):
            params.text({"q": bad}, "q")
    assert params.text({"q": "  мектеп \t"}, "q") == "мектеп"
    assert params.choice({"by": "nonsense"}, "by", ("district", "school"), "district") == "district"


@pytest.mark.django_db
def test_the_400_page_says_what_is_wrong_in_the_visitors_language(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/ru/open-data/schools.csv", {"year": "99999999"})
    # no data at all: the default year is not asked for and the page answers
    assert resp.status_code in (200, 400)
    resp = client.get("/kk/catalogue/", {"q": "a\x00"})
    assert resp.status_code == 400
    resp = client.get("/ru/catalogue/", {"q": "x" * 5000})
    assert resp.status_code == 400


def test_the_message_is_translated() -> None:
    from django.utils import translation

    with translation.override("ru"), pytest.raises(params.BadParameter) as err:
        params.integer({"year": "abc"}, "year", None)
    with translation.override("ru"):
        text = str(err.value.args[0])
    assert text == (
        "Адрес содержит значение, которое страница не может использовать: "
        "«year» не является целым числом."
    )
