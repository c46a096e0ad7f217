"""Leak tracing, the pure part (issue 5 item 6): fingerprints survive a 10 % row sample, shuffling, dropped
columns and CSV/XLSX round trips; unmarked files, other recipients' files and too-small samples are never
attributed; marked values stay valid; the p-values are what the docstring says they are."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest

from shuan.demo.fake import Fake
from shuan.discovery import validators
from shuan.protect.tracing import (
    GAMMA,
    _tail_log_space,
    binomial_tail_log10,
    detect,
    embed,
    format_p,
    observe,
)
from shuan.sources import open_source

RECIPIENTS = 50


def keys(n: int = RECIPIENTS, seed: int = 0) -> dict[str, bytes]:
    rng = random.Random(seed)
    return {f"department:{i + 1}": rng.randbytes(32) for i in range(n)}


def masked_extract(rows: int = 2000, seed: int = 1) -> pl.DataFrame:
    """A masked government extract as a department would receive it (all text, as read from a CSV)."""
    fake = Fake(seed)
    rng = random.Random(seed)
    data: dict[str, list[str]] = {k: [] for k in (
        "序号", "姓名", "身份证号", "手机号", "证件号码", "统一社会信用代码", "居住地址", "经度", "纬度", "补贴金额",
        "设备MAC", "备注", "登记日期", "出生年月", "人数")}
    for i in range(rows):
        name = fake.person_name()
        rid = fake.resident_id()
        mobile = fake.mobile(formatted=False)
        lon, lat = fake.lon_lat()
        address = fake.address()
        if rng.random() < 0.5:
            address += rng.choice(("（东门）", "（北区）", "，近地铁站", "（临时住所）"))
        data["序号"].append(str(i + 1))
        data["姓名"].append(name[0] + "*" * (len(name) - 1))
        data["身份证号"].append(rid[:6] + "*" * 8 + rid[-4:])
        data["手机号"].append(mobile[:3] + "****" + mobile[-4:])
        data["证件号码"].append(rid)
        data["统一社会信用代码"].append(fake.uscc())
        data["居住地址"].append(address)
        data["经度"].append(f"{lon:.6f}")
        data["纬度"].append(f"{lat:.6f}")
        data["补贴金额"].append(fake.money())
        data["设备MAC"].append(fake.mac_address())
        data["备注"].append(fake.remark())
        data["登记日期"].append(fake.event_date())
        data["出生年月"].append(f"{rng.randrange(1950, 2010)}.{rng.randrange(1, 13):02d}")
        data["人数"].append(str(rng.randrange(1, 9)))
    return pl.DataFrame(data)


TYPES = {"证件号码": ["cn_resident_id"], "统一社会信用代码": ["cn_uscc"], "经度": ["geo_coordinate"],
         "纬度": ["geo_coordinate"], "设备MAC": ["mac_address"], "居住地址": ["address"],
         "登记日期": ["birth_date"], "出生年月": ["birth_date"]}
CARRIERS = ("居住地址", "经度", "纬度", "补贴金额", "设备MAC", "备注")


@pytest.fixture(scope="module")
def extract() -> pl.DataFrame:
    return masked_extract()


@pytest.fixture(scope="module")
def candidates() -> dict[str, bytes]:
    return keys()


@pytest.fixture(scope="module")
def copies(extract: pl.DataFrame, candidates: dict[str, bytes]) -> dict[str, pl.DataFrame]:
    """Three recipients' fingerprinted copies."""
    return {label: embed(extract, candidates[label], TYPES).frame
            for label in ("department:7", "department:8", "department:50")}


# -- what a leaker does to a copy ------------------------------------------------------------------------


def sample(frame: pl.DataFrame, share: float, seed: int, drop: tuple[str, ...] = ()) -> pl.DataFrame:
    """A random row sample, shuffled, without the dropped columns (and with the rest reordered)."""
    rng = random.Random(seed)
    rows = frame.sample(fraction=share, shuffle=True, seed=seed)
    kept = [c for c in frame.columns if c not in drop]
    rng.shuffle(kept)
    return rows.select(kept)


def via_csv(frame: pl.DataFrame, tmp: Path) -> pl.DataFrame:
    path = tmp / "leak.csv"
    frame.write_csv(path)
    return read(path)


def via_xlsx_text(frame: pl.DataFrame, tmp: Path) -> pl.DataFrame:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(frame.columns)
    for row in frame.iter_rows():
        ws.append(list(row))
    path = tmp / "leak.xlsx"
    wb.save(path)
    return read(path)


def via_xlsx_numbers(frame: pl.DataFrame, tmp: Path) -> pl.DataFrame:
    """As a spreadsheet program saves a CSV it opened: numbers become numbers (12.50 → 12.5, 1,234.56 → 1234.56)."""
    from openpyxl import Workbook

    def cell(value: object) -> object:
        if isinstance(value, str):
            text = value.replace(",", "") if value.replace(",", "").replace(".", "", 1).isdigit() else value
            try:
                return float(text) if "." in text else int(text) if text.isdigit() and len(text) < 12 else value
            except ValueError:
                return value
        return value

    wb = Workbook()
    ws = wb.active
    ws.append(frame.columns)
    for row in frame.iter_rows():
        ws.append([cell(v) for v in row])
    path = tmp / "leak_numbers.xlsx"
    wb.save(path)
    return read(path)


def via_parquet_floats(frame: pl.DataFrame, tmp: Path) -> pl.DataFrame:
    """Decimals retyped as floats (as pandas would) and saved as Parquet."""
    out = frame.with_columns(
        [pl.col(c).str.replace_all(",", "").cast(pl.Float64, strict=False) for c in ("补贴金额", "经度", "纬度")
         if c in frame.columns])
    path = tmp / "leak.parquet"
    out.write_parquet(path)
    return read(path)


def read(path: Path) -> pl.DataFrame:
    with open_source(str(path)) as source:
        (name,) = source.tables()
        batches = list(source.open_table(name, sample=None, batch_rows=100_000).batches())
    got = pl.from_arrow(pa.Table.from_batches(batches))
    assert isinstance(got, pl.DataFrame)
    return got


def same(frame: pl.DataFrame, tmp: Path) -> pl.DataFrame:
    return frame


Transform = Callable[[pl.DataFrame, Path], pl.DataFrame]

# (case, row share, dropped columns, re-encoding)
ROBUSTNESS: list[tuple[str, float, tuple[str, ...], Transform]] = [
    ("10% rows, shuffled", 0.10, (), same),
    ("10% rows, shuffled, half the columns dropped", 0.10, ("序号", "经度", "设备MAC", "备注", "身份证号", "人数", "登记日期"), same),
    ("10% rows, dropped columns, CSV round trip", 0.10, ("纬度", "居住地址", "手机号"), via_csv),
    ("10% rows, dropped columns, XLSX round trip (text cells)", 0.10, ("补贴金额", "备注"), via_xlsx_text),
    ("10% rows, dropped columns, XLSX with numbers as numbers", 0.10, ("居住地址", "备注", "设备MAC"),
     via_xlsx_numbers),
    ("10% rows, decimals retyped as floats, Parquet", 0.10, ("居住地址", "备注", "设备MAC"), via_parquet_floats),
    ("10% rows, only the amount column left", 0.10, tuple(c for c in CARRIERS if c != "补贴金额"), via_csv),
    ("10% rows, only the address column left", 0.10, tuple(c for c in CARRIERS if c != "居住地址"), via_xlsx_text),
    ("10% rows, only the MAC column left", 0.10, tuple(c for c in CARRIERS if c != "设备MAC"), via_csv),
    # remarks repeat (a few hundred distinct phrases): more rows are needed for as many distinct marks
    ("half the rows, only the remarks left", 0.5, tuple(c for c in CARRIERS if c != "备注"), via_csv),
    ("5% rows, shuffled, CSV", 0.05, ("序号",), via_csv),
]


@pytest.mark.parametrize(("case", "share", "drop", "transform"), ROBUSTNESS, ids=[r[0] for r in ROBUSTNESS])
def test_the_right_recipient_is_named(copies: dict[str, pl.DataFrame], candidates: dict[str, bytes],
                                      tmp_path: Path, case: str, share: float, drop: tuple[str, ...],
                                      transform: Transform) -> None:
    for i, label in enumerate(copies):
        leaked = transform(sample(copies[label], share, seed=100 + i, drop=drop), tmp_path)
        result = detect(leaked, candidates)
        found = result.recipient
        assert found is not None and found.recipient == label, (case, result.best)
        assert found.matches == found.marks >= 26, case  # nothing lost in the round trip
        assert found.log10_p <= result.threshold_log10 == pytest.approx(math.log10(1e-6 / RECIPIENTS))
        assert result.attributed == (found,), case  # nobody else passes


def test_an_unmarked_file_is_attributed_to_nobody(extract: pl.DataFrame, candidates: dict[str, bytes],
                                                  tmp_path: Path) -> None:
    for seed in range(5):
        result = detect(via_csv(sample(extract, 0.5, seed), tmp_path), candidates)
        assert result.recipient is None and result.positions > 1000
        assert result.best is not None and result.best.log10_p > result.threshold_log10


def test_another_recipients_file_is_not_attributed(copies: dict[str, pl.DataFrame],
                                                   candidates: dict[str, bytes]) -> None:
    """The whole copy of department 7, scored against everyone except department 7: nobody is named."""
    others = {k: v for k, v in candidates.items() if k != "department:7"}
    result = detect(copies["department:7"], others)
    assert result.recipient is None
    assert result.best is not None and result.best.log10_p > -5  # an ordinary H0 p-value
    # and with department 7 among the candidates, it is department 7 and only it
    assert [s.recipient for s in detect(copies["department:7"], candidates).attributed] == ["department:7"]


def test_a_merged_file_names_both(copies: dict[str, pl.DataFrame], candidates: dict[str, bytes]) -> None:
    merged = pl.concat([sample(copies["department:7"], 0.1, 1), sample(copies["department:8"], 0.1, 2)
                        .select(sample(copies["department:7"], 0.1, 1).columns)])
    assert {s.recipient for s in detect(merged, candidates).attributed} == {"department:7", "department:8"}


@pytest.mark.parametrize("rows", [0, 1, 3, 8])
def test_too_small_a_sample_says_none_found(copies: dict[str, pl.DataFrame], candidates: dict[str, bytes],
                                            rows: int) -> None:
    leaked = copies["department:50"].sample(n=rows, seed=rows).select("补贴金额", "姓名")
    result = detect(leaked, candidates)
    assert result.recipient is None and result.attributed == ()
    if result.best is not None and result.best.marks:
        assert result.best.log10_p > result.threshold_log10  # 2^-n is not small enough for few marks


def test_no_carriers_no_attribution(extract: pl.DataFrame, candidates: dict[str, bytes]) -> None:
    result = detect(extract.select("序号", "姓名", "身份证号", "手机号", "证件号码", "登记日期"), candidates)
    assert result.positions == 0 and result.cells == 0 and result.recipient is None


def test_duplicated_rows_add_no_evidence(copies: dict[str, pl.DataFrame], candidates: dict[str, bytes]) -> None:
    """Evidence is counted per distinct position: a few rows repeated a thousand times stay a few marks."""
    few = copies["department:8"].head(2).select("补贴金额")
    result = detect(pl.concat([few] * 1000), candidates)
    assert result.positions <= 2 and result.recipient is None


# -- the values stay valid ---------------------------------------------------------------------------------


def test_identifiers_dates_integers_and_masked_values_are_untouched(extract: pl.DataFrame,
                                                                    copies: dict[str, pl.DataFrame]) -> None:
    for copy in copies.values():
        for column in ("序号", "姓名", "身份证号", "手机号", "证件号码", "统一社会信用代码", "登记日期", "出生年月", "人数"):
            assert copy[column].to_list() == extract[column].to_list(), column
        assert validators.resident_id(copy["证件号码"]).all()
        assert validators.uscc(copy["统一社会信用代码"]).all()


def test_changes_stay_within_the_stated_tolerance(extract: pl.DataFrame, copies: dict[str, pl.DataFrame]) -> None:
    from decimal import Decimal

    copy = copies["department:7"]
    changed = 0
    for column, unit in (("补贴金额", Decimal("0.01")), ("经度", Decimal("0.000001")), ("纬度", Decimal("0.000001"))):
        for old, new in zip(extract[column].to_list(), copy[column].to_list(), strict=True):
            a, b = Decimal(old.replace(",", "")), Decimal(new.replace(",", ""))
            assert abs(a - b) <= unit and (a > 0) == (b > 0), (old, new)
            assert ("," in old) == ("," in new) or a < 1000  # thousands separators kept
            changed += a != b
    assert 0.05 < changed / (3 * extract.height) < 0.2  # about 1/(2γ) of the carriers
    assert validators.coordinate_axis(copy["经度"]).all() and validators.coordinate_axis(copy["纬度"]).all()
    for old, new in zip(extract["设备MAC"].to_list(), copy["设备MAC"].to_list(), strict=True):
        assert old.lower() == new.lower()
    assert validators.mac(copy["设备MAC"]).all()
    half = str.maketrans("，（）：；", ",():;")
    for column in ("居住地址", "备注"):
        for old, new in zip(extract[column].to_list(), copy[column].to_list(), strict=True):
            assert old.translate(half) == new.translate(half)  # only punctuation width ever changes


def test_digits_between_ascii_letters_or_digits_keep_their_punctuation() -> None:
    frame = pl.DataFrame({"备注": [f"金额1,234元，时间12:30（第{i}次）" for i in range(400)]})
    out = embed(frame, bytes(32)).frame
    assert all("1,234" in v and "12:30" in v for v in out["备注"].to_list())
    assert out["备注"].to_list() != frame["备注"].to_list()


def test_typed_columns_and_kept_columns_are_left_alone(extract: pl.DataFrame) -> None:
    key = bytes(range(32))
    typed = embed(extract, key, {"补贴金额": ["cn_mobile"], "设备MAC": ["vin"]}).frame
    assert typed["补贴金额"].to_list() == extract["补贴金额"].to_list()
    assert typed["设备MAC"].to_list() == extract["设备MAC"].to_list()
    kept = embed(extract, key, keep=("居住地址", "经度"))
    assert kept.frame["居住地址"].to_list() == extract["居住地址"].to_list()
    assert kept.frame["经度"].to_list() == extract["经度"].to_list()
    assert {c.name for c in kept.columns} == {"纬度", "补贴金额", "设备MAC", "备注"}


def test_marking_is_deterministic_and_idempotent(extract: pl.DataFrame) -> None:
    key = bytes(range(32))
    once = embed(extract, key, TYPES)
    assert once.frame.equals(embed(extract, key, TYPES).frame)
    again = embed(once.frame, key, TYPES)
    assert again.frame.equals(once.frame) and again.changed == 0 and again.marked == once.marked
    assert once.marked == pytest.approx(once.carriers / GAMMA, rel=0.15)


def test_equal_values_get_equal_marks() -> None:
    values = [f"{100 + i % 50}.25" for i in range(1000)]
    out = embed(pl.DataFrame({"金额": values}), bytes(32)).frame["金额"].to_list()
    by_value: dict[str, set[str]] = {}
    for old, new in zip(values, out, strict=True):
        by_value.setdefault(old, set()).add(new)
    assert all(len(v) == 1 for v in by_value.values())


def test_numbers_near_zero_negative_and_long_keep_their_meaning() -> None:
    values = ["0.00", "0.01", "-0.01", "-12.34", "+5.67", "007.50", "123456789012345.67", "12.5", "1e-5"] * 60
    out = embed(pl.DataFrame({"x": values}), b"k" * 32).frame["x"].to_list()
    for old, new in zip(values, out, strict=True):
        if old in ("0.00", "0.01", "-0.01", "123456789012345.67", "1e-5"):
            assert new == old  # zero, ±one unit, more digits than a spreadsheet keeps, exponents: untouched
        else:
            assert new[0] == old[0] or old[0].isdigit()  # the sign (and its spelling) stays
            assert len(new.split(".")[0]) == len(old.split(".")[0])  # leading zeros kept


def test_float_columns_keep_their_dtype(tmp_path: Path, candidates: dict[str, bytes]) -> None:
    rng = random.Random(5)
    frame = pl.DataFrame({"amount": [round(rng.uniform(1, 9999), 2) for _ in range(3000)],
                          "count": [rng.randrange(100) for _ in range(3000)]})
    marked = embed(frame, candidates["department:3"]).frame
    assert marked.schema == frame.schema and marked["count"].equals(frame["count"])
    assert (marked["amount"] - frame["amount"]).abs().max() <= 0.0100001  # type: ignore[operator]
    found = detect(sample(marked, 0.1, 3), candidates).recipient
    assert found is not None and found.recipient == "department:3"


def test_year_months_and_integer_columns_carry_nothing() -> None:
    frame = pl.DataFrame({"出生年月": [f"{1950 + i % 60}.{1 + i % 12:02d}" for i in range(500)],
                          "数量": [str(i) for i in range(500)],
                          "混合": [str(i) if i % 3 else f"{i}.5" for i in range(500)]})
    out = embed(frame, bytes(32))
    assert out.frame.equals(frame) and out.carriers == 0


# -- the statistic -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "k"), [(1, 1), (10, 8), (26, 26), (40, 17), (100, 70), (300, 151)])
def test_the_binomial_tail_is_exact(n: int, k: int) -> None:
    exact = Fraction(sum(math.comb(n, i) for i in range(k, n + 1)), 2**n)
    assert binomial_tail_log10(n, k) == pytest.approx(math.log10(exact), abs=1e-12)


@pytest.mark.parametrize("n", [1001, 4000])
def test_the_binomial_tail_in_log_space_agrees_with_the_exact_one(n: int) -> None:
    for k in (1, n // 3, n // 2, n // 2 + 1, n // 2 + 40, 2 * n // 3, n - 5, n):
        assert _tail_log_space(n, k) == pytest.approx(binomial_tail_log10(n, k), abs=1e-9, rel=1e-9), k
    assert binomial_tail_log10(10**6, 10**6) == pytest.approx(-(10**6) * math.log10(2))
    assert binomial_tail_log10(5, 0) == 0.0 and binomial_tail_log10(5, 6) == -math.inf


def test_format_p() -> None:
    assert format_p(0.0) == "1" and format_p(math.log10(0.031)) == "0.031"
    assert format_p(math.log10(2.4e-9)) == "2.4e-09" and format_p(-1234.5) == "3.2e-1235"


def test_p_values_are_valid_under_h0(extract: pl.DataFrame) -> None:
    """Against keys that did not mark the file, P[p ≤ a] ≤ a (a binomial test is conservative)."""
    obs = observe(sample(extract, 0.2, 9))
    rng = random.Random(11)
    ps = [detect(obs, {"x": rng.randbytes(32)}).scores[0].log10_p for _ in range(400)]
    for a in (0.01, 0.05, 0.2, 0.5):
        share = sum(p <= math.log10(a) for p in ps) / len(ps)
        assert share <= a + 3 * math.sqrt(a * (1 - a) / len(ps)), (a, share)
