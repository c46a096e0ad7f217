"""Table-driven validator tests: published examples, near misses, and an independent reference."""

from __future__ import annotations

import random

import polars as pl
import pytest

from shuan.discovery import validators as v


def check(fn: v.Validator, values: list[str]) -> list[bool]:
    return fn(pl.Series("x", values, dtype=pl.Utf8)).to_list()


# --- independent scalar references (written from the standards, not from the module) ----------


def ref_id_check(body17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, weights, strict=False)) % 11]


def ref_luhn_complete(partial: str) -> str:
    for d in "0123456789":
        digits = [int(c) for c in (partial + d)][::-1]
        total = sum(x if i % 2 == 0 else (x * 2 - 9 if x * 2 > 9 else x * 2) for i, x in enumerate(digits))
        if total % 10 == 0:
            return partial + d
    raise AssertionError


USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def ref_uscc_complete(first16: str) -> str:
    """Append the organisation-code check (pos 17) and the GB 32100 check (pos 18)."""
    org = first16[8:16]
    val = {**{str(i): i for i in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}}
    s = sum(val[c] * w for c, w in zip(org, [3, 7, 9, 10, 5, 8, 4, 2], strict=False))
    c17 = 11 - s % 11
    c17s = "X" if c17 == 10 else "0" if c17 == 11 else str(c17)
    body = first16 + c17s
    s2 = sum(USCC_ALPHA.index(c) * w for c, w in zip(body, [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], strict=False))
    return body + USCC_ALPHA[(31 - s2 % 31) % 31]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002X", True),  # GB 11643 standard's example
        ("11010519491231002x".upper(), True),
        ("110105194912310021", False),  # wrong check character
        ("110105194902300025", False),  # 30 February
        ("990105194912310020", False),  # region 99 never existed
        ("370802" + "19900101" + "123" + ref_id_check("37080219900101123"), True),  # 市中区, abolished 2013
        ("110103" + "20200101" + "123" + ref_id_check("11010320200101123"), True),  # 崇文区 code, birth after abolition
        ("110105" + "21000101" + "123" + ref_id_check("11010521000101123"), False),  # born in the future
        ("110105491231002", True),  # 15-digit legacy number
        ("110105491331002", False),  # legacy with month 13
    ],
)
def test_resident_id(value: str, expected: bool) -> None:
    assert check(v.resident_id, [value]) == [expected]


def test_resident_id_random_against_reference() -> None:
    rng = random.Random(1)
    values, expected = [], []
    for _ in range(500):
        body = "370811" + f"{rng.randint(1940, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
        good = rng.random() < 0.5
        check_char = ref_id_check(body)
        if not good:
            check_char = rng.choice([c for c in "0123456789X" if c != check_char])
        values.append(body + check_char)
        expected.append(good)
    assert check(v.resident_id, values) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("91350100M000100Y43", True),  # widely published sample
        (ref_uscc_complete("9137080" + "0" + "MA3C4D5E"), True),
        (ref_uscc_complete("Y1370800" + "12345678"), True),  # position 1 may be a letter
        (ref_uscc_complete("N2370800" + "12345678"), True),
        (ref_uscc_complete("9437080" + "0" + "MA3C4D5E"), False),  # 9 + 4 is not a valid category pair
        ("91350100M000100Y44", False),  # wrong final check
        ("91350100M000100Z43", False),  # Z not in the alphabet
        ("913501001000100Y43", False),  # org-code check broken
    ],
)
def test_uscc(value: str, expected: bool) -> None:
    assert check(v.uscc, [value]) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ref_luhn_complete("622202100112345678"), True),  # ICBC debit, 19 digits
        (ref_luhn_complete("621700123456789"), True),  # CCB, 16 digits
        (ref_luhn_complete("62284812345678901"), True),
        ("6222021001123456780", None),  # computed below: Luhn decides
        ("1234567812345678", False),  # fails Luhn and issuer
    ],
)
def test_bank_card(value: str, expected: bool | None) -> None:
    if expected is None:
        expected = ref_luhn_complete(value[:-1]) == value
    assert check(v.bank_card, [value]) == [expected]


def test_luhn_rejects_single_digit_errors() -> None:
    good = ref_luhn_complete("622848001234567")
    bad = [good[:i] + str((int(good[i]) + 1) % 10) + good[i + 1 :] for i in range(len(good))]
    assert check(v.luhn, [good]) == [True]
    assert not any(check(v.luhn, bad))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1M8GDM9AXKP042788", True), ("1M8GDM9A1KP042788", False), ("LSVAM4187C2184847", None)],
)
def test_vin(value: str, expected: bool | None) -> None:
    result = check(v.vin, [value])[0]
    if expected is not None:
        assert result == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("13812345678", True), ("19912345678", True), ("16612345678", True), ("15412345678", False),
     ("10012345678", False), ("12012345678", False)],
)
def test_mobile_segments(value: str, expected: bool) -> None:
    assert check(v.mobile, [value]) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0537-2345678", True), ("010-12345678", False), ("010-62345678", True), ("(0791)86543210", True),
     ("0999-2345678", True), ("0490-2345678", False), ("0537-0345678", False), ("021-52345678-8001", True)],
)
def test_landline(value: str, expected: bool) -> None:
    assert check(v.landline, [value]) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("192.168.1.10", True), ("256.1.1.1", False), ("10.01.1.1", False), ("0.0.0.0", False), ("2001:db8::1", True)],
)
def test_ip(value: str, expected: bool) -> None:
    assert check(v.ip, [value]) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("116.397128,39.916527", True), ("39.916527,116.397128", True), ("-74.0060,40.7128", False),
     ("150.1234,10.5678", False), ("116.397128, 39.916527", True), ("116.397128 ，  39.916527", True),
     ("116.397128 39.916527", True), ("116.3971,-39.9165", False), ("73.4000,3.5000", True),
     ("73.3999,3.5000", False), ("135.1000,53.6000", True), ("135.1001,53.6000", False)],
)
def test_coordinates(value: str, expected: bool) -> None:
    assert check(v.coordinate_pair, [value]) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1985-03-12", True), ("19850312", True), ("1985年3月12日", True), ("1985-02-30", False),
     ("2999-01-01", False), ("1850-01-01", False), ("2000-02-29", True), ("1900-02-29", False)],
)
def test_dates(value: str, expected: bool) -> None:
    assert check(v.birth_date, [value]) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("J18.900", True), ("E11.9", True), ("U07.1", True), ("U99.1", False), ("D49.1", False)],
)
def test_icd10(value: str, expected: bool) -> None:
    assert check(v.icd10, [value]) == [expected]


def test_empty_input() -> None:
    assert check(v.resident_id, []) == []
    assert check(v.uscc, []) == []
