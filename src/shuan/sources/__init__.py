"""Data-source connectors: every source yields Arrow record batches per table.

    with open_source("data/hj_rkxx.csv") as source:          # or a directory, a SQLite file, a URL
        for name in source.tables():
            try:
                reader = source.open_table(name, sample=10_000, batch_rows=100_000)
                for batch in reader.batches():
                    ...
                reader.rows, reader.warnings, reader.encoding  # final once batches() is exhausted
            except TableError as exc:                          # this table only; go on with the next
                ...

`open_source` raises `SourceError` when the source itself cannot be opened.
"""

from __future__ import annotations

import re
from pathlib import Path

from shuan.errors import SourceError
from shuan.sources.base import Source, TableReader
from shuan.sources.directory import DirectorySource
from shuan.sources.files import CSV_BLOCK_SIZE, FORMATS, FileSource, file_format, readable_name
from shuan.sources.sqlite_magic import is_sqlite_file
from shuan.urls import DEFAULT_DRIVERS, mask_url

_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://")


def is_url(spec: str) -> bool:
    """True when `spec` looks like a URL (``scheme://…``) rather than a path."""
    return _URL.match(spec) is not None


def open_source(spec: str, *, block_size: int = CSV_BLOCK_SIZE, seed: int | None = None) -> Source:
    """Open SPEC: a data file, a directory of data files, a SQLite file, or a database URL.

    `block_size` is the CSV block size (the largest CSV row readable); `seed` makes file sampling
    reproducible. Raises `SourceError` for a missing path, an unsupported file, a directory without data
    files, or a database that cannot be reached or logged into (URLs shown with the password masked).
    """
    if not spec.strip():
        raise SourceError("source.empty_spec")
    match = _URL.match(spec)
    if match is not None:
        scheme = match.group("scheme").split("+", 1)[0].lower()
        if scheme not in DEFAULT_DRIVERS:
            raise SourceError("source.unsupported", path=mask_url(spec))
        from shuan.sources.sql import open_database  # SQLAlchemy loads only for database sources

        return open_database(spec)

    path = Path(spec).expanduser()
    # what is shown and stored: the absolute path (the same data scanned from two working directories is
    # one source), as text even when the path is not UTF-8
    spec = readable_name(str(path.absolute()))
    try:
        if path.is_dir():
            return DirectorySource(spec, path, block_size=block_size, seed=seed)
        if not path.exists():
            raise SourceError("source.missing", path=spec)
        if not path.is_file():
            raise SourceError("source.unsupported", path=spec)
        if is_sqlite_file(path):
            from shuan.sources.sql import open_sqlite_file

            return open_sqlite_file(path, display=spec)
    except OSError as exc:
        raise SourceError("source.unreadable", path=spec, reason=exc.strerror or str(exc)) from exc
    if file_format(path) is None:
        raise SourceError("source.unsupported", path=spec)
    return FileSource(spec, [path], block_size=block_size, seed=seed)


__all__ = [
    "CSV_BLOCK_SIZE",
    "DirectorySource",
    "FORMATS",
    "FileSource",
    "Source",
    "TableReader",
    "is_url",
    "mask_url",
    "open_source",
]
