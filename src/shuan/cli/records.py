"""Helpers of the administration commands: JSON rendering of service results, option types."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

import click

from shuan.cli import output
from shuan.messages import msg

#: ids fit a 32-bit column on every supported database
ID = click.IntRange(1, 2_147_483_647)


def jsonable(value: Any) -> Any:
    """Plain JSON values from service results (dataclasses, datetimes, enums, tuples)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        as_dict = getattr(value, "as_dict", None)
        data = as_dict() if callable(as_dict) else {f.name: getattr(value, f.name) for f in dataclasses.fields(value)
                                                     if f.repr}
        return jsonable(data)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def emit(value: Any) -> None:
    output.emit_json(jsonable(value))


def emit_rows(values: list[Any]) -> None:
    for value in values:
        output.emit_jsonl(jsonable(value))


class AwareDateTime(click.ParamType[datetime, Any]):
    """An ISO-8601 date and time with a time zone (e.g. 2026-12-31T00:00:00+08:00)."""

    name = "datetime"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None or not 1970 < parsed.year < 9000:
            self.fail(msg("api.datetime_cli", value=value), param, ctx)
        return parsed


DATETIME = AwareDateTime()
