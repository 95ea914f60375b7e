"""IIN checks on registration, and the blocked de-duplication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keleshek.core.ids import make_iin
from keleshek.support import dedup, services

BORN = dt.date(2016, 5, 17)


def iin(born: dt.date = BORN, sex: str = "M", serial: int = 12) -> str:
    value = make_iin(born, sex, serial)
    assert value is not None
    return value


def test_iin_matches_birth_date_and_sex() -> None:
    assert services.check_iin(iin=iin(), birth_date=BORN, sex="M") is False


def test_iin_with_wrong_birth_date_or_sex_is_refused_clearly() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.check_iin(iin=iin(), birth_date=dt.date(2016, 5, 18), sex="M")
    assert exc.value.messages == [f"IIN {iin()} encodes birth date 2016-05-17, not 2016-05-18"]
    with translation.override("en"), pytest.raises(ValidationError, match="other sex"):
        services.check_iin(iin=iin(), birth_date=BORN, sex="F")


def test_iin_with_bad_check_digit_is_refused() -> None:
    good = iin()
    bad = good[:11] + str((int(good[11]) + 1) % 10)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.check_iin(iin=bad, birth_date=BORN, sex="M")
    assert exc.value.messages == [f"IIN {bad} is not valid: check digit does not match"]
    assert exc.value.code == "iin_check_digit"


def test_century_digit_zero_goes_to_manual_review() -> None:
    first11 = "160517" + "0" + "0012"
    from keleshek.core.ids import check_digit

    cd = check_digit(first11)
    assert cd is not None
    assert services.check_iin(iin=first11 + str(cd), birth_date=BORN, sex="M") is True


def rec(i: int, **kw: object) -> dedup.Record:
    base: dict[str, object] = {
        "id": i,
        "iin": "",
        "last": "Ахметов",
        "first": "Нурлан",
        "middle": "Серикович",
        "birth": BORN.toordinal(),
        "sex": "M",
        "school": 1,
        "settlement": 1,
    }
    base.update(kw)
    return dedup.Record(**base)  # type: ignore[arg-type]


def test_exact_iin_and_fuzzy_duplicates_are_found_but_not_namesakes() -> None:
    records = [
        rec(1, iin="160517500129"),
        rec(2, iin="160517500129", school=2),  # same IIN at another school
        rec(3, first="Нурлн", iin=""),  # typo, no IIN: same child as 1
        rec(4, iin="160517500231"),  # a namesake with another valid IIN: a different child
        rec(5, last="Петров", first="Иван"),
        rec(6, last="Әбенов", birth=dt.date(2016, 7, 5).toordinal()),
        rec(7, last="Абенов", birth=dt.date(2016, 5, 7).toordinal()),  # day/month swapped
    ]
    stats = dedup.Stats()
    found = {(m.a, m.b, m.kind) for m in dedup.find_duplicates(records, stats=stats)}
    assert (1, 2, "iin") in found
    assert (1, 3, "fuzzy") in found
    assert (6, 7, "fuzzy") in found
    assert not any(4 in (a, b) and 1 in (a, b) for a, b, _k in found)
    assert not any(5 in (a, b) for a, b, _k in found)
    assert stats.pairs_compared < len(records) * (len(records) - 1) // 2


def test_blocking_keeps_pairs_linear_for_a_common_name() -> None:
    records = [rec(i, iin="", school=i % 50) for i in range(1, 2001)]
    stats = dedup.Stats()
    dedup.find_duplicates(records, stats=stats)
    assert stats.pairs_per_record <= 50


def test_normalise_folds_kazakh_letters_and_case() -> None:
    assert dedup.normalise("Әбенова-Қасым") == dedup.normalise("абенова касым")


def _reference(records: list[dedup.Record], threshold: float = 0.86, window: int = 12) -> set:
    """ADR 0051 written the plain way (a dictionary per blocking pass, a set of compared
    pairs): what the sorted-runs implementation must reproduce exactly (ADR 0200)."""
    from collections import defaultdict

    def norm(r: dedup.Record) -> tuple[str, str, str]:
        return dedup.normalise(r.last), dedup.normalise(r.first), dedup.normalise(r.middle)

    parts = [norm(r) for r in records]
    names = [" ".join(p) for p in parts]
    seen: set[tuple[int, int]] = set()
    out = set()
    by_iin: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if r.iin:
            by_iin[r.iin].append(i)
    for members in by_iin.values():
        for p, i in enumerate(members):
            for j in members[p + 1 :]:
                seen.add((min(i, j), max(i, j)))
                out.add((records[min(i, j)].id, records[max(i, j)].id, "iin", 1.0))
    keys = [
        lambda i, r: (r.birth, r.sex, parts[i][0][:2]),
        lambda i, r: (r.birth, r.sex, parts[i][1][:2]),
        lambda i, r: (parts[i], r.sex),
    ]
    for key in keys:
        blocks: dict[object, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            blocks[key(i, r)].append(i)
        for members in blocks.values():
            if len(members) > window + 1:
                members.sort(key=lambda i: parts[i])
            for p, i in enumerate(members):
                for j in members[p + 1 : p + 1 + window]:
                    lo, hi = min(i, j), max(i, j)
                    if (lo, hi) in seen:
                        continue
                    seen.add((lo, hi))
                    s = dedup.score(records[lo], records[hi], names[lo], names[hi])
                    if s >= threshold:
                        out.add((records[lo].id, records[hi].id, "fuzzy", round(s, 3)))
    return out | {("compared", len(seen))}


def test_sorted_runs_find_exactly_what_the_plain_blocking_finds() -> None:
    import random

    rng = random.Random(7)
    lasts = ["Ахметов", "Абенов", "Әбенов", "Касымов", "Петров", "Ахметова", "Нурланов"]
    firsts = ["Нурлан", "Нурлн", "Серик", "Айгуль", "Иван", "Ерлан", "Ерлн"]
    records = []
    for i in range(1, 3001):
        born = BORN + dt.timedelta(days=rng.randrange(40))
        sex = rng.choice("MF")
        records.append(
            dedup.Record(
                id=i,
                iin=(make_iin(born, sex, rng.randrange(1, 60)) or "") if rng.random() < 0.6 else "",
                last=rng.choice(lasts),
                first=rng.choice(firsts),
                middle=rng.choice(firsts) + "ович",
                birth=born.toordinal(),
                sex=sex,
                school=rng.randrange(8),
                settlement=rng.randrange(3),
            )
        )
    stats = dedup.Stats()
    found = {(m.a, m.b, m.kind, m.score) for m in dedup.find_duplicates(records, stats=stats)}
    expected = _reference(records)
    assert ("compared", stats.pairs_compared) in expected
    assert found == expected - {("compared", stats.pairs_compared)}
    assert len(found) > 100  # the world is dense enough that the comparison means something
