"""Public API of the indicators: definitions and aggregated values per territory (mounted at
``/api/v1/indicators/`` by ``keleshek.api.main``). Values come from the materialised table;
counts under ``KELESHEK["PUBLIC_SUPPRESS_BELOW"]`` (and ratios built on them) are suppressed,
with complementary suppression along the territory tree and across categories (ADR 0133)."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from keleshek.core.api import Page

from .models import Indicator, IndicatorValue
from .selectors import PublicSuppression, suppress

# Public: ``keleshek.api.main`` mounts this router with ``public_auth`` (anonymous callers are
# served; a token, when sent, must be valid).
router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    code: str
    name_ru: str
    name_kk: str
    name_en: str
    theme: str
    numerator: str
    denominator: str
    factor: float
    unit: str
    description_en: str
    disaggregations: list[str]


class ValueOut(Schema):
    indicator: str
    kato: str
    territory: str
    level: str
    year: int
    dimension: str
    category: str
    value: float | None
    suppressed: bool


class ValueFilter(Schema):
    indicator: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,60}$")
    year: int | None = Field(None, ge=1900, le=2100)
    kato: str | None = Field(None, pattern=r"^[0-9]{9}$", description="territory and below")
    level: str | None = Field(None, pattern=r"^(oblast|district|city|rural_okrug|settlement)$")
    dimension: str = Field("", pattern=r"^[a-z_]{0,20}$", description="'' = totals")


@router.get("/definitions", response=list[IndicatorOut], summary="Indicator definitions")
def list_definitions(request: HttpRequest) -> list[Indicator]:
    return list(Indicator.objects.filter(public=True).order_by("order", "code"))


@router.get("/values", response=list[ValueOut], summary="Aggregated indicator values")
@paginate(Page)
def list_values(request: HttpRequest, filters: Query[ValueFilter]) -> list[dict[str, Any]]:
    qs: QuerySet[IndicatorValue] = IndicatorValue.objects.filter(
        indicator__public=True, institution__isnull=True, dimension=filters.dimension
    )
    if filters.indicator:
        qs = qs.filter(indicator__code=filters.indicator)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.kato:
        qs = qs.filter(territory__path__contains=f"/{filters.kato}/")
    if filters.level:
        qs = qs.filter(territory__level=filters.level)
    threshold = int(str(settings.KELESHEK.get("PUBLIC_SUPPRESS_BELOW", 5)))
    rows = qs.order_by("indicator__order", "territory__kato", "year", "category").values_list(
        "indicator__code",
        "indicator__unit",
        "territory__kato",
        "territory__name_ru",
        "territory__level",
        "year",
        "dimension",
        "category",
        "value",
        "numerator",
    )
    return _LazyValues(rows, threshold)  # type: ignore[return-value]


class _LazyValues:
    """Paginated by ninja (count + slice), formatted and suppressed per page only."""

    def __init__(self, rows: Any, threshold: int) -> None:
        self.rows = rows
        self.threshold = threshold
        self.protection = PublicSuppression()

    def count(self) -> int:
        return int(self.rows.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, sl: slice) -> list[dict[str, Any]]:
        out = []
        for code, unit, kato, name, level, year, dim, cat, value, num in self.rows[sl]:
            hidden = value is not None and (
                suppress(value, num, unit, self.threshold)
                or self.protection.is_hidden(code, year, kato, dim, cat)
            )
            out.append(
                {
                    "indicator": code,
                    "kato": kato,
                    "territory": name,
                    "level": level,
                    "year": year,
                    "dimension": dim,
                    "category": cat,
                    "value": None if hidden else value,
                    "suppressed": hidden,
                }
            )
        return out
