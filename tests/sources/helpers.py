"""Shared data and assertions for the source tests: the sample table, file writers, a read helper."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from shuan.sources import Source, TableReader

# the logical table every file format is written with
HEADER = ["编号", "身份证号", "姓名", "金额"]
ROWS = [
    ["0012", "110101199003071234", "张三", "1.50"],
    ["0000", "37080219800101001X", "李四", "-3"],
    ["42", "440305200012319999", "欧阳娜娜", "1e5"],
]


# ------------------------------------------------------------------------------------ file writers


def write_csv(
    path: Path,
    header: Sequence[str] | None = HEADER,
    rows: Sequence[Sequence[Any]] = ROWS,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_json(path: Path, records: Sequence[dict[str, Any]], *, lines: bool) -> Path:
    if lines:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    else:
        path.write_text(json.dumps(list(records), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_parquet(path: Path, columns: dict[str, list[Any]]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def records() -> list[dict[str, Any]]:
    return [dict(zip(HEADER, row, strict=True)) for row in ROWS]


def read(
    source: Source, name: str, *, sample: int | None = None, batch_rows: int = 10_000
) -> tuple[TableReader, list[pa.RecordBatch]]:
    """Open table `name` and exhaust its reader; return the reader and the batches it yielded."""
    reader = source.open_table(name, sample=sample, batch_rows=batch_rows)
    batches = list(reader.batches())
    for batch in batches:
        assert batch.num_rows > 0, "readers never yield empty batches"
        assert batch.num_rows <= batch_rows
    return reader, batches


def to_table(batches: list[pa.RecordBatch]) -> pa.Table:
    return pa.Table.from_batches(batches) if batches else pa.table({})
