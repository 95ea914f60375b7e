"""Registries of institutions: the organisations, their yearly figures and enrolment by grade."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..registry import (
    Bin,
    Bool,
    Choice,
    ChoiceList,
    Column,
    Dec,
    Float,
    Integer,
    KatoCode,
    Registry,
    Text,
    WebLink,
)
from .columns import (
    INSTITUTION,
    LANGS,
    SEX,
    TERRITORY,
    YEAR,
    H,
    bin_column,
    check_grades,
    choices_of,
    name_columns,
)

# --- institutions -------------------------------------------------------------------------


def institutions() -> Registry:
    m = "institutions.Institution"
    return Registry(
        name="institutions",
        export_scope=("settlement", ""),
        label=_("Institutions"),
        model_label=m,
        columns=[
            Column("bin", H("БИН", "БСН", "BIN"), Bin(), required=True, example="940140000385"),
            Column(
                "kind",
                H("Вид", "Түрі", "Kind"),
                Choice(choices=choices_of(m, "kind")),
                required=True,
                example="school",
            ),
            *name_columns(),
            Column(
                "short_name",
                H("Краткое наименование", "Қысқа атауы", "Short name"),
                Text(max_length=100),
                default="",
                example="СШ №1",
            ),
            Column(
                "settlement",
                H("КАТО населённого пункта", "Елді мекеннің ӘАОЖ", "Settlement KATO"),
                KatoCode(),
                required=True,
                ref=TERRITORY,
                example="631010000",
            ),
            Column(
                "parent",
                H("БИН головной организации", "Бас ұйымның БСН", "Host institution BIN"),
                Bin(),
                ref=INSTITUTION,
                self_ref=True,
            ),
            Column(
                "address",
                H("Адрес", "Мекенжайы", "Address"),
                Text(),
                default="",
                example="ул. Абая, 1",
            ),
            Column("lat", H("Широта", "Ендік", "Latitude"), Float(min=-90, max=90)),
            Column("lon", H("Долгота", "Бойлық", "Longitude"), Float(min=-180, max=180)),
            Column(
                "design_capacity",
                H("Проектная мощность (мест)", "Жобалық қуаты (орын)", "Design capacity (places)"),
                Integer(),
                default=0,
                example="1200",
            ),
            Column(
                "shifts",
                H("Смен", "Ауысым", "Shifts"),
                Integer(min=1, max=3),
                default=1,
                example="2",
            ),
            Column(
                "is_emergency",
                H("Аварийное состояние", "Апатты жағдай", "Emergency condition"),
                Bool(),
                default=False,
                example="0",
            ),
            Column(
                "is_three_shift",
                H("Трёхсменная", "Үш ауысымды", "Three-shift"),
                Bool(),
                default=False,
                example="0",
            ),
            Column(
                "languages",
                H("Языки обучения", "Оқыту тілдері", "Languages of instruction"),
                ChoiceList(choices=LANGS),
                default="[]",
                example="kk;ru",
            ),
            Column(
                "ownership",
                H("Форма собственности", "Меншік нысаны", "Ownership"),
                Choice(choices=choices_of(m, "ownership")),
                default="state",
                example="state",
            ),
            Column(
                "status",
                H("Статус", "Мәртебесі", "Status"),
                Choice(choices=choices_of(m, "status")),
                default="operating",
                example="operating",
            ),
            Column(
                "opened_year",
                H("Год открытия", "Ашылған жылы", "Opened in"),
                Integer(min=1800, max=2100),
            ),
            Column(
                "grade_from",
                H("С класса", "Сыныбынан", "First grade"),
                Integer(min=0, max=12),
                example="0",
            ),
            Column(
                "grade_to",
                H("По класс", "Сыныбына дейін", "Last grade"),
                Integer(min=0, max=12),
                example="11",
            ),
            Column(
                "maintenance_budget",
                H("Бюджет содержания, тг", "Ұстау бюджеті, тг", "Maintenance budget, KZT"),
                Dec(max_digits=16),
            ),
            Column("website", H("Сайт", "Сайт", "Website"), WebLink(), default=""),
        ],
        natural_key=("bin",),
        scope_column="self",
        scope_territory_lookup="settlement__path",
        scope_institution_lookup="pk",
        row_checks=[check_grades],
        description=_("Schools, colleges, universities, centres and other facilities."),
    )


def institution_years() -> Registry:
    m = "institutions.InstitutionYear"
    return Registry(
        name="institution_years",
        export_scope=("institution__settlement", "institution"),
        label=_("Capacity, shifts and staff by year"),
        model_label=m,
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
                "design_capacity",
                H("Проектная мощность (мест)", "Жобалық қуаты (орын)", "Design capacity (places)"),
                Integer(),
                required=True,
                example="1200",
            ),
            Column(
                "shifts",
                H("Смен", "Ауысым", "Shifts"),
                Integer(min=1, max=3),
                default=1,
                example="2",
            ),
            Column(
                "is_emergency",
                H("Аварийное состояние", "Апатты жағдай", "Emergency condition"),
                Bool(),
                default=False,
                example="0",
            ),
            Column(
                "is_three_shift",
                H("Трёхсменная", "Үш ауысымды", "Three-shift"),
                Bool(),
                default=False,
                example="0",
            ),
            Column(
                "pupils_shift1",
                H("Учащихся в 1 смену", "1-ауысымдағы оқушылар", "Pupils in shift 1"),
                Integer(),
                default=0,
                example="900",
            ),
            Column(
                "pupils_shift2",
                H("Учащихся во 2 смену", "2-ауысымдағы оқушылар", "Pupils in shift 2"),
                Integer(),
                default=0,
                example="400",
            ),
            Column(
                "pupils_shift3",
                H("Учащихся в 3 смену", "3-ауысымдағы оқушылар", "Pupils in shift 3"),
                Integer(),
                default=0,
                example="0",
            ),
            Column(
                "teachers_headcount",
                H("Педагогов (чел.)", "Педагогтер (адам)", "Teachers (headcount)"),
                Integer(),
                default=0,
                example="85",
            ),
            Column(
                "teachers_fte",
                H("Педагогов (ставок)", "Педагогтер (мөлшерлеме)", "Teachers (FTE)"),
                Dec(max_digits=8),
                default="0.00",
                example="92.5",
            ),
        ],
        natural_key=("bin", "year"),
        scope_column="bin",
        description=_("Design capacity, shifts, pupils per shift and teachers per school year."),
    )


def enrolment() -> Registry:
    return Registry(
        name="enrolment",
        export_scope=("institution__settlement", "institution"),
        label=_("Pupils by grade and sex"),
        model_label="institutions.Enrolment",
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
                "grade",
                H("Класс / курс", "Сынып / курс", "Grade or course"),
                Integer(min=0, max=12),
                required=True,
                example="1",
            ),
            Column(
                "sex",
                H("Пол (M/F)", "Жынысы (M/F)", "Sex (M/F)"),
                Choice(choices=SEX),
                required=True,
                example="M",
            ),
            Column(
                "count", H("Учащихся", "Оқушылар", "Pupils"), Integer(), required=True, example="56"
            ),
        ],
        natural_key=("bin", "year", "grade", "sex"),
        scope_column="bin",
        description=_("Pupils or students by year, grade (course) and sex."),
    )
