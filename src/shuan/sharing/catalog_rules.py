"""Grade compliance of a catalogue entry's 共享属性 and 开放属性 (pure: no database, no settings).

The rules are data (`LEVEL_RULES`), one row per level, each naming the article behind it:

* 三级 — not 无条件共享 (严格控制共享知悉范围) and 不予开放 (原则上不对社会开放): Jining 第三十三条.
* 二级 — not 无条件共享 (只对确需获取的授权部门共享开放) and 不予开放: social opening is for 一级
  only, which matches shuan.access.rules (the ``opening`` scenario only on 一级).
* 一级 — any share and open type.

Whatever the level (DOMAIN.md §4): 有条件共享 and 不予共享 state their basis (``share_basis``),
有条件共享 states its condition (``share_condition``); the same for opening (``open_basis``,
``open_condition``).

`check_types` returns every problem found (empty: compliant); each `Problem` names the field, a
catalogue key and its parameters, and renders as one line through `Problem.message`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shuan.access.paths import bad_field, name_problem
from shuan.messages import language, msg
from shuan.sharing.models import OPEN_TYPES, SHARE_TYPES

#: 共享类型 labels (zh, en) by stable id
SHARE_LABELS: dict[str, tuple[str, str]] = {
    "unconditional": ("无条件共享", "unconditional sharing"),
    "conditional": ("有条件共享", "conditional sharing"),
    "none": ("不予共享", "not shared"),
}
#: 开放类型 labels (zh, en) by stable id
OPEN_LABELS: dict[str, tuple[str, str]] = {
    "unconditional": ("无条件开放", "open without conditions"),
    "conditional": ("有条件开放", "open with conditions"),
    "none": ("不予开放", "not open"),
}
LEVEL_LABELS: dict[int, tuple[str, str]] = {
    1: ("一级", "level 1"),
    2: ("二级", "level 2"),
    3: ("三级", "level 3"),
}


@dataclass(frozen=True, slots=True)
class LevelRule:
    """What one level allows, and the catalogue key citing the article behind it."""

    share: frozenset[str]
    open: frozenset[str]
    share_rule: str  # catalogue key of the sentence citing the rule for share_type
    open_rule: str  # the same for open_type


LEVEL_RULES: Mapping[int, LevelRule] = {
    1: LevelRule(frozenset(SHARE_TYPES), frozenset(OPEN_TYPES), "", ""),
    2: LevelRule(
        frozenset({"conditional", "none"}),
        frozenset({"none"}),
        "catalog.rule_share_level2",
        "catalog.rule_open_level2",
    ),
    3: LevelRule(
        frozenset({"conditional", "none"}),
        frozenset({"none"}),
        "catalog.rule_share_level3",
        "catalog.rule_open_level3",
    ),
}

#: the basis text a draft entry cites for the default types of a level (catalogue keys)
DEFAULT_BASIS: Mapping[int, str] = {2: "catalog.basis_level2", 3: "catalog.basis_level3"}
#: the default share/open types of a draft entry by level (the most open the level allows)
DEFAULT_TYPES: Mapping[int, tuple[str, str]] = {
    1: ("unconditional", "none"),
    2: ("conditional", "none"),
    3: ("conditional", "none"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One compliance problem: the field at fault, a catalogue key and its parameters."""

    field: str
    key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        """One line, Chinese first (per SHUAN_LANG)."""
        return msg(self.key, field=self.field, **self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "key": self.key, "message": self.message}


def label(labels: Mapping[Any, tuple[str, str]], value: object) -> str:
    """The label of a stable id in the current language (the id itself when unknown)."""
    pair = labels.get(value)
    if pair is None:
        return str(value)
    return pair[1] if language() == "en" else pair[0]


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def check_types(
    level: int,
    share_type: str,
    open_type: str,
    *,
    share_basis: str | None,
    open_basis: str | None,
    share_condition: str | None,
    open_condition: str | None,
) -> list[Problem]:
    """Every problem of these share/open attributes at `level` (1..3; anything else counts as 三级)."""
    rule = LEVEL_RULES.get(level, LEVEL_RULES[3])
    shown = level if level in LEVEL_RULES else 3
    problems: list[Problem] = []
    for name, value, known, labels, allowed, cite, basis, condition in (
        (
            "share",
            share_type,
            SHARE_TYPES,
            SHARE_LABELS,
            rule.share,
            rule.share_rule,
            share_basis,
            share_condition,
        ),
        ("open", open_type, OPEN_TYPES, OPEN_LABELS, rule.open, rule.open_rule, open_basis, open_condition),
    ):
        type_field = f"{name}_type"
        if value not in known:
            problems.append(Problem(type_field, "catalog.reason_type", {"allowed": ", ".join(known)}))
            continue
        if value not in allowed:
            problems.append(
                Problem(
                    type_field,
                    cite,
                    {"level": label(LEVEL_LABELS, shown), "type": label(labels, value)},
                )
            )
        if value in ("conditional", "none") and _blank(basis):
            problems.append(
                Problem(f"{name}_basis", f"catalog.rule_{name}_basis", {"type": label(labels, value)})
            )
        if value == "conditional" and _blank(condition):
            problems.append(Problem(f"{name}_condition", f"catalog.rule_{name}_condition", {}))
    return problems


__all__ = [
    "CATEGORY_LEVELS",
    "DEFAULT_BASIS",
    "DEFAULT_TYPES",
    "FORMATS",
    "ITEM_TYPES",
    "LEVEL_LABELS",
    "LEVEL_RULES",
    "OPEN_LABELS",
    "SHARE_LABELS",
    "SHARE_METHODS",
    "STATUS_LABELS",
    "UPDATE_CYCLES",
    "LevelRule",
    "Problem",
    "check_category",
    "check_choice",
    "check_code",
    "check_items",
    "check_line",
    "check_related",
    "check_text",
    "check_types",
    "first_refusal",
    "label",
]


# -- field validators (pure; each raises InvalidInput naming the field) ----------------------------------

#: 资源格式 (stable ids → zh, en)
FORMATS: dict[str, tuple[str, str]] = {
    "database": ("数据库", "database"),
    "spreadsheet": ("电子表格", "spreadsheet"),
    "text": ("文本", "text"),
    "image": ("图像", "image"),
    "interface": ("接口", "interface"),
    "other": ("其他", "other"),
}
#: 信息项数据类型
ITEM_TYPES: dict[str, tuple[str, str]] = {
    "string": ("字符型", "string"),
    "integer": ("整数型", "integer"),
    "decimal": ("数值型", "decimal"),
    "date": ("日期型", "date"),
    "datetime": ("日期时间型", "date and time"),
    "boolean": ("布尔型", "boolean"),
    "binary": ("二进制", "binary"),
}
#: 更新周期
UPDATE_CYCLES: dict[str, tuple[str, str]] = {
    "realtime": ("实时", "real time"),
    "daily": ("每日", "daily"),
    "weekly": ("每周", "weekly"),
    "monthly": ("每月", "monthly"),
    "quarterly": ("每季度", "quarterly"),
    "yearly": ("每年", "yearly"),
    "irregular": ("不定期", "irregular"),
}
#: 共享方式
SHARE_METHODS: dict[str, tuple[str, str]] = {
    "interface": ("接口", "interface"),
    "file": ("文件", "file"),
    "database": ("库表", "database table"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "draft"),
    "published": ("已发布", "published"),
    "withdrawn": ("已撤回", "withdrawn"),
}
CATEGORY_LEVELS: tuple[str, ...] = ("类", "项", "目", "细目")

MAX_CODE = 64
MAX_NAME = 200
MAX_CATEGORY = 100
MAX_SUMMARY = 2000
MAX_ITEMS = 500
MAX_ITEM_NAME = 200
MAX_TEXT = 1000
MAX_RELATED = 50

_CODE = re.compile(r"[A-Za-z0-9.\-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u2028\u2029]")


def check_code(value: object, field: str = "code") -> str:
    """资源代码 / 提供方代码: letters, digits, ``-`` and ``.``; 1-64 characters."""
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise bad_field(field, "catalog.reason_code")
    return value


def check_line(value: object, field: str, limit: int) -> str:
    """A required one-line text (name, category level): non-blank, bounded, no control characters."""
    if not isinstance(value, str) or not value.strip():
        raise bad_field(field, "access.reason_empty")
    if len(value) > limit:
        raise bad_field(field, "catalog.reason_length", limit=limit)
    if _CONTROL.search(value) or value != value.strip():
        raise bad_field(field, "catalog.reason_line")
    return value


def check_text(
    value: object, field: str, limit: int, *, required: bool = False, multiline: bool = False
) -> str | None:
    """Free text (summary, condition, basis): bounded; None or blank is None unless `required`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise bad_field(field, "access.reason_empty")
        return None
    if not isinstance(value, str):
        raise bad_field(field, "catalog.reason_text")
    if len(value) > limit:
        raise bad_field(field, "catalog.reason_length", limit=limit)
    if (_CONTROL_MULTILINE if multiline else _CONTROL).search(value):
        raise bad_field(field, "catalog.reason_line")
    return value


def check_choice(value: object, field: str, choices: Mapping[str, tuple[str, str]]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise bad_field(field, "catalog.reason_choice", allowed=", ".join(choices))
    return value


def check_category(value: object) -> list[str]:
    """分类: 1-4 levels (类/项/目/细目), each a non-blank line of at most 100 characters."""
    if (
        isinstance(value, str)
        or not isinstance(value, Sequence)
        or not 1 <= len(value) <= len(CATEGORY_LEVELS)
    ):
        raise bad_field("category", "catalog.reason_category")
    return [check_line(v, f"category[{i}]", MAX_CATEGORY) for i, v in enumerate(value)]


def check_items(value: object, columns: Iterable[str] | None = None) -> list[dict[str, str]]:
    """信息项: 1-500 of {name, type, column}; names and columns unique; with `columns` (what the
    inventory or the register knows of the table), every column must be one of them."""
    if isinstance(value, str) or not isinstance(value, Sequence) or not 1 <= len(value) <= MAX_ITEMS:
        raise bad_field("items", "catalog.reason_items", limit=MAX_ITEMS)
    known = None if columns is None else frozenset(columns)
    out: list[dict[str, str]] = []
    names: set[str] = set()
    used: set[str] = set()
    for i, item in enumerate(value):
        if not isinstance(item, Mapping) or set(item) - {"name", "type", "column"}:
            raise bad_field(f"items[{i}]", "catalog.reason_item")
        name = check_line(item.get("name"), f"items[{i}].name", MAX_ITEM_NAME)
        kind = check_choice(item.get("type"), f"items[{i}].type", ITEM_TYPES)
        column = item.get("column")
        problem = name_problem(column)
        if problem is not None:
            raise bad_field(f"items[{i}].column", problem)
        assert isinstance(column, str)
        if known is not None and column not in known:
            raise bad_field(f"items[{i}].column", "catalog.reason_column_unknown", column=column)
        if name in names:
            raise bad_field(f"items[{i}].name", "catalog.reason_duplicate", value=name)
        if column in used:
            raise bad_field(f"items[{i}].column", "catalog.reason_duplicate", value=column)
        names.add(name)
        used.add(column)
        out.append({"name": name, "type": kind, "column": column})
    return out


def check_related(value: object, own_code: str | None = None) -> list[str]:
    """关联资源代码: at most 50 distinct codes, not the entry's own."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) > MAX_RELATED:
        raise bad_field("related_codes", "catalog.reason_related", limit=MAX_RELATED)
    out: list[str] = []
    for i, v in enumerate(value):
        code = check_code(v, f"related_codes[{i}]")
        if code == own_code or code in out:
            raise bad_field(f"related_codes[{i}]", "catalog.reason_duplicate", value=code)
        out.append(code)
    return out


def first_refusal(problems: Sequence[Problem]) -> Problem | None:
    """The problem a refusal names: a grade violation first, then a missing basis or condition."""
    for p in problems:
        if p.field in ("share_type", "open_type"):
            return p
    return problems[0] if problems else None
