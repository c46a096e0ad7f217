"""The scan use case: open a source, classify and grade every table, report per-table errors.

A table that fails is listed in `errors` and the scan goes on; a source that cannot be opened
raises `SourceError`. Tables are read concurrently in sampled scans (I/O bound for databases); a full
scan reads one table at a time so that memory stays bounded for the whole scan, not per table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import polars as pl
import pyarrow as pa

from shuan.discovery.engine import ColumnClassifier, ColumnResult, PreparedBatch, prepare
from shuan.discovery.registry import Registry
from shuan.errors import ShuanError, TableError
from shuan.grading.rules import Grader
from shuan.grading.scheme import Scheme
from shuan.grading.taxonomy import infer
from shuan.inventory.batching import coalesce, read_ahead
from shuan.messages import msg
from shuan.sources import Source, open_source


@dataclass
class ColumnReport:
    name: str
    level: int
    types: list[dict[str, Any]]
    reason: str = ""
    note: str | None = None


@dataclass
class OtherGrade:
    """The table graded under another built-in scheme, for comparison (stored, shown in exports)."""

    scheme: str
    level: int
    label: str
    reasons: list[str]


@dataclass
class TableReport:
    name: str
    rows: int
    level: int
    level_label: str
    reasons: list[str]
    category: str
    columns: list[ColumnReport]
    sampled_rows: int
    warnings: list[str] = field(default_factory=list)
    other_grades: list[OtherGrade] = field(default_factory=list)
    samples: dict[str, list[str]] = field(default_factory=dict, repr=False)  # raw values (registered scans)


@dataclass
class ScanReport:
    source: str
    grader: Grader
    mode: str  # "sample" | "full"
    sample_rows: int | None
    started_at: datetime
    finished_at: datetime | None = None
    tables: list[TableReport] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def scheme(self) -> Scheme:
        return self.grader.scheme

    def as_json(self) -> dict[str, Any]:
        """The `shuan scan --format json` contract (DESIGN.md §4), plus compatible extra fields."""
        return {
            "source": self.source,
            "scheme": self.scheme.id,
            "mode": self.mode,
            "tables": [
                {
                    "name": t.name,
                    "rows": t.rows,
                    "level": t.level,
                    "level_label": t.level_label,
                    "reasons": t.reasons,
                    "category": t.category,
                    "sampled_rows": t.sampled_rows,
                    "warnings": t.warnings,
                    "columns": [
                        {"name": c.name, "level": c.level, "types": c.types}
                        | ({"note": c.note} if c.note else {})
                        for c in t.columns
                    ],
                }
                for t in self.tables
            ],
            "errors": self.errors,
        }


VALUE_WIDTH = 200  # characters of a kept sample value
FIRST_BATCH_ROWS = 20_000  # rows of a full scan's first batch (4 × the engine's LIVE_CHECK_ROWS subsample)

Progress = Callable[[str, int, int, int], None]  # (table, tables done, tables in all, rows read in this table)


def scan_table(source: Source, name: str, registry: Registry, grader: Grader, *, sample: int | None,
               batch_rows: int, on_rows: Callable[[int], None] | None = None, keep_values: int = 0) -> TableReport:
    reader = source.open_table(name, sample=sample, batch_rows=batch_rows)
    clf = ColumnClassifier(registry, full=sample is None)
    seen = 0
    values: dict[str, list[str]] = {}

    def batches() -> Iterator[tuple[pa.Table, PreparedBatch]]:
        # on the reader thread: parse, group and convert the next batch while this one is classified
        # a full scan's first batch is smaller: the classifier starts on it (every recognizer on a
        # subsample) while the reader parses the next, instead of waiting for a whole batch to be parsed
        first = min(batch_rows, FIRST_BATCH_ROWS) if sample is None else None
        for table in coalesce(reader.batches(), batch_rows, first):
            yield table, prepare(table)

    for batch, prepared in read_ahead(batches()):
        if keep_values and seen == 0:
            try:
                values = first_values(batch, keep_values)
            except Exception:  # noqa: BLE001 - samples are an aid: a type Polars cannot take costs them only
                values = {}
        seen += batch.num_rows
        clf.update(prepared)
        if on_rows is not None:
            on_rows(seen)
    for column in getattr(reader, "columns", None) or []:
        header = getattr(column, "name", column)  # file readers list names, database readers column specs
        if isinstance(header, str):
            clf.declare(header)  # a header-only table still lists its columns
    rows = reader.rows if reader.rows is not None else seen
    report = build_table_report(name, rows, seen, clf.results(), grader, reader.warnings)
    report.samples = values
    return report


def build_table_report(name: str, rows: int, sampled: int, columns: list[ColumnResult], grader: Grader,
                       warnings: list[str]) -> TableReport:
    col_types = {c.name: [h.type for h in c.types] for c in columns}
    col_reports = []
    for c in columns:
        cg = grader.column(col_types[c.name])
        col_reports.append(ColumnReport(
            c.name, cg.level,
            [{"type": h.type, "score": h.score, "ratio": h.ratio, "evidence": h.evidence} for h in c.types],
            cg.reason, c.note,
        ))
    grade = grader.table(col_types, rows)
    others = [OtherGrade(s.id, g.level, s.label(g.level), g.reasons) for s, g in grader.others(col_types, rows)]
    category = infer(name, {t for ts in col_types.values() for t in ts})
    return TableReport(name, rows, grade.level, grader.scheme.label(grade.level), grade.reasons, category.path,
                       col_reports, sampled, list(warnings), others)


def run_scan(spec: str, registry: Registry, grader: Grader, *, sample: int | None, batch_rows: int,
             workers: int = 4, progress: Progress | None = None, keep_values: int = 0) -> ScanReport:
    """Scan every table of `spec`; `keep_values` > 0 keeps that many distinct raw values per column of
    each table's first batch (`TableReport.samples`), for the registered sources to store encrypted."""
    with open_source(spec) as source:
        report = ScanReport(source.display, grader, "sample" if sample else "full", sample, datetime.now(UTC))
        names = source.tables()
        results: dict[str, TableReport | str] = {}
        done = 0

        def one(name: str) -> tuple[str, TableReport | str]:
            def on_rows(rows: int) -> None:
                if progress:
                    progress(name, done, len(names), rows)

            try:
                return name, scan_table(source, name, registry, grader, sample=sample, batch_rows=batch_rows,
                                        on_rows=on_rows, keep_values=keep_values)
            except ShuanError as exc:
                return name, exc.user_message
            except (KeyboardInterrupt, SystemExit, GeneratorExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - a bad table (a native reader's panic too) is reported per table
                return name, TableError("table.read", table=name, reason=f"{type(exc).__name__}: {exc}").user_message

        n_workers = 1 if sample is None else max(1, min(workers, len(names)))
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            for name, res in pool.map(one, names):
                results[name] = res
                done += 1
                if progress:
                    progress(name, done, len(names), 0)
        for name in names:
            res = results[name]
            if isinstance(res, TableReport):
                report.tables.append(res)
            else:
                report.errors.append({"table": name, "error": res})
        report.finished_at = datetime.now(UTC)
        return report


def first_values(batch: pa.RecordBatch | pa.Table, n: int, width: int = VALUE_WIDTH) -> dict[str, list[str]]:
    """Up to `n` distinct non-blank values of every column of `batch`, as text cut to `width` characters
    (one vectorized pass per column: cast, drop blanks, unique in order, head)."""
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)  # noqa: S101 - a record batch converts to a frame
    out: dict[str, list[str]] = {}
    for name in frame.columns:
        column = frame.get_column(name)
        if column.dtype == pl.Binary:
            continue  # bytes are not shown
        try:
            text = column.cast(pl.Utf8, strict=False).drop_nulls().str.strip_chars()
        except pl.exceptions.PolarsError:
            continue  # nested values (lists, structs) have no one-line text form
        found = text.filter(text.str.len_chars() > 0).unique(maintain_order=True).head(n)
        out[name] = [v[:width] for v in found.to_list()]
    return out


def summary(report: ScanReport) -> str:
    sensitive = sum(1 for t in report.tables if any(c.types for c in t.columns))
    return msg("scan.summary", tables=len(report.tables), sensitive=sensitive, errors=len(report.errors))
