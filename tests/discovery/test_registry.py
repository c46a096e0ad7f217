"""Custom recognizers in YAML: accepted when valid, one clear error naming the problem otherwise."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from shuan.discovery.engine import classify_frame
from shuan.discovery.registry import Registry, load_file
from shuan.discovery.vocabulary import TYPES
from shuan.errors import ConfigError

CASE_NUMBERS = """
recognizers:
  - type: case_number
    name: 行政处罚案件编号
    label: 案件编号
    pi_category: 个人基本资料
    level: 2
    patterns: ['(?:济|泗)[\\u4e00-\\u9fa5]{1,4}罚字〔20\\d{2}〕\\d{1,6}号']
    column_hints: ['案件编号', '案号']
"""


def test_every_vocabulary_type_has_a_builtin_recognizer() -> None:
    assert set(TYPES) <= set(Registry.default().types())


def test_custom_recognizer_is_used(tmp_path: Path) -> None:
    f = tmp_path / "case.yaml"
    f.write_text(CASE_NUMBERS, encoding="utf-8")
    reg = Registry.default([f])
    df = pl.DataFrame({"案号": [f"济市监罚字〔2023〕{i}号" for i in range(50)]})
    [col] = classify_frame(df, reg)
    assert [t.type for t in col.types] == ["case_number"]
    assert reg.type_label("case_number") == "案件编号"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("recognizers:\n  - type: x1\n    name: 坏正则\n    label: x\n    patterns: ['([a-z']\n", "坏正则"),
        ("recognizers:\n  - type: x1\n    name: 回看\n    label: x\n    patterns: ['(?<=a)b']\n", "look-around"),
        ("recognizers:\n  - type: x1\n    name: 未知字段\n    label: x\n    patterns: ['a']\n    colour: red\n", "colour"),
        ("recognizers:\n  - type: x1\n    name: 校验器\n    label: x\n    patterns: ['a']\n    validator: nope\n", "nope"),
        ("recognizers:\n  - type: X-1\n    name: 类型名\n    label: x\n    patterns: ['a']\n", "type"),
        ("recognizers:\n  - type: x1\n    name: 空\n    label: x\n", "patterns"),
        ("recognizers: 5\n", "列表"),
        ("just text", "recognizers"),
        ("recognizers:\n  - type: x1\n    name: [unclosed\n", "YAML"),
        ("recognizers:\n  - type: x1\n    name: 无标签\n    patterns: ['a']\n", "label"),
    ],
)
def test_bad_custom_recognizer_gives_one_line_error(tmp_path: Path, body: str, needle: str) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_file(f)
    message = str(exc.value)
    assert "\n" not in message
    assert "bad.yaml" in message
    assert needle in message


def test_missing_recognizer_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        load_file(tmp_path / "absent.yaml")
    assert "absent.yaml" in str(exc.value)


def test_builtin_patterns_compile_in_rust_regex() -> None:
    """Built-ins skip the Rust compile at start-up; this test does it for them."""
    import re

    import polars as pl

    probe = pl.Series("p", ["x"], dtype=pl.Utf8)
    for rec in Registry.default():
        assert rec.python_text_regex is None or isinstance(rec.python_text_regex, re.Pattern)
        for pattern in rec.patterns + rec.column_hints + rec.column_negative:
            re.compile(pattern)
        for pattern in (rec.full_pattern, rec.polars_text_pattern, rec.polars_probe_pattern):
            if pattern:
                probe.str.contains(pattern)  # raises on a pattern Rust cannot compile
