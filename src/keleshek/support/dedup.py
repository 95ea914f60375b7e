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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio
from rapidfuzz.process import cpdist

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


CHUNK = 500_000  # pairs scored at once


@dataclass(frozen=True)
class _Columns:
    """The records as arrays, one entry per record, for scoring pairs in bulk."""

    names: np.ndarray  # "last first middle", normalised (objects)
    birth: np.ndarray
    school: np.ndarray
    settlement: np.ndarray
    sex: np.ndarray  # codes
    iin: np.ndarray  # codes; the empty IIN has one too
    has_iin: np.ndarray
    iins: np.ndarray  # the IINs themselves (objects)


def _scores(cols: _Columns, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``score`` of many pairs at once, the same arithmetic in the same order (a test holds
    them equal): names compared in C++ (rapidfuzz), the rest with numpy."""
    if len(lo) == 0:
        return np.zeros(0)
    name_sim = cpdist(
        cols.names[lo],
        cols.names[hi],
        scorer=ratio,
        dtype=np.float64,
        workers=-1,  # C++ threads over every core
    )
    s = 0.6 * (name_sim / 100.0)
    b_lo, b_hi = cols.birth[lo], cols.birth[hi]
    typo = np.abs(b_lo - b_hi) <= 31
    unsure = np.flatnonzero(~typo)
    if len(unsure):
        ords = np.unique(np.concatenate((b_lo[unsure], b_hi[unsure])))
        ymd = np.array(
            [int(date.fromordinal(int(v)).strftime("%Y%m%d")) for v in ords], dtype=np.int64
        )
        x, y = ymd[np.searchsorted(ords, b_lo[unsure])], ymd[np.searchsorted(ords, b_hi[unsure])]
        swapped = (
            (x // 10000 == y // 10000)
            & ((x // 100) % 100 == y % 100)
            & (x % 100 == (y // 100) % 100)
        )
        digits = sum(((x // 10**k) % 10 != (y // 10**k) % 10).astype(np.int64) for k in range(8))
        typo[unsure] = swapped | (digits == 1)
    s = s + 0.28 * np.where(b_lo == b_hi, 1.0, np.where(typo, 0.6, 0.0))
    same_school = cols.school[lo] == cols.school[hi]
    same_place = cols.settlement[lo] == cols.settlement[hi]
    s = s + 0.12 * np.where(same_school, 1.0, np.where(same_place, 0.7, 0.3))
    s = s - 0.3 * (cols.sex[lo] != cols.sex[hi])
    both = np.flatnonzero(cols.has_iin[lo] & cols.has_iin[hi] & (cols.iin[lo] != cols.iin[hi]))
    if len(both):
        dist = cpdist(cols.iins[lo[both]], cols.iins[hi[both]], scorer=Levenshtein.distance)
        s[both] = s[both] - np.where(dist <= 1, 0.05, 0.5)
    return np.clip(s, 0.0, 1.0)


def _groups(order: np.ndarray, keys: Sequence[np.ndarray]) -> Iterator[np.ndarray]:
    """The runs of equal keys in ``order`` (record indices sorted by ``keys``), two or more
    records each, every run in ascending record order (the sort is stable)."""
    if len(order) < 2:
        return
    change = np.zeros(len(order) - 1, dtype=bool)
    for key in keys:
        k = key[order]
        change |= k[1:] != k[:-1]
    bounds = np.concatenate(([0], np.flatnonzero(change) + 1, [len(order)]))
    sizes = np.diff(bounds)
    for b in np.flatnonzero(sizes >= 2):
        yield order[bounds[b] : bounds[b + 1]]


def _codes(values: Sequence[str]) -> np.ndarray:
    """Each distinct string as a small integer, in sort order (so codes sort as the strings)."""
    distinct = dict.fromkeys(values, 0)
    for code, v in enumerate(sorted(distinct)):
        distinct[v] = code
    return np.fromiter((distinct[v] for v in values), dtype=np.int32, count=len(values))


def find_duplicates(
    records: Sequence[Record],
    *,
    threshold: float = 0.86,
    window: int = 12,
    stats: Stats | None = None,
) -> list[Match]:
    """The pairs of ``records`` that are one child: exact on the IIN, then fuzzy within the
    blocks. Memory stays linear and small: blocks are runs of a stable sort over integer
    codes (no dictionary of a million keys), and the candidate pairs of all passes are one
    array of integers, each pair scored once."""
    stats = stats if stats is not None else Stats()
    stats.records = n = len(records)
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
    middles = [norm(r.middle) for r in records]
    folded.clear()

    def name(i: int) -> str:
        return lasts[i] + " " + firsts[i] + " " + middles[i]

    out: list[Match] = []
    birth = np.fromiter((r.birth for r in records), dtype=np.int64, count=n)
    sex = _codes([r.sex for r in records])

    # 1. exact IIN
    iin_text = [r.iin for r in records]
    iins = _codes(iin_text)
    has_iin = np.fromiter((bool(v) for v in iin_text), dtype=bool, count=n)
    with_iin = np.flatnonzero(has_iin)
    same_iin: set[int] = set()
    for members in _groups(with_iin[np.argsort(iins[with_iin], kind="stable")], [iins]):
        ids = members.tolist()
        for p in range(len(ids)):
            for q in range(p + 1, len(ids)):
                lo, hi = ids[p], ids[q]  # ascending: runs keep record order
                stats.pairs_compared += 1
                same_iin.add(lo * n + hi)
                out.append(Match(records[lo].id, records[hi].id, "iin", 1.0))
    del with_iin

    # 2-4. fuzzy with blocking. Within each key, records are ordered by name (stable), so a
    # block of up to ``window + 1`` gives all its pairs and a larger one its sorted
    # neighbourhood (each record with the next ``window`` in name order); the pairs are
    # read off the sorted order by offset, for all blocks at once.
    last_code, first_code, middle_code = _codes(lasts), _codes(firsts), _codes(middles)
    last2, first2 = _codes([v[:2] for v in lasts]), _codes([v[:2] for v in firsts])
    name_keys = [last_code, first_code, middle_code]
    passes = [
        [birth, sex, last2],
        [birth, sex, first2],
        [last_code, first_code, middle_code, sex],  # the whole name (typo in the birth date)
    ]
    found: list[np.ndarray] = []
    for keys in passes:
        order = np.lexsort([*keys, *name_keys][::-1])  # block keys first, then the name
        block = np.zeros(n, dtype=np.int64)
        if n > 1:
            change = np.zeros(n - 1, dtype=bool)
            for key in keys:
                k = key[order]
                change |= k[1:] != k[:-1]
            block[1:] = np.cumsum(change)
        for d in range(1, window + 1):
            if d >= n:
                break
            same = block[d:] == block[:-d]
            a, b = order[:-d][same], order[d:][same]
            found.append(np.minimum(a, b) * n + np.maximum(a, b))
        del order, block
    del last_code, first_code, middle_code, last2, first2, name_keys
    pairs = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    pairs.sort()  # then drop repeats: cheaper than numpy.unique's hashing on ten million
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    del found
    if same_iin:
        pairs = pairs[~np.isin(pairs, np.fromiter(same_iin, dtype=np.int64))]
    stats.pairs_compared += len(pairs)
    lo, hi = np.divmod(pairs, n)
    del pairs
    names = np.empty(n, dtype=object)
    names[:] = [lasts[i] + " " + firsts[i] + " " + middles[i] for i in range(n)]
    iin_objects = np.empty(n, dtype=object)
    iin_objects[:] = iin_text
    cols = _Columns(
        names=names,
        birth=birth,
        school=np.fromiter((r.school for r in records), dtype=np.int64, count=n),
        settlement=np.fromiter((r.settlement for r in records), dtype=np.int64, count=n),
        sex=sex,
        iin=iins,
        has_iin=has_iin,
        iins=iin_objects,
    )
    del iin_text
    for at in range(0, len(lo), CHUNK):  # bounded memory: the pairs' strings a chunk at a time
        part_lo, part_hi = lo[at : at + CHUNK], hi[at : at + CHUNK]
        scores = _scores(cols, part_lo, part_hi)
        for hit in np.flatnonzero(scores >= threshold).tolist():
            a, b = int(part_lo[hit]), int(part_hi[hit])
            out.append(Match(records[a].id, records[b].id, "fuzzy", round(float(scores[hit]), 3)))
    stats.matches = len(out)
    return out
