"""Registries of construction: projects (commissioning through the service) and their funding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..registry import (
    Bin,
    Choice,
    Code,
    Column,
    Date,
    Dec,
    Integer,
    KatoCode,
    Registry,
    Text,
    Transition,
)
from .columns import (
    INSTITUTION,
    PARTNER,
    PROJECT,
    TERRITORY,
    H,
    check_project,
    check_valid_dates,
    choices_of,
    name_columns,
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
                Choice(choices=choices_of(m, "kind")),
                required=True,
                example="new_school",
            ),
            *name_columns(),
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
                Choice(choices=choices_of(m, "stage")),
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
        row_checks=[check_project, check_valid_dates("start_date", "planned_commissioning")],
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
                Choice(
                    choices=choices_of("construction.ProjectFunding", "source"),
                    # one national project under its old and new names (ADR 0163)
                    aliases=(("comfortable_school", "keleshek_mektebi"),),
                ),
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
