"""Grade compliance of 共享类型/开放类型 (shuan.sharing.catalog_rules): every level × share × open, table-driven,
and the pure field validators."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from shuan.errors import InvalidInput
from shuan.sharing.catalog_rules import (
    OPEN_LABELS,
    SHARE_LABELS,
    Problem,
    check_category,
    check_code,
    check_items,
    check_related,
    check_types,
    first_refusal,
)
from shuan.sharing.models import OPEN_TYPES, SHARE_TYPES

#: (level, share_type, open_type) → the type fields refused for the grade (basis and condition given)
ALLOWED_SHARE = {1: set(SHARE_TYPES), 2: {"conditional", "none"}, 3: {"conditional", "none"}}
ALLOWED_OPEN = {1: set(OPEN_TYPES), 2: {"none"}, 3: {"none"}}
GRID = list(itertools.product((1, 2, 3), SHARE_TYPES, OPEN_TYPES))


def expected_grade_fields(level: int, share: str, open_: str) -> set[str]:
    out = set()
    if share not in ALLOWED_SHARE[level]:
        out.add("share_type")
    if open_ not in ALLOWED_OPEN[level]:
        out.add("open_type")
    return out


@pytest.mark.parametrize(("level", "share", "open_"), GRID)
def test_every_combination_with_basis_and_condition(level: int, share: str, open_: str) -> None:
    problems = check_types(level, share, open_, share_basis="《条例》第十条", open_basis="依据",
                           share_condition="仅限业务办理", open_condition="注册用户")
    assert {p.field for p in problems} == expected_grade_fields(level, share, open_)
    for p in problems:
        assert "第三十三条" in p.message or "一级" in p.message, p.message
        assert p.field in p.message and "\n" not in p.message


@pytest.mark.parametrize(("level", "share", "open_"), GRID)
def test_every_combination_without_basis_or_condition(level: int, share: str, open_: str) -> None:
    problems = check_types(level, share, open_, share_basis=None, open_basis="  ", share_condition=None,
                           open_condition="")
    fields = {p.field for p in problems}
    want = expected_grade_fields(level, share, open_)
    if share in ("conditional", "none"):
        want.add("share_basis")
    if share == "conditional":
        want.add("share_condition")
    if open_ in ("conditional", "none"):
        want.add("open_basis")
    if open_ == "conditional":
        want.add("open_condition")
    assert fields == want


def test_level_three_cites_jining_article_33() -> None:
    [share, opening] = check_types(3, "unconditional", "unconditional", share_basis=None, open_basis=None,
                                   share_condition=None, open_condition=None)
    assert share.field == "share_type" and "三级" in share.message and "无条件共享" in share.message
    assert "第三十三条" in share.message
    assert opening.field == "open_type" and "不对社会开放" in opening.message
    assert first_refusal([Problem("share_basis", "catalog.rule_share_basis", {"type": "x"}), opening]) is opening


def test_unknown_types_are_problems_not_crashes() -> None:
    problems = check_types(1, "everyone", "?", share_basis=None, open_basis=None, share_condition=None,
                           open_condition=None)
    assert [p.field for p in problems] == ["share_type", "open_type"]
    assert "unconditional" in problems[0].message


def test_unknown_level_is_treated_as_level_three() -> None:
    assert {p.field for p in check_types(0, "unconditional", "none", share_basis=None, open_basis="x",
                                          share_condition=None, open_condition=None)} == {"share_type"}


def test_labels_cover_the_stored_ids() -> None:
    assert set(SHARE_LABELS) == set(SHARE_TYPES) and set(OPEN_LABELS) == set(OPEN_TYPES)


def test_problem_renders_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUAN_LANG", "en")
    [p] = check_types(2, "unconditional", "none", share_basis=None, open_basis="x", share_condition=None,
                      open_condition=None)
    assert "level 2" in p.message and "art. 33" in p.message


# -- field validators ----------------------------------------------------------------------------------

BAD: list[tuple[Any, Any, str]] = [
    (check_code, "", "code"),
    (check_code, "有中文", "code"),
    (check_code, "a b", "code"),
    (check_code, "x" * 65, "code"),
    (check_code, 12, "code"),
    (check_category, [], "category"),
    (check_category, "人口", "category"),
    (check_category, ["a", "b", "c", "d", "e"], "category"),
    (check_category, ["人口", " "], "category[1]"),
    (check_category, ["人口\n"], "category[0]"),
    (check_items, [], "items"),
    (check_items, [{"name": "姓名", "type": "text", "column": "xm"}], "items[0].type"),
    (check_items, [{"name": "", "type": "string", "column": "xm"}], "items[0].name"),
    (check_items, [{"name": "姓名", "type": "string", "column": ""}], "items[0].column"),
    (check_items, [{"name": "姓名", "type": "string", "column": "xm", "x": 1}], "items[0]"),
    (check_items, [{"name": "姓名", "type": "string", "column": "xm"}] * 2, "items[1].name"),
    (check_items, "xm", "items"),
    (check_related, ["A-1", "A-1"], "related_codes[1]"),
    (check_related, "A-1", "related_codes"),
    (check_related, ["有中文"], "related_codes[0]"),
]


@pytest.mark.parametrize(("check", "value", "field"), BAD)
def test_bad_fields_name_the_field(check: Any, value: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check(value)
    assert caught.value.field == field
    assert field in str(caught.value) and "\n" not in str(caught.value)


def test_good_fields_pass() -> None:
    assert check_code("370800-GA.001") == "370800-GA.001"
    assert check_category(["人口", "户籍"]) == ["人口", "户籍"]
    items = [{"name": "姓名", "type": "string", "column": "xm"}, {"name": "出生日期", "type": "date", "column": "csrq"}]
    assert check_items(items, ["xm", "csrq", "sfzh"]) == items
    assert check_related(None) == [] and check_related(["B.2"], "A.1") == ["B.2"]


def test_items_must_be_columns_of_the_table() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_items([{"name": "姓名", "type": "string", "column": "xm2"}], ["xm"])
    assert caught.value.field == "items[0].column" and "xm2" in str(caught.value)
    with pytest.raises(InvalidInput):
        check_related(["A.1"], "A.1")
