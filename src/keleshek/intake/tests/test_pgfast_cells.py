"""Cell by cell, the fast path's SQL gives the verdict of the Python column types (ADR 0043).

Thousands of tricky and random values per type go through ``pgfast.validation_query`` in one
statement and through ``ColType.convert``; the first failing check (or none) and the typed value
must agree. This is the guard that lets the two implementations of each type coexist.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection

from keleshek.core.ids import make_bin, make_iin
from keleshek.intake import pgfast
from keleshek.intake.registry import (
    Bin,
    Bool,
    CellError,
    Choice,
    Code,
    ColType,
    Column,
    Date,
    Float,
    Iin,
    IntChoice,
    Integer,
    KatoCode,
    Text,
    Uuid,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

ALPHABET = "0123456789-.,;: '+=@eEaZ\u00a0"


def _random(rng: random.Random, n: int, length: int) -> list[str]:
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, length))) for _ in range(n)]


def _iins(rng: random.Random) -> list[str]:
    out = []
    for _ in range(400):
        born = dt.date(rng.randint(1850, 2024), rng.randint(1, 12), rng.randint(1, 28))
        iin = make_iin(born, rng.choice("MF"), rng.randint(0, 9999))
        if iin:
            out += [iin, iin[:11] + str((int(iin[11]) + 1) % 10), iin[:6] + "7" + iin[7:]]
    out += ["".join(rng.choice("0123456789") for _ in range(12)) for _ in range(1500)]
    out += ["000000000000", "991399000000", "0809016000111", "08090160001", "08090160001x"]
    return out


def _bins(rng: random.Random) -> list[str]:
    out = []
    for _ in range(300):
        b = make_bin(f"{rng.randint(0, 99):02d}{rng.randint(1, 14):02d}", rng.randint(0, 99999))
        if b:
            out += [b, b[:4] + "7" + b[5:], b[:11] + str((int(b[11]) + 3) % 10)]
    return out + ["".join(rng.choice("0123456789") for _ in range(12)) for _ in range(1000)]


def _dates(rng: random.Random) -> list[str]:
    fixed = ["2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "31.04.2020", "30.04.2020"]
    fixed += ["0000-01-01", "1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01", "1.2.2020"]
    fixed += ["2020-1-2", "2020/01/02", "20200102", "2020-13-01", "2020-00-10", "00.01.2020"]
    out = []
    for _ in range(1500):
        y, m, d = rng.randint(1850, 2150), rng.randint(0, 13), rng.randint(0, 32)
        out += [f"{y}-{m:02d}-{d:02d}", f"{d}.{m}.{y}"]
    return fixed + out


def _uuids(rng: random.Random) -> list[str]:
    import uuid

    out = []
    for _ in range(300):
        u = uuid.UUID(int=rng.getrandbits(128))
        out += [str(u), u.hex, str(u).upper(), "{" + str(u) + "}", str(u)[:-1], u.hex + "0"]
    return [*out, *_random(rng, 300, 36), "urn:uuid:" + str(uuid.UUID(int=1)), "g" * 32]


CASES: list[tuple[ColType, Any]] = [
    (Iin(), _iins),
    (Bin(), _bins),
    (Date(), _dates),
    (Date(min=dt.date(2000, 1, 1), max=dt.date(2025, 12, 31)), _dates),
    (Integer(min=0, max=11), lambda r: [*_random(r, 1500, 6), "1 000", "+3", "-0", "12", "1e3"]),
    (Integer(min=None, max=None), lambda r: [*_random(r, 800, 22), "9" * 18, "9" * 19]),
    (Float(min=-90, max=90), lambda r: [*_random(r, 1500, 8), "1,5", ".5", "5.", "1e2", "e"]),
    (Bool(), lambda r: ["да", "ДА", "Жоқ", "yes", "Y", "+", "-", "0", "1", "maybe", "иә"]),
    (Choice(choices=("M", "F")), lambda r: ["m", "M", "f", "x", "MF", "ф"]),
    (IntChoice(choices=("1", "2", "3")), lambda r: ["1", "2", "4", "01", "a", "3 ", "-1"]),
    (KatoCode(), lambda r: [*_random(r, 500, 10), "634000000", "63400000", "6340000000"]),
    (Text(max_length=5), lambda r: ["'=1+2", "'-x", "''", "'a", "abcdef", "'abcde", "@x"]),
    (Code(max_length=8), lambda r: ["01140100", "a.b-c_d", "a b", "a/b", "x" * 9, "Ab9"]),
    (Uuid(), _uuids),
]


def _python_verdict(t: ColType, raw: str) -> tuple[str | None, Any]:
    if not raw.strip():  # blank, as the streaming path decides it
        return None, None
    try:
        return None, t.convert(raw)
    except CellError as exc:
        return exc.code, None


def _sql_verdicts(t: ColType, values: list[str]) -> list[tuple[str | None, Any]]:
    col = Column(key="x", headers={"en": "x"}, type=t)
    query = pgfast.validation_query("cells", [(0, col)], 1)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS cells")
        cur.execute("CREATE TEMP TABLE cells (_row bigserial, c0 text)")
        cur.executemany("INSERT INTO cells (c0) VALUES (%s)", [(v,) for v in values])
        cur.execute(f"SELECT _row, errs, t_x FROM ({query}) q ORDER BY _row")  # noqa: S608
        got = {row: (errs[0].split(":")[1] if errs else None, value) for row, errs, value in cur}
    return [got.get(i + 1, (None, None)) for i in range(len(values))]


def _same_value(t: ColType, py: Any, sql: Any) -> bool:
    if py is None or sql is None:
        return py is sql
    if isinstance(t, Date):
        return str(py) == sql.isoformat()
    if isinstance(t, IntChoice):
        return int(py) == sql
    if isinstance(t, Uuid):
        return bool(py == sql.hex)
    return py == sql


@pytest.mark.parametrize("index", range(len(CASES)), ids=[type(t).__name__ for t, _ in CASES])
def test_sql_cell_verdicts_match_python(index: int) -> None:
    t, make = CASES[index]
    values = make(random.Random(index))
    sql = _sql_verdicts(t, values)
    mismatches = [
        (v, _python_verdict(t, v), s)
        for v, s in zip(values, sql, strict=True)
        if _python_verdict(t, v)[0] != s[0] or not _same_value(t, _python_verdict(t, v)[1], s[1])
    ]
    assert len(values) > 5
    assert mismatches == [], mismatches[:10]
