"""The vocabulary of grants and its validators: actions, usage scenarios, validity, row filters.

Pure functions, no database. Every validator raises `InvalidInput` naming the field and why.

* Actions: ``read``, ``export``, ``share``, ``manage`` (a grant holds a non-empty subset).
* Purpose: every grant states 申请理由 as free text (1-500 characters, one line, no control
  characters; stored verbatim, never interpreted) and a usage scenario (使用场景) from the fixed list
  `SCENARIOS`. Every decision is made for one scenario (``business`` when the caller names none), and
  a grant applies only to decisions of its own scenario: a ``dev_test`` grant never allows business
  use. ``opening`` (社会开放) is allowed only on 一级 data.
* Inside the owner: a principal (or a grant's subject) is inside the department that owns a
  resource when its own department is the owner or a sub-department of it (`inside_owner`). The
  root department (the data authority) is on every department path, so for a resource the root
  owns only members of the root department itself are inside: the rest of the tree is outside and
  meets the 二级/三级 guardrails like any other department.
* Validity: every grant ends; at most `MAX_VALIDITY` (365 days) after it starts.
* Row filter: a conjunction (AND) of at most 20 conditions ``{column, op, value}``, op one of
  ``= != < <= > >= in``; values are strings, integers, finite floats or booleans (``in``: a list of
  1-1000 of them). It is data for the component that performs the access, which binds values as
  parameters and quotes the column as an identifier: it is never SQL text.
* Masking profile: a name (letters of any script, digits, ``_``, ``-``; 1-64 characters) resolved by
  the protect part of the platform.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shuan.access.paths import bad_field, name_problem
from shuan.clock import utcnow

ACTIONS: tuple[str, ...] = ("read", "export", "share", "manage")
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "read": ("读取", "read"),
    "export": ("导出", "export"),
    "share": ("共享", "share"),
    "manage": ("管理", "manage"),
}

#: usage scenarios (使用场景), stable ids
SCENARIOS: dict[str, tuple[str, str]] = {
    "business": ("业务办理", "business processing"),
    "analysis": ("统计分析", "statistical analysis"),
    "dev_test": ("开发测试", "development and testing"),
    "sharing": ("部门共享", "inter-department sharing"),
    "opening": ("社会开放", "opening to the public"),
}
DEFAULT_SCENARIO = "business"

LEVELS: tuple[int, ...] = (1, 2, 3)

#: the longest a grant may last (configurable here; keep it at most a year, 最小必要)
MAX_VALIDITY = timedelta(days=365)
MAX_PURPOSE = 500
MAX_REASON = 500
MAX_CONDITIONS = 20
MAX_IN_VALUES = 1000
MAX_VALUE_CHARS = 1000
OPS: tuple[str, ...] = ("=", "!=", "<", "<=", ">", ">=", "in")

SUBJECT_KINDS: tuple[str, ...] = ("user", "department")

_MASKING = re.compile(r"[\w-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

Scalar = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Condition:
    """One row-filter condition: `column` `op` `value`."""

    column: str
    op: str
    value: Scalar | tuple[Scalar, ...]

    def as_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"column": self.column, "op": self.op, "value": value}


def aware(when: datetime) -> datetime:
    """A UTC-aware datetime (SQLite hands naive ones back; they are stored as UTC)."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def aware_now(now: datetime | None) -> datetime:
    """`now` made UTC-aware (see `aware`), or the clock's time when the caller names none."""
    return aware(now) if now is not None else utcnow()


def inside_owner(owner: int, department_path: Sequence[int], *, subtree: bool = False) -> bool:
    """Whether everyone in the department at the end of `department_path` (root first) — and, with
    `subtree`, in all its sub-departments — is inside the department `owner` owning a resource.

    Inside means: the own department is the owner or a sub-department of it. The root department
    (``department_path[0]``) is everybody's ancestor, so it does not make its whole tree inside: a
    resource the root owns has only the root department itself inside (and no subtree below it).
    """
    if owner in department_path[1:]:
        return True
    return not subtree and len(department_path) == 1 and department_path[0] == owner


def check_actions(actions: object) -> frozenset[str]:
    if isinstance(actions, str) or not isinstance(actions, Iterable):
        raise bad_field("actions", "access.reason_actions")
    items = list(actions)
    if not items or any(not isinstance(a, str) or a not in ACTIONS for a in items):
        raise bad_field("actions", "access.reason_actions")
    return frozenset(items)


def check_action(action: object) -> str:
    if not isinstance(action, str) or action not in ACTIONS:
        raise bad_field("action", "access.reason_actions")
    return action


def check_scenario(scenario: object) -> str:
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        raise bad_field("scenario", "access.reason_scenario", allowed=", ".join(SCENARIOS))
    return scenario


def check_text(value: object, field: str, limit: int, *, required: bool) -> str:
    """Free text (purpose, reasons): one line, bounded, stored verbatim."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise bad_field(field, "access.reason_empty")
    if len(value) > limit:
        raise bad_field(field, "access.reason_too_long")
    if _CONTROL.search(value):
        raise bad_field(field, "access.reason_control")
    return value


def check_level(level: object, *, optional: bool = False) -> int | None:
    if level is None and optional:
        return None
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        raise bad_field("level", "access.reason_level")
    return level


def check_id(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise bad_field(field, "access.reason_id")
    return value


def check_department_path(path: object, field: str = "department_path") -> tuple[int, ...]:
    """A department path, root first: 1-32 distinct positive ids."""
    if isinstance(path, str | bytes) or not isinstance(path, Sequence) or not 0 < len(path) <= 32:
        raise bad_field(field, "access.reason_department_path")
    out = tuple(check_id(d, field) for d in path)
    if len(set(out)) != len(out):
        raise bad_field(field, "access.reason_department_path")
    return out


def check_masking(profile: object) -> str | None:
    if profile is None:
        return None
    if not isinstance(profile, str) or not _MASKING.fullmatch(profile):
        raise bad_field("masking_profile", "access.reason_masking")
    return profile


def check_validity(valid_from: object, valid_until: object, now: datetime) -> tuple[datetime, datetime]:
    """A bounded validity period that has not already ended."""
    if not isinstance(valid_from, datetime):
        raise bad_field("valid_from", "access.reason_datetime")
    if not isinstance(valid_until, datetime):
        raise bad_field("valid_until", "access.reason_datetime")
    start, end = aware(valid_from), aware(valid_until)
    if end <= start or end <= now:
        raise bad_field("valid_until", "access.reason_validity_order")
    if end - start > MAX_VALIDITY or start - now > MAX_VALIDITY:
        raise bad_field("valid_until", "access.reason_validity_max", days=MAX_VALIDITY.days)
    return start, end


def _check_scalar(value: object) -> Scalar:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise bad_field("row_filter", "access.reason_row_value")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise bad_field("row_filter", "access.reason_row_value")
        return value
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS or "\x00" in value:
            raise bad_field("row_filter", "access.reason_row_value")
        return value
    raise bad_field("row_filter", "access.reason_row_value")


def check_row_filter(conditions: object) -> tuple[Condition, ...] | None:
    """Validate a row filter given as a list of mappings (or Conditions); None or [] means none."""
    if conditions is None:
        return None
    if isinstance(conditions, str | bytes | Mapping) or not isinstance(conditions, Sequence):
        raise bad_field("row_filter", "access.reason_row_shape")
    if not conditions:
        return None
    if len(conditions) > MAX_CONDITIONS:
        raise bad_field("row_filter", "access.reason_row_count", limit=MAX_CONDITIONS)
    out: list[Condition] = []
    for item in conditions:
        if isinstance(item, Condition):
            item = item.as_dict()
        if not isinstance(item, Mapping) or set(item) != {"column", "op", "value"}:
            raise bad_field("row_filter", "access.reason_row_shape")
        column, op, value = item["column"], item["op"], item["value"]
        problem = name_problem(column)
        if problem is not None:
            raise bad_field("row_filter", problem)
        assert isinstance(column, str)
        if not isinstance(op, str) or op not in OPS:
            raise bad_field("row_filter", "access.reason_row_op")
        if op == "in":
            if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
                raise bad_field("row_filter", "access.reason_row_value")
            if not 0 < len(value) <= MAX_IN_VALUES:
                raise bad_field("row_filter", "access.reason_row_value")
            out.append(Condition(column, op, tuple(_check_scalar(v) for v in value)))
        else:
            out.append(Condition(column, op, _check_scalar(value)))
    return tuple(out)


def row_filter_json(conditions: tuple[Condition, ...] | None) -> list[dict[str, Any]] | None:
    return None if conditions is None else [c.as_dict() for c in conditions]
