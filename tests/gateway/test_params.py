"""Parameter declarations and values: pure, table-driven (every refusal names the field or parameter)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shuan.errors import InvalidInput
from shuan.gateway.params import ParamSpec, check_call, check_spec, check_specs, check_value

COLUMNS = ("id", "xm", "sfzh", "nl", "csrq", "qx", "je", "yx")

GOOD_SPECS: list[dict[str, Any]] = [
    {"name": "sfzh", "type": "string", "column": "sfzh", "op": "=", "max_length": 18, "pattern": "[0-9]{17}[0-9X]"},
    {"name": "xm", "type": "string", "column": "xm", "op": "prefix"},
    {"name": "min_age", "type": "integer", "column": "nl", "op": ">=", "min": 0, "max": 150},
    {"name": "je", "type": "decimal", "column": "je", "op": "<", "min": "0", "max": "99999.99"},
    {"name": "after", "type": "date", "column": "csrq", "op": ">", "min": "1900-01-01", "max": "2100-01-01"},
    {"name": "qx", "type": "enum", "column": "qx", "choices": ["历下区", "市中区"]},
    {"name": "qxs", "type": "enum", "column": "qx", "op": "in", "choices": ["历下区", "市中区"], "max_items": 2},
    {"name": "yx", "type": "boolean", "column": "yx"},
    {"name": "ids", "type": "integer", "column": "id", "op": "in", "max_items": 3},
]


@pytest.mark.parametrize("raw", GOOD_SPECS, ids=lambda r: r["name"])
def test_good_declarations_round_trip(raw: dict[str, Any]) -> None:
    spec = check_spec(raw, columns=COLUMNS)
    again = check_spec(spec.as_dict(), columns=COLUMNS)
    assert again == spec


BAD_SPECS: list[tuple[dict[str, Any], str]] = [
    ({"name": "Bad", "type": "string", "column": "xm"}, "params[0].name"),
    ({"name": "_x", "type": "string", "column": "xm"}, "params[0].name"),
    ({"name": "x", "type": "json", "column": "xm"}, "params.x.type"),
    ({"name": "x", "type": "string", "column": "nope"}, "params.x.column"),
    ({"name": "x", "type": "string", "column": "xm", "op": "<"}, "params.x.op"),
    ({"name": "x", "type": "boolean", "column": "yx", "op": "in"}, "params.x.op"),
    ({"name": "x", "type": "enum", "column": "qx", "op": "prefix", "choices": ["a"]}, "params.x.op"),
    ({"name": "x", "type": "string", "column": "xm", "pattern": "(unclosed"}, "params.x.pattern"),
    ({"name": "x", "type": "string", "column": "xm", "pattern": "a" * 201}, "params.x.pattern"),
    ({"name": "x", "type": "string", "column": "xm", "max_length": 0}, "params.x.max_length"),
    ({"name": "x", "type": "string", "column": "xm", "max_length": 100_000}, "params.x.max_length"),
    ({"name": "x", "type": "integer", "column": "nl", "min": 10, "max": 1}, "params.x.max"),
    ({"name": "x", "type": "integer", "column": "nl", "min": "ten"}, "params.x.min"),
    ({"name": "x", "type": "date", "column": "csrq", "min": "2026-02-30"}, "params.x.min"),
    ({"name": "x", "type": "string", "column": "xm", "min": 1}, "params.x.min"),
    ({"name": "x", "type": "enum", "column": "qx"}, "params.x.choices"),
    ({"name": "x", "type": "enum", "column": "qx", "choices": ["a", "a"]}, "params.x.choices"),
    ({"name": "x", "type": "integer", "column": "id", "op": "in", "max_items": 1000}, "params.x.max_items"),
    ({"name": "x", "type": "integer", "column": "id", "max_items": 3}, "params.x.max_items"),
    ({"name": "x", "type": "string", "column": "xm", "required": "yes"}, "params.x.required"),
    ({"name": "x", "type": "string", "column": "xm", "sql": "1=1"}, "params[0].sql"),
    ("not a mapping", "params[0]"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("raw", "field"), BAD_SPECS)
def test_bad_declarations_name_the_field(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_spec(raw, columns=COLUMNS)
    assert err.value.field == field
    assert "\n" not in err.value.user_message and field in err.value.user_message


def test_declaration_lists() -> None:
    assert check_specs(None, columns=COLUMNS) == ()
    with pytest.raises(InvalidInput, match="params"):
        check_specs([GOOD_SPECS[0], GOOD_SPECS[0]], columns=COLUMNS)
    with pytest.raises(InvalidInput):
        check_specs([{**GOOD_SPECS[1], "name": f"p{i}"} for i in range(21)], columns=COLUMNS)
    with pytest.raises(InvalidInput):
        check_specs("sfzh", columns=COLUMNS)


SPECS = {raw["name"]: check_spec(raw, columns=COLUMNS) for raw in GOOD_SPECS}

GOOD_VALUES: list[tuple[str, list[object], object]] = [
    ("sfzh", ["37010219800101001X"], "37010219800101001X"),
    ("xm", ["张"], "张"),
    ("xm", ["100%_"], "100%_"),  # wildcards are data: the query escapes them
    ("min_age", ["42"], 42),
    ("min_age", [42], 42),
    ("min_age", ["+0"], 0),
    ("je", ["12.50"], Decimal("12.50")),
    ("je", [3], Decimal(3)),
    ("after", ["2000-02-29"], date(2000, 2, 29)),
    ("qx", ["历下区"], "历下区"),
    ("qxs", ["历下区,市中区"], ("历下区", "市中区")),
    ("qxs", ["历下区", "历下区"], ("历下区",)),
    ("yx", ["true"], True),
    ("yx", ["0"], False),
    ("yx", [True], True),
    ("ids", [[1, 2, 3]], (1, 2, 3)),
    ("ids", ["1", "2"], (1, 2)),
]


@pytest.mark.parametrize(("name", "sent", "expected"), GOOD_VALUES)
def test_good_values_convert(name: str, sent: list[object], expected: object) -> None:
    assert check_value(SPECS[name], sent) == expected


INJECTIONS = [
    "' OR '1'='1", "1; DROP TABLE rk; --", "1 UNION SELECT sqlite_version()--", "\" OR 1=1 --",
    "1' AND SLEEP(5)#", "admin'--", "%' OR 1=1 --", "1 OR 1=1", "${jndi:ldap://x}", "1\x00", "1/**/OR/**/1=1",
    "37010219800101001X' OR 'a'='a",
]
BAD_VALUES: list[tuple[str, list[object], str]] = [
    *[("sfzh", [s[:18]], "gateway.reason_pattern_mismatch") for s in INJECTIONS
      if "\x00" not in s and not s.startswith("3701")],
    *[("min_age", [s], "gateway.reason_type_integer") for s in INJECTIONS],
    *[("after", [s], "gateway.reason_type_date") for s in INJECTIONS],
    *[("qx", [s], "gateway.reason_not_a_choice") for s in INJECTIONS if "\x00" not in s],
    ("sfzh", ["1\x00"], "gateway.reason_control"),
    ("sfzh", ["3701021980010100123"], "gateway.reason_max_length"),
    ("xm", [""], "gateway.reason_empty"),
    ("xm", ["x" * 101], "gateway.reason_max_length"),
    ("min_age", ["-1"], "gateway.reason_below"),
    ("min_age", ["151"], "gateway.reason_above"),
    ("min_age", ["99999999999999999999"], "gateway.reason_type_integer"),
    ("min_age", ["1e3"], "gateway.reason_type_integer"),
    ("min_age", [True], "gateway.reason_type_integer"),
    ("min_age", [4.5], "gateway.reason_type_integer"),
    ("min_age", ["1", "2"], "gateway.reason_repeated"),
    ("je", ["100000"], "gateway.reason_above"),
    ("je", ["-0.01"], "gateway.reason_below"),
    ("je", ["NaN"], "gateway.reason_type_decimal"),
    ("je", ["Infinity"], "gateway.reason_type_decimal"),
    ("je", [float("nan")], "gateway.reason_type_decimal"),
    ("after", ["2026-13-01"], "gateway.reason_type_date"),
    ("after", ["1899-12-31"], "gateway.reason_below"),
    ("after", ["2100-01-02"], "gateway.reason_above"),
    ("qxs", ["历下区,市中区,槐荫区"], "gateway.reason_max_items"),
    ("qxs", ["槐荫区"], "gateway.reason_not_a_choice"),
    ("yx", ["yes"], "gateway.reason_type_boolean"),
    ("ids", [[1, 2, 3, 4]], "gateway.reason_max_items"),
    ("ids", ["1,x"], "gateway.reason_type_integer"),
    ("min_age", [[1]], "gateway.reason_type_integer"),
]


@pytest.mark.parametrize(("name", "sent", "why"), BAD_VALUES)
def test_bad_values_are_refused_naming_the_parameter(name: str, sent: list[object], why: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_value(SPECS[name], sent)
    assert err.value.key == "gateway.bad_param"
    assert err.value.field == name and err.value.reason_key == why
    assert name in err.value.user_message and "\n" not in err.value.user_message


def test_a_call_refuses_unknown_and_missing_parameters() -> None:
    required = check_spec({"name": "sfzh", "type": "string", "column": "sfzh", "required": True}, columns=COLUMNS)
    specs: list[ParamSpec] = [required, SPECS["min_age"]]
    assert check_call(specs, {"sfzh": ["1"], "min_age": ["3"]}) == {"sfzh": "1", "min_age": 3}
    with pytest.raises(InvalidInput) as err:
        check_call(specs, {"sfzh": ["1"], "id; DROP TABLE rk": ["1"]})
    assert err.value.reason_key == "gateway.reason_unknown_param" and "DROP" in err.value.field
    with pytest.raises(InvalidInput) as err:
        check_call(specs, {"min_age": ["3"]})
    assert err.value.field == "sfzh" and err.value.reason_key == "gateway.reason_required"
    with pytest.raises(InvalidInput) as err:
        check_call(specs, {"sfzh": ["1"], "x\n": ["1"]})
    assert "\n" not in err.value.user_message
