"""Small factories for intake tests in a fictitious oblast (KATO 65xxxxxxx) so that they do
not depend on the demo region."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keleshek.accounts.models import User
from keleshek.core.ids import make_bin
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory


def bin_for(serial: int) -> str:
    while True:
        b = make_bin("0011", serial)
        if b:
            return b
        serial += 1000


def territory(kato: str, level: str, parent: Territory | None = None) -> Territory:
    return Territory.objects.create(kato=kato, level=level, parent=parent, name_ru=f"T{kato}")


def school(settlement: Territory, serial: int, **kw: Any) -> Institution:
    return Institution.objects.create(
        bin=bin_for(serial),
        kind=kw.pop("kind", "school"),
        name_ru=kw.pop("name_ru", f"Школа {serial}"),
        settlement=settlement,
        design_capacity=kw.pop("design_capacity", 500),
        **kw,
    )


@dataclass
class World:
    oblast: Territory
    district_a: Territory
    district_b: Territory
    village_a: Territory
    village_b: Territory
    school_a: Institution
    school_b: Institution


def world() -> World:
    oblast = territory("650000000", "oblast")
    da = territory("651000000", "district", oblast)
    db = territory("652000000", "district", oblast)
    va = territory("651010000", "settlement", da)
    vb = territory("652010000", "settlement", db)
    return World(oblast, da, db, va, vb, school(va, 1), school(vb, 2))


def user(username: str, role: str, **kw: Any) -> User:
    return User.objects.create_user(username=username, password="x-pass-12345", role=role, **kw)


def csv_bytes(rows: list[list[Any]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
