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

from collections.abc import Collection, Iterable, Mapping, Sequence
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


def protect(
    values: Mapping[K, float | None],
    sums: Sequence[tuple[K, Sequence[K]]],
    below: int,
    *,
    hidden: Iterable[K] = (),
) -> set[K]:
    """The cells of a published table to hide: primary and complementary suppression over
    every published sum at once (ADR 0133).

    ``values``: every published cell (a count of people) by key; ``sums``: the relations the
    reader knows, ``(total, parts)`` with ``values[total] == sum(values[p] for p in parts)``
    (a total or a part absent from ``values`` is not published: a relation whose total is
    absent tells nothing and is skipped; an absent part is nought). ``hidden``: cells hidden
    for another reason.

    A cell from 1 to ``below`` − 1 is hidden. Then, until nothing changes: a relation with
    exactly one hidden cell (its total or one part) would give it away by subtraction, so it
    hides one more — the smallest published non-zero part, or the total when no part is left
    (totals are the figures people read: they are kept while a part can be hidden instead). A
    cell hidden for one relation is hidden in every relation it takes part in, so the rule runs
    along the territory tree and across a table's categories together, to a fixed point."""
    out: set[K] = {k for k, v in values.items() if small(_count(v), below)}
    out |= {k for k in hidden if k in values}
    relations = [(t, [p for p in parts if p in values]) for t, parts in sums if t in values]
    member_of: dict[K, list[int]] = {}
    for i, (t, parts) in enumerate(relations):
        for k in (t, *parts):
            member_of.setdefault(k, []).append(i)
    queue = sorted({i for k in out for i in member_of.get(k, ())})
    queued = set(queue)
    while queue:
        i = queue.pop()
        queued.discard(i)
        t, parts = relations[i]
        unknown = [k for k in (t, *parts) if k in out]
        if len(unknown) != 1:
            continue
        candidates = sorted(
            ((values[p] or 0, str(p), p) for p in parts if p not in out and (values[p] or 0) > 0),
            key=lambda c: (c[0], c[1]),
        )
        if candidates:
            extra = candidates[0][2]
        elif (values[t] or 0) > 0 and t not in out:
            extra = t
        else:
            continue
        out.add(extra)
        for j in member_of.get(extra, ()):
            if j not in queued:
                queued.add(j)
                queue.append(j)
    return out


def _count(value: float | None) -> int | None:
    """A count read as the reader would round it (full-time equivalents are fractions)."""
    if value is None:
        return None
    if 0 < value < 1:
        return 1
    return round(value)


# The levels where the indicators publish breakdowns by a many-valued dimension (a specialty,
# a country, a programme): ``indicators.services.UPPER_LEVELS``.
BREAKDOWN_LEVELS = ("oblast", "district", "city")

TreeCell = tuple[str, str, str, str, str]  # ("T", element, kato, dimension, category)


def tree_sums(
    element: str,
    leaves: Iterable[tuple[Any, float, Sequence[str], Mapping[str, str]]],
    *,
    upper: Collection[str] | None = None,
) -> tuple[dict[TreeCell, float], list[tuple[Any, list[Any]]]]:
    """The territory totals of one element summed from published leaves, and the sums a
    reader knows between them, for ``protect``.

    ``leaves``: ``(key, value, katos from the region down to the leaf's place, categories)``;
    every territory on a leaf's path gets a total (``("T", element, kato, "", "")``) and, where
    ``upper`` allows (the KATO codes where breakdowns are published; all when None), one per
    category of each dimension. Relations: a territory = its child territories + the leaves
    placed in it (per category too: a child without that breakdown is replaced by its leaves);
    a territory's total = its categories of one dimension (when every leaf below carries it)."""
    values: dict[TreeCell, float] = {}
    parts: dict[TreeCell, list[Any]] = {}
    placed: list[tuple[Sequence[str], set[str]]] = []
    dims_at: dict[str, set[str]] = {}
    for key, value, katos, categories in leaves:
        placed.append((katos, set(categories)))
        cells: list[tuple[str, str]] = [("", ""), *sorted(categories.items())]
        for depth in range(len(katos), 0, -1):
            kato = katos[depth - 1]
            for dim, cat in cells:
                if dim and upper is not None and kato not in upper:
                    continue
                node = ("T", element, kato, dim, cat)
                values[node] = values.get(node, 0.0) + (value or 0)
                part: Any = key
                if depth < len(katos):
                    child = katos[depth]
                    if not dim or upper is None or child in upper:
                        part = ("T", element, child, dim, cat)
                members = parts.setdefault(node, [])
                if part not in members:
                    members.append(part)
                if dim:
                    dims_at.setdefault(kato, set()).add(dim)
    # (kato, dimension) with a leaf below that lacks the dimension: no total = its categories
    partial = {
        (kato, dim)
        for katos, dims in placed
        for kato in katos
        for dim in dims_at.get(kato, set()) - dims
    }
    sums: list[tuple[Any, list[Any]]] = list(parts.items())
    by_total: dict[tuple[str, str], list[Any]] = {}
    for node in values:
        _t, _e, kato, dim, _c = node
        if dim:
            by_total.setdefault((kato, dim), []).append(node)
    for (kato, dim), cats in by_total.items():
        if (kato, dim) not in partial:
            sums.append((("T", element, kato, "", ""), cats))
    return values, sums
