"""Every registry Keleshek imports and exports, defined as data (see ``intake.registry``).

One module per domain — ``geo`` (territory, population), ``organisations`` (institutions, their
yearly figures, enrolment), ``programmes``, ``construction``, ``partnerships``, ``articles``
(news), ``children`` (pupils) — on the shared columns and checks of ``columns``; this package
keeps the catalogue: the registries by name.
"""

from __future__ import annotations

from ..registry import Registry
from .articles import news
from .children import pupils
from .construction import project_funding, projects
from .geo import population, territory
from .organisations import enrolment, institution_years, institutions
from .partnerships import agreements, international_students, partners
from .programmes import labour_demand, offerings, specialties

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
