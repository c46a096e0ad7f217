"""Pure parts: resource path syntax and the field validators of grants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shuan.access.paths import ancestors_of, parse, resource_path
from shuan.access.rules import (
    MAX_VALIDITY,
    check_actions,
    check_department_path,
    check_masking,
    check_row_filter,
    check_scenario,
    check_text,
    check_validity,
)
from shuan.errors import InvalidInput
from shuan.messages import CATALOGUE

NOW = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("source", "table", "column", "path"),
    [
        ("人口库", None, None, "src:人口库"),
        ("人口库", "hj_rkxx", None, "src:人口库/tbl:hj_rkxx"),
        ("人口库", "hj_rkxx", "身份证号", "src:人口库/tbl:hj_rkxx/col:身份证号"),
        ("/data/a.csv", "a", None, "src:%2Fdata%2Fa.csv/tbl:a"),
        ("100%", "x/y", "c:d*", "src:100%25/tbl:x%2Fy/col:c:d*"),
        ("it's", 'say "hi"', "a b", "src:it's/tbl:say \"hi\"/col:a b"),
    ],
)
def test_build_and_parse_round_trip(source: str, table: str | None, column: str | None, path: str) -> None:
    assert resource_path(source, table, column) == path
    parsed = parse(path)
    assert (parsed.source, parsed.table, parsed.column) == (source, table, column)
    assert parsed.depth == 1 + (table is not None) + (column is not None)


def test_ancestors_root_first() -> None:
    path = "src:a%2Fb/tbl:t/col:c"
    assert ancestors_of(path) == ("src:a%2Fb", "src:a%2Fb/tbl:t", path)
    assert parse(path).ancestors() == ancestors_of(path)
    assert parse(path).parent == "src:a%2Fb/tbl:t"
    assert parse("src:a").parent is None
    assert parse("src:a/tbl:t").kind == "table"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "src:",
        "tbl:x",
        "src:a/col:b",  # a column needs its table
        "src:a/tbl:b/col:c/col:d",
        "src:a//tbl:b",
        "src:a/tbl:b/",
        "SRC:a",
        "src:a%2f",  # lower-case escape: not canonical
        "src:a%41",  # any other escape: not canonical
        "src:a%",
        "src: a",  # leading whitespace
        "src:a ",
        "src:a\n",
        "src:a\x00",
        "src:\u202eabc",  # bidirectional override
        "src:a\u200bb",  # zero-width space
        "src:" + "x" * 129,
        "src:a/tbl:" + "y" * 600,
        "src:a/tbl:../col:b/../..",
    ],
)
def test_bad_paths_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse(bad)
    assert err.value.field == "resource"
    assert "\n" not in str(err.value)


def test_non_string_path_refused() -> None:
    for bad in (None, 1, ["src:a"], b"src:a"):
        with pytest.raises(InvalidInput):
            parse(bad)


def test_builder_refuses_bad_names() -> None:
    with pytest.raises(InvalidInput):
        resource_path("a", None, "c")
    with pytest.raises(InvalidInput):
        resource_path("a\tb")
    with pytest.raises(InvalidInput):
        resource_path("")


def test_actions_and_scenarios() -> None:
    assert check_actions(["read", "export", "read"]) == frozenset({"read", "export"})
    for bad in ([], "read", ["READ"], ["read;drop"], [None], ["delete"]):
        with pytest.raises(InvalidInput):
            check_actions(bad)
    assert check_scenario("dev_test") == "dev_test"
    for bad in ("开发测试", "", None, "business' OR 1=1"):
        with pytest.raises(InvalidInput):
            check_scenario(bad)


def test_text_fields() -> None:
    assert check_text("'; DROP TABLE access_grants; --", "purpose", 500, required=True).startswith("';")
    for bad in ("", "   ", "a\nb", "a\x00", "x" * 501, 5, None):
        with pytest.raises(InvalidInput):
            check_text(bad, "purpose", 500, required=True)
    assert check_text(None, "reason", 500, required=False) == ""


def test_masking_and_department_path() -> None:
    assert check_masking("姓名脱敏-v2") == "姓名脱敏-v2"
    assert check_masking(None) is None
    for bad in ("a b", "x;drop", "", "x" * 65, "../x", 3):
        with pytest.raises(InvalidInput):
            check_masking(bad)
    assert check_department_path([1, 10]) == (1, 10)
    for bad in ([], [1, 1], ["1"], [0], [True], "1,2", [2**63]):
        with pytest.raises(InvalidInput):
            check_department_path(bad)


def test_validity() -> None:
    start, end = check_validity(NOW, NOW + timedelta(days=30), NOW)
    assert end - start == timedelta(days=30)
    naive = datetime(2026, 3, 2)  # naive values are taken as UTC
    assert check_validity(NOW, naive, NOW)[1].tzinfo is not None
    for since, until in (
        (NOW, NOW),
        (NOW, NOW - timedelta(days=1)),
        (NOW - timedelta(days=10), NOW - timedelta(days=1)),  # already over
        (NOW, NOW + MAX_VALIDITY + timedelta(seconds=1)),
        (NOW + MAX_VALIDITY * 2, NOW + MAX_VALIDITY * 2 + timedelta(days=1)),
        (NOW, "2027-01-01"),
    ):
        with pytest.raises(InvalidInput):
            check_validity(since, until, NOW)


def test_row_filter() -> None:
    conds = check_row_filter(
        [
            {"column": "户籍地", "op": "=", "value": "济宁"},
            {"column": "年龄", "op": ">=", "value": 18},
            {"column": "区县", "op": "in", "value": ["任城区", "兖州区"]},
            {"column": "name", "op": "!=", "value": "' OR '1'='1"},
        ]
    )
    assert conds is not None and len(conds) == 4
    assert conds[2].value == ("任城区", "兖州区")
    assert conds[3].value == "' OR '1'='1"  # data, never SQL
    assert check_row_filter(None) is None and check_row_filter([]) is None
    bad_filters = [
        "age > 18",
        {"column": "a", "op": "=", "value": 1},
        [{"column": "a", "op": "= 1 OR 1=1", "value": 1}],
        [{"column": "a", "op": "like", "value": "%"}],
        [{"column": "a", "op": "=", "value": 1, "sql": "1=1"}],
        [{"column": "a", "op": "="}],
        [{"column": "", "op": "=", "value": 1}],
        [{"column": "a\n", "op": "=", "value": 1}],
        [{"column": "a", "op": "=", "value": {"$ne": 1}}],
        [{"column": "a", "op": "=", "value": float("nan")}],
        [{"column": "a", "op": "=", "value": None}],
        [{"column": "a", "op": "=", "value": [1, 2]}],
        [{"column": "a", "op": "in", "value": []}],
        [{"column": "a", "op": "in", "value": "abc"}],
        [{"column": "a", "op": "in", "value": list(range(1001))}],
        [{"column": "a", "op": "=", "value": "x\x00y"}],
        [{"column": "a", "op": "=", "value": 1}] * 21,
    ]
    for bad in bad_filters:
        with pytest.raises(InvalidInput):
            check_row_filter(bad)


def test_reason_keys_exist() -> None:
    import re
    from pathlib import Path

    import shuan.access as pkg

    root = Path(pkg.__file__).parent
    used = {m for p in root.glob("*.py") for m in re.findall(r'"(access\.[a-z_]+)"', p.read_text(encoding="utf-8"))}
    used -= {"access.decide", "access.query"}  # audit action names, not messages
    assert len(used) > 40
    assert sorted(k for k in used if k not in CATALOGUE) == []


def test_every_rule_explains_itself_in_both_languages() -> None:
    from shuan.access.engine import GUARDS, LEVEL_KEYS, RULES

    for key in [f"access.why_{r}" for r in RULES] + [f"access.why_{g}" for g in GUARDS] + list(LEVEL_KEYS.values()):
        zh, en = CATALOGUE[key]
        assert zh and en and "\n" not in zh and "\n" not in en
