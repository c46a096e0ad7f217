"""Typed service parameters: their declaration (checked when a service is published) and the values a
consumer sends (checked at every call). Pure functions, no database; every refusal is an `InvalidInput`
naming the parameter and why, in one line.

A parameter is declared as::

    {name: sfzh, type: string, column: 身份证号, op: "=", required: true, max_length: 18,
     pattern: "[0-9]{17}[0-9Xx]"}

* ``name``: ``[a-z][a-z0-9_]{0,62}`` (what consumers send; reserved names start with ``_``);
* ``type``: ``string | integer | decimal | date | enum | boolean``;
* ``column``: a column of the service's table (the value is compared with it, never spliced into SQL);
* ``op``: ``= < <= > >= prefix in`` — ``prefix`` only for strings, the comparisons only for
  integers, decimals and dates, ``in`` for everything but booleans (``max_items`` values, default 20);
* ``required`` (default false); ``min``/``max`` for integers, decimals and dates; ``max_length`` for
  strings (default 100, at most 1000); ``pattern`` for strings: a regular expression the whole value
  must match, compiled at publication (a bad one is refused then); ``choices`` for enums.

A consumer's value arrives as text (a query string) or as JSON; either way it is converted to the
declared type and checked against its bounds. Unknown parameters are refused, a missing required one is
refused, a repeated one is refused unless the operator is ``in``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from shuan.access.paths import bad_field
from shuan.errors import InvalidInput
from shuan.messages import msg

TYPES: tuple[str, ...] = ("string", "integer", "decimal", "date", "enum", "boolean")
OPS: tuple[str, ...] = ("=", "<", "<=", ">", ">=", "prefix", "in")
ALLOWED_OPS: dict[str, frozenset[str]] = {
    "string": frozenset({"=", "prefix", "in"}),
    "integer": frozenset({"=", "<", "<=", ">", ">=", "in"}),
    "decimal": frozenset({"=", "<", "<=", ">", ">=", "in"}),
    "date": frozenset({"=", "<", "<=", ">", ">=", "in"}),
    "enum": frozenset({"=", "in"}),
    "boolean": frozenset({"="}),
}
MAX_PARAMS = 20
MAX_LENGTH_DEFAULT = 100
MAX_LENGTH_LIMIT = 1000
MAX_ITEMS_DEFAULT = 20
MAX_ITEMS_LIMIT = 100
MAX_CHOICES = 100
MAX_PATTERN = 200
INT_LOW, INT_HIGH = -(2**63), 2**63 - 1

_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
_INT = re.compile(r"[+-]?[0-9]{1,19}")
_DECIMAL = re.compile(r"[+-]?[0-9]{1,18}(?:\.[0-9]{1,12})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_SPEC_FIELDS = frozenset({"name", "type", "column", "op", "required", "min", "max", "max_length", "pattern",
                          "choices", "max_items", "description"})

Value = str | int | Decimal | date | bool
Bound = int | Decimal | date


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter (validated)."""

    name: str
    type: str
    column: str
    op: str = "="
    required: bool = False
    min: Bound | None = None
    max: Bound | None = None
    max_length: int = MAX_LENGTH_DEFAULT
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    max_items: int = MAX_ITEMS_DEFAULT
    description: str = ""
    _regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The declaration as stored and shown (JSON types: bounds as text for decimals and dates)."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "column": self.column, "op": self.op,
                               "required": self.required}
        for key in ("min", "max"):
            bound = getattr(self, key)
            if bound is not None:
                out[key] = bound if isinstance(bound, int) else str(bound)
        if self.type == "string":
            out["max_length"] = self.max_length
            if self.pattern is not None:
                out["pattern"] = self.pattern
        if self.type == "enum":
            out["choices"] = list(self.choices)
        if self.op == "in":
            out["max_items"] = self.max_items
        if self.description:
            out["description"] = self.description
        return out


# -- declarations ----------------------------------------------------------------------------------


def _spec_error(where: str, reason_key: str, **params: object) -> InvalidInput:
    return bad_field(where, reason_key, **params)


def _bound(value: object, kind: str, where: str) -> Bound | None:
    if value is None:
        return None
    try:
        converted = convert(kind, value)
    except _Bad as bad:
        raise _spec_error(where, bad.reason_key, **bad.params) from None
    if isinstance(converted, bool) or not isinstance(converted, int | Decimal | date):
        raise _spec_error(where, "gateway.reason_bound")
    return converted


def _positive(value: object, where: str, default: int, limit: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise _spec_error(where, "gateway.reason_between", low=1, high=limit)
    return value


def check_spec(raw: object, *, columns: Collection[str], index: int = 0) -> ParamSpec:
    """Validate one parameter declaration against the table's `columns`."""
    here = f"params[{index}]"
    if not isinstance(raw, Mapping):
        raise _spec_error(here, "gateway.reason_mapping")
    unknown = sorted(str(k) for k in raw if k not in _SPEC_FIELDS)
    if unknown:
        raise _spec_error(f"{here}.{unknown[0][:40]}", "gateway.reason_unknown_field")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise _spec_error(f"{here}.name", "gateway.reason_param_name")
    here = f"params.{name}"
    kind = raw.get("type")
    if not isinstance(kind, str) or kind not in TYPES:
        raise _spec_error(f"{here}.type", "gateway.reason_choice", allowed=", ".join(TYPES))
    column = raw.get("column")
    if not isinstance(column, str) or column not in columns:
        raise _spec_error(f"{here}.column", "gateway.reason_no_column")
    op = raw.get("op", "=")
    if not isinstance(op, str) or op not in ALLOWED_OPS[kind]:
        raise _spec_error(f"{here}.op", "gateway.reason_choice", allowed=", ".join(sorted(ALLOWED_OPS[kind])))
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise _spec_error(f"{here}.required", "gateway.reason_bool")
    low = high = None
    if kind in ("integer", "decimal", "date"):
        low = _bound(raw.get("min"), kind, f"{here}.min")
        high = _bound(raw.get("max"), kind, f"{here}.max")
        if low is not None and high is not None and low > high:  # type: ignore[operator]
            raise _spec_error(f"{here}.max", "gateway.reason_min_max")
    elif raw.get("min") is not None or raw.get("max") is not None:
        raise _spec_error(f"{here}.min", "gateway.reason_not_for_type")
    max_length = MAX_LENGTH_DEFAULT
    pattern: str | None = None
    regex: re.Pattern[str] | None = None
    if kind == "string":
        max_length = _positive(raw.get("max_length"), f"{here}.max_length", MAX_LENGTH_DEFAULT, MAX_LENGTH_LIMIT)
        pattern_raw = raw.get("pattern")
        if pattern_raw is not None:
            if not isinstance(pattern_raw, str) or not pattern_raw or len(pattern_raw) > MAX_PATTERN:
                raise _spec_error(f"{here}.pattern", "gateway.reason_pattern", limit=MAX_PATTERN)
            try:
                regex = re.compile(pattern_raw)
            except re.error:
                raise _spec_error(f"{here}.pattern", "gateway.reason_pattern", limit=MAX_PATTERN) from None
            pattern = pattern_raw
    elif raw.get("max_length") is not None or raw.get("pattern") is not None:
        raise _spec_error(f"{here}.max_length", "gateway.reason_not_for_type")
    choices: tuple[str, ...] = ()
    if kind == "enum":
        raw_choices = raw.get("choices")
        if (isinstance(raw_choices, str | bytes) or not isinstance(raw_choices, Sequence)
                or not 0 < len(raw_choices) <= MAX_CHOICES
                or any(not isinstance(c, str) or not c or len(c) > 200 or _CONTROL.search(c) for c in raw_choices)
                or len(set(raw_choices)) != len(raw_choices)):
            raise _spec_error(f"{here}.choices", "gateway.reason_choices", limit=MAX_CHOICES)
        choices = tuple(raw_choices)
    elif raw.get("choices") is not None:
        raise _spec_error(f"{here}.choices", "gateway.reason_not_for_type")
    max_items = MAX_ITEMS_DEFAULT
    if op == "in":
        max_items = _positive(raw.get("max_items"), f"{here}.max_items", MAX_ITEMS_DEFAULT, MAX_ITEMS_LIMIT)
    elif raw.get("max_items") is not None:
        raise _spec_error(f"{here}.max_items", "gateway.reason_not_for_type")
    description = raw.get("description", "")
    if not isinstance(description, str) or len(description) > 500 or _CONTROL.search(description):
        raise _spec_error(f"{here}.description", "gateway.reason_text", limit=500)
    return ParamSpec(name=name, type=kind, column=column, op=op, required=required, min=low, max=high,
                     max_length=max_length, pattern=pattern, choices=choices, max_items=max_items,
                     description=description, _regex=regex)


def check_specs(raw: object, *, columns: Collection[str]) -> tuple[ParamSpec, ...]:
    """Validate a list of declarations (names unique, at most `MAX_PARAMS`)."""
    if raw is None:
        return ()
    if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Sequence):
        raise _spec_error("params", "gateway.reason_list")
    if len(raw) > MAX_PARAMS:
        raise _spec_error("params", "gateway.reason_count", limit=MAX_PARAMS)
    specs = tuple(check_spec(item, columns=columns, index=i) for i, item in enumerate(raw))
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise _spec_error("params", "gateway.reason_duplicate")
    return specs


# -- values ----------------------------------------------------------------------------------------


class _Bad(Exception):  # noqa: N818 - internal signal, turned into InvalidInput with the parameter's name
    def __init__(self, reason_key: str, **params: object) -> None:
        super().__init__(reason_key)
        self.reason_key = reason_key
        self.params = params


def bad_param(name: str, reason_key: str, **params: object) -> InvalidInput:
    """The one-line refusal of a call parameter, naming it."""
    return InvalidInput("gateway.bad_param", field=name, reason=msg(reason_key, **params), reason_key=reason_key)


def convert(kind: str, value: object) -> Value:
    """`value` (text from a query string, or a JSON value) as a value of type `kind`; raises _Bad."""
    if kind in ("string", "enum"):
        if not isinstance(value, str):
            raise _Bad("gateway.reason_type_string")
        if _CONTROL.search(value):
            raise _Bad("gateway.reason_control")
        return value
    if kind == "integer":
        if isinstance(value, bool):
            raise _Bad("gateway.reason_type_integer")
        if isinstance(value, str):
            if not _INT.fullmatch(value):
                raise _Bad("gateway.reason_type_integer")
            value = int(value)
        if not isinstance(value, int):
            raise _Bad("gateway.reason_type_integer")
        if not INT_LOW <= value <= INT_HIGH:
            raise _Bad("gateway.reason_type_integer")
        return value
    if kind == "decimal":
        if isinstance(value, bool):
            raise _Bad("gateway.reason_type_decimal")
        if isinstance(value, int | float):
            value = repr(value) if isinstance(value, float) else str(value)
        if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
            raise _Bad("gateway.reason_type_decimal")
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            raise _Bad("gateway.reason_type_decimal") from None
    if kind == "date":
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise _Bad("gateway.reason_type_date")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _Bad("gateway.reason_type_date") from None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        raise _Bad("gateway.reason_type_boolean")
    raise _Bad("gateway.reason_type_string")  # pragma: no cover - kinds are validated at publication


def _one(spec: ParamSpec, value: object) -> Value:
    converted = convert(spec.type, value)
    if spec.type == "string":
        assert isinstance(converted, str)
        if spec.op == "prefix" and not converted:
            raise _Bad("gateway.reason_empty")
        if len(converted) > spec.max_length:
            raise _Bad("gateway.reason_max_length", limit=spec.max_length)
        regex = spec._regex if spec._regex is not None else (re.compile(spec.pattern) if spec.pattern else None)
        if regex is not None and not regex.fullmatch(converted):
            raise _Bad("gateway.reason_pattern_mismatch")
    elif spec.type == "enum":
        if converted not in spec.choices:
            raise _Bad("gateway.reason_not_a_choice", allowed=", ".join(spec.choices[:20]))
    elif spec.type in ("integer", "decimal", "date"):
        if spec.min is not None and converted < spec.min:  # type: ignore[operator]
            raise _Bad("gateway.reason_below", low=str(spec.min))
        if spec.max is not None and converted > spec.max:  # type: ignore[operator]
            raise _Bad("gateway.reason_above", high=str(spec.max))
    return converted


def check_value(spec: ParamSpec, values: Sequence[object]) -> Value | tuple[Value, ...]:
    """The checked value of one parameter from the values sent for it (a query string may repeat a name;
    ``in`` also takes one comma-separated text or a JSON list)."""
    try:
        if spec.op == "in":
            items: list[object] = []
            for v in values:
                if isinstance(v, list | tuple):
                    items.extend(v)
                elif isinstance(v, str):
                    items.extend(v.split(","))
                else:
                    items.append(v)
            if not items:
                raise _Bad("gateway.reason_empty")
            if len(items) > spec.max_items:
                raise _Bad("gateway.reason_max_items", limit=spec.max_items)
            return tuple(dict.fromkeys(_one(spec, v) for v in items))
        if len(values) != 1:
            raise _Bad("gateway.reason_repeated")
        if isinstance(values[0], list | tuple | dict):
            raise _Bad(f"gateway.reason_type_{spec.type}")
        return _one(spec, values[0])
    except _Bad as bad:
        raise bad_param(spec.name, bad.reason_key, **bad.params) from None


def check_call(specs: Sequence[ParamSpec], sent: Mapping[str, Sequence[object]]) -> dict[str, Value | tuple[Value, ...]]:
    """Every parameter of a call checked: `sent` maps each name to the values sent for it. Unknown names
    are refused (the first, in sorted order, is named), then each declared one in declaration order."""
    declared = {s.name: s for s in specs}
    for name in sorted(sent):
        if name not in declared:
            shown = name if _NAME.fullmatch(name) else name[:40].encode("unicode_escape").decode("ascii")
            raise bad_param(shown, "gateway.reason_unknown_param")
    out: dict[str, Value | tuple[Value, ...]] = {}
    for spec in specs:
        values = sent.get(spec.name)
        if values is None or len(values) == 0:
            if spec.required:
                raise bad_param(spec.name, "gateway.reason_required")
            continue
        out[spec.name] = check_value(spec, values)
    return out


def spec_from_stored(raw: Mapping[str, Any], columns: Collection[str]) -> ParamSpec:
    """A stored declaration back as a ParamSpec (validated again: a stored row is input too)."""
    return check_spec(raw, columns=columns)


__all__ = [
    "ALLOWED_OPS",
    "OPS",
    "TYPES",
    "ParamSpec",
    "bad_param",
    "check_call",
    "check_spec",
    "check_specs",
    "check_value",
    "convert",
    "spec_from_stored",
]
