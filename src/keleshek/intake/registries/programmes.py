"""Registries of programmes: specialties, offerings and the labour market's demand."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..registry import (
    Bool,
    Choice,
    Code,
    Column,
    IntChoice,
    Integer,
    KatoCode,
    Registry,
    Text,
)
from .columns import (
    INDUSTRY,
    LANGS,
    PARTNER,
    SPECIALTY,
    TERRITORY,
    YEAR,
    H,
    bin_column,
    check_offering,
    choices_of,
    name_columns,
)

# --- programmes ---------------------------------------------------------------------------


def specialties() -> Registry:
    return Registry(
        name="specialties",
        label=_("Specialty classifier"),
        model_label="programmes.Specialty",
        columns=[
            Column(
                "code",
                H("Код специальности", "Мамандық коды", "Specialty code"),
                Code(max_length=20),
                required=True,
                example="07140100",
            ),
            Column(
                "isced_level",
                H("Уровень МСКО", "ХСБЖ деңгейі", "ISCED level"),
                IntChoice(choices=("3", "4", "5", "6", "7", "8")),
                required=True,
                example="4",
            ),
            *name_columns(),
            Column(
                "qualification_ru",
                H("Квалификация (рус)", "Біліктілік (орыс)", "Qualification (Russian)"),
                Text(),
                default="",
            ),
            Column(
                "qualification_kk",
                H("Квалификация (каз)", "Біліктілік (қаз)", "Qualification (Kazakh)"),
                Text(),
                default="",
            ),
            Column(
                "qualification_en",
                H("Квалификация (англ)", "Біліктілік (ағыл)", "Qualification (English)"),
                Text(),
                default="",
            ),
            Column(
                "industry",
                H("Код отрасли", "Сала коды", "Industry code"),
                Code(max_length=40),
                required=True,
                ref=INDUSTRY,
                example="transport",
            ),
        ],
        natural_key=("code",),
        description=_("The classifier of vocational and higher-education specialties."),
    )


def offerings() -> Registry:
    m = "programmes.Offering"
    return Registry(
        name="offerings",
        export_scope=("institution__settlement", "institution"),
        label=_("Programme offerings"),
        model_label=m,
        columns=[
            bin_column(),
            Column(
                "specialty",
                H("Код специальности", "Мамандық коды", "Specialty code"),
                Code(max_length=20),
                required=True,
                ref=SPECIALTY,
                example="07140100",
            ),
            Column(
                "year",
                H("Учебный год (начало)", "Оқу жылы (басы)", "School year (start)"),
                YEAR,
                required=True,
                example="2025",
            ),
            Column(
                "language",
                H("Язык обучения", "Оқыту тілі", "Language"),
                Choice(choices=LANGS),
                required=True,
                example="kk",
            ),
            Column(
                "launch_year",
                H("Год запуска", "Іске қосылған жылы", "Launched in"),
                YEAR,
                required=True,
                example="2025",
            ),
            Column(
                "study_form",
                H("Форма обучения", "Оқу нысаны", "Study form"),
                Choice(choices=choices_of(m, "study_form")),
                default="full_time",
                example="full_time",
            ),
            Column(
                "duration_months",
                H("Срок обучения, мес", "Оқу мерзімі, ай", "Duration, months"),
                Integer(min=1, max=120),
                default=34,
                example="34",
            ),
            Column(
                "state_seats",
                H("Мест по госзаказу", "Мемлекеттік тапсырыс орындары", "State-funded seats"),
                Integer(),
                default=0,
                example="25",
            ),
            Column(
                "paid_seats",
                H("Платных мест", "Ақылы орындар", "Paid seats"),
                Integer(),
                default=0,
                example="10",
            ),
            Column(
                "enrolled",
                H("Зачислено", "Қабылданды", "Enrolled"),
                Integer(),
                default=0,
                example="31",
            ),
            Column(
                "graduates_expected",
                H("Ожидаемый выпуск", "Күтілетін түлектер", "Expected graduates"),
                Integer(),
                default=0,
            ),
            Column(
                "dual_training",
                H("Дуальное обучение", "Дуальды оқыту", "Dual training"),
                Bool(),
                default=False,
                example="1",
            ),
            Column(
                "dual_employer",
                H(
                    "Код работодателя (дуальное)",
                    "Жұмыс беруші коды",
                    "Dual-training employer code",
                ),
                Code(),
                ref=PARTNER,
            ),
        ],
        natural_key=("bin", "specialty", "year", "language"),
        scope_column="bin",
        row_checks=[check_offering],
        description=_("Specialties taught at an institution in a school year, by language."),
    )


def labour_demand() -> Registry:
    return Registry(
        name="labour_demand",
        export_scope=("territory", None),
        label=_("Labour-market demand"),
        model_label="programmes.LabourDemand",
        columns=[
            Column(
                "specialty",
                H("Код специальности", "Мамандық коды", "Specialty code"),
                Code(max_length=20),
                required=True,
                ref=SPECIALTY,
                example="07140100",
            ),
            Column(
                "kato",
                H("Код КАТО", "ӘАОЖ коды", "KATO code"),
                KatoCode(),
                required=True,
                ref=TERRITORY,
                attr="territory_id",
                export_lookup="territory__kato",
                example="630000000",
            ),
            Column("year", H("Год", "Жыл", "Year"), YEAR, required=True, example="2026"),
            Column(
                "demand",
                H("Потребность (рабочих мест)", "Қажеттілік (жұмыс орны)", "Jobs demanded"),
                Integer(),
                required=True,
                example="120",
            ),
            Column("source", H("Источник", "Дереккөз", "Source"), Text(max_length=200), default=""),
        ],
        natural_key=("specialty", "kato", "year"),
        scope_column="kato",
        description=_("Projected demand for each specialty's graduates by territory and year."),
    )
