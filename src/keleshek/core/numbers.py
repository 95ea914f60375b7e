"""Numbers typed by people, read by the page's locale (issue 15, point 6).

``parse_decimal("1 500,50")`` on a Russian or Kazakh page and ``parse_decimal("1,500.50")``
on an English one both give ``Decimal("1500.50")``; spaces (also the non-breaking ones a
copied figure carries) group digits, a decimal point is accepted everywhere. Anything else —
"abc", "1,2,3", "5 000 ₸ approx." — raises ``NotANumber`` (a ``ValueError``): a form
refuses it with a message instead of ignoring it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import get_format


class NotANumber(ValueError):
    """What was typed is not a number in the page's locale."""


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")


def parse_decimal(text: str) -> Decimal:
    s = _SPACES.sub("", str(text)).replace("₸", "").replace("−", "-")
    decimal_sep = get_format("DECIMAL_SEPARATOR")
    if decimal_sep == ",":
        if "," in s and "." in s:
            s = s.replace(".", "")  # "1.500,50": points group digits
        s = s.replace(",", ".")
    else:
        thousands = get_format("THOUSAND_SEPARATOR")
        if thousands == ",":
            if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})*(\.\d+)?|[+-]?\d+(\.\d+)?", s):
                raise NotANumber(text)
            s = s.replace(",", "")
    if not _PLAIN.match(s):
        raise NotANumber(text)
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only numbers
        raise NotANumber(text) from exc


def parse_int(text: str) -> int:
    """A whole number typed in the locale ("1 500"); a fraction or "abc" raises ``NotANumber``."""
    value = parse_decimal(text)
    if value != value.to_integral_value():
        raise NotANumber(text)
    return int(value)
