"""Uniform row sampling over a stream of Arrow batches, and re-batching.

`BottomKSampler` draws a random key per row and keeps the k rows with the smallest keys: a uniform
sample without replacement of min(k, n) rows, in one pass and O(k) memory, counting every row. All the
work is vectorised in pyarrow compute (no per-row Python): a batch is first filtered by the current
k-th smallest key, so once the sample is full only a trickle of rows is ever copied.

The sample is returned in the stream's original row order.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa


def _compute() -> Any:
    """pyarrow.compute, imported on first use: it builds hundreds of wrappers (about 50 ms), which only
    a sampled scan needs."""
    import pyarrow.compute

    return pyarrow.compute


def rebatch(batch: pa.RecordBatch, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Split `batch` into zero-copy slices of at most `batch_rows` rows; empty batches vanish."""
    n = batch.num_rows
    if n == 0:
        return
    if n <= batch_rows:
        yield batch
        return
    for offset in range(0, n, batch_rows):
        yield batch.slice(offset, batch_rows)


def table_batches(table: pa.Table, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """The rows of `table` as record batches of at most `batch_rows` rows."""
    for batch in table.combine_chunks().to_batches(max_chunksize=batch_rows):
        if batch.num_rows:
            yield batch


class BottomKSampler:
    """Keep a uniform random sample of at most `k` rows from the batches given to `add`."""

    def __init__(self, k: int, *, seed: int | None = None) -> None:
        if k <= 0:
            raise ValueError("sample size must be positive")
        self.k = k
        #: rows seen so far (exact)
        self.seen = 0
        self._rng = random.Random(seed) if seed is not None else None  # noqa: S311 - sampling, not crypto
        suffix = uuid.uuid4().hex
        self._key = f"__shuan_key_{suffix}"
        self._pos = f"__shuan_pos_{suffix}"
        self._kept: pa.Table | None = None
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._threshold = 1.0  # keys are uniform in [0, 1); the k-th smallest kept key once full

    def _keys(self, n: int) -> pa.Array:
        pc = _compute()
        initializer: int | str = "system" if self._rng is None else self._rng.getrandbits(63)
        return pc.random(n, initializer=initializer)

    def add(self, batch: pa.RecordBatch) -> None:
        pc = _compute()
        n = batch.num_rows
        if n == 0:
            return
        offset = self.seen
        self.seen += n
        keys = self._keys(n)
        indices = pc.indices_nonzero(pc.less(keys, self._threshold))
        taken = len(indices)
        if taken == 0:
            return
        if taken < n:
            batch = batch.take(indices)
            keys = keys.take(indices)
        positions = pc.add(indices.cast(pa.int64()), offset)
        part = (
            pa.Table.from_batches([batch]).append_column(self._key, keys).append_column(self._pos, positions)
        )
        self._pending.append(part)
        self._pending_rows += taken
        if self._pending_rows >= self.k:
            self._compact()

    def _compact(self) -> None:
        pc = _compute()
        parts = ([self._kept] if self._kept is not None else []) + self._pending
        self._pending = []
        self._pending_rows = 0
        if not parts:
            return
        table = pa.concat_tables(parts)
        if table.num_rows > self.k:
            order = pc.select_k_unstable(table, k=self.k, sort_keys=[(self._key, "ascending")])
            table = table.take(order)
        self._kept = table
        if table.num_rows >= self.k:
            self._threshold = pc.max(table.column(self._key)).as_py()

    def result(self) -> pa.Table | None:
        """The sample in original row order (helper columns removed), or None when no row was seen."""
        self._compact()
        if self._kept is None:
            return None
        table = self._kept.sort_by([(self._pos, "ascending")])
        return table.drop_columns([self._key, self._pos])


def sample_stream(
    batches: Iterable[pa.RecordBatch], k: int, *, seed: int | None = None
) -> tuple[pa.Table | None, int]:
    """Sample at most `k` rows uniformly from `batches`; return the sample and the exact row count."""
    sampler = BottomKSampler(k, seed=seed)
    for batch in batches:
        sampler.add(batch)
    return sampler.result(), sampler.seen
