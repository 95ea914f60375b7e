"""The news registry: articles in three languages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..registry import (
    Bool,
    Choice,
    ChoiceList,
    Code,
    Column,
    DateTime,
    Registry,
    Text,
)
from .columns import LANGS, H, choices_of

# --- news ---------------------------------------------------------------------------------


def news() -> Registry:
    m = "news.Article"
    return Registry(
        name="news",
        label=_("News and briefings"),
        model_label=m,
        columns=[
            Column(
                "slug",
                H("Адрес (slug)", "Мекенжай (slug)", "Slug"),
                Code(max_length=120),
                required=True,
                example="maslenitsa-2026",
            ),
            Column(
                "language",
                H("Язык", "Тілі", "Language"),
                Choice(choices=LANGS),
                required=True,
                example="ru",
            ),
            Column(
                "kind",
                H("Вид", "Түрі", "Kind"),
                Choice(choices=choices_of(m, "kind")),
                default="news",
                example="news",
            ),
            Column(
                "title",
                H("Заголовок", "Тақырып", "Title"),
                Text(max_length=300),
                required=True,
                example="Заголовок",
            ),
            Column("teaser", H("Анонс", "Анонс", "Teaser"), Text(max_length=2000), default=""),
            Column(
                "body",
                H("Текст", "Мәтін", "Body"),
                Text(max_length=100_000),
                required=True,
                example="Текст новости",
            ),
            Column(
                "published_at",
                H("Опубликовано", "Жарияланды", "Published at"),
                DateTime(),
                required=True,
                example="2026-02-20 10:00",
            ),
            Column(
                "tags",
                H("Теги (через ;)", "Тегтер (; арқылы)", "Tags (separated by ;)"),
                ChoiceList(),
                default="[]",
            ),
            Column(
                "is_published",
                H("Опубликовано на сайте", "Сайтта жарияланған", "Published"),
                Bool(),
                default=True,
                example="1",
            ),
        ],
        natural_key=("slug", "language"),
        description=_("Articles and briefings of the public portal."),
    )
