"""A job's kind, progress message and result in the reader's language.

Handlers run in the worker, outside any request, and the routing core imports no Django: the
messages they report are stored as plain English. They are put into the reader's language when
shown: fixed phrases through the catalogue, phrases with numbers through a pattern each.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, gettext_noop

KIND_LABELS: dict[str, Any] = {
    "transport.optimise": gettext_lazy("route optimisation"),
    "intake.preview": gettext_lazy("import check"),
    "intake.apply": gettext_lazy("import"),
    "noop": gettext_lazy("test job"),
    "documents.render": gettext_lazy("documents prepared ahead"),
}

# Fixed phrases the handlers report (the routing core, the transport service, the reaper).
PHRASES = [
    gettext_noop("done"),
    gettext_noop("checking the input"),
    gettext_noop("routing schools"),
    gettext_noop("chaining trips into bus days"),
    gettext_noop("choosing route lengths and shared trips"),
    gettext_noop("afternoon runs routed"),
    gettext_noop("afternoon runs on buses"),
    gettext_noop("afternoon done"),
    gettext_noop("worker stopped; retrying"),
    gettext_noop("the worker stopped and no attempts remain"),
    gettext_noop("the plan no longer exists"),
    gettext_noop("import not found"),
]


def _num(text: str) -> str:
    return str(number_format(int(text), force_grouping=True))


PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^(\d+) rows, (\d+) rows/s$"),
        lambda m: (
            gettext("%(rows)s rows, %(rate)s rows/s") % {"rows": _num(m[1]), "rate": _num(m[2])}
        ),
    ),
    (
        re.compile(r"^step (\d+) of (\d+)$"),
        lambda m: gettext("step %(i)s of %(n)s") % {"i": m[1], "n": m[2]},
    ),
    (
        re.compile(r"^routes for school (\S+)$"),
        lambda m: gettext("routes for school %(school)s") % {"school": m[1]},
    ),
]

RESULT_LABELS: dict[str, Any] = {
    "plan": gettext_lazy("plan"),
    "buses": gettext_lazy("buses"),
    "km": gettext_lazy("bus-km"),
    "served": gettext_lazy("pupils served"),
    "total": gettext_lazy("pupils to carry"),
    "run": gettext_lazy("import run"),
    "status": gettext_lazy("status"),
    "steps": gettext_lazy("steps"),
}


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def message_text(message: str) -> str:
    """A stored progress message or error in the active language (unknown text unchanged)."""
    if not message:
        return ""
    for pattern, render in PATTERNS:
        m = pattern.match(message)
        if m:
            return render(m)
    return gettext(message) if message in PHRASES else message


def result_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """A job's result as (label, value) rows; numbers formatted by the locale."""
    rows = []
    for key, value in result.items():
        label = RESULT_LABELS.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            shown = str(value)
        elif isinstance(value, int):
            shown = str(number_format(value, force_grouping=True))
        else:
            shown = str(number_format(round(value, 1), decimal_pos=1, force_grouping=True))
        rows.append((str(label) if label is not None else key, shown))
    return rows
