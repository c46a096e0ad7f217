"""The fake generator is the benchmark's ground truth: check it with checkers written here, from the
standards, independently of both shuan.discovery and the generator's own helpers."""

from __future__ import annotations

import re
from datetime import date

import pytest

from shuan.demo.fake import COUNTIES, ETHNICITIES, NEGATIVE_KINDS, TYPE_IDS, Fake

N = 400

# -- independent checkers ---------------------------------------------------------------------------

PROVINCES = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
             "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"}  # fmt: skip


def gb11643_ok(s: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", s) or s[:2] not in PROVINCES:
        return False
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    return "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], weights, strict=True)) % 11] == s[17]


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_PAIRS = {"11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39", "41", "49", "51", "52", "53",
              "59", "61", "62", "69", "71", "72", "79", "81", "89", "91", "92", "93", "A1", "A9", "N1", "N2", "N3",
              "N9", "Y1"}  # fmt: skip


def gb32100_ok(s: str) -> bool:
    if len(s) != 18 or any(c not in USCC_CHARS for c in s) or not s[2:8].isdigit():
        return False
    if s[:2] not in USCC_PAIRS:
        return False
    org = s[8:17]
    org_sum = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(org[:8], [3, 7, 9, 10, 5, 8, 4, 2], strict=True)
    )
    c9 = 11 - org_sum % 11
    if org[8] != {10: "X", 11: "0"}.get(c9, str(c9)):
        return False
    weights = [3**i % 31 for i in range(17)]  # = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(s[:17], weights, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31] == s[17]


def luhn(s: str) -> bool:
    digits = [int(c) for c in s]
    odd = digits[-1::-2]
    even = [sum(divmod(2 * d, 10)) for d in digits[-2::-2]]
    return (sum(odd) + sum(even)) % 10 == 0


def vin_ok(s: str) -> bool:
    if not re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", s):
        return False
    trans = {c: (i % 9) + 1 for i, c in enumerate("ABCDEFGHI")} | {
        c: (i % 9) + 1 for i, c in enumerate("JKLMNOPQR")
    }
    trans |= {c: i + 2 for i, c in enumerate("STUVWXYZ")}
    trans |= {str(d): d for d in range(10)}
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    r = sum(trans[c] * w for c, w in zip(s, weights, strict=True)) % 11
    return s[8] == ("X" if r == 10 else str(r))


MOBILE = re.compile(r"1(3\d|4[579]|5[0-35-9]|6[2567]|7[01235678]|8\d|9[0-35-9])\d{8}")


def mobile_digits(s: str) -> str:
    s = re.sub(r"[\s-]", "", s)
    return s[3:] if s.startswith("+86") else s


# -- positives --------------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Fake:
    return Fake(12345)


def test_every_vocabulary_type_has_a_generator(fake: Fake) -> None:
    assert len(TYPE_IDS) == 19
    for t in TYPE_IDS:
        assert fake.value(t), t
    with pytest.raises(KeyError):
        fake.value("no_such_type")


def test_resident_ids_are_valid_and_agree_with_person(fake: Fake) -> None:
    for _ in range(N):
        assert gb11643_ok(fake.resident_id())
        p = fake.person()
        assert gb11643_ok(p.resident_id)
        assert p.resident_id[6:14] == p.birth.strftime("%Y%m%d")
        assert (int(p.resident_id[16]) % 2 == 1) == (p.gender == "男")
        assert 1930 <= p.birth.year <= 2023


def test_resident_ids_use_real_and_abolished_codes(fake: Fake) -> None:
    codes = {c.code for c in COUNTIES}
    assert len(codes) >= 150 and {"370802", "110103"} <= codes
    assert len({c.code[:2] for c in COUNTIES}) == 31  # every province-level division
    seen = {fake.resident_id()[:6] for _ in range(3000)}
    assert seen <= codes
    assert seen & {c.code for c in COUNTIES if c.abolished}
    assert any(fake.resident_id()[17] == "X" for _ in range(300))


def test_uscc_valid_both_checks(fake: Fake) -> None:
    values = [fake.uscc() for _ in range(N)]
    assert all(gb32100_ok(v) for v in values), [v for v in values if not gb32100_ok(v)][:3]
    assert {v[0] for v in values} >= {"9", "1", "5", "A", "N", "Y"}
    assert any(v[8:10] == "MA" for v in values)


def test_bank_cards_luhn_and_bins(fake: Fake) -> None:
    values = [fake.bank_card() for _ in range(N)]
    assert all(v.isdigit() and 16 <= len(v) <= 19 and luhn(v) for v in values)
    assert {len(v) for v in values} >= {16, 19}
    assert all(v.startswith("62") for v in values)
    grouped = fake.bank_card(grouped=True)
    assert " " in grouped and luhn(grouped.replace(" ", ""))


def test_mobiles_and_formats(fake: Fake) -> None:
    values = [fake.mobile() for _ in range(N)]
    assert all(MOBILE.fullmatch(mobile_digits(v)) for v in values)
    assert any(v.startswith("+86") for v in values)
    assert any("-" in v for v in values)
    assert all(MOBILE.fullmatch(fake.mobile(formatted=False)) for _ in range(100))


def test_vins_check_digit(fake: Fake) -> None:
    values = [fake.vin() for _ in range(N)]
    assert all(vin_ok(v) and v[0] == "L" for v in values)
    assert any(v[8] == "X" for v in values)


@pytest.mark.parametrize(
    ("type_id", "pattern"),
    [
        ("cn_landline", r"0\d{2,3}-[2-8]\d{6,7}(-\d{4})?|\(0\d{2,3}\)[2-8]\d{6,7}|0\d{2,3} ?[2-8]\d{6,7}"),
        ("email", r"[a-z0-9._]+@[a-z0-9.]+\.[a-z]{2,}"),
        ("cn_passport", r"[EG]\d{8}|E[A-HJ-NP-Z]\d{7}"),
        ("cn_hkmo_permit", r"C\d{8}|C[A-HJ-NP-Z]\d{7}"),
        ("cn_license_plate", r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]·?"
                             r"([0-9A-HJ-NP-Z]{5}|[DF][0-9A-HJ-NP-Z]\d{4}|\d{5}[DF])"),
        ("ip_address", r"(\d{1,3}\.){3}\d{1,3}|[0-9a-f]{4}(:[0-9a-f]{1,4}){3,7}(::[0-9a-f]{1,4})?"),
        ("mac_address", r"([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{12}"),
        ("geo_coordinate", r"1?\d{2}\.\d{6}, ?\d{2}\.\d{6}"),
        ("birth_date", r"\d{4}-\d{2}-\d{2}|\d{8}|\d{4}年\d{1,2}月\d{1,2}日|\d{4}/\d{2}/\d{2}|\d{4}\.\d{2}\.\d{2}"),
        ("gender", r"男|女|男性|女性|未知"),
        ("medical_info", r"[A-Z]\d{2}(\.[0-9x]{1,3}(x\d{3})?)?|[\u4e00-\u9fff0-9型级]+"),
    ],
)  # fmt: skip
def test_formats(fake: Fake, type_id: str, pattern: str) -> None:
    rx = re.compile(pattern)
    values = [fake.value(type_id) for _ in range(N)]
    bad = [v for v in values if not rx.fullmatch(v)]
    assert not bad, bad[:5]


def test_coordinates_inside_china(fake: Fake) -> None:
    for _ in range(N):
        lon, lat = (float(x) for x in fake.geo_coordinate().split(","))
        assert 73.5 <= lon <= 135.0 and 18.0 <= lat <= 53.5


def test_plates_include_new_energy_and_dots(fake: Fake) -> None:
    values = [fake.license_plate() for _ in range(1000)]
    assert any("·" in v for v in values)
    assert any(len(v.replace("·", "")) == 8 for v in values)  # new-energy plates are one longer


def test_names_addresses_ethnicities(fake: Fake) -> None:
    names = [fake.person_name() for _ in range(2000)]
    assert all(2 <= len(n) <= 12 for n in names)
    assert any("·" in n for n in names)
    assert any(
        n[:2] in ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "公孙")
        for n in names
    )
    assert len(ETHNICITIES) == 56 and len(set(ETHNICITIES)) == 56
    assert all(fake.ethnicity() in ETHNICITIES for _ in range(100))
    addresses = [fake.address() for _ in range(500)]
    assert all(re.search(r"\d+(号|室)$|\d{3,4}$", a) for a in addresses), addresses[:5]
    assert any("村" in a and "组" in a for a in addresses)
    assert any(a.startswith(("山东省", "北京市", "广东省", "四川省")) for a in addresses)
    assert fake.address(style=2).count("号") == 1


# -- negatives --------------------------------------------------------------------------------------


def test_bad_resident_ids_fail_gb11643(fake: Fake) -> None:
    values = [fake.bad_resident_id() for _ in range(N)]
    assert all(len(v) == 18 and v.isdigit() and not gb11643_ok(v) for v in values)
    assert any(v[:2] in ("99", "00") for v in values)


def test_non_luhn_numbers(fake: Fake) -> None:
    values = [fake.non_luhn_number() for _ in range(N)]
    assert all(v.isdigit() and 16 <= len(v) <= 19 and not luhn(v) for v in values)
    assert not any(gb11643_ok(v) for v in values)


def test_uscc_lookalikes_fail(fake: Fake) -> None:
    values = [fake.uscc_lookalike() for _ in range(N)]
    assert all(len(v) == 18 and not gb32100_ok(v) for v in values)


def test_non_mobiles(fake: Fake) -> None:
    values = [fake.non_mobile_11() for _ in range(N)]
    assert all(len(v) == 11 and v.isdigit() and not MOBILE.fullmatch(v) for v in values)


def test_other_negatives_hold_no_identifier(fake: Fake) -> None:
    for kind in NEGATIVE_KINDS:
        for _ in range(200):
            v = fake.negative(kind)
            for token in re.findall(r"(?<![0-9A-Za-z])\d{11,}(?![0-9A-Za-z])", v):
                assert not gb11643_ok(token) and not (16 <= len(token) <= 19 and luhn(token)), (kind, v)
                assert not (len(token) == 11 and MOBILE.fullmatch(token)), (kind, v)
    districts = {fake.district_name() for _ in range(200)}
    assert not any(re.search(r"\d", d) for d in districts)
    companies = [fake.company_name() for _ in range(200)]
    assert all(c.endswith(("公司", "局", "委员会")) for c in companies)
    dates = [fake.event_datetime() for _ in range(200)]
    assert all(2019 <= int(d[:4]) <= 2025 and ":" in d for d in dates)


def test_dirty_variants(fake: Fake) -> None:
    seen = {fake.dirty("13812345678") for _ in range(500)}
    assert {"NULL", "-", "无", ""} <= seen
    assert "１３８１２３４５６７８" in seen
    assert any(v != v.strip() and v.strip() == "13812345678" for v in seen)


# -- determinism ------------------------------------------------------------------------------------


def _sample(seed: int) -> list[str]:
    f = Fake(seed)
    return [f.value(t) for t in TYPE_IDS for _ in range(5)] + [f.negative(k) for k in NEGATIVE_KINDS]


def test_deterministic_by_seed() -> None:
    assert _sample(7) == _sample(7)
    assert _sample(7) != _sample(8)
    assert Fake("a").person() == Fake("a").person()
