"""The SQL of a service call, built with SQLAlchemy Core: never a string put together from input.

Identifiers (schema, table, columns) come from the service's definition, which was checked against the
source's catalogue at publication, and SQLAlchemy quotes them for the dialect; every value — a
consumer's parameter, a grant's row-filter value, the row limit — is a bound parameter. A ``prefix``
parameter becomes ``LIKE :v || '%' ESCAPE '/'`` with the wildcards inside the value escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from shuan.access.rules import Condition
from shuan.gateway.params import ParamSpec, Value


def _sql_type(kind: str) -> sa.types.TypeEngine[Any]:
    if kind in ("string", "enum"):
        return sa.String()
    if kind == "integer":
        return sa.BigInteger()
    if kind == "decimal":
        return sa.Numeric(asdecimal=True)
    if kind == "date":
        return sa.Date()
    return sa.Boolean()


@dataclass(frozen=True)
class Target:
    """Where a service reads: the relation (schema None: the connection's default) and its columns."""

    schema: str | None
    table: str


def _param_clause(col: sa.ColumnClause[object], spec: ParamSpec, value: Value | tuple[Value, ...]) -> ColumnElement[bool]:
    op = spec.op
    if op == "in":
        assert isinstance(value, tuple)
        return col.in_(list(value))
    assert not isinstance(value, tuple)
    if op == "=":
        return col == value
    if op == "<":
        return col < value
    if op == "<=":
        return col <= value
    if op == ">":
        return col > value
    if op == ">=":
        return col >= value
    if op == "prefix":
        assert isinstance(value, str)
        return col.startswith(value, autoescape=True)
    raise ValueError(f"unknown operator {op!r}")  # pragma: no cover - validated at publication


def _filter_clause(col: sa.ColumnClause[object], cond: Condition) -> ColumnElement[bool]:
    value = cond.value
    op = cond.op
    if op == "in":
        assert isinstance(value, tuple)
        return col.in_(list(value))
    if op == "=":
        return col == value
    if op == "!=":
        return col != value
    if op == "<":
        return col < value
    if op == "<=":
        return col <= value
    if op == ">":
        return col > value
    if op == ">=":
        return col >= value
    raise ValueError(f"unknown row-filter operator {op!r}")  # pragma: no cover - validated by the access rules


def build_select(
    target: Target,
    columns: Sequence[str],
    params: Iterable[tuple[ParamSpec, Value | tuple[Value, ...]]],
    row_filter: Iterable[Condition],
    limit: int,
) -> sa.Select[tuple[object, ...]]:
    """``SELECT columns FROM target WHERE <params AND row filter> LIMIT :limit``, all values bound."""
    typed: dict[str, sa.types.TypeEngine[Any] | None] = dict.fromkeys(columns)
    params = list(params)
    row_filter = list(row_filter)
    for spec, _ in params:
        typed[spec.column] = _sql_type(spec.type)
    for cond in row_filter:
        typed.setdefault(cond.column, None)
    cols = {name: sa.column(name, kind) if kind is not None else sa.column(name) for name, kind in typed.items()}
    table = sa.table(target.table, *cols.values(), schema=target.schema)
    where: list[ColumnElement[bool]] = [_param_clause(table.c[spec.column], spec, value) for spec, value in params]
    where.extend(_filter_clause(table.c[cond.column], cond) for cond in row_filter)
    stmt = sa.select(*(table.c[name] for name in columns))
    if where:
        stmt = stmt.where(sa.and_(*where))
    return stmt.limit(sa.bindparam("row_limit", limit, type_=sa.Integer, literal_execute=False))


def compiled_sql(stmt: sa.Select[tuple[object, ...]], dialect: sa.Dialect) -> tuple[str, Mapping[str, object]]:
    """The SQL text and its bound parameters for `dialect` (tests and `shuan service show`)."""
    compiled = stmt.compile(dialect=dialect)
    return str(compiled), dict(compiled.params)


__all__ = ["Target", "build_select", "compiled_sql"]
