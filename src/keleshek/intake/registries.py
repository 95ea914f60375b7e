"""Every registry Keleshek imports and exports, defined as data (see ``registry.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from keleshek.accounts.privacy import Field as PF
from keleshek.support import derived

from .registry import (
    Bin,
    Bool,
    ChildSet,
    Choice,
    ChoiceList,
    Code,
    Column,
    Date,
    DateTime,
    Dec,
    Float,
    Iin,
    IntChoice,
    Integer,
    KatoCode,
    Ref,
    Registry,
    Text,
    Transition,
    Uuid,
)


def H(ru: str, kk: str, en: str) -> dict[str, str]:
    return {"ru": ru, "kk": kk, "en": en}


LANGS = ("kk", "ru", "en")
SEX = ("M", "F")
YEAR = Integer(min=1990, max=2100)

TERRITORY = Ref("territory.Territory", "kato", _("KATO code"), path_lookup="path")
INSTITUTION = Ref(
    "institutions.Institution",
    "bin",
    _("institution BIN"),
    path_lookup="settlement__path",
    institution_lookup="pk",
    parent_institution_lookup="parent_id",
)
SPECIALTY = Ref("programmes.Specialty", "code", _("specialty code"))
INDUSTRY = Ref("programmes.Industry", "code", _("industry code"))
PARTNER = Ref("partnerships.Partner", "code", _("partner code"))
PROJECT = Ref("construction.Project", "code", _("project code"), path_lookup="settlement__path")
AGREEMENT = Ref("partnerships.Agreement", "code", _("agreement code"))


def _names(required: bool = True, max_length: int = 300) -> list[Column]:
    return [
        Column(
            "name_ru",
            H("Наименование (рус)", "Атауы (орыс)", "Name (Russian)"),
            Text(max_length=max_length),
            required=required,
            default="",
            example="Пример",
        ),
        Column(
            "name_kk",
            H("Наименование (каз)", "Атауы (қаз)", "Name (Kazakh)"),
            Text(max_length=max_length),
            default="",
            example="Мысал",
        ),
        Column(
            "name_en",
            H("Наименование (англ)", "Атауы (ағыл)", "Name (English)"),
            Text(max_length=max_length),
            default="",
            example="Example",
        ),
    ]


def _choices(model_label: str, field: str) -> tuple[str, ...]:
    from django.apps import apps

    return tuple(str(v) for v, _label in apps.get_model(model_label)._meta.get_field(field).choices)


BIN_COL = Column(
    "bin",
    H("БИН организации", "Ұйымның БСН", "Institution BIN"),
    Bin(),
    required=True,
    ref=INSTITUTION,
    attr="institution_id",
    example="940140000385",
    export_lookup="institution__bin",
)


def _bin_col() -> Column:
    return BIN_COL


# --- territory ----------------------------------------------------------------------------


def territory() -> Registry:
    return Registry(
        name="territory",
        export_scope=("__self__", None),
        label=_("Territory (KATO)"),
        model_label="territory.Territory",
        columns=[
            Column(
                "kato",
                H("Код КАТО", "ӘАОЖ коды", "KATO code"),
                KatoCode(),
                required=True,
                example="631010000",
            ),
            Column(
                "parent",
                H("КАТО вышестоящей единицы", "Жоғары тұрған бірліктің ӘАОЖ", "Parent KATO"),
                KatoCode(),
                ref=TERRITORY,
                self_ref=True,
                example="631000000",
            ),
            Column(
                "level",
                H("Уровень", "Деңгейі", "Level"),
                Choice(choices=_choices("territory.Territory", "level")),
                required=True,
                example="settlement",
            ),
            *_names(),
            Column(
                "is_urban", H("Городской", "Қалалық", "Urban"), Bool(), default=False, example="1"
            ),
            Column(
                "lat", H("Широта", "Ендік", "Latitude"), Float(min=-90, max=90), example="49.948"
            ),
            Column(
                "lon",
                H("Долгота", "Бойлық", "Longitude"),
                Float(min=-180, max=180),
                example="82.628",
            ),
            Column("valid_from", H("Действует с", "Қолданылу басы", "Valid from"), Date()),
            Column("valid_to", H("Действует по", "Қолданылу соңы", "Valid to"), Date()),
        ],
        natural_key=("kato",),
        scope_column="self",
        scope_territory_lookup="path",
        row_checks=[_check_valid_dates("valid_from", "valid_to")],
        derived_attrs=("path",),
        description=_("The KATO tree: oblast, districts, rural okrugs, settlements."),
    )


def population() -> Registry:
    return Registry(
        name="population",
        export_scope=("territory", None),
        label=_("Population by age and sex"),
        model_label="territory.PopulationRecord",
        columns=[
            Column(
                "kato",
                H("Код КАТО", "ӘАОЖ коды", "KATO code"),
                KatoCode(),
                required=True,
                ref=TERRITORY,
                attr="territory_id",
                export_lookup="territory__kato",
                example="631010000",
            ),
            Column("year", H("Год", "Жыл", "Year"), YEAR, required=True, example="2025"),
            Column(
                "age",
                H("Возраст", "Жасы", "Age"),
                Integer(min=0, max=120),
                required=True,
                example="7",
            ),
            Column(
                "sex",
                H("Пол (M/F)", "Жынысы (M/F)", "Sex (M/F)"),
                Choice(choices=SEX),
                required=True,
                example="F",
            ),
            Column(
                "count",
                H("Численность", "Саны", "People"),
                Integer(),
                required=True,
                example="4120",
            ),
        ],
        natural_key=("kato", "year", "age", "sex"),
        scope_column="kato",
        description=_("Population by single year of age and sex, per territory and year."),
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
                Choice(choices=_choices(m, "kind")),
                required=True,
                example="school",
            ),
            *_names(),
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
                "condition",
                H("Состояние", "Жай-күйі", "Condition"),
                Choice(choices=_choices(m, "condition")),
                default="normal",
                example="normal",
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
                Choice(choices=_choices(m, "ownership")),
                default="state",
                example="state",
            ),
            Column(
                "status",
                H("Статус", "Мәртебесі", "Status"),
                Choice(choices=_choices(m, "status")),
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
            Column("website", H("Сайт", "Сайт", "Website"), Text(max_length=200), default=""),
        ],
        natural_key=("bin",),
        scope_column="self",
        scope_territory_lookup="settlement__path",
        scope_institution_lookup="pk",
        row_checks=[_check_grades],
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
            _bin_col(),
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
                "condition",
                H("Состояние", "Жай-күйі", "Condition"),
                Choice(choices=_choices(m, "condition")),
                default="normal",
                example="normal",
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
            _bin_col(),
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
            *_names(),
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
            _bin_col(),
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
                Choice(choices=_choices(m, "study_form")),
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
        row_checks=[_check_offering],
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


# --- construction -------------------------------------------------------------------------


def projects() -> Registry:
    m = "construction.Project"
    return Registry(
        name="projects",
        export_scope=("settlement", "institution"),
        label=_("Construction projects"),
        model_label=m,
        columns=[
            Column(
                "code",
                H("Код проекта", "Жоба коды", "Project code"),
                Code(),
                required=True,
                example="ridder-school-600",
            ),
            Column(
                "kind",
                H("Вид", "Түрі", "Kind"),
                Choice(choices=_choices(m, "kind")),
                required=True,
                example="new_school",
            ),
            *_names(),
            Column(
                "settlement",
                H("КАТО населённого пункта", "Елді мекеннің ӘАОЖ", "Settlement KATO"),
                KatoCode(),
                required=True,
                ref=TERRITORY,
                example="632410000",
            ),
            Column(
                "stage",
                H("Стадия", "Кезеңі", "Stage"),
                Choice(choices=_choices(m, "stage")),
                default="planned",
                example="under_construction",
            ),
            Column("places", H("Мест", "Орын", "Places"), Integer(), default=0, example="600"),
            Column(
                "planned_cost",
                H("Плановая стоимость, тг", "Жоспарлы құны, тг", "Planned cost, KZT"),
                Dec(),
            ),
            Column(
                "actual_cost",
                H("Фактическая стоимость, тг", "Нақты құны, тг", "Actual cost, KZT"),
                Dec(),
            ),
            Column(
                "readiness",
                H("Готовность, %", "Дайындығы, %", "Readiness, %"),
                Integer(min=0, max=100),
                default=0,
                example="45",
            ),
            Column(
                "start_date",
                H("Начало строительства", "Құрылыс басы", "Construction start"),
                Date(),
                example="2025-04-01",
            ),
            Column(
                "planned_commissioning",
                H("Плановый ввод", "Жоспарлы пайдалануға беру", "Planned commissioning"),
                Date(),
                example="2026-09-01",
            ),
            Column(
                "actual_commissioning",
                H("Фактический ввод", "Нақты пайдалануға беру", "Actual commissioning"),
                Date(),
            ),
            Column(
                "institution", H("БИН школы", "Мектептің БСН", "School BIN"), Bin(), ref=INSTITUTION
            ),
            Column(
                "partner",
                H("Код партнёра", "Серіктес коды", "Partner code"),
                Code(),
                ref=PARTNER,
                example="",
            ),
            Column(
                "relieves",
                H(
                    "Разгружает школы (БИН через ;)",
                    "Жүктемесін азайтатын мектептер (БСН ; арқылы)",
                    "Relieves schools (BINs separated by ;)",
                ),
                Bin(),
                ref=INSTITUTION,
                m2m="relieves",
                export_lookup="relieves__bin",
            ),
            Column(
                "notes", H("Примечания", "Ескертпелер", "Notes"), Text(max_length=5000), default=""
            ),
        ],
        natural_key=("code",),
        scope_column="settlement",
        scope_territory_lookup="settlement__path",
        row_checks=[_check_project, _check_valid_dates("start_date", "planned_commissioning")],
        # Commissioning adds places and moves pupils: the construction service does it, not
        # the merge (ADR 0126); what commissioning fixed cannot change through a file.
        transitions=[
            Transition(
                column="stage",
                value="commissioned",
                before="under_construction",
                apply=_commission,
                held=("actual_commissioning",),
                frozen=("kind", "places", "settlement", "institution", "actual_commissioning"),
            )
        ],
        description=_("New schools, extensions, reconstructions and other social facilities."),
    )


def _commission(pk: int, values: dict[str, Any], actor: Any) -> None:
    from keleshek.construction.models import Project
    from keleshek.construction.services import commission_project

    commission_project(
        project=Project.objects.get(pk=pk),
        date=dt.date.fromisoformat(values["actual_commissioning"]),
        actor=actor,
    )


def project_funding() -> Registry:
    return Registry(
        name="project_funding",
        export_scope=("project__settlement", "project__institution"),
        label=_("Project funding shares"),
        model_label="construction.ProjectFunding",
        columns=[
            Column(
                "project",
                H("Код проекта", "Жоба коды", "Project code"),
                Code(),
                required=True,
                ref=PROJECT,
                example="ridder-school-600",
            ),
            Column(
                "source",
                H("Источник финансирования", "Қаржыландыру көзі", "Funding source"),
                Choice(choices=_choices("construction.ProjectFunding", "source")),
                required=True,
                example="corporate_partner",
            ),
            Column(
                "share",
                H("Доля (0–1)", "Үлесі (0–1)", "Share (0–1)"),
                Dec(places=4, max_digits=5, min=Decimal("0.0001"), max=Decimal(1)),
                required=True,
                example="1",
            ),
            Column("amount", H("Сумма, тг", "Сомасы, тг", "Amount, KZT"), Dec()),
        ],
        natural_key=("project", "source"),
        scope_column="project",
        description=_("Shares of each funding source in a construction project."),
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
                Choice(choices=_choices(m, "kind")),
                required=True,
                example="employer",
            ),
            *_names(),
            Column(
                "country",
                H("Страна (ISO)", "Ел (ISO)", "Country (ISO)"),
                Code(max_length=2, pattern=r"[A-Z]{2}"),
                default="KZ",
                example="KZ",
            ),
            Column("bin", H("БИН", "БСН", "BIN"), Bin()),
            Column("website", H("Сайт", "Сайт", "Website"), Text(max_length=200), default=""),
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
                Choice(choices=_choices(m, "kind")),
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
        row_checks=[_check_agreement, _check_valid_dates("signed_on", "valid_to")],
        description=_("Dual training, internships, consortia, research groups, donations."),
    )


def international_students() -> Registry:
    return Registry(
        name="international_students",
        export_scope=("institution__settlement", "institution"),
        label=_("International students"),
        model_label="partnerships.InternationalStudents",
        columns=[
            _bin_col(),
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
                Choice(choices=_choices(m, "kind")),
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


# --- pupils -------------------------------------------------------------------------------


def _derive_pupil(values: dict[str, Any]) -> None:
    """The pupil's derived fields: the support module's one definition (ADR 0125)."""
    values["name_key"] = derived.name_key(
        values.get("last_name"), values.get("first_name"), values.get("middle_name")
    )
    values["needs_review"] = derived.needs_review(values.get("iin"))


def _pupil_problems_sql(cols: Mapping[str, str]) -> str:
    return derived.pupil_problems_sql(
        iin=cols["iin"], birth_date=cols["birth_date"], sex=cols["sex"], today=_today_iso()
    )


def _pupil_name_key_sql(cols: Mapping[str, str]) -> str:
    return derived.name_key_sql(cols["last_name"], cols["first_name"], cols["middle_name"])


def _pupil_needs_review_sql(cols: Mapping[str, str]) -> str:
    return derived.needs_review_sql(cols["iin"])


def pupils() -> Registry:
    return Registry(
        name="pupils",
        export_scope=("school__settlement", "school"),
        label=_("Pupils"),
        model_label="support.Pupil",
        columns=[
            Column(
                "iin",
                H("ИИН", "ЖСН", "IIN"),
                Iin(),
                example="150301500019",
                help=_("a pupil without an IIN yet is held for manual review"),
                personal=PF.IIN,
            ),
            Column(
                "last_name",
                H("Фамилия", "Тегі", "Last name"),
                Text(max_length=100),
                required=True,
                example="Ахметов",
                personal=PF.NAME,
            ),
            Column(
                "first_name",
                H("Имя", "Аты", "First name"),
                Text(max_length=100),
                required=True,
                example="Алихан",
                personal=PF.NAME,
            ),
            Column(
                "middle_name",
                H("Отчество", "Әкесінің аты", "Middle name"),
                Text(max_length=100),
                default="",
                example="Серікұлы",
                personal=PF.NAME,
            ),
            Column(
                "birth_date",
                H("Дата рождения", "Туған күні", "Birth date"),
                Date(min=dt.date(1990, 1, 1)),
                required=True,
                example="2015-03-01",
                personal=PF.NAME,
            ),
            Column(
                "sex",
                H("Пол (M/F)", "Жынысы (M/F)", "Sex (M/F)"),
                Choice(choices=SEX),
                required=True,
                example="M",
            ),
            Column(
                "school",
                H("БИН школы", "Мектептің БСН", "School BIN"),
                Bin(),
                required=True,
                ref=INSTITUTION,
                example="940140000385",
            ),
            Column(
                "grade",
                H("Класс", "Сынып", "Grade"),
                Integer(min=0, max=11),
                required=True,
                example="5",
            ),
            Column(
                "home_settlement",
                H("КАТО места жительства", "Тұрғылықты жерінің ӘАОЖ", "Home settlement KATO"),
                KatoCode(),
                required=True,
                ref=TERRITORY,
                example="631010000",
                personal=PF.ADDRESS,
            ),
            Column(
                "home_address",
                H("Адрес проживания", "Тұратын мекенжайы", "Home address"),
                Text(),
                default="",
                personal=PF.ADDRESS,
            ),
            Column(
                "home_lat",
                H("Широта дома", "Үйдің ендігі", "Home latitude"),
                Float(min=-90, max=90),
                personal=PF.HOME,
            ),
            Column(
                "home_lon",
                H("Долгота дома", "Үйдің бойлығы", "Home longitude"),
                Float(min=-180, max=180),
                personal=PF.HOME,
            ),
            Column(
                "categories",
                H(
                    "Категории (коды через ;)",
                    "Санаттар (кодтар ; арқылы)",
                    "Categories (codes separated by ;)",
                ),
                ChoiceList(choices=_choices("support.PupilCategory", "category")),
                example="asp;large_family",
                personal=PF.CATEGORIES,
            ),
            Column(
                "uid",
                H("Внутренний номер", "Ішкі нөмір", "Internal id"),
                Uuid(),
                help=_("written by the export; leave it empty for a new pupil"),
            ),
        ],
        # The internal id: a pupil without an IIN has no other identity. A row without it is
        # the stored pupil with its IIN, or a new pupil.
        natural_key=("uid",),
        alt_key="iin",
        scope_column="school",
        scope_territory_lookup="school__settlement__path",
        scope_institution_lookup="school_id",
        row_checks=[_check_pupil],
        derive=_derive_pupil,
        derived_attrs=("name_key", "needs_review"),
        derive_inputs=("last_name", "first_name", "middle_name", "iin"),
        child_set=ChildSet(
            column="categories",
            model="support.PupilCategory",
            fk_attr="pupil_id",
            value_attr="category",
            start_attr="valid_from",
            end_attr="valid_to",
        ),
        personal=True,
        description=_("Pupils with IIN, school, grade, home and support categories."),
        extra={
            # The same checks and derived values in SQL for the PostgreSQL fast path, generated
            # by the support module from the tables its Python functions use.
            "sql_problems": _pupil_problems_sql,
            "sql_derive": {
                "name_key": _pupil_name_key_sql,
                "needs_review": _pupil_needs_review_sql,
            },
        },
    )


# --- cross-field checks -------------------------------------------------------------------

Problem = tuple[str, str, dict[str, Any]]


def _check_valid_dates(start: str, end: str) -> Any:
    def check(v: dict[str, Any]) -> list[Problem]:
        if v.get(start) and v.get(end) and v[end] < v[start]:
            return [(end, "ends_before_start", {})]
        return []

    return check


def _check_grades(v: dict[str, Any]) -> list[Problem]:
    lo, hi = v.get("grade_from"), v.get("grade_to")
    if lo is not None and hi is not None and lo > hi:
        return [("grade_to", "grades_order", {})]
    return []


def _check_offering(v: dict[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    if v.get("launch_year") and v.get("year") and v["launch_year"] > v["year"]:
        out.append(("launch_year", "launch_after_year", {}))
    if v.get("dual_employer") and not v.get("dual_training"):
        out.append(("dual_employer", "employer_without_dual", {}))
    return out


def _check_project(v: dict[str, Any]) -> list[Problem]:
    if v.get("stage") == "commissioned" and not v.get("actual_commissioning"):
        return [("actual_commissioning", "commissioned_date", {})]
    if v.get("actual_commissioning") and v.get("stage") != "commissioned":
        return [("stage", "date_not_commissioned", {})]
    return []


def _check_agreement(v: dict[str, Any]) -> list[Problem]:
    if v.get("amount") is not None and not v.get("currency"):
        return [("currency", "amount_currency", {})]
    if v.get("currency") not in (None, "", "KZT") and v.get("amount") and not v.get("kzt_rate"):
        return [("kzt_rate", "rate_needed", {})]
    return []


def _check_pupil(v: dict[str, Any]) -> list[Problem]:
    """The support module's one cross-check of IIN, birth date and sex (ADR 0125)."""
    return derived.pupil_problems(
        iin=v.get("iin"), birth_date=v.get("birth_date"), sex=v.get("sex"), today=_today_iso()
    )


_TODAY: list[tuple[float, str]] = []


def _today_iso() -> str:
    """Today's date as ISO text, refreshed at most once a minute (called once per row)."""
    import time

    from django.utils import timezone

    now = time.monotonic()
    if not _TODAY or now - _TODAY[0][0] > 60:
        _TODAY[:] = [(now, timezone.localdate().isoformat())]
    return _TODAY[0][1]


# --- the catalogue ------------------------------------------------------------------------

_FACTORIES = {
    "territory": territory,
    "population": population,
    "institutions": institutions,
    "institution_years": institution_years,
    "enrolment": enrolment,
    "specialties": specialties,
    "offerings": offerings,
    "labour_demand": labour_demand,
    "projects": projects,
    "project_funding": project_funding,
    "partners": partners,
    "agreements": agreements,
    "international_students": international_students,
    "news": news,
    "pupils": pupils,
}
_CACHE: dict[str, Registry] = {}


def names() -> list[str]:
    return list(_FACTORIES)


def get(name: str) -> Registry:
    if name not in _FACTORIES:
        raise KeyError(name)
    if name not in _CACHE:
        _CACHE[name] = _FACTORIES[name]()
    return _CACHE[name]


def all_registries() -> list[Registry]:
    return [get(n) for n in names()]
