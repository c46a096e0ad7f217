"""Scenario profiles and custom rules: the rule of each column, and one-line errors for bad rule files."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuan.discovery.vocabulary import TYPES
from shuan.errors import ConfigError
from shuan.protect.profiles import DetectedColumn, load_profile, load_rules, scenario_ids

COLUMNS = [
    DetectedColumn("xm", ("person_name",)),
    DetectedColumn("sfzh", ("cn_resident_id",)),
    DetectedColumn("lxdh", ("cn_mobile",)),
    DetectedColumn("csrq", ("birth_date",)),
    DetectedColumn("bz", ("cn_mobile", "person_name"), free_text=True),
    DetectedColumn("bh"),
    DetectedColumn("zdy", ("my_custom_type",)),
]


def operators(profile: str) -> dict[str, str]:
    return {c.column: c.rule.operator for c in load_profile(profile).rules_for_table("t", COLUMNS)}


def test_four_scenarios_cover_every_type() -> None:
    assert scenario_ids() == ["dev_test", "statistics", "department_sharing", "open_data"]
    for sid in scenario_ids():
        profile = load_profile(sid)
        assert set(TYPES) <= set(profile.types) and {"*", "free_text", "untyped"} <= set(profile.types)
        for rule in profile.types.values():
            rule.build()  # every built-in rule is valid


@pytest.mark.parametrize(("profile", "expected"), [
    ("dev_test", {"xm": "fake", "sfzh": "fake", "lxdh": "fake", "csrq": "date_shift", "bz": "redact_text",
                  "bh": "retain", "zdy": "keep_first_last"}),
    ("statistics", {"xm": "suppress", "sfzh": "pseudonym", "lxdh": "suppress", "csrq": "age_band",
                    "bz": "redact_text", "bh": "retain", "zdy": "keep_first_last"}),
    ("department_sharing", {"xm": "keep_first_last", "sfzh": "tokenize", "lxdh": "keep_first_last",
                            "csrq": "date_truncate", "bz": "redact_text", "bh": "retain", "zdy": "keep_first_last"}),
    ("open_data", {"xm": "suppress", "sfzh": "suppress", "lxdh": "suppress", "csrq": "date_truncate",
                   "bz": "suppress", "bh": "retain", "zdy": "suppress"}),
])
def test_rules_per_scenario(profile: str, expected: dict[str, str]) -> None:
    assert operators(profile) == expected


def test_labels_and_reasons() -> None:
    profile = load_profile("开发测试")
    assert profile.id == "dev_test"
    rules = {c.column: c for c in profile.rules_for_table("t", COLUMNS)}
    assert rules["xm"].rule.params == {"kind": "person_name"}  # fake takes its kind from the type
    assert rules["sfzh"].reason == "类型居民身份证号（cn_resident_id）：场景“开发测试”"
    assert rules["bz"].reason.startswith("自由文本（含手机号、姓名）")
    assert rules["bh"].reason.startswith("未识别出敏感类型") and not rules["bh"].masks
    assert load_profile("statistics").types["cn_uscc"].operator == "retain"


def test_unknown_profile() -> None:
    with pytest.raises(ConfigError, match="未知的脱敏场景：nope.*dev_test（开发测试）"):
        load_profile("nope")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_custom_rules_override_types_and_columns(tmp_path: Path) -> None:
    path = write(tmp_path, """
profile: statistics
types:
  cn_mobile: {operator: mask_range, start: 3, end: 7}
  my_custom_type: {operator: pseudonym, length: 12}
columns:
  t.xm: {operator: keep_first_last, first: 1}
  bh: {operator: suppress, value: "***"}
free_text: {operator: suppress}
""")
    profile = load_rules(path, extra_types=["my_custom_type"])
    rules = {c.column: c for c in profile.rules_for_table("t", COLUMNS)}
    assert profile.id == "statistics" and profile.rules_file == str(path)
    assert rules["lxdh"].rule.operator == "mask_range" and "自定义规则" in rules["lxdh"].reason
    assert rules["zdy"].rule.params == {"length": 12}
    assert rules["xm"].rule.operator == "keep_first_last" and rules["xm"].reason == "字段规则 t.xm"
    assert rules["bh"].rule.params == {"value": "***"}
    assert rules["bz"].rule.operator == "suppress"
    assert rules["sfzh"].rule.operator == "pseudonym"  # untouched: the scenario's rule
    other = {c.column: c.rule.operator for c in profile.rules_for_table("u", COLUMNS)}
    assert other["xm"] == "suppress" and other["bh"] == "suppress"  # t.xm is for table t only
    # --profile wins over the file's own profile
    assert load_rules(path, profile="open_data", extra_types=["my_custom_type"]).id == "open_data"


BAD_FILES = [
    ("profile: statistics\ntypes:\n  cn_mobil: {operator: suppress}\n", "types.cn_mobil：未知的数据类型 cn_mobil"),
    ("profile: statistics\ntypes:\n  cn_mobile: {operator: supress}\n", "types.cn_mobile：未知的脱敏算子：supress"),
    ("profile: statistics\ntypes:\n  cn_mobile: {operator: keep_first_last, first: -2}\n",
     "types.cn_mobile：脱敏算子 keep_first_last 的参数 first 无效"),
    ("profile: statistics\ntypes:\n  cn_mobile: {operator: keep_first_last, colour: red}\n", "参数 colour 无效"),
    ("profile: statistics\ntypes:\n  cn_mobile: suppress\n", "规则须为映射"),
    ("profile: statistics\ntypes:\n  address: {operator: fake}\n", "仿真替换不支持类型 address"),
    ("profile: statistics\ncolumns:\n  t.: {operator: suppress}\n", "字段规则的键须为"),
    ("profile: statistics\ntype:\n  cn_mobile: {operator: suppress}\n", "不允许的字段 type"),
    ("profile: nope\n", "未知的脱敏场景：nope"),
    ("types: {}\n", "未指定脱敏场景"),
    ("- [1, 2\n", "YAML 语法错误"),
    ("[1, 2]\n", "顶层须为映射"),
    ("a: &x 1\nb: *x\n", "锚点"),
]


@pytest.mark.parametrize(("text", "needle"), BAD_FILES, ids=[str(i) for i in range(len(BAD_FILES))])
def test_bad_rule_files(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    message = info.value.user_message
    assert needle in message and "\n" not in message, message


def test_missing_rule_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="脱敏规则文件 .* 无效"):
        load_rules(tmp_path / "none.yaml", profile="statistics")


def test_scan_json_columns() -> None:
    value = DetectedColumn.from_json({"name": "sj", "types": [{"type": "cn_mobile", "evidence": "95% 的非空值…"}]})
    text = DetectedColumn.from_json({"name": "bz", "types": [{"type": "cn_mobile", "evidence": "自由文本：10%…"}]})
    assert value == DetectedColumn("sj", ("cn_mobile",)) and text.free_text
