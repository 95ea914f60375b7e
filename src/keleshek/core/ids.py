"""Kazakhstan identifiers: IIN, BIN and KATO codes (DOMAIN.md, section 3).

A pure module: no Django. Each validator returns a parsed value or raises ``IdentifierError``
with a machine code and an English message; the UI translates by code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


class IdError(StrEnum):
    FORMAT = "format"
    CHECK_DIGIT = "check_digit"
    UNISSUABLE = "unissuable"
    DATE = "date"
    CENTURY = "century"
    ENTITY_TYPE = "entity_type"
    KATO_FORMAT = "kato_format"
    KATO_PARENT = "kato_parent"
    IBAN_FORMAT = "iban_format"
    IBAN_LENGTH = "iban_length"
    IBAN_CHECKSUM = "iban_checksum"


MESSAGES: dict[IdError, str] = {
    IdError.FORMAT: "must be exactly 12 digits",
    IdError.CHECK_DIGIT: "check digit does not match",
    IdError.UNISSUABLE: "no valid check digit exists for these digits",
    IdError.DATE: "digits 1-6 are not a real date (YYMMDD)",
    IdError.CENTURY: "digit 7 must be 0-6 (century and sex)",
    IdError.ENTITY_TYPE: "digit 5 must be 4, 5 or 6 (entity type)",
    IdError.KATO_FORMAT: "KATO code must be exactly 9 digits",
    IdError.KATO_PARENT: "KATO code does not carry its parent's significant digits",
    IdError.IBAN_FORMAT: "an IBAN is two letters, two check digits and letters or digits",
    IdError.IBAN_LENGTH: "a Kazakhstan IBAN (KZ) has exactly 20 characters",
    IdError.IBAN_CHECKSUM: "the IBAN check digits do not match (ISO 13616, mod 97)",
}


class IdentifierError(ValueError):
    def __init__(self, kind: str, code: IdError, value: str) -> None:
        self.kind = kind
        self.code = code
        self.value = value
        super().__init__(f"{kind} {value!r}: {MESSAGES[code]}")


def check_digit(first11: str) -> int | None:
    """The 12th digit for 11 digits, or None if both weight sets give 10 (cannot be issued)."""
    digits = [int(c) for c in first11]
    s = sum(d * w for d, w in zip(digits, _W1, strict=True)) % 11
    if s == 10:
        s = sum(d * w for d, w in zip(digits, _W2, strict=True)) % 11
        if s == 10:
            return None
    return s


def _check_12(kind: str, value: str) -> str:
    value = value.strip()
    if len(value) != 12 or not value.isdigit():
        raise IdentifierError(kind, IdError.FORMAT, value)
    cd = check_digit(value[:11])
    if cd is None:
        raise IdentifierError(kind, IdError.UNISSUABLE, value)
    if cd != int(value[11]):
        raise IdentifierError(kind, IdError.CHECK_DIGIT, value)
    return value


@dataclass(frozen=True)
class IinInfo:
    iin: str
    birth_date: dt.date | None  # None when the century digit is 0 (needs manual review)
    sex: str | None  # "M" / "F"; None when unknown
    needs_review: bool


# IIN digit 7: the birth century (odd digits men, even women); 0: not stated (manual review)
CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def parse_iin(value: str) -> IinInfo:
    """Validate an IIN and return the birth date and sex encoded in it.

    Digit 7 = 0 is issued to some foreign nationals: the century is unknown, so the number is
    accepted for manual review instead of silently guessing a birth date.
    """
    value = _check_12("IIN", value)
    century_digit = int(value[6])
    if century_digit == 0:
        # The date must still be plausible in some century.
        for base in (2000, 1900):
            try:
                dt.date(base + int(value[0:2]), int(value[2:4]), int(value[4:6]))
                break
            except ValueError:
                continue
        else:
            raise IdentifierError("IIN", IdError.DATE, value)
        return IinInfo(value, None, None, True)
    if century_digit not in CENTURY:
        raise IdentifierError("IIN", IdError.CENTURY, value)
    try:
        born = dt.date(CENTURY[century_digit] + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        raise IdentifierError("IIN", IdError.DATE, value) from None
    return IinInfo(value, born, "M" if century_digit % 2 else "F", False)


def is_valid_iin(value: str) -> bool:
    try:
        parse_iin(value)
    except IdentifierError:
        return False
    return True


def make_iin(born: dt.date, sex: str, serial: int) -> str | None:
    """Build a valid IIN (for synthetic data and tests); None if the serial cannot be issued."""
    base = {1800: 1, 1900: 3, 2000: 5}[born.year // 100 * 100]
    digit7 = base if sex == "M" else base + 1
    first11 = f"{born:%y%m%d}{digit7}{serial:04d}"
    cd = check_digit(first11)
    return None if cd is None else f"{first11}{cd}"


@dataclass(frozen=True)
class BinInfo:
    bin: str
    registered: str  # "YYMM"
    entity_type: int  # 4 resident, 5 non-resident, 6 joint individual entrepreneurship
    unit: int  # 0 head, 1 branch, 2 representative office, 3 peasant farm


def parse_bin(value: str) -> BinInfo:
    value = _check_12("BIN", value)
    if int(value[2:4]) > 12:
        raise IdentifierError("BIN", IdError.DATE, value)
    if value[4] not in "456":
        raise IdentifierError("BIN", IdError.ENTITY_TYPE, value)
    return BinInfo(value, value[0:4], int(value[4]), int(value[5]))


def is_valid_bin(value: str) -> bool:
    try:
        parse_bin(value)
    except IdentifierError:
        return False
    return True


def make_bin(yymm: str, serial: int, entity_type: int = 4, unit: int = 0) -> str | None:
    first11 = f"{yymm}{entity_type}{unit}{serial:05d}"
    cd = check_digit(first11)
    return None if cd is None else f"{first11}{cd}"


@dataclass(frozen=True)
class Kato:
    code: str

    @property
    def oblast(self) -> str:
        return self.code[0:2]

    @property
    def district(self) -> str:
        return self.code[2:4]

    @property
    def okrug(self) -> str:
        return self.code[4:6]

    @property
    def settlement(self) -> str:
        return self.code[6:9]


def parse_kato(value: str) -> Kato:
    value = value.strip()
    if len(value) != 9 or not value.isdigit():
        raise IdentifierError("KATO", IdError.KATO_FORMAT, value)
    return Kato(value)


# The groups of a KATO code: AB (oblast), CD (district / city), EF (rural okrug), HIJ (settlement).
KATO_GROUPS = ((0, 2), (2, 4), (4, 6), (6, 9))


def kato_significant(code: str) -> str:
    """The digits that name a unit: its code without the trailing all-zero groups
    (``630000000`` -> ``63``, ``631000000`` -> ``6310``, ``631010000`` -> ``631010``)."""
    kato = parse_kato(code).code
    end = 0
    for start, stop in KATO_GROUPS:
        if kato[start:stop].strip("0"):
            end = stop
    return kato[:end]


def check_kato_child(child: str, parent: str) -> Kato:
    """A child's code starts with its parent's significant digits and is not the parent's own
    (DOMAIN.md section 2); raises ``IdentifierError`` otherwise."""
    kato = parse_kato(child)
    prefix = kato_significant(parent)
    if not kato.code.startswith(prefix) or kato.code == parse_kato(parent).code:
        raise IdentifierError("KATO", IdError.KATO_PARENT, kato.code)
    return kato


# --- IBAN (ISO 13616) -----------------------------------------------------------------------

IBAN_LENGTHS = {"KZ": 20}  # the countries whose length is checked; others: 15-34


def _iban_mod97(iban: str) -> int:
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97


def parse_iban(value: str) -> str:
    """Validate an IBAN: spaces removed, upper-cased, the country's length (KZ: 20) and the
    ISO 13616 mod-97 check (the number read with A=10 ... Z=35 after moving the first four
    characters to the end leaves 1). Returns the normalised IBAN."""
    iban = "".join(value.split()).upper()
    if (
        len(iban) < 15
        or len(iban) > 34
        or not iban[:2].isalpha()
        or not iban[:2].isascii()
        or not iban[2:4].isdigit()
        or not (iban.isascii() and iban.isalnum())
    ):
        raise IdentifierError("IBAN", IdError.IBAN_FORMAT, value)
    if len(iban) != IBAN_LENGTHS.get(iban[:2], len(iban)):
        raise IdentifierError("IBAN", IdError.IBAN_LENGTH, value)
    if _iban_mod97(iban) != 1:
        raise IdentifierError("IBAN", IdError.IBAN_CHECKSUM, value)
    return iban


def make_iban(country: str, bban: str) -> str:
    """An IBAN with its check digits computed (synthetic data and tests)."""
    check = 98 - _iban_mod97(f"{country}00{bban}")
    return f"{country}{check:02d}{bban}"
