"""Helpers shared by the briefing's sections: names, territories, the latest year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Max,
)

from keleshek.construction.models import FundingSource, ProjectFunding
from keleshek.institutions.models import InstitutionYear
from keleshek.programmes.models import Offering
from keleshek.territory.models import Territory
from keleshek.territory.selectors import oblast_kato

from .facts import NamedItem


def named(obj: Any) -> NamedItem:
    return NamedItem(obj.name_ru, obj.name_kk or obj.name_ru, obj.name_en or obj.name_ru)


def district_kato(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) > 1 else (parts[0] if parts else "")


def territory_names(katos: set[str]) -> dict[str, Territory]:
    return {t.kato: t for t in Territory.objects.filter(kato__in=katos)}


def region() -> NamedItem:
    kato = oblast_kato()
    t = Territory.objects.filter(kato=kato).first()
    if t is None:
        return NamedItem(
            "Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "East Kazakhstan region"
        )
    return named(t)


def latest_year() -> int | None:
    """The latest school year with data (capacity records or offerings)."""
    years = [
        InstitutionYear.objects.aggregate(m=Max("year"))["m"],
        Offering.objects.aggregate(m=Max("year"))["m"],
    ]
    known = [y for y in years if y is not None]
    return max(known) if known else None


def has_data(year: int) -> bool:
    return (
        InstitutionYear.objects.filter(year=year).exists()
        or Offering.objects.filter(year=year).exists()
    )


def main_sources(project_ids: list[int]) -> dict[int, str]:
    """The main funding source per project in one query (ties: FundingSource order)."""
    order = {v: i for i, v in enumerate(FundingSource.values)}
    best: dict[int, tuple[Decimal, int, str]] = {}
    for pid, source, share in ProjectFunding.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "source", "share"
    ):
        key = (share, -order.get(source, 99), source)
        if pid not in best or key > best[pid]:
            best[pid] = key
    return {pid: v[2] for pid, v in best.items()}
