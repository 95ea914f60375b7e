"""Query parameters of HTML pages, read once and checked (ADR 0138).

Every value a page takes from the address goes through one of these readers: a value the page
cannot use is answered with a clear 400 in the visitor's language (``BadParameter``, shown by
``core.errors.bad_request``), or replaced by a sensible default where the page says so. No value
reaches the database unchecked: text loses nothing silently but NUL characters and control
characters are refused (PostgreSQL cannot store NUL), lengths are bounded, numbers are finite
and within the range the caller gives, years within the range of the data.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from django.core.exceptions import BadRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")

MAX_TEXT = 200
# The widest span of school years any page accepts; pages narrow it to their data's years.
YEAR_MIN = 1990
YEAR_MAX = 2100


class BadParameter(BadRequest):
    """A query value a page cannot use; the message (lazy, translated) is shown to the user."""

    def __init__(self, name: str, reason: Any) -> None:
        super().__init__(
            format_lazy(
                _("The address contains a value the page cannot use: “{name}” {reason}."),
                name=name,
                reason=reason,
            )
        )
        self.name = name


def _raw(query: Mapping[str, Any], name: str) -> str | None:
    value = query.get(name)
    if value is None:
        return None
    return str(value)


def text(
    query: Mapping[str, Any], name: str, default: str = "", *, max_length: int = MAX_TEXT
) -> str:
    """The stripped text of ``name``; NUL or control characters, or a longer text: 400."""
    value = _raw(query, name)
    if value is None:
        return default
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value) or "\x7f" in value:
        raise BadParameter(name, _("contains control characters"))
    value = value.strip()
    if len(value) > max_length:
        raise BadParameter(name, format_lazy(_("is longer than {n} characters"), n=max_length))
    return value


def integer(
    query: Mapping[str, Any],
    name: str,
    default: T,
    *,
    lo: int | None = None,
    hi: int | None = None,
) -> int | T:
    """A whole number of ``name`` within ``lo``..``hi``; empty: ``default``; anything else: 400."""
    value = text(query, name, max_length=20)
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadParameter(name, _("is not a whole number")) from None
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise BadParameter(
            name,
            format_lazy(
                _("must be between {lo} and {hi}"),
                lo="…" if lo is None else lo,
                hi="…" if hi is None else hi,
            ),
        )
    return number


def number(
    query: Mapping[str, Any],
    name: str,
    default: T,
    *,
    lo: float | None = None,
    hi: float | None = None,
) -> float | T:
    """A finite number of ``name`` (NaN and infinity refused) within ``lo``..``hi``."""
    value = text(query, name, max_length=40).replace(",", ".")
    if value == "":
        return default
    try:
        result = float(value)
    except ValueError:
        raise BadParameter(name, _("is not a number")) from None
    if not math.isfinite(result):
        raise BadParameter(name, _("is not a finite number"))
    if (lo is not None and result < lo) or (hi is not None and result > hi):
        raise BadParameter(
            name,
            format_lazy(
                _("must be between {lo} and {hi}"),
                lo="…" if lo is None else lo,
                hi="…" if hi is None else hi,
            ),
        )
    return result


def year(
    query: Mapping[str, Any],
    default: int,
    *,
    name: str = "year",
    years: Collection[int] = (),
) -> int:
    """A school year: within ``years`` (the data's years) when given, else within the product's
    span; outside it, 400. Empty: ``default``."""
    lo, hi = (min(years), max(years)) if years else (YEAR_MIN, YEAR_MAX)
    lo, hi = min(lo, default), max(hi, default)
    return integer(query, name, default, lo=lo, hi=hi)


def choice(query: Mapping[str, Any], name: str, allowed: Collection[str], default: str) -> str:
    """One of ``allowed``; anything else (or nothing) is ``default``."""
    value = text(query, name)
    return value if value in allowed else default
