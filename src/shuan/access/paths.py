"""Resource paths: the names grants and the protected-resource register use for sources, tables, columns.

Syntax (one canonical spelling per resource, so equal resources are equal strings)::

    src:<source>
    src:<source>/tbl:<table>
    src:<source>/tbl:<table>/col:<column>

A name is the source's, table's or column's name exactly as it is in the data (no Unicode
normalisation: database identifiers compare exactly). Inside a path two characters are escaped:
``%`` as ``%25`` and ``/`` as ``%2F`` (upper case); no other ``%`` sequence is accepted, so a
resource has exactly one spelling. A name is 1-128 characters, has no leading or trailing
whitespace, and is printable in Python's sense (`str.isprintable`): no control, format
(zero-width, bidirectional override), surrogate, private-use or unassigned characters and no
separator other than the ASCII space (no U+3000 or no-break space): those make two different names
look alike. Everything else is allowed
(Chinese, spaces inside, quotes, ``:``, ``*``, ``;``): ``*`` has no wildcard meaning anywhere.
A whole path is at most 512 characters (it must fit a unique index on every supported database).

Hierarchy: a path's ancestors are its prefixes at each ``/``; a grant on an ancestor covers it.
This module is pure (no database, no settings) and raises `InvalidInput` for a bad path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shuan.errors import InvalidInput
from shuan.messages import msg

KINDS: tuple[str, ...] = ("src", "tbl", "col")
KIND_NAMES: dict[str, str] = {"src": "source", "tbl": "table", "col": "column"}
MAX_NAME = 128
MAX_PATH = 512

_NAME = r"((?:[^%/]|%25|%2F)+)"
_PATH = re.compile(rf"src:{_NAME}(?:/tbl:{_NAME}(?:/col:{_NAME})?)?")


def bad_field(field: str, reason_key: str, **params: object) -> InvalidInput:
    """The error for one malformed field; `reason_key` is a catalogue key explaining why."""
    return InvalidInput("access.bad_field", field=field, reason=msg(reason_key, **params), reason_key=reason_key)


def name_problem(name: object) -> str | None:
    """Why `name` cannot be a source/table/column name (a catalogue key), or None when it can."""
    if not isinstance(name, str) or not name:
        return "access.reason_empty"
    if len(name) > MAX_NAME:
        return "access.reason_too_long"
    if name != name.strip():
        return "access.reason_whitespace"
    if not name.isprintable():  # control, format, private-use, unassigned, separators but " "
        return "access.reason_control"
    return None


def escape_name(name: str) -> str:
    return name.replace("%", "%25").replace("/", "%2F")


def unescape_name(text: str) -> str:
    return text.replace("%2F", "/").replace("%25", "%")


def check_name(name: object, field: str = "name") -> str:
    problem = name_problem(name)
    if problem is not None:
        raise bad_field(field, problem)
    assert isinstance(name, str)
    return name


def resource_path(source: str, table: str | None = None, column: str | None = None) -> str:
    """Build the canonical path of a source, a table or a column from plain names."""
    if column is not None and table is None:
        raise bad_field("resource", "access.reason_column_without_table")
    parts = [f"src:{escape_name(check_name(source, 'source'))}"]
    if table is not None:
        parts.append(f"tbl:{escape_name(check_name(table, 'table'))}")
    if column is not None:
        parts.append(f"col:{escape_name(check_name(column, 'column'))}")
    path = "/".join(parts)
    if len(path) > MAX_PATH:
        raise bad_field("resource", "access.reason_too_long")
    return path


@dataclass(frozen=True)
class ResourcePath:
    """A parsed, validated path."""

    path: str
    source: str
    table: str | None = None
    column: str | None = None

    @property
    def kind(self) -> str:
        """'source', 'table' or 'column'."""
        if self.column is not None:
            return "column"
        return "table" if self.table is not None else "source"

    @property
    def depth(self) -> int:
        return 3 if self.column is not None else 2 if self.table is not None else 1

    @property
    def parent(self) -> str | None:
        cut = self.path.rfind("/")
        return None if cut < 0 else self.path[:cut]

    def ancestors(self) -> tuple[str, ...]:
        """The path and its ancestors, root (the source) first."""
        return ancestors_of(self.path)


def ancestors_of(path: str) -> tuple[str, ...]:
    """Prefixes of an already valid path at each separator, root first, the path itself last."""
    out: list[str] = []
    start = 0
    while True:
        cut = path.find("/", start)
        if cut < 0:
            out.append(path)
            return tuple(out)
        out.append(path[:cut])
        start = cut + 1


def parse(path: object) -> ResourcePath:
    """Parse a path strictly; `InvalidInput` names what is wrong."""
    if not isinstance(path, str) or not path:
        raise bad_field("resource", "access.reason_empty")
    if len(path) > MAX_PATH:
        raise bad_field("resource", "access.reason_too_long")
    m = _PATH.fullmatch(path)
    if m is None:
        raise bad_field("resource", "access.reason_path_syntax")
    names: list[str | None] = []
    for raw in m.groups():
        if raw is None:
            names.append(None)
            continue
        name = unescape_name(raw) if "%" in raw else raw
        problem = name_problem(name)
        if problem is not None:
            raise bad_field("resource", problem)
        names.append(name)
    source, table, column = names
    assert source is not None
    return ResourcePath(path=path, source=source, table=table, column=column)


def is_valid(path: object) -> bool:
    try:
        parse(path)
    except InvalidInput:
        return False
    return True
