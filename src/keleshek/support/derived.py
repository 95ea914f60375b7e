"""A pupil's derived fields and cross-checks, each defined once (ADR 0125).

* the **name key** — "last first middle", lower case, Kazakh letters folded to their Russian
  look-alikes, signs and spaces inside a name dropped — that the search and the de-duplication
  use;
* the **IIN cross-check** — the birth date and sex a valid IIN encodes must be the stated ones;
  a birth date may not lie in the future;
* the **review flag** — a pupil without an IIN, or whose IIN does not encode its century
  (digit 7 = 0), is held for manual review.

The services (web page, admin), the importer's streaming path and the demo call the Python
functions; the importer's PostgreSQL fast path runs the SQL expressions below, which are
generated from the same tables (``KEY_LETTERS``, ``ids.CENTURY``), never written by hand. The
parity of both forms is tested over generated values (``tests/test_derived_parity.py``).

Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from keleshek.core.ids import CENTURY

# --- the name key ---------------------------------------------------------------------------

# The letters a key is made of, and what every letter that counts becomes: Latin and Cyrillic
# letters in lower case, the Kazakh letters and ё/й folded to their Russian look-alikes, the hard
# and soft signs dropped. Any other character (space, hyphen, apostrophe, digit...) is dropped.
FOLD: dict[str, str] = {
    "ё": "е",
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
    "й": "и",
    "ъ": "",
    "ь": "",
}
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"


def _key_letters() -> dict[str, str]:
    table: dict[str, str] = {}
    for c in _LATIN + _CYRILLIC + "".join(FOLD):
        target = FOLD.get(c, c)
        table[c] = target
        table[c.upper()] = target
    return table


KEY_LETTERS: dict[str, str] = _key_letters()
KEY_ALPHABET = "a-zа-я"  # every letter of KEY_LETTERS' values, as a character range
_TRANSLATE = str.maketrans({k: (v or None) for k, v in KEY_LETTERS.items() if k != v})
_OTHER = re.compile(f"[^{KEY_ALPHABET}]+")
NAME_KEY_MAX = 200  # Pupil.name_key's max_length


def key_part(name: str | None) -> str:
    """One name as the key spells it: "Қасымова-Әлі" -> "касымоваали"."""
    return _OTHER.sub("", (name or "").translate(_TRANSLATE))


def name_key(last_name: str | None, first_name: str | None, middle_name: str | None = "") -> str:
    """The normalised "last first middle" that the search and the de-duplication use."""
    parts = (key_part(last_name), key_part(first_name), key_part(middle_name))
    return " ".join(p for p in parts if p)[:NAME_KEY_MAX]


# --- the review flag ------------------------------------------------------------------------

UNKNOWN_CENTURY = "0"  # IIN digit 7 of numbers issued without a century (foreign nationals)


def needs_review(iin: str | None) -> bool:
    """Held for manual review: no IIN yet, or an IIN that does not say its century."""
    return not iin or iin[6] == UNKNOWN_CENTURY


# --- the IIN cross-check --------------------------------------------------------------------

Problem = tuple[str, str, dict[str, Any]]  # (field, code, message parameters)


def _iso(day: dt.date | str | None) -> str:
    if day is None or day == "":
        return ""
    return day.isoformat() if isinstance(day, dt.date) else str(day)[:10]


def pupil_problems(
    *,
    iin: str | None,
    birth_date: dt.date | str | None,
    sex: str | None,
    today: dt.date | str,
) -> list[Problem]:
    """What is wrong with a pupil's IIN (already valid on its own: ``ids.parse_iin``), birth date
    and sex taken together. Codes: ``iin_birth_date`` (parameter ``iin_date``: the YYMMDD the IIN
    encodes), ``iin_sex``, ``future_date``; empty when all agree."""
    born = _iso(birth_date)
    out: list[Problem] = []
    if iin and born:
        digit = iin[6]
        century = CENTURY.get(int(digit)) if digit.isdigit() else None
        if iin[:6] != born[2:4] + born[5:7] + born[8:10] or (
            century is not None and century // 100 != int(born[:2])
        ):
            out.append(("birth_date", "iin_birth_date", {"iin_date": iin[:6]}))
        elif century is not None and sex and sex != _sex_of(int(digit)):
            out.append(("sex", "iin_sex", {}))
    if born and born > _iso(today):
        out.append(("birth_date", "future_date", {}))
    return out


def _sex_of(digit: int) -> str:
    return "M" if digit % 2 else "F"


# --- the same in SQL (PostgreSQL), generated from the tables above --------------------------


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def key_part_sql(expr: str) -> str:
    """``key_part`` of an SQL text expression."""
    moved = [(k, v) for k, v in KEY_LETTERS.items() if v and k != v]
    dropped = [k for k, v in KEY_LETTERS.items() if not v]
    source = "".join(k for k, _v in moved) + "".join(dropped)  # translate() deletes the rest
    target = "".join(v for _k, v in moved)
    return (
        f"regexp_replace(translate(coalesce({expr}, ''), {_lit(source)}, {_lit(target)}), "
        f"{_lit(f'[^{KEY_ALPHABET}]+')}, '', 'g')"
    )


def name_key_sql(last_name: str, first_name: str, middle_name: str) -> str:
    """``name_key`` of three SQL text expressions."""
    parts = ", ".join(
        f"NULLIF({key_part_sql(e)}, '')" for e in (last_name, first_name, middle_name)
    )
    return f"left(concat_ws(' ', {parts}), {NAME_KEY_MAX})"


def needs_review_sql(iin: str) -> str:
    """``needs_review`` of an SQL IIN expression (text, NULL when absent)."""
    return f"(coalesce({iin}, '') = '' OR substr({iin}, 7, 1) = {_lit(UNKNOWN_CENTURY)})"


def pupil_problems_sql(*, iin: str, birth_date: str, sex: str, today: dt.date | str) -> str:
    """``pupil_problems`` as an SQL ``text[]`` of ``field:code[:parameter]`` items, for an IIN
    (text), a birth date (date) and a sex (text) expression."""
    digit = f"substr({iin}, 7, 1)"
    century = " ".join(f"WHEN '{d}' THEN {c // 100}" for d, c in sorted(CENTURY.items()))
    sex_of = " ".join(f"WHEN '{d}' THEN '{_sex_of(d)}'" for d in sorted(CENTURY))
    known = f"{digit} IN ({', '.join(_lit(str(d)) for d in sorted(CENTURY))})"
    wrong_date = (
        f"(substr({iin}, 1, 6) <> to_char({birth_date}, 'YYMMDD') OR ({known} AND "
        f"(CASE {digit} {century} END) <> (extract(year FROM {birth_date})::int / 100)))"
    )
    wrong_sex = f"({known} AND {sex} IS NOT NULL AND {sex} <> (CASE {digit} {sex_of} END))"
    both = f"{iin} IS NOT NULL AND {birth_date} IS NOT NULL"
    cross = (
        f"CASE WHEN {both} AND {wrong_date} "
        f"THEN 'birth_date:iin_birth_date:' || substr({iin}, 1, 6) "
        f"WHEN {both} AND {wrong_sex} THEN 'sex:iin_sex' END"
    )
    future = f"CASE WHEN {birth_date} > {_lit(_iso(today))}::date THEN 'birth_date:future_date' END"
    return f"array_remove(ARRAY[{cross}, {future}]::text[], NULL)"
