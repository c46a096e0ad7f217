"""Coalescing reader batches: rows kept in order, one chunk per column, schema changes respected."""

from __future__ import annotations

import pyarrow as pa
import pytest

from shuan.inventory.batching import coalesce, read_ahead


def _batch(start: int, n: int, name: str = "v") -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict({name: [str(i) for i in range(start, start + n)]})


@pytest.mark.parametrize(
    ("sizes", "target", "expected"),
    [
        ([3, 3, 3], 5, [6, 3]),
        ([10], 5, [10]),
        ([2, 0, 2, 2], 4, [4, 2]),
        ([1] * 7, 3, [3, 3, 1]),
    ],
)
def test_coalesce_sizes_and_order(sizes: list[int], target: int, expected: list[int]) -> None:
    batches, start = [], 0
    for n in sizes:
        batches.append(_batch(start, n))
        start += n
    out = list(coalesce(iter(batches), target))
    assert [t.num_rows for t in out] == expected
    # every column of every combined table is one chunk (the classifier's per-chunk costs are paid once)
    assert all(t.column(0).num_chunks == 1 for t in out)
    values = [v for t in out for v in t.column(0).to_pylist()]
    assert values == [str(i) for i in range(start)]


def test_coalesce_splits_on_schema_change() -> None:
    out = list(coalesce(iter([_batch(0, 2), _batch(2, 2, name="w"), _batch(4, 2, name="w")]), 100))
    assert [t.column_names for t in out] == [["v"], ["w"]]
    assert [t.num_rows for t in out] == [2, 4]


def test_read_ahead_reraises_in_consumer() -> None:
    def failing():  # type: ignore[no-untyped-def]
        yield 1
        raise ValueError("boom")

    got = []
    with pytest.raises(ValueError, match="boom"):
        for item in read_ahead(failing()):
            got.append(item)
    assert got == [1]


def test_coalesce_first_table_may_be_smaller() -> None:
    batches = [_batch(3 * k, 3) for k in range(10)]
    out = list(coalesce(iter(batches), 9, first_rows=4))
    assert [t.num_rows for t in out] == [6, 9, 9, 6]
    assert [v for t in out for v in t.column(0).to_pylist()] == [str(i) for i in range(30)]
