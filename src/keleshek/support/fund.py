"""The general-education fund's rules that need no database (issue 17, ADR 0151-0152): the
document checklist per category, working days, the minimum payment per year and the bank
format of the payment register. Writes are in ``services``, reads in ``selectors``."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import CategoryCode

# Documents every application carries, and those its category needs (the Rules' list as the
# public sources give it; a school may ask for no more).
COMMON_DOCUMENTS: dict[str, Any] = {
    "application": _("the parent's application"),
    "birth_certificate": _("the child's birth certificate"),
    "parent_id": _("the parent's identity document"),
}
CATEGORY_DOCUMENTS: dict[str, dict[str, Any]] = {
    CategoryCode.ASP: {"asp_certificate": _("certificate of targeted social assistance (АСП)")},
    CategoryCode.BELOW_SUBSISTENCE: {
        "income_certificate": _("certificate of the family's income for the last quarter")
    },
    CategoryCode.ORPHAN: {
        "guardianship": _("decision of the guardianship authority (guardianship or foster care)")
    },
    CategoryCode.EMERGENCY: {"emergency_act": _("document confirming the emergency")},
    CategoryCode.COLLEGIAL_DECISION: {
        "living_conditions": _("report on the family's living conditions")
    },
}


def checklist(category: str) -> dict[str, Any]:
    """The documents an application under ``category`` must carry: code -> label."""
    return {**COMMON_DOCUMENTS, **CATEGORY_DOCUMENTS.get(category, {})}


def missing_documents(category: str, attached: Iterable[str]) -> list[str]:
    have = set(attached)
    return [code for code in checklist(category) if code not in have]


def add_working_days(start: dt.date, days: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """The date ``days`` working days after ``start`` (Saturdays, Sundays and the given
    holidays are not working days)."""
    off = set(holidays)
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day


def min_payment(year: int, table: Mapping[Any, Any]) -> Decimal:
    """The minimum payment per child for ``year`` from the setting's table {year: KZT}: the
    latest year not after ``year`` (the earliest one before the table starts)."""
    rows = sorted((int(y), Decimal(str(v))) for y, v in table.items())
    if not rows:
        return Decimal("0")
    best = rows[0][1]
    for y, v in rows:
        if y <= year:
            best = v
    return best


# --- the payment register's bank format (ADR 0152) ------------------------------------------

REGISTER_COLUMNS = (
    "N",
    "RECIPIENT_NAME",
    "RECIPIENT_IIN",
    "IBAN",
    "AMOUNT",
    "CURRENCY",
    "PURPOSE",
    "REFERENCE",
)


@dataclass(frozen=True)
class RegisterLine:
    name: str
    iin: str
    iban: str
    amount: Decimal
    reference: str  # the application number


def purpose(month: dt.date) -> str:
    return f"Помощь из фонда всеобуча на одежду, обувь и школьные принадлежности, {month:%m.%Y}"


def register_rows(month: dt.date, lines: Iterable[RegisterLine]) -> list[list[str]]:
    """The register as rows of text (the header first): numbered lines, amounts with two
    decimals and a point, currency KZT, the same purpose on every line."""
    text = purpose(month)
    out = [list(REGISTER_COLUMNS)]
    for n, line in enumerate(lines, start=1):
        out.append(
            [
                str(n),
                line.name,
                line.iin,
                line.iban,
                f"{line.amount.quantize(Decimal('0.01'))}",
                "KZT",
                text,
                line.reference,
            ]
        )
    return out


def register_csv(month: dt.date, lines: Iterable[RegisterLine]) -> bytes:
    """UTF-8 without BOM, semicolons, CRLF line ends, every field quoted only when needed;
    written by the one spreadsheet writer, so a name that looks like a formula stays text."""
    from keleshek.core import spreadsheets

    header, *rows = register_rows(month, lines)
    return spreadsheets.csv_bytes(header, rows, delimiter=";", bom=False, lineterminator="\r\n")


def register_xlsx(month: dt.date, lines: Iterable[RegisterLine]) -> bytes:
    """The same rows in one sheet named YYYY-MM; every cell text (IINs keep leading zeros)."""
    from keleshek.core import spreadsheets

    header, *rows = register_rows(month, lines)
    buf = io.BytesIO()
    spreadsheets.write_xlsx(buf, header, rows, title=f"{month:%Y-%m}", text=True)
    return buf.getvalue()
