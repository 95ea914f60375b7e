"""Small factories for the portal's tests (the demo region may not be loaded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from django.utils import timezone

from keleshek.construction.models import FundingSource, Project, ProjectFunding
from keleshek.institutions.models import Institution, InstitutionYear
from keleshek.news.models import Article
from keleshek.partnerships.models import Agreement, InternationalStudents, Partner
from keleshek.programmes.models import Industry, Offering, Specialty
from keleshek.territory.models import Territory

_n = count(1)
YEAR = 2090  # far from the demo's years, so the demo's rows never mix with these


def territory(kato: str, name: str, level: str, parent: Territory | None = None) -> Territory:
    t, _ = Territory.objects.get_or_create(
        kato=kato,
        defaults={"name_ru": name, "name_kk": name + " (kk)", "level": level, "parent": parent},
    )
    return t


def tree() -> dict[str, Territory]:
    oblast = territory("639900000", "Тестовая область", Territory.Level.OBLAST)
    city_adm = territory("639910000", "Тестогорск (г.а.)", Territory.Level.CITY, oblast)
    city = territory("639910100", "Тестогорск", Territory.Level.SETTLEMENT, city_adm)
    district = territory("639920000", "Тестовый район", Territory.Level.DISTRICT, oblast)
    village = territory("639920100", "Тестовка", Territory.Level.SETTLEMENT, district)
    return {
        "oblast": oblast,
        "city_adm": city_adm,
        "city": city,
        "district": district,
        "village": village,
    }


def institution(settlement: Territory, kind: str = Institution.Kind.COLLEGE, **kw) -> Institution:
    n = next(_n)
    defaults = {
        "name_ru": f"Колледж №{n}",
        "name_kk": f"№{n} колледжі",
        "name_en": f"College No. {n}",
    }
    defaults.update(kw)
    return Institution.objects.create(kind=kind, settlement=settlement, **defaults)


def industry(code: str, name_ru: str, name_en: str = "", name_kk: str = "") -> Industry:
    obj, _ = Industry.objects.get_or_create(
        code=code, defaults={"name_ru": name_ru, "name_en": name_en, "name_kk": name_kk}
    )
    return obj


def specialty(code: str, name_ru: str, ind: Industry, level: int = 4, **kw) -> Specialty:
    return Specialty.objects.create(
        code=code, name_ru=name_ru, industry=ind, isced_level=level, **kw
    )


def offering(inst: Institution, spec: Specialty, **kw) -> Offering:
    kw.setdefault("year", YEAR)
    kw.setdefault("launch_year", kw["year"] - 3)
    kw.setdefault("language", "ru")
    return Offering.objects.create(institution=inst, specialty=spec, **kw)


def article(slug: str, language: str = "ru", minutes_ago: int = 0, **kw) -> Article:
    kw.setdefault("title", f"Статья {slug}")
    kw.setdefault("teaser", f"Анонс {slug}")
    kw.setdefault("body", f"Текст {slug}.\n\nВторой абзац.")
    return Article.objects.create(
        slug=slug,
        language=language,
        published_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        **kw,
    )


def school_year(inst: Institution, year: int, capacity: int, pupils: int, **kw) -> InstitutionYear:
    return InstitutionYear.objects.create(
        institution=inst, year=year, design_capacity=capacity, pupils_shift1=pupils, **kw
    )


def project(settlement: Territory, source: str, places: int, stage: str, **kw) -> Project:
    n = next(_n)
    if stage == Project.Stage.COMMISSIONED:
        kw.setdefault("actual_commissioning", dt.date(2025, 9, 1))
    p = Project.objects.create(
        code=f"test-project-{n}",
        name_ru=f"Школа {n}",
        kind=Project.Kind.NEW_SCHOOL,
        settlement=settlement,
        stage=stage,
        places=places,
        **kw,
    )
    ProjectFunding.objects.create(project=p, source=source, share=Decimal(1))
    return p


def partner(code: str, name: str, country: str = "KZ") -> Partner:
    return Partner.objects.create(
        code=code, name_ru=name, kind=Partner.Kind.COMPANY, country=country
    )


def donation(amount: str, currency: str, rate: str | None) -> Agreement:
    return Agreement.objects.create(
        code=f"test-donation-{next(_n)}",
        kind=Agreement.Kind.EQUIPMENT_DONATION,
        title_ru="Оборудование",
        amount=Decimal(amount),
        currency=currency,
        kzt_rate=Decimal(rate) if rate else None,
    )


def foreign_students(inst: Institution, year: int, country: str, n: int) -> InternationalStudents:
    return InternationalStudents.objects.create(
        institution=inst, year=year, country=country, count=n
    )


__all__ = ["YEAR", "FundingSource"]
