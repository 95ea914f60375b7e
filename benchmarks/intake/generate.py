"""Deterministic synthetic files for the import benchmark: a small territory, schools and
pupils (1 % invalid rows of several kinds)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from keleshek.core.ids import make_bin, make_iin

LAST = ["Ахметов", "Иванов", "Нурланов", "Петров", "Сейткали", "Ким", "Абенов", "Смагулов"]
FIRST = ["Алихан", "Иван", "Айсулу", "Мария", "Данияр", "Амина", "Тимур", "Аружан"]
CATS = ["asp", "large_family", "orphan", "below_subsistence", "sen_disability"]
N_SETTLEMENTS = 40
N_SCHOOLS = 400


def territory_rows() -> list[list[str]]:
    rows = [["630000000", "", "oblast", "ВКО"]]
    for d in range(4):
        district = f"63{40 + d:02d}00000"
        rows.append([district, "630000000", "district", f"Район {d}"])
        for s in range(N_SETTLEMENTS // 4):
            rows.append([f"63{40 + d:02d}{s + 1:02d}000", district, "settlement", f"Село {d}-{s}"])
    return rows


def settlements() -> list[str]:
    return [r[0] for r in territory_rows() if r[2] == "settlement"]


def school_bins() -> list[str]:
    out: list[str] = []
    serial = 0
    while len(out) < N_SCHOOLS:
        serial += 1
        b = make_bin("0504", serial)
        if b:
            out.append(b)
    return out


def write_reference(dir_: Path) -> tuple[Path, Path]:
    terr = dir_ / "territory.csv"
    with terr.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["kato", "parent", "level", "name_ru"])
        w.writerows(territory_rows())
    inst = dir_ / "institutions.csv"
    sets = settlements()
    with inst.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["bin", "kind", "name_ru", "settlement", "design_capacity"])
        for i, b in enumerate(school_bins()):
            w.writerow([b, "school", f"Школа {i}", sets[i % len(sets)], 800])
    return terr, inst


PUPIL_HEADER = [
    "iin",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "school",
    "grade",
    "home_settlement",
    "home_lat",
    "home_lon",
    "categories",
]


def write_pupils(path: Path, n: int, *, invalid_rate: float = 0.01, seed: int = 42) -> int:
    """Write ``n`` pupil rows; returns how many are invalid by construction."""
    rnd = random.Random(seed)
    bins = school_bins()
    sets = settlements()
    bad = 0
    counter: dict[tuple[dt.date, str], int] = {}
    base = dt.date(2008, 9, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(PUPIL_HEADER)
        for i in range(n):
            born = base + dt.timedelta(days=(i * 7919) % 4000)
            sex = "M" if i % 2 else "F"
            iin = None
            while iin is None:
                counter[(born, sex)] = serial = counter.get((born, sex), 0) + 1
                iin = make_iin(born, sex, serial)
            grade = min(11, max(0, 2025 - born.year - 6))
            row = [
                iin,
                LAST[i % len(LAST)],
                FIRST[(i // 8) % len(FIRST)],
                "",
                born.isoformat(),
                sex,
                bins[i % len(bins)],
                str(grade),
                sets[i % len(sets)],
                f"{49 + rnd.random():.5f}",
                f"{82 + rnd.random():.5f}",
                ";".join(rnd.sample(CATS, rnd.randint(0, 2))) if i % 5 == 0 else "",
            ]
            if rnd.random() < invalid_rate:
                bad += 1
                kind = rnd.randrange(4)
                if kind == 0:
                    row[0] = row[0][:11] + str((int(row[0][11]) + 1) % 10)  # check digit
                elif kind == 1:
                    row[6] = "990140004654"  # unknown school BIN
                elif kind == 2:
                    row[4] = f"{born.year}-02-30"  # impossible date
                else:
                    row[7] = "14"  # grade out of range
            w.writerow(row)
    return bad
