"""What every source connector provides: a list of tables, and a reader per table yielding Arrow batches.

A connector never interprets data; it only reads it. Two read modes:

* ``sample=N``: yield a uniform random sample of at most N rows (one or a few batches);
* ``sample=None`` (``--full``): yield every row, batch by batch, with bounded memory.

In both modes ``TableReader.rows`` holds the table's exact row count once ``batches()`` is exhausted
(database readers know it up front). Values keep their source types, except that text files are read
as strings (so leading zeros in identifiers survive).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa


@dataclass
class TableReader(ABC):
    """Reads one table. Raise `shuan.errors.TableError` for anything wrong with this table only."""

    name: str
    rows: int | None = None
    warnings: list[str] = field(default_factory=list)
    #: the character encoding a text file was decoded with (``utf-8``, ``utf-8-sig``, ``gb18030``, …);
    #: None for binary formats (xlsx, parquet) and databases
    encoding: str | None = None
    #: rows left out because they could not be parsed (CSV rows with the wrong field count, bad JSON lines);
    #: final once ``batches()`` is exhausted
    skipped_rows: int = 0

    @abstractmethod
    def batches(self) -> Iterator[pa.RecordBatch]:
        """Yield the table's rows (the sample, or everything) as Arrow record batches."""


class Source(ABC):
    """An opened data source. Raise `shuan.errors.SourceError` when the source itself cannot be opened."""

    #: what to show the user: a path, or a database URL with the password masked
    display: str

    @abstractmethod
    def tables(self) -> list[str]:
        """Names of the tables in this source, in a stable order."""

    @abstractmethod
    def open_table(self, name: str, *, sample: int | None, batch_rows: int) -> TableReader:
        """A reader for one table; `sample=None` means read every row."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and file handles."""

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
