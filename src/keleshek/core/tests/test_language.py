"""One helper for a record's name in the page's language, locale formats for Kazakh, and
numbers typed by the locale (ADR 0145)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format

from keleshek.core.names import localized_name, name_expr
from keleshek.core.numbers import NotANumber, parse_decimal, parse_int
from keleshek.territory.models import Territory


def test_kazakh_numbers_are_grouped_with_a_decimal_comma() -> None:
    import datetime as dt

    with translation.override("kk"):
        assert number_format(116768, force_grouping=True) == "116\xa0768"
        assert number_format(92.4, decimal_pos=1) == "92,4"
        assert date_format(dt.date(2025, 9, 1), "SHORT_DATE_FORMAT") == "01.09.2025"
        rendered = Template("{% load humanize %}{{ n|intcomma }} {{ x|floatformat:1 }}").render(
            Context({"n": 116768, "x": 4.25})
        )
        assert rendered == "116\xa0768 4,3"
    with translation.override("en"):
        assert number_format(116768, force_grouping=True) == "116,768"
        assert date_format(dt.date(2025, 9, 1), "SHORT_DATE_FORMAT") == "2025-09-01"


@pytest.mark.parametrize(
    ("lang", "typed", "value"),
    [
        ("ru", "1 500,50", Decimal("1500.50")),
        ("kk", "1\u00a0500", Decimal("1500")),
        ("kk", "1500.5", Decimal("1500.5")),
        ("ru", "1.500,5", Decimal("1500.5")),
        ("ru", "−500", Decimal("-500")),
        ("en", "1,500.50", Decimal("1500.50")),
        ("en", "32000", Decimal("32000")),
    ],
)
def test_numbers_typed_by_the_locale(lang: str, typed: str, value: Decimal) -> None:
    with translation.override(lang):
        assert parse_decimal(typed) == value


@pytest.mark.parametrize(
    ("lang", "typed"), [("ru", "abc"), ("kk", ""), ("ru", "1,2,3"), ("en", "1,50"), ("kk", "5к")]
)
def test_nonsense_is_refused_not_ignored(lang: str, typed: str) -> None:
    with translation.override(lang), pytest.raises(NotANumber):
        parse_decimal(typed)


def test_whole_numbers() -> None:
    with translation.override("ru"):
        assert parse_int("99 999") == 99999
        with pytest.raises(NotANumber):
            parse_int("2,5")


@pytest.mark.django_db
def test_a_record_is_named_in_the_page_language_with_a_marked_fallback() -> None:
    kz = Territory.objects.create(
        kato="640000000", level="oblast", name_ru="Восточная", name_kk="Шығыс", name_en=""
    )
    only_ru = Territory.objects.create(
        kato="641000000", level="district", parent=kz, name_ru="Глубоковский район"
    )
    template = Template("{% load names %}{{ a|lname }} / {{ b|lname }}")
    with translation.override("kk"):
        assert localized_name(kz) == ("Шығыс", "kk")
        assert localized_name(only_ru) == ("Глубоковский район", "ru")
        assert kz.name == "Шығыс"
        html = template.render(Context({"a": kz, "b": only_ru}))
        assert html == 'Шығыс / <span lang="ru" class="fallback-lang">Глубоковский район</span>'
        # the same choice in the database, for values() and ordering
        names = dict(
            Territory.objects.annotate(n=name_expr()).values_list("kato", "n").order_by("kato")
        )
        assert names == {"640000000": "Шығыс", "641000000": "Глубоковский район"}
    with translation.override("ru"):
        assert template.render(Context({"a": kz, "b": only_ru})) == (
            "Восточная / Глубоковский район"
        )
    with translation.override("en"):
        # no English name: the Russian one, marked
        assert 'lang="ru"' in template.render(Context({"a": kz, "b": kz}))
