"""The fast paths of the column engine decide exactly as the general ones: fixed-width shapes and matrix
validators as the regex and the Series validators, byte facts as the operations they skip."""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest

from shuan.demo.fake import Fake
from shuan.discovery import normalize
from shuan.discovery.bytefacts import ByteFacts
from shuan.discovery.matching import valid_mask
from shuan.discovery.recognizer import Recognizer
from shuan.discovery.registry import Registry
from shuan.discovery.shapes import compile_shape
from shuan.discovery.validators import VALIDATORS, strings


def regex_mask(rec: Recognizer, v: pl.Series, *, bounded: bool = True) -> np.ndarray:
    """valid_mask as it is without fixed shapes: the Rust regex, then the Series validator."""
    assert rec.full_pattern is not None
    shape = v.str.contains(rec.full_pattern)
    if bounded and rec.max_length < normalize.MAX_CELL:
        shape = shape & (v.str.len_bytes() <= 4 * rec.max_length)
    idx = shape.fill_null(False).arg_true()
    out = np.zeros(v.len(), dtype=bool)
    if idx.len():
        positions = idx.to_numpy()
        if rec.validator:
            positions = positions[VALIDATORS[rec.validator](v.gather(idx)).to_numpy()]
        out[positions] = True
    return out


def _mutations(rng: random.Random, value: str) -> list[str]:
    alphabet = "0123456789XxABCDEFGHJKLMNPRSTUVWYZabcdefhjz:-. ()/"
    out = [value, value.lower(), value.upper(), value[:-1], value + rng.choice("0123456789"), "0" + value]
    for _ in range(4):
        i = rng.randrange(len(value)) if value else 0
        out.append(value[:i] + rng.choice(alphabet) + value[i + 1 :])
    out.append(value[:3] + "é" + value[4:])  # a non-ASCII character of two bytes
    out.append("\uff11" + value[1:])  # a full-width digit (three bytes)
    return out


def _samples(seed: int) -> list[str]:
    fake = Fake(seed)
    rng = random.Random(seed)
    values: list[str] = []
    makers = [fake.resident_id, fake.uscc, fake.mobile, fake.bank_card, fake.vin, fake.passport,
              fake.hkmo_permit, fake.mac_address, fake.landline, lambda: fake.resident_id()[:15]]
    for _ in range(150):
        for make in makers:
            values.extend(_mutations(rng, make()))
    for _ in range(300):
        n = rng.randint(0, 21)
        values.append("".join(rng.choice("0123456789Xx") for _ in range(n)))
        values.append("".join(rng.choice("0123456789abcdefABCDEF:-.") for _ in range(n)))
    values += ["", "00:00:00:00:00:00", "0000.0000.0000", "000000000000", "00-00-00-00-00-00", "00:00:00:00:0000"]
    return values


@pytest.mark.parametrize("seed", [1, 2])
def test_fixed_shapes_decide_as_the_regex(seed: int) -> None:
    values = pl.Series("v", _samples(seed), dtype=pl.Utf8)
    checked = 0
    for rec in Registry.default():
        if rec.dictionary or rec.fixed_shape is None:
            continue
        checked += 1
        for bounded in (True, False):
            for v in (values, normalize.apply_ops(values, rec.normalize)):
                got, want = valid_mask(rec, v, bounded=bounded), regex_mask(rec, v, bounded=bounded)
                bad = np.flatnonzero(got != want)
                assert bad.size == 0, (rec.name, [v[int(i)] for i in bad[:5]])
    assert checked >= 8


def test_fixed_mask_with_nulls_and_mixed_widths() -> None:
    rec = next(r for r in Registry.default() if r.type == "bank_card")
    v = pl.Series("v", ["6222021234567890128", None, "4111111111111111", "62220212345678901", ""], dtype=pl.Utf8)
    assert valid_mask(rec, v).tolist() == regex_mask(rec, v).tolist()


def test_compile_shape_accepts_only_exact_forms() -> None:
    assert compile_shape(r"^(?:[0-9]{17}[0-9Xx]|[0-9]{15})$") is not None
    shape = compile_shape(r"^(?:(?:ab)?c)$")
    assert shape is not None and shape.widths() == [1, 3]
    for pattern in [r"^(?:\d{3})$", r"^[^a]{3}$", r"^a{2,}$", r"^abc", r"(?i)^abc$", r"^\bab$", r"^(?:.{3})$",
                    r"^(?:[一-龥]{2})$", r"^(?:(?:[0-9]{1,3}\.){3}[0-9]{1,3})$"]:
        assert compile_shape(pattern) is None, pattern


def test_strings_round_trip() -> None:
    cols = np.frombuffer(b"abc123xyz", dtype=np.uint8).reshape(3, 3).T.copy()
    assert strings(cols).to_list() == ["abc", "123", "xyz"]


def test_byte_facts_are_supersets() -> None:
    import pyarrow as pa

    cases = {
        "abc": (False, True, False, False),
        "ABC-1": (False, False, True, False),
        "一二\u3000三": (True, True, True, True),
        "ＡＢ": (True, True, True, False),
        "x\u00a0y": (False, True, False, True),
        "12\u2003": (False, False, False, True),
        "中文": (False, False, False, False),
    }
    for text, (wide, lower, sep, space) in cases.items():
        facts = ByteFacts.of(pa.array([text, None]))
        assert facts is not None
        got = (facts.fullwidth, facts.ascii_lower, facts.separators, facts.whitespace)
        assert got == (wide, lower or wide, sep or wide, space or wide), text
    assert ByteFacts.of(pa.array([1, 2])) is None


FACTS = ("max_bytes", "min_bytes", "null_count", "non_ascii", "fullwidth", "ascii_lower", "separators",
         "whitespace", "may_start_digit", "may_start_86", "edge_space")


def test_byte_facts_of_a_chunked_column_equal_those_of_one_array() -> None:
    """A reader's column comes in chunks (empty ones, slices): every fact is the same as on the joined
    array (each chunk is read on its own, nothing is joined or copied)."""
    import pyarrow as pa

    rng = random.Random(9)
    pieces = ["a", "中", " ", "\u3000", "\u00a0", "\u2003", "\t", "Ａ", "-", "1", "+86", "\n", "x\u205f", "é"]
    for _ in range(300):
        chunks = []
        for _ in range(rng.randint(1, 5)):
            values = [None if rng.random() < 0.1 else "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
                      for _ in range(rng.randint(0, 8))]
            chunk = pa.array(values, type=rng.choice([pa.string(), pa.large_string()]))
            chunks.append(chunk.slice(1) if len(chunk) > 2 and rng.random() < 0.3 else chunk)
        kind = chunks[0].type
        column = pa.chunked_array([c.cast(kind) for c in chunks], type=kind)
        joined, parts = ByteFacts.of(column.combine_chunks()), ByteFacts.of(column)
        assert joined is not None and parts is not None
        for fact in FACTS:
            assert getattr(parts, fact) == getattr(joined, fact), (fact, column.to_pylist())
        assert (parts.first_bytes == joined.first_bytes).all()


def reference_base(series: pl.Series) -> pl.Series:
    """normalize.base as it was written first: cut, trim, map full-width forms, trim again, drop nulls."""
    s = series.str.slice(0, normalize.MAX_CELL).str.strip_chars()
    if s.str.contains_any(normalize._FULL).any():
        s = s.str.replace_many(normalize._FULL, normalize._HALF)
    s = s.str.strip_chars()
    return s.filter(s.is_not_null() & ~s.is_in(pl.Series(normalize.NULL_TOKENS, dtype=pl.Utf8).implode()))


def test_base_with_facts_equals_base_without() -> None:
    import pyarrow as pa

    rng = random.Random(5)
    pieces = ["a", "中", " ", "\u3000", "\u00a0", "\u2003", "\t", "Ａ", "无", "NULL", "1", "-", "\n", "x\u205f"]
    for _ in range(300):
        values = [None if rng.random() < 0.1 else "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
                  for _ in range(rng.randint(1, 30))]
        arr = pa.array(values, type=pa.string())
        if rng.random() < 0.3 and len(arr) > 2:
            arr = arr.slice(1)
        facts = ByteFacts.of(arr)
        series = pl.Series("c", arr)
        want = reference_base(series).to_list()
        assert normalize.base(series, facts).to_list() == want, values
        assert normalize.base(series).to_list() == want, values
        for ops in (["strip_separators", "upper"], ["strip_parens"], ["strip_separators", "strip_country_code"]):
            v = normalize.base(series)
            assert normalize.apply_ops(v, ops, facts).to_list() == normalize.apply_ops(v, ops).to_list()


def test_named_groups_match_the_compiled_pattern() -> None:
    import re

    from shuan.discovery.recognizer import named_groups

    for rec in Registry.default():
        for pattern in (rec.core_text_pattern, rec.polars_probe_pattern, rec.text_probe):
            if pattern:
                assert named_groups(pattern) == dict(re.compile(pattern).groupindex), rec.name
    for pattern in [r"(a)(?P<v>b)", r"[(](?P<v>x)", r"[]()](?P<v>x)(y)", r"[^]()](?P<v>x)", r"\((?P<v>x)\)",
                    r"(?:a)(?P<v2>b)(c)(?P<v>d)", r"(?#c(om)(?P<v>x)", r"(?i)(?P<v>x)", r"(?=a)(?P<v>a)",
                    r"[\]](?P<v>a)", r"(?P<v>a)(?P=v)", r"(?x)( a ) (?P<v> b)  # (c)"]:
        assert named_groups(pattern) == dict(re.compile(pattern).groupindex), pattern


def test_country_code_skip_is_exact() -> None:
    import pyarrow as pa

    cases = ["8613812345678", "+86 13812345678", "-8613812345678", " 008613812345678", "\u3000+8613812345678",
             "＋８６13812345678", "13812345678", "2861381234567", "0086-138-1234-5678", "\u00a08613812345678"]
    for value in cases:
        for values in ([value], [value, "13900001111"], ["13900001111", value]):
            arr = pa.array(values, type=pa.string())
            facts = ByteFacts.of(arr)
            series = normalize.base(pl.Series("c", arr), facts)
            ops = ["strip_separators", "strip_country_code"]
            assert normalize.apply_ops(series, ops, facts).to_list() == normalize.apply_ops(series, ops).to_list(), value


def test_ruled_out_recognizers_match_nothing() -> None:
    import pyarrow as pa

    from shuan.discovery.matching import rules_out, shape_expr

    fake = Fake(4)
    columns = {
        "ids": [fake.resident_id() for _ in range(50)],
        "names": [fake.person_name() for _ in range(50)],
        "mobiles": [fake.mobile() for _ in range(50)],
        "mixed": [fake.address(), " 13812345678 ", "Ａ1", "男", "x" * 40, "\u3000汉族", None] * 5,
        "short": ["1", "男", "M", "01"] * 10,
    }
    ruled = 0
    for values in columns.values():
        arr = pa.array(values, type=pa.string())
        facts = ByteFacts.of(arr)
        base = normalize.base(pl.Series("c", arr), facts)
        for rec in Registry.default():
            if rec.value and rules_out(rec, facts):
                ruled += 1
                v = normalize.apply_ops(base, rec.normalize)
                assert not v.to_frame("v").select(shape_expr(rec, "v", bounded=False)).to_series().any(), rec.name
    assert ruled > 10


def test_full_scan_with_byte_facts_equals_scan_without() -> None:
    """The whole classifier (learning sample, probes, pruning) decides the same on Arrow batches, where
    byte facts skip work, as on Polars frames, where every operation runs."""
    import pyarrow as pa

    from shuan.discovery.engine import ColumnClassifier

    fake = Fake(11)
    rng = random.Random(11)
    n = 24_000

    def dirty(value: str) -> str | None:
        r = rng.random()
        return None if r < 0.03 else (f" {value} " if r < 0.06 else ("无" if r < 0.08 else value))

    people = [fake.person() for _ in range(n)]
    columns = {
        "sfzh": [dirty(p.resident_id) for p in people],
        "c07": [dirty(p.birth.isoformat()) for p in people],  # an obfuscated birth-date column
        "c2": [dirty(fake.mobile(formatted=rng.random() < 0.3)) for _ in range(n)],
        "地址": [dirty(fake.address()) for _ in range(n)],
        "xm": [dirty(fake.person_name()) for _ in range(n)],
        "kh": [dirty(fake.bank_card(grouped=rng.random() < 0.2)) for _ in range(n)],
        "备注": [f"市民{fake.person_name()}来电反映，电话{fake.mobile()}，住{fake.address()}。" if rng.random() < 0.5
               else "群众诉求已解决。" for _ in range(n)],
        "金额": [f"{rng.random() * 1000:.2f}" for _ in range(n)],
        "状态": [rng.choice(["正常", "已办结", "ＮＵＬＬ", "－", "无", "待补录事项说明", "NULL", None]) for _ in range(n)],
        "wide": [fullwidth_maybe(rng, fake.vin()) for _ in range(n)],
    }
    registry = Registry.default()
    table = pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})
    with_facts, without = ColumnClassifier(registry, full=True), ColumnClassifier(registry, full=True)
    for start in range(0, n, 8000):
        part = table.slice(start, 8000)
        # as a reader delivers it: one chunk per block (converted to Polars only when a column is read)
        with_facts.update(pa.Table.from_batches(part.to_batches(max_chunksize=rng.randint(300, 3000))))
        frame = pl.from_arrow(part)
        assert isinstance(frame, pl.DataFrame)
        without.update(frame)
    results = with_facts.results()
    assert results == without.results()
    assert [t.type for t in next(c for c in results if c.name == "c07").types] == ["birth_date"]


def fullwidth_maybe(rng: random.Random, value: str) -> str:
    if rng.random() < 0.05:
        return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in value)
    return value


def test_kept_count_equals_base() -> None:
    import pyarrow as pa

    rng = random.Random(1)
    pieces = ["a", "中", "Ｎ", "ＵＬＬ", "NULL", "无", "－", "\u3000", " ", "null", "暂无", "x" * 7, "ＮＵＬＬ"]
    known = 0
    for _ in range(1000):
        values = [None if rng.random() < 0.1 else "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
                  for _ in range(rng.randint(1, 12))]
        arr = pa.array(values, type=pa.string())
        series = pl.Series("c", arr)
        expected = normalize.base(series).len()
        count = normalize.kept_count(series, ByteFacts.of(arr))
        if count is not None:
            known += 1
            assert count == expected, values
        # with the non-null count known, no conversion: Arrow counts the null tokens (both offset
        # widths, chunked as a reader delivers them)
        cut = rng.randint(0, len(values))
        for typ in (pa.string(), pa.large_string()):
            chunked = pa.chunked_array([values[:cut], values[cut:]], type=typ)
            count = normalize.kept_count(series, ByteFacts.of(chunked), non_null=len(values) - chunked.null_count)
            assert count is None or count == expected, values
    assert known > 100


def test_yaml_fast_path_equals_the_python_loader_and_refuses_deep_documents() -> None:
    from importlib import resources

    import yaml

    from shuan import yamlsafe

    text = resources.files("shuan.discovery").joinpath("builtin.yaml").read_text(encoding="utf-8")
    ok, data = yamlsafe._load_fast(text)
    assert ok and data == yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader
    assert yamlsafe._load_fast("a: &x [1]\nb: *x\n") == (False, None)  # aliases: the Python loader refuses them
    deep = "a: " + "[" * 100_000 + "]" * 100_000 + "\n"  # libyaml's composer would crash on this
    assert yamlsafe._load_fast(deep) == (False, None)
