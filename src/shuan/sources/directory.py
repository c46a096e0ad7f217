"""A directory: its data files, plus the tables of any SQLite databases inside it.

Tables of a SQLite file are named ``<relative path without suffix>.<table>`` so they never collide with
a data file's table name.
"""

from __future__ import annotations

import os
from pathlib import Path

from shuan.errors import SourceError, TableError
from shuan.messages import msg
from shuan.sources.base import Source, TableReader
from shuan.sources.files import FileSource, list_data_files, readable_name
from shuan.sources.sqlite_magic import is_sqlite_file

SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".db3")
#: data formats people keep next to the supported ones; each is reported as a failed table (not skipped
#: in silence) with a hint on how to convert it
UNSUPPORTED_DATA = {".xls": "xlsx", ".xlsb": "xlsx", ".ods": "xlsx", ".et": "xlsx", ".dbf": "csv",
                    ".mdb": "csv", ".accdb": "csv", ".sav": "csv", ".dta": "csv"}


def list_unsupported(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in filenames:
            path = Path(directory, filename)
            if path.suffix.lower() in UNSUPPORTED_DATA and not filename.startswith((".", "~$")) and path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def list_sqlite_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in filenames:
            path = Path(directory, filename)
            if path.suffix.lower() in SQLITE_SUFFIXES and not filename.startswith(".") and is_sqlite_file(path):
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).parts)


class DirectorySource(Source):
    """Routes each table name to the file source or to one of the SQLite databases."""

    def __init__(self, display: str, root: Path, *, block_size: int, seed: int | None) -> None:
        self.display = display
        files = list_data_files(root)
        databases = list_sqlite_files(root)
        unsupported = list_unsupported(root)
        if not files and not databases and not unsupported:
            raise SourceError("source.empty_dir", path=display)
        self._parts: list[tuple[str, Source]] = []
        if files:
            self._parts.append(("", FileSource(display, files, root=root, block_size=block_size, seed=seed)))
        self._broken: dict[str, str] = {}  # a database that cannot be opened fails as one table
        for path in unsupported:
            name = readable_name(path.relative_to(root).as_posix())
            self._broken[name] = msg("table.unsupported_format", table=name, suffix=path.suffix.lower(),
                                     target=UNSUPPORTED_DATA[path.suffix.lower()])
        if databases:
            from shuan.sources.sql import open_sqlite_file  # SQLAlchemy loads only when there is a database
        for db in databases:
            prefix = db.relative_to(root).with_suffix("").as_posix()
            try:
                self._parts.append((prefix + ".", open_sqlite_file(db, display=str(db))))
            except SourceError as exc:
                self._broken[prefix] = exc.user_message
        self._routes: dict[str, tuple[Source, str]] | None = None

    def _table_routes(self) -> dict[str, tuple[Source, str]]:
        if self._routes is None:
            self._routes = {}
            for prefix, source in self._parts:
                try:
                    names = source.tables()
                except (SourceError, TableError) as exc:  # a database whose catalogue is unreadable
                    self._broken[prefix.rstrip(".")] = exc.user_message
                    continue
                for name in names:
                    self._routes.setdefault(prefix + name, (source, name))
        return self._routes

    def tables(self) -> list[str]:
        return list(self._table_routes()) + list(self._broken)

    def open_table(self, name: str, *, sample: int | None, batch_rows: int) -> TableReader:
        if name in self._broken:
            raise TableError("table.read", table=name, reason=self._broken[name])
        route = self._table_routes().get(name)
        if route is None:
            raise TableError("table.unknown", table=name)
        source, inner = route
        reader = source.open_table(inner, sample=sample, batch_rows=batch_rows)
        reader.name = name
        return reader

    def close(self) -> None:
        for _, source in self._parts:
            source.close()
