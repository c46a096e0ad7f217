"""Grading rules per scheme: column levels, combinations, scale, sensitive PI, reasons."""

from __future__ import annotations

import pytest

from shuan.discovery.registry import Registry
from shuan.errors import ConfigError
from shuan.grading.rules import grade_column, grade_table
from shuan.grading.scheme import builtin_ids, load_scheme


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.default()


def test_builtin_schemes_load_and_map_to_each_other() -> None:
    ids = builtin_ids()
    assert {"jining-2020", "gbt43697-2024", "zj-db33-2021"} <= set(ids)
    for sid in ids:
        s = load_scheme(sid)
        for other, table in s.mapping.items():
            target = load_scheme(other)
            assert set(table) == {lv.level for lv in s.levels}, (sid, other)
            assert all(1 <= t <= target.max_level for t in table.values())


CASES = [
    # scheme, column types, rows, expected level, a word every reason list must contain
    ("jining-2020", {}, 10, 1, "第三十条"),
    ("jining-2020", {"区县": [], "GDP": []}, 5_000_000, 1, "一级"),
    ("jining-2020", {"name": ["person_name"]}, 100, 1, "姓名"),
    ("jining-2020", {"name": ["person_name"], "phone": ["cn_mobile"]}, 100, 2, "第二十九条"),
    ("jining-2020", {"name": ["person_name"], "addr": ["address"]}, 100, 2, "组合"),
    ("jining-2020", {"sfzh": ["cn_resident_id"]}, 100, 2, "身份证"),
    ("jining-2020", {"name": ["person_name"]}, 20_000, 2, "20000"),
    ("jining-2020", {"sfzh": ["cn_resident_id"], "kh": ["bank_card"]}, 2_000_000, 3, "第二十八条"),
    ("jining-2020", {"xm": ["person_name"], "sfzh": ["cn_resident_id"], "zd": ["medical_info"]}, 150_000, 3, "第二十八条（一）"),
    ("jining-2020", {"xm": ["person_name"], "sfzh": ["cn_resident_id"], "zd": ["medical_info"]}, 50_000, 2, "第二十九条"),
    ("jining-2020", {"code": ["cn_uscc"]}, 100, 1, "统一社会信用代码"),
    ("jining-2020", {"zd": ["medical_info"]}, 10, 2, "《个人信息保护法》第二十八条"),
    ("jining-2020", {"kh": ["bank_card"]}, 10, 2, "金融账户"),
    ("gbt43697-2024", {}, 10, 1, "一般数据1级"),
    ("gbt43697-2024", {"code": ["cn_uscc"]}, 10, 2, "组织"),
    ("gbt43697-2024", {"sfzh": ["cn_resident_id"]}, 10, 4, "身份证件"),
    ("gbt43697-2024", {"sfzh": ["cn_resident_id"], "zd": ["medical_info"]}, 2_000_000, 5, "重要数据"),
    ("zj-db33-2021", {"xb": ["gender"]}, 10, 2, "L2"),
    ("zj-db33-2021", {"xm": ["person_name"], "dz": ["address"]}, 10, 3, "L3"),
    ("zj-db33-2021", {"kh": ["bank_card"]}, 10, 4, "金融账户"),
]


@pytest.mark.parametrize(("scheme_id", "columns", "rows", "level", "word"), CASES)
def test_table_grades(registry: Registry, scheme_id: str, columns: dict[str, list[str]], rows: int, level: int,
                      word: str) -> None:
    scheme = load_scheme(scheme_id)
    grade = grade_table(scheme, registry, columns, rows)
    assert grade.level == level, grade.reasons
    assert grade.reasons, "every grade carries reasons"
    assert any(word in r for r in grade.reasons), grade.reasons


def test_table_never_below_highest_column(registry: Registry) -> None:
    scheme = load_scheme("jining-2020")
    for types in (["cn_resident_id"], ["bank_card", "gender"], ["medical_info"]):
        col = grade_column(scheme, registry, types)
        assert grade_table(scheme, registry, {"c": types}, 1).level >= col.level


def test_unknown_scheme_names_the_choices() -> None:
    with pytest.raises(ConfigError) as exc:
        load_scheme("nope-2099")
    assert "nope-2099" in str(exc.value) and "jining-2020" in str(exc.value)


def test_scheme_file_validation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: x\nbasis: x\nlevels: [{level: 1, label: a, color: '#000000'}, {level: 3, label: b, "
                   "color: '#000000'}]\ndefault_level: 1\ndefault_reason: x\ntype_levels: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_scheme(str(bad))
    assert "bad.yaml" in str(exc.value) and "levels" in str(exc.value)


def test_scale_thresholds_are_configurable(registry: Registry) -> None:
    from shuan.grading.rules import Grader

    scheme = load_scheme("jining-2020")
    names = {"xm": ["person_name"]}
    assert Grader(scheme, registry).table(names, 500).level == 1
    assert Grader(scheme, registry, {"personal_scale": 100}).table(names, 500).level == 2


def test_unknown_scale_rule_is_a_usage_error(registry: Registry) -> None:
    from shuan.errors import UsageError
    from shuan.grading.rules import Grader

    with pytest.raises(UsageError) as exc:
        Grader(load_scheme("jining-2020"), registry, {"nope": 5})
    assert "nope" in str(exc.value) and "personal_scale" in str(exc.value)


@pytest.mark.parametrize(
    ("table", "types", "category"),
    [
        ("hj_rkxx", ["cn_resident_id"], "人口基础信息"),
        ("yb_jsxx", ["cn_resident_id", "medical_info"], "医疗健康"),
        ("sb_cbry", ["cn_resident_id"], "社会保障"),
        ("t_0417", ["cn_resident_id"], "人口基础信息"),
        ("t_0418", ["cn_uscc"], "法人单位基础信息"),
        ("tj_hz", [], "经济统计"),
        ("misc", [], "部门业务数据"),
    ],
)
def test_category_inference(table: str, types: list[str], category: str) -> None:
    from shuan.grading.taxonomy import infer

    assert infer(table, types).name == category
