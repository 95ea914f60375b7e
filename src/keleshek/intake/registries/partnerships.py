"""Registries of partnerships: partners, agreements and international students."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..registry import (
    Bin,
    Choice,
    Code,
    Column,
    Date,
    Dec,
    Integer,
    Registry,
    Text,
    WebLink,
)
from .columns import (
    AGREEMENT,
    INSTITUTION,
    PARTNER,
    YEAR,
    H,
    bin_column,
    check_agreement,
    check_valid_dates,
    choices_of,
    name_columns,
)

# --- partnerships -------------------------------------------------------------------------


def partners() -> Registry:
    m = "partnerships.Partner"
    return Registry(
        name="partners",
        label=_("Partners"),
        model_label=m,
        columns=[
            Column(
                "code",
                H("Код партнёра", "Серіктес коды", "Partner code"),
                Code(),
                required=True,
                example="kazzinc",
            ),
            Column(
                "kind",
                H("Вид", "Түрі", "Kind"),
                Choice(choices=choices_of(m, "kind")),
                required=True,
                example="employer",
            ),
            *name_columns(),
            Column(
                "country",
                H("Страна (ISO)", "Ел (ISO)", "Country (ISO)"),
                Code(max_length=2, pattern=r"[A-Z]{2}"),
                default="KZ",
                example="KZ",
            ),
            Column("bin", H("БИН", "БСН", "BIN"), Bin()),
            Column("website", H("Сайт", "Сайт", "Website"), WebLink(), default=""),
        ],
        natural_key=("code",),
        description=_("Employers, universities, companies and foreign organisations."),
    )


def agreements() -> Registry:
    m = "partnerships.Agreement"
    return Registry(
        name="agreements",
        export_scope=("institution__settlement", "institution"),
        label=_("Agreements"),
        model_label=m,
        columns=[
            Column(
                "code",
                H("Код соглашения", "Келісім коды", "Agreement code"),
                Code(max_length=80),
                required=True,
                example="lu-ban-allur-dual",
            ),
            Column(
                "kind",
                H("Вид", "Түрі", "Kind"),
                Choice(choices=choices_of(m, "kind")),
                required=True,
                example="dual_training",
            ),
            Column(
                "title_ru",
                H("Название (рус)", "Атауы (орыс)", "Title (Russian)"),
                Text(max_length=400),
                required=True,
                example="Соглашение",
            ),
            Column(
                "title_kk",
                H("Название (каз)", "Атауы (қаз)", "Title (Kazakh)"),
                Text(max_length=400),
                default="",
            ),
            Column(
                "title_en",
                H("Название (англ)", "Атауы (ағыл)", "Title (English)"),
                Text(max_length=400),
                default="",
            ),
            Column(
                "institution",
                H("БИН организации", "Ұйымның БСН", "Institution BIN"),
                Bin(),
                ref=INSTITUTION,
                example="940140000385",
            ),
            Column(
                "institutions",
                H(
                    "Участники (БИН через ;)",
                    "Қатысушылар (БСН ; арқылы)",
                    "Participants (BINs separated by ;)",
                ),
                Bin(),
                ref=INSTITUTION,
                m2m="institutions",
                export_lookup="institutions__bin",
            ),
            Column(
                "partners",
                H(
                    "Партнёры (коды через ;)",
                    "Серіктестер (кодтар ; арқылы)",
                    "Partners (codes separated by ;)",
                ),
                Code(),
                ref=PARTNER,
                m2m="partners",
                export_lookup="partners__code",
                example="allur",
            ),
            Column(
                "parent",
                H(
                    "Входит в соглашение (код)",
                    "Келісімге кіреді (код)",
                    "Part of agreement (code)",
                ),
                Code(max_length=80),
                ref=AGREEMENT,
                self_ref=True,
            ),
            Column(
                "signed_on",
                H("Дата подписания", "Қол қойылған күні", "Signed on"),
                Date(),
                example="2025-09-01",
            ),
            Column("valid_to", H("Действует до", "Мерзімі", "Valid to"), Date()),
            Column("topic", H("Тема", "Тақырыбы", "Topic"), Text(max_length=400), default=""),
            Column("amount", H("Сумма", "Сомасы", "Amount"), Dec()),
            Column(
                "currency",
                H("Валюта (ISO)", "Валюта (ISO)", "Currency (ISO)"),
                Code(max_length=3, pattern=r"[A-Z]{3}"),
                default="",
            ),
            Column(
                "kzt_rate",
                H("Курс, тг за единицу", "Бағам, бірлікке тг", "KZT per unit"),
                Dec(places=4, max_digits=12),
            ),
            Column("rate_date", H("Дата курса", "Бағам күні", "Rate date"), Date()),
            Column(
                "participants",
                H("Участников (чел.)", "Қатысушылар (адам)", "Participants"),
                Integer(),
            ),
        ],
        natural_key=("code",),
        scope_column="institution",
        scope_institution_lookup="institution_id",
        scope_territory_lookup="institution__settlement__path",
        row_checks=[check_agreement, check_valid_dates("signed_on", "valid_to")],
        description=_("Dual training, internships, consortia, research groups, donations."),
    )


def international_students() -> Registry:
    return Registry(
        name="international_students",
        export_scope=("institution__settlement", "institution"),
        label=_("International students"),
        model_label="partnerships.InternationalStudents",
        columns=[
            bin_column(),
            Column(
                "year",
                H("Учебный год (начало)", "Оқу жылы (басы)", "School year (start)"),
                YEAR,
                required=True,
                example="2025",
            ),
            Column(
                "country",
                H("Страна (ISO)", "Ел (ISO)", "Country (ISO)"),
                Code(max_length=2, pattern=r"[A-Z]{2}"),
                required=True,
                example="CN",
            ),
            Column(
                "count",
                H("Студентов", "Студенттер", "Students"),
                Integer(),
                required=True,
                example="50",
            ),
        ],
        natural_key=("bin", "year", "country"),
        scope_column="bin",
        description=_("Foreign students by institution, year and country."),
    )
