"""Small counts of people on public paths: primary and complementary suppression (ADR 0139).

A count of people from 1 to ``PUBLIC_SUPPRESS_BELOW`` − 1 identifies too few people to be
published (primary suppression; zero identifies no one and stays). When the parts of a
published total are published too, one hidden part could be recovered by subtraction — total
minus the other parts — so a group with exactly one hidden part hides one more: the smallest
other non-zero part (complementary suppression). ``hide`` applies this to one group;
callers apply it along every sum they publish: across a row's cells (shifts → pupils), along the
territory (schools of a district → the district's total, districts → the region's).

Pure functions, no Django models: every public path (open data, public pages, the anonymous
API) calls the same code through ``institutions.selectors.published_school_counts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.conf import settings

K = TypeVar("K")


def threshold() -> int:
    value: Any = getattr(settings, "KELESHEK", {}).get("PUBLIC_SUPPRESS_BELOW", 5)
    return int(value)


def small(value: int | None, below: int) -> bool:
    return value is not None and 0 < value < below


def hide(parts: Mapping[K, int | None], below: int, *, hidden: set[K] | None = None) -> set[K]:
    """The keys of ``parts`` to hide when their sum is published.

    ``hidden``: keys already hidden for another reason (they count as hidden here and are
    returned again). A group with one hidden non-zero part hides the smallest other non-zero
    part as well; a group whose only non-zero part is hidden has a total that is that part,
    small itself (the caller hides the total by the same rule)."""
    out = {k for k, v in parts.items() if small(v, below)} | set(hidden or ())
    hidden_nonzero = [k for k in out if (parts.get(k) or 0) > 0]
    if len(hidden_nonzero) == 1:
        others = sorted(
            ((v, str(k), k) for k, v in parts.items() if k not in out and (v or 0) > 0),
            key=lambda t: (t[0], t[1]),
        )
        if others:
            out.add(others[0][2])
    return out


def hide_cells(cells: Sequence[int | None], total: int | None, below: int) -> tuple[set[int], bool]:
    """One row whose cells sum to ``total``: (indexes of cells to hide, whether to hide the
    total). A hidden total hides every cell (they would add up to it)."""
    if small(total, below):
        return set(range(len(cells))), True
    return hide(dict(enumerate(cells)), below), False
