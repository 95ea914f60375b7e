"""What every router of the REST API shares (ADR 0030): pagination with a maximum, bounded
parameter types, scoping, the error body. It lives in core so that the domain apps can write
their routers without importing the `api` app, which mounts them (api.main)."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from keleshek.core.scoping import scope_queryset

M = TypeVar("M", bound=Model)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Offsets and ids are bounded so that no value overflows a database integer (a 422, not a 500).
MAX_OFFSET = 1_000_000_000
MAX_ID = 2**62

Kato = Annotated[str, Field(pattern=r"^[0-9]{9}$", examples=["630000000"])]
Bin = Annotated[str, Field(pattern=r"^[0-9]{12}$", examples=["940140000385"])]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,80}$")]
Year = Annotated[int, Field(ge=1900, le=2100)]
SmallInt = Annotated[int, Field(ge=0, le=200)]
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
# Free text: bounded, and no NUL characters (PostgreSQL rejects them in a query).
Search = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]+$")]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", examples=["CN"])]
Language = Annotated[str, Field(pattern=r"^(ru|kk|en)$")]


class Page(LimitOffsetPagination):
    """``limit`` (1..500, default 50) and ``offset``; the answer is ``{items, count}``."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class ErrorOut(Schema):
    detail: str


def scoped(
    qs: QuerySet[M],
    request: HttpRequest,
    *,
    territory: str | None,
    institution: str | None,
) -> QuerySet[M]:
    """Restricted registries: rows the token's owner may see (``request.auth``)."""
    return scope_queryset(
        qs, getattr(request, "auth", None), territory=territory, institution=institution
    )


def choices(values: list[Any]) -> Any:
    """A ``Literal`` of a model's choice values, so the schema lists them as an enum."""
    from typing import Literal

    return Literal[tuple(values)]
