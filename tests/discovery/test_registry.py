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


@pytest.mark.parametrize(
    "types",
    [["cn_mobile"], ["cn_resident_id", "address"], ["person_name", "medical_info", "ethnicity"], ["case_number"],
     ["case_number", "cn_license_plate"]],
)
def test_a_registry_for_some_types_is_the_full_registrys_subset(tmp_path: Path, types: list[str]) -> None:
    """--types validates only the built-in recognizers of these types, and yields what restricting the
    full registry yields (the same objects: each built-in is validated once per process)."""
    from shuan.config import Settings
    from shuan.inventory.service import registry_for

    f = tmp_path / "case.yaml"
    f.write_text(CASE_NUMBERS, encoding="utf-8")
    settings = Settings(home=tmp_path)
    subset = registry_for(settings, [f], [",".join(types)])
    full = Registry.default([f]).only(types)
    assert [r.model_dump() for r in subset] == [r.model_dump() for r in full]
    assert [id(r) for r in subset if r.type != "case_number"] == [id(r) for r in full if r.type != "case_number"]


def test_unknown_type_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    from shuan.config import Settings
    from shuan.errors import UsageError
    from shuan.inventory.service import registry_for

    with pytest.raises(UsageError) as exc:
        registry_for(Settings(home=tmp_path), [], ["cn_mobile,case_number"])
    assert "case_number" in exc.value.user_message


def test_dictionaries_are_built_only_for_the_recognizers_that_use_them() -> None:
    """A scan for identifiers does not build the administrative areas' alternation (tens of ms)."""
    import subprocess
    import sys

    code = ("from shuan.config import Settings; from shuan.inventory.service import registry_for; "
            "from shuan.discovery.address import admin_alternation as a; "
            "registry_for(Settings(), [], ['cn_resident_id,cn_mobile,bank_card']); m1 = a.cache_info().misses; "
            "registry_for(Settings(), [], ['address']); print(m1, a.cache_info().misses)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "1"]
