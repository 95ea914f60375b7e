"""De-duplication of pupils: exact on IIN, fuzzy on normalised name + birth date + place, with
blocking so that the work stays linear (no all-pairs comparison).

Pure: no Django. ``find_duplicates`` takes plain columns and returns scored pairs; the service
layer turns them into review-queue rows and the benchmark calls it on a million generated pupils.

Blocking (ADR 0051): a pair is compared only when it shares one of these keys:

1. the IIN;
2. birth date + sex + the first two letters of the normalised last name;
3. birth date + sex + the first two letters of the normalised first name;
4. the full normalised name + sex (catches a typo in the birth date).

A block larger than ``window`` is compared by sorted neighbourhood (each record against the
next ``window`` records in name order) so that no block can make the work quadratic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from .derived import key_part


def normalise(name: str) -> str:
    """Lower case, Kazakh letters folded to their Russian look-alikes, no spaces or signs: one
    part of the name key, defined once in ``derived``."""
    return key_part(name)


@dataclass(frozen=True, slots=True)
class Record:
    id: int
    iin: str  # "" when unknown
    last: str
    first: str
    middle: str
    birth: int  # a date ordinal
    sex: str
    school: int
    settlement: int


@dataclass(frozen=True, slots=True)
class Match:
    a: int
    b: int
    kind: str  # "iin" or "fuzzy"
    score: float


@dataclass
class Stats:
    records: int = 0
    pairs_compared: int = 0
    matches: int = 0

    @property
    def pairs_per_record(self) -> float:
        return self.pairs_compared / self.records if self.records else 0.0


def date_typo(a: int, b: int) -> bool:
    """Two birth dates (ordinals) that one slip of the pen makes equal: day and month swapped,
    one wrong digit, or a few days apart."""
    if abs(a - b) <= 31:
        return True
    da, db = date.fromordinal(a), date.fromordinal(b)
    if da.year == db.year and da.month == db.day and da.day == db.month:
        return True
    sa, sb = da.strftime("%Y%m%d"), db.strftime("%Y%m%d")
    return sum(1 for p, q in zip(sa, sb, strict=True) if p != q) == 1


def score(x: Record, y: Record, nx: str, ny: str) -> float:
    """0..1: name similarity, birth date, place; two different valid IINs weigh against."""
    name = ratio(nx, ny) / 100.0
    born = 1.0 if x.birth == y.birth else (0.6 if date_typo(x.birth, y.birth) else 0.0)
    place = 1.0 if x.school == y.school else (0.7 if x.settlement == y.settlement else 0.3)
    s = 0.6 * name + 0.28 * born + 0.12 * place
    if x.sex != y.sex:
        s -= 0.3
    if x.iin and y.iin and x.iin != y.iin:
        # Different IINs: the same child only if one digit was mistyped.
        s -= 0.05 if Levenshtein.distance(x.iin, y.iin) <= 1 else 0.5
    return max(0.0, min(1.0, s))


def find_duplicates(
    records: Sequence[Record],
    *,
    threshold: float = 0.86,
    window: int = 12,
    stats: Stats | None = None,
) -> list[Match]:
    stats = stats if stats is not None else Stats()
    stats.records = len(records)
    # A register has few distinct names (and a million pupils share them): each spelling is
    # normalised once and the records share the result.
    folded: dict[str, str] = {}

    def norm(name: str) -> str:
        got = folded.get(name)
        if got is None:
            got = folded[name] = normalise(name)
        return got

    lasts = [norm(r.last) for r in records]
    firsts = [norm(r.first) for r in records]
    names = [lasts[i] + " " + firsts[i] + " " + norm(r.middle) for i, r in enumerate(records)]
    folded.clear()

    n = len(records)
    seen: set[int] = set()  # i * n + j for i < j: compact, unlike tuples
    out: list[Match] = []

    # 1. exact IIN
    by_iin: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if r.iin:
            by_iin[r.iin].append(i)
    for members in by_iin.values():
        for p in range(len(members)):
            for q in range(p + 1, len(members)):
                i, j = members[p], members[q]
                stats.pairs_compared += 1
                lo, hi = (i, j) if i < j else (j, i)
                seen.add(lo * n + hi)
                out.append(Match(records[lo].id, records[hi].id, "iin", 1.0))

    # 2-4. fuzzy with blocking
    passes: list[Iterable[tuple[object, int]]] = [
        (((r.birth, r.sex, lasts[i][:2]), i) for i, r in enumerate(records)),
        (((r.birth, r.sex, firsts[i][:2]), i) for i, r in enumerate(records)),
        (((names[i], r.sex), i) for i, r in enumerate(records)),
    ]
    for keyed in passes:
        blocks: dict[object, list[int]] = defaultdict(list)
        for key, i in keyed:
            blocks[key].append(i)
        for members in blocks.values():
            if len(members) < 2:
                continue
            if len(members) > window + 1:
                members.sort(key=names.__getitem__)
            for p in range(len(members)):
                i = members[p]
                for q in range(p + 1, min(len(members), p + 1 + window)):
                    j = members[q]
                    lo, hi = (i, j) if i < j else (j, i)
                    if lo * n + hi in seen:
                        continue
                    seen.add(lo * n + hi)
                    stats.pairs_compared += 1
                    s = score(records[i], records[j], names[i], names[j])
                    if s >= threshold:
                        out.append(Match(records[lo].id, records[hi].id, "fuzzy", round(s, 3)))
    stats.matches = len(out)
    return out
