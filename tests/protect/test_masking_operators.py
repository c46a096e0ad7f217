"""Masking operators, table-driven: expected outputs (nulls, empty strings, non-ASCII, very long values),
one-line errors for bad parameters, keyed determinism, reversibility, fakes that pass the validators."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import polars as pl
import pytest

from shuan.crypto.sm3 import hmac_sm3
from shuan.discovery import validators
from shuan.errors import ConfigError, CryptoError
from shuan.protect import operators
from shuan.protect.operators import OPERATORS, MaskingKey, Operator, apply_frame, create, hmac_sm3_many

KEY = MaskingKey(bytes(range(1, 33)), label="test")
OTHER_KEY = MaskingKey(bytes(range(2, 34)), label="other")
LONG = "长" * 50_000 + "abc"


def run(name: str, params: dict[str, Any], values: list[Any], dtype: Any = pl.String, *,
        key: MaskingKey | None = KEY) -> list[Any]:
    op = create(name, params)
    if op.keyed:
        op = op.bind(key, "t.c")
    out = op.apply(pl.Series("c", values, dtype=dtype))
    assert out.name == "c" and out.len() == len(values)
    return out.to_list()


# (operator, params, input, expected output) — unkeyed operators: the output is exact
CASES: list[tuple[str, dict[str, Any], list[Any], list[Any]]] = [
    ("keep_first_last", {"first": 3, "last": 4}, ["13812345678", None, "", "12345", "1234"],
     ["138****5678", None, "", "1**45", "1*34"]),
    ("keep_first_last", {"first": 1}, ["张三", "欧阳娜娜", "张", "艾力·买买提"], ["张*", "欧***", "*", "艾*****"]),
    ("keep_first_last", {"first": 1, "last": 1}, [LONG], ["长" + "*" * (len(LONG) - 2) + "c"]),
    ("keep_first_last", {"first": 2, "mask_length": 3}, ["13812345678", "ab", ""], ["13***", "a***", ""]),
    ("keep_first_last", {"first": 3, "last": 4, "mask_char": "＊"}, ["13812345678"], ["138＊＊＊＊5678"]),
    ("keep_first_last", {"first": 3, "min_masked": 0}, ["abc", "ab"], ["abc", "ab"]),
    ("mask_range", {"start": 6, "end": 14}, ["370811198503121234", "12345", None, ""],
     ["370811********1234", "12345", None, ""]),
    ("mask_range", {"start": -4}, ["13812345678", "abc", "北京市海淀区"], ["1381234****", "***", "北京****"]),
    ("mask_range", {"start": 1, "end": -1}, ["张三丰", "ab"], ["张*丰", "ab"]),
    ("mask_around", {"keep_first": 1}, ["zhangsan@qq.com", "张三@例子.中国", "nomail", None, "", "@x.cn"],
     ["z*******@qq.com", "张*@例子.中国", "n*****", None, "", "@x.cn"]),
    ("mask_around", {"missing": "keep"}, ["nomail", "a@b@c"], ["nomail", "*@b@c"]),
    ("mask_around", {"separator": ".", "side": "after", "occurrence": 2},
     ["192.168.1.23", "10.0.0.1", "fe80::1", "1.2"], ["192.168.****", "10.0.***", "*******", "***"]),
    ("mask_around", {"separator": "@", "side": "after", "occurrence": -1, "keep_last": 3}, ["a@b@qq.com"],
     ["a@b@***com"]),
    ("retain", {}, ["x", None, ""], ["x", None, ""]),
    ("suppress", {}, ["x", None, ""], [None, None, None]),
    ("suppress", {"value": "***"}, ["x", None, ""], ["***", None, "***"]),
    ("date_truncate", {}, ["1985-03-12", "1985/3/2", "19850312", "1985年3月12日", "1985-03-12 10:00:00", "x", None, ""],
     ["1985-03", "1985-03", "1985-03", "1985-03", "1985-03", None, None, ""]),
    ("date_truncate", {"level": "year"}, ["1985-03-12", "370811198503121234"], ["1985", None]),
    ("age_band", {"as_of": "2026-01-01"}, ["1985-03-12", "1985/3/2", "370811198503121237", "42", "x", None, ""],
     ["40-49", "40-49", "40-49", "40-49", None, None, ""]),
    ("age_band", {"as_of": "2026-03-12", "width": 5, "top": 80},
     ["1986-03-13", "1986-03-12", "1930-01-01", "2030-01-01"], ["35-39", "40-44", "80+", None]),
    ("address_district", {}, ["山东省济宁市任城区古槐街道建设路12号3单元501室", "济宁市兖州区九州大道88号",
                              "北京市海淀区中关村大街1号", "高新区火炬路9号", "山东省济宁市新华小区3号楼",
                              "和平路1号", None, ""],
     ["山东省济宁市任城区", "济宁市兖州区", "北京市海淀区", "高新区", "山东省济宁市", None, None, ""]),
    ("address_district", {"fallback": "mask"}, ["和平路1号"], ["*****"]),
    ("round", {"base": 100}, [12345, 678, None, -49], [12300, 700, None, 0]),
    ("round", {"base": 0.01}, ["116.39712,39.90923", "x", None, ""], ["116.4,39.91", None, None, ""]),
    ("round", {"base": 1000, "mode": "down"}, [12999.5, 999.0], [12000.0, 0.0]),
    ("top_bottom", {"upper": 1000, "lower": 0}, [12345, 678, None, -5], [1000, 678, None, 0]),
    ("top_bottom", {"upper": 100}, ["150", "20", "x"], ["100", "20", None]),
]


@pytest.mark.parametrize(("name", "params", "values", "expected"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_operator_outputs(name: str, params: dict[str, Any], values: list[Any], expected: list[Any]) -> None:
    dtype = pl.String if all(v is None or isinstance(v, str) for v in values) else None
    assert run(name, params, values, dtype) == expected


def test_text_operators_take_other_types() -> None:
    assert run("keep_first_last", {"first": 3, "last": 4}, [13812345678, None], pl.Int64) == ["138****5678", None]
    assert run("date_truncate", {"level": "year"}, [date(1985, 3, 12), None], pl.Date) == ["1985", None]
    assert run("age_band", {"as_of": "2026-01-01"}, [date(1985, 3, 12)], pl.Date) == ["40-49"]
    assert run("age_band", {}, [37, 5, -1, 200], pl.Int64) == ["30-39", "0-9", None, None]


def test_every_operator_keeps_nulls_and_blanks() -> None:
    values = pl.Series("c", [None, "", "13812345678"], dtype=pl.String)
    for name, cls in OPERATORS.items():
        params: dict[str, Any] = {"kind": "cn_mobile"} if name == "fake" else {}
        if name == "top_bottom":
            params = {"upper": 1}
        op: Operator = create(name, params)
        if cls.keyed:
            op = op.bind(KEY, "t.c")
        out = op.apply(values).to_list()
        assert out[0] is None, name
        if name not in ("suppress", "noise", "round", "top_bottom"):  # numeric operators null a blank
            assert out[1] == "", name


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("keep_first_last", {"first": -1}, "first"),
    ("keep_first_last", {"first": "x"}, "first"),
    ("keep_first_last", {"mask_char": "**"}, "须为单个字符"),
    ("keep_first_last", {"mask_char": ""}, "mask_char"),
    ("keep_first_last", {"colour": "red"}, "colour"),
    ("mask_range", {"start": 5, "end": 2}, "结束位置须大于起始位置"),
    ("mask_around", {"separator": ""}, "不能为空"),
    ("mask_around", {"occurrence": 0}, "不能为 0"),
    ("mask_around", {"side": "middle"}, "side"),
    ("pseudonym", {"length": 4}, "length"),
    ("pseudonym", {"prefix": "有空格 的前缀"}, "prefix"),
    ("round", {"base": 0}, "base"),
    ("top_bottom", {}, "lower 与 upper"),
    ("top_bottom", {"lower": 5, "upper": 1}, "lower 与 upper"),
    ("noise", {"distribution": "cauchy"}, "distribution"),
    ("date_shift", {"max_days": 0}, "max_days"),
    ("fake", {"kind": "address"}, "kind"),
    ("age_band", {"as_of": "not a date"}, "as_of"),
]


@pytest.mark.parametrize(("name", "params", "needle"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_bad_parameters_are_one_line_errors(name: str, params: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        create(name, params)
    text = info.value.user_message
    assert "\n" not in text and needle in text and name in text


def test_unknown_operator() -> None:
    with pytest.raises(ConfigError, match="未知的脱敏算子：nope.*keep_first_last"):
        create("nope")


def test_keyed_operator_without_key() -> None:
    with pytest.raises(ConfigError, match="需要密钥"):
        create("pseudonym").apply(pl.Series(["x"]))


def test_masking_key_checks_and_hides_material() -> None:
    with pytest.raises(CryptoError, match="太短"):
        MaskingKey(b"short")
    with pytest.raises(CryptoError, match="全为零"):
        MaskingKey(bytes(32))
    assert bytes(range(1, 33)).hex() not in repr(KEY) and "withheld" in repr(KEY)
    assert KEY.fingerprint == MaskingKey(bytes(range(1, 33))).fingerprint != OTHER_KEY.fingerprint


# ------------------------------------------------------------------------------- keyed operators


def test_hmac_many_is_hmac_sm3() -> None:
    items = [b"", b"a", "张三".encode(), b"x" * 200]
    for key in (b"k" * 16, b"k" * 64, b"k" * 100):
        assert hmac_sm3_many(key, items) == [hmac_sm3(key, v) for v in items]


def test_pseudonyms_are_deterministic_and_keyed() -> None:
    values = ["110101199003077578", "13812345678", "110101199003077578", None, "", "张三", LONG]
    first = run("pseudonym", {}, values)
    assert first == run("pseudonym", {}, list(reversed(values)))[::-1]  # order and batch do not matter
    assert first[0] == first[2] and first[3] is None and first[4] == ""
    assert all(len(p) == 20 and int(p, 16) >= 0 for p in first if p)
    assert len({p for p in first if p}) == 4
    assert run("pseudonym", {}, values, key=OTHER_KEY)[0] != first[0]
    assert run("pseudonym", {"domain": "other"}, values)[0] != first[0]
    assert run("pseudonym", {"length": 9, "prefix": "P_"}, values)[0] == "P_" + first[0][:9]
    # the value is HMAC-SM3 under the scenario's pseudonym sub-key
    assert first[5] == hmac_sm3(KEY.derive("pseudonym:"), "张三".encode())[:10].hex()


def test_pseudonyms_of_many_repeated_values() -> None:
    base = [f"1{i:010d}" for i in range(5000)]
    values = pl.Series("c", base * 20)
    op = create("pseudonym").bind(KEY)
    out = op.apply(values)
    assert out.n_unique() == 5000
    assert out.head(5000).to_list() == out.tail(5000).to_list()


@pytest.mark.parametrize(("name", "params"), [("pseudonym", {}), ("tokenize", {}),
                                              ("fake", {"kind": "cn_resident_id"})])
def test_small_answers_map_like_large_batches(name: str, params: dict[str, Any],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A few rows (a data-service answer) go through a dictionary, a batch through hashes: same values."""
    values = pl.Series("c", ["110101199003077578", None, "", "张三", "110101199003077578", LONG, "张三", None])
    op = create(name, params).bind(KEY)
    small = op.apply(values)
    monkeypatch.setattr(operators, "SMALL_SERIES", 0)
    large = op.apply(values)
    assert small.dtype == large.dtype == pl.String and small.name == "c"
    assert small.to_list() == large.to_list()
    assert small[1] is None and small[2] == "" and small[0] == small[4] != values[0]


@pytest.mark.parametrize("params", [{"first": 1, "last": 0}, {"first": 3, "last": 4}, {"first": 6, "last": 4},
                                    {"first": 2, "last": 2, "min_masked": 0}, {"first": 3, "last": 4, "mask_length": 4},
                                    {"first": 0, "last": 0, "mask_char": "＊"}])
def test_keep_ends_of_a_small_answer_equals_the_batch(params: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A few rows are masked value by value, a batch with one Polars expression: the same strings."""
    rng = random.Random(7)
    alphabet = "0123456789abcX张王李赵钱孙🙂"
    values = [None, "", *("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25))) for _ in range(200))]
    op = create("keep_first_last", params)
    small = op.apply(pl.Series("c", values))
    monkeypatch.setattr(operators, "SMALL_SERIES", 0)
    assert small.to_list() == op.apply(pl.Series("c", values)).to_list()
    assert small.name == "c" and small.dtype == pl.String


def test_tokens_reverse_and_refuse_tampering() -> None:
    values = ["110101199003077578", "张三", None, "", "110101199003077578", LONG]
    op = create("tokenize").bind(KEY)
    tokens = op.apply(pl.Series("c", values))
    assert tokens[0] == tokens[4] and tokens[0].startswith("tk_") and tokens[2] is None and tokens[3] == ""
    assert op.reverse(tokens).to_list() == values
    with pytest.raises(CryptoError, match="无法还原令牌"):
        create("tokenize").bind(OTHER_KEY).reverse(tokens.head(1))
    forged = tokens[0][:-2] + ("A" if tokens[0][-2] != "A" else "B") + tokens[0][-1]
    with pytest.raises(CryptoError, match="无法还原令牌"):
        op.reverse(pl.Series("c", [forged]))
    with pytest.raises(CryptoError):
        op.reverse(pl.Series("c", ["not a token"]))


def test_encryption_reverses_and_is_randomised() -> None:
    values = ["13812345678", "13812345678", "张三", None, ""]
    op = create("encrypt", {"context": "t.c"}).bind(KEY)
    sealed = op.apply(pl.Series("c", values))
    assert sealed[0] != sealed[1] and sealed[3] is None and sealed[4] == ""
    assert op.reverse(sealed).to_list() == values
    with pytest.raises(CryptoError):
        create("encrypt", {"context": "other"}).bind(KEY).reverse(sealed.head(1))
    with pytest.raises(CryptoError, match="base64"):
        op.reverse(pl.Series("c", ["%%%"]))


def test_irreversible_operators_say_so() -> None:
    with pytest.raises(ConfigError, match="不可逆"):
        create("pseudonym").bind(KEY).reverse(pl.Series(["x"]))


def test_date_shift_is_one_offset_per_key() -> None:
    op = create("date_shift", {"max_days": 10}).bind(KEY)
    days = op.offset()  # type: ignore[attr-defined]
    assert days != 0 and -10 <= days <= 10
    values = ["2020-01-15", "2020/1/15", "20200115", "2020年1月15日", "2020-01-15 08:30:00", "x", None, ""]
    out = op.apply(pl.Series("c", values)).to_list()
    shifted = date.fromordinal(date(2020, 1, 15).toordinal() + days)
    assert out[0] == shifted.isoformat()
    assert out[1] == f"{shifted.year}/{shifted.month}/{shifted.day}"
    assert out[2] == shifted.strftime("%Y%m%d")
    assert out[3] == f"{shifted.year}年{shifted.month}月{shifted.day}日"
    assert out[4] == shifted.isoformat() + " 08:30:00"
    assert out[5:] == [None, None, ""]
    typed = op.apply(pl.Series("c", [date(2020, 1, 15)])).to_list()
    assert typed == [shifted]
    assert {create("date_shift", {"max_days": 3650}).bind(k).offset() for k in (KEY, OTHER_KEY)}.__len__() == 2  # type: ignore[attr-defined]


def test_noise_is_seeded_by_key_and_column() -> None:
    values = pl.Series("c", list(range(1000)), dtype=pl.Int64)

    def noisy(key: MaskingKey, context: str, **params: Any) -> pl.Series:
        return create("noise", {"scale": 5, **params}).bind(key, context).apply(values)

    a = noisy(KEY, "t.c")
    assert a.dtype == pl.Int64 and a.to_list() == noisy(KEY, "t.c").to_list()
    assert a.to_list() != noisy(KEY, "t.d").to_list() != noisy(OTHER_KEY, "t.c").to_list()
    diff = (a - values).cast(pl.Float64)
    assert abs(float(diff.mean() or 0)) < 1.5 and 3 < float(diff.std() or 0) < 12  # Laplace(5): sd ≈ 7.07
    g = noisy(KEY, "t.c", distribution="gaussian", min=0)
    assert int(g.min() or 0) >= 0
    floats = create("noise", {"scale": 0.5}).bind(KEY, "t.x").apply(pl.Series("c", [1.0, None]))
    assert floats.dtype == pl.Float64 and floats[1] is None and floats[0] != 1.0


FAKE_CHECKS = {
    "cn_resident_id": validators.resident_id,
    "cn_mobile": validators.mobile,
    "bank_card": validators.bank_card,
    "person_name": validators.VALIDATORS["person_name"],
}


@pytest.mark.parametrize("kind", ["cn_resident_id", "cn_mobile", "bank_card", "person_name", "email"])
def test_fakes_pass_validators_and_are_consistent(kind: str) -> None:
    originals = [f"{i:011d}" for i in range(3000)] + ["张三", "張三", LONG]
    op = create("fake", {"kind": kind}).bind(KEY)
    out = op.apply(pl.Series("c", originals + originals[:100] + [None, ""]))
    fakes = out.head(len(originals))
    assert out.slice(len(originals), 100).to_list() == fakes.head(100).to_list()  # same value, same fake
    assert out.tail(2).to_list() == [None, ""]
    if kind in FAKE_CHECKS:
        assert FAKE_CHECKS[kind](fakes).all(), fakes.filter(~FAKE_CHECKS[kind](fakes)).head(5).to_list()
    if kind == "cn_resident_id":
        assert fakes.str.len_chars().eq(18).all()
    if kind == "email":
        assert fakes.str.contains(r"^u[0-9a-f]{12}@example\.cn$").all()
    if kind != "person_name":
        assert fakes.n_unique() > len(originals) * 0.99  # numbers rarely collide
    assert create("fake", {"kind": kind}).bind(OTHER_KEY).apply(pl.Series("c", originals[:50])).to_list() != \
        fakes.head(50).to_list()


def test_redact_text_replaces_identifiers_inside_prose() -> None:
    text = ["请联系13812345678或发邮件至zhangsan@qq.com", "无", None, ""]
    labelled = run("redact_text", {}, text)
    assert labelled[0] == "请联系【手机号】或发邮件至【电子邮箱】" and labelled[1:] == ["无", None, ""]
    masked = run("redact_text", {"style": "mask", "types": ["cn_mobile"]}, text)
    assert masked[0] == "请联系***********或发邮件至zhangsan@qq.com"


def test_apply_frame_masks_named_columns_only() -> None:
    frame = pl.DataFrame({"xm": ["张三", "李四"], "sj": ["13812345678", "13987654321"], "n": [1, 2]})
    out = apply_frame(frame, {"xm": create("keep_first_last", {"first": 1}),
                              "sj": create("pseudonym").bind(KEY)})
    assert out.columns == frame.columns and out["xm"].to_list() == ["张*", "李*"] and out["n"].to_list() == [1, 2]
    assert out["sj"].str.len_chars().eq(20).all()


def test_describe_holds_no_key() -> None:
    described = create("pseudonym", {"length": 16}).bind(KEY).describe()
    assert described == {"operator": "pseudonym", "length": 16, "prefix": "", "domain": ""}


def test_hash_collisions_fall_back_to_an_exact_join(monkeypatch: pytest.MonkeyPatch) -> None:
    values = pl.Series("c", ["a", "b", None, "", "a", "c"])
    expected = create("pseudonym").bind(KEY).apply(values).to_list()
    monkeypatch.setattr(pl.Series, "hash", lambda self, *a, **k: pl.Series([0] * self.len(), dtype=pl.UInt64))
    assert create("pseudonym").bind(KEY).apply(values).to_list() == expected
    assert expected[0] == expected[4] != expected[1] and expected[2:4] == [None, ""]
