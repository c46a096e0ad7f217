"""Recognising a SQLite database file by its header (kept apart so that file scans need no SQLAlchemy)."""

from __future__ import annotations

from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    """True when `path` is a regular file starting with the SQLite 3 header (any extension). FIFOs and
    devices are never opened (reading one would block or never end)."""
    if not path.is_file():
        return False
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
