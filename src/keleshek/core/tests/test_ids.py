"""IIN, BIN and KATO validation: every vector in DOMAIN.md plus properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keleshek.core.ids import (
    IdentifierError,
    IdError,
    check_digit,
    is_valid_bin,
    is_valid_iin,
    make_bin,
    make_iin,
    parse_bin,
    parse_iin,
    parse_kato,
)


@pytest.mark.parametrize(
    ("iin", "born", "sex"),
    [
        ("921029350851", dt.date(1992, 10, 29), "M"),
        ("040412500083", dt.date(2004, 4, 12), "M"),
        ("061211600012", dt.date(2006, 12, 11), "F"),
    ],
)
def test_valid_iin_vectors(iin: str, born: dt.date, sex: str) -> None:
    info = parse_iin(iin)
    assert (info.birth_date, info.sex, info.needs_review) == (born, sex, False)


@pytest.mark.parametrize(
    ("iin", "code"),
    [
        ("921029350852", IdError.CHECK_DIGIT),
        ("921529350859", IdError.DATE),
        ("921029950850", IdError.CENTURY),
        ("821214240092", IdError.UNISSUABLE),
        ("92102935085", IdError.FORMAT),
        ("92102935085a", IdError.FORMAT),
    ],
)
def test_invalid_iin_vectors(iin: str, code: IdError) -> None:
    with pytest.raises(IdentifierError) as err:
        parse_iin(iin)
    assert err.value.code == code


def test_second_weight_set_is_used_for_the_domain_vectors() -> None:
    # Both vectors are documented as needing the second weight set: first sum is 10.
    for iin in ("040412500083", "061211600012"):
        first = sum(int(d) * w for d, w in zip(iin[:11], range(1, 12), strict=True)) % 11
        assert first == 10
        assert check_digit(iin[:11]) == int(iin[11])


def test_century_digit_zero_goes_to_manual_review() -> None:
    first11 = "9210290" + "5085"
    cd = check_digit(first11)
    assert cd is not None
    info = parse_iin(first11 + str(cd))
    assert info.needs_review is True
    assert info.birth_date is None


def test_bin_vectors() -> None:
    assert is_valid_bin("940140000385")
    assert is_valid_bin("990140004654")
    assert not is_valid_bin("940140000386")
    assert parse_bin("940140000385").entity_type == 4


def test_bin_rejects_wrong_entity_type() -> None:
    first11 = "94017" + "000038"
    cd = check_digit(first11)
    assert cd is not None
    with pytest.raises(IdentifierError) as err:
        parse_bin(first11 + str(cd))
    assert err.value.code == IdError.ENTITY_TYPE


def test_kato() -> None:
    k = parse_kato("631010000")
    assert (k.oblast, k.district, k.okrug, k.settlement) == ("63", "10", "10", "000")
    for bad in ("63101000", "6310100000", "63101000x"):
        with pytest.raises(IdentifierError):
            parse_kato(bad)


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


@given(born=dates, sex=st.sampled_from(["M", "F"]), serial=st.integers(0, 9999))
def test_generated_iins_validate_and_round_trip(born: dt.date, sex: str, serial: int) -> None:
    iin = make_iin(born, sex, serial)
    if iin is None:  # these 11 digits cannot be issued
        return
    info = parse_iin(iin)
    assert (info.birth_date, info.sex) == (born, sex)


def _first_sum(digits11: str) -> int:
    return sum(int(d) * w for d, w in zip(digits11, range(1, 12), strict=True)) % 11


@given(
    born=dates,
    serial=st.integers(0, 9999),
    pos=st.integers(0, 11),
    delta=st.integers(1, 9),
)
def test_single_digit_changes_are_caught_except_the_algorithms_blind_spots(
    born: dt.date, serial: int, pos: int, delta: int
) -> None:
    """A one-digit typo is caught unless the mod-11 scheme itself cannot see it: digit 11 has
    weight 11 = 0 (mod 11) in the first weight set, and a change that moves the first sum to or
    from 10 switches to the second weight set, which may coincide. Those are properties of the
    national algorithm, not of this code; the property below states exactly that."""
    iin = make_iin(born, "F", serial)
    if iin is None:
        return
    changed = iin[:pos] + str((int(iin[pos]) + delta) % 10) + iin[pos + 1 :]
    if is_valid_iin(changed):
        assert pos == 10 or 10 in (_first_sum(iin[:11]), _first_sum(changed[:11]))


def test_the_eleventh_digit_blind_spot_is_real() -> None:
    # Documented above: the first weight set ignores digit 11, so this typo passes.
    assert is_valid_iin("000101600018")
    assert is_valid_iin(make_iin(dt.date(2000, 1, 1), "F", 0) or "")


@given(yymm=st.from_regex(r"\A[0-9]{2}(0[1-9]|1[0-2])\Z"), serial=st.integers(0, 99999))
def test_generated_bins_validate(yymm: str, serial: int) -> None:
    b = make_bin(yymm, serial)
    if b is None:
        return
    assert is_valid_bin(b)


# --- IBAN (issue 17) ------------------------------------------------------------------------


def test_iban_checksum_and_kz_length() -> None:
    from keleshek.core.ids import IdentifierError, IdError, make_iban, parse_iban

    # the ISO 13616 example and a Kazakhstan IBAN of the published form KZkk bbbc cccc cccc cccc
    assert parse_iban("GB82 WEST 1234 5698 7654 32") == "GB82WEST12345698765432"
    kz = make_iban("KZ", "125KZT5004100100")
    assert len(kz) == 20
    assert parse_iban(kz.lower()) == kz
    assert kz == "KZ86125KZT5004100100"
    for bad, code in [
        ("KZ87125KZT5004100100", IdError.IBAN_CHECKSUM),  # check digits off by one
        ("KZ86125KZT5004100101", IdError.IBAN_CHECKSUM),  # a digit changed
        ("KZ86125KZT500410010", IdError.IBAN_LENGTH),  # 19 characters
        (make_iban("KZ", "125KZT50041001001"), IdError.IBAN_LENGTH),  # 21, valid checksum
        ("KZ8612-KZT5004100100", IdError.IBAN_FORMAT),
        ("1286125KZT5004100100", IdError.IBAN_FORMAT),
        ("", IdError.IBAN_FORMAT),
    ]:
        with pytest.raises(IdentifierError) as e:
            parse_iban(bad)
        assert e.value.code == code, bad
