"""The scan use case: open a source, classify and grade every table, report per-table errors.

A table that fails is listed in `errors` and the scan goes on; a source that cannot be opened
raises `SourceError`. Tables are read concurrently (I/O bound for databases); the detection work
itself runs in Polars' thread pool.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shuan.discovery.engine import ColumnClassifier, ColumnResult
from shuan.discovery.registry import Registry
from shuan.errors import ShuanError, TableError
from shuan.grading.rules import grade_column, grade_table
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
    encoding: str | None = None


@dataclass
class ScanReport:
    source: str
    scheme: Scheme
    mode: str  # "sample" | "full"
    sample_rows: int | None
    started_at: datetime
    finished_at: datetime | None = None
    tables: list[TableReport] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

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


Progress = Callable[[str, int, int], None]  # (table, done, total)


def scan_table(source: Source, name: str, registry: Registry, scheme: Scheme, *, sample: int | None,
               batch_rows: int) -> TableReport:
    reader = source.open_table(name, sample=sample, batch_rows=batch_rows)
    clf = ColumnClassifier(registry, full=sample is None)
    seen = 0
    for batch in coalesce(read_ahead(reader.batches()), batch_rows):
        seen += batch.num_rows
        clf.update(batch)
    columns = clf.results()
    rows = reader.rows if reader.rows is not None else seen
    return build_table_report(name, rows, seen, columns, registry, scheme, reader.warnings,
                              getattr(reader, "encoding", None))


def build_table_report(name: str, rows: int, sampled: int, columns: list[ColumnResult], registry: Registry,
                       scheme: Scheme, warnings: list[str], encoding: str | None = None) -> TableReport:
    col_reports: list[ColumnReport] = []
    col_types: dict[str, list[str]] = {}
    for c in columns:
        types = [h.type for h in c.types]
        col_types[c.name] = types
        cg = grade_column(scheme, registry, types)
        col_reports.append(ColumnReport(
            c.name, cg.level,
            [{"type": h.type, "score": h.score, "ratio": h.ratio, "evidence": h.evidence} for h in c.types],
            cg.reason, c.note,
        ))
    grade = grade_table(scheme, registry, col_types, rows)
    category = infer(name, {t for ts in col_types.values() for t in ts})
    return TableReport(name, rows, grade.level, scheme.label(grade.level), grade.reasons, category.path,
                       col_reports, sampled, list(warnings), encoding)


def run_scan(spec: str, registry: Registry, scheme: Scheme, *, sample: int | None, batch_rows: int,
             workers: int = 4, progress: Progress | None = None) -> ScanReport:
    with open_source(spec) as source:
        report = ScanReport(source.display, scheme, "sample" if sample else "full", sample, datetime.now(UTC))
        names = source.tables()
        results: dict[str, TableReport | str] = {}

        def one(name: str) -> tuple[str, TableReport | str]:
            try:
                return name, scan_table(source, name, registry, scheme, sample=sample, batch_rows=batch_rows)
            except ShuanError as exc:
                return name, exc.user_message
            except Exception as exc:  # noqa: BLE001 - a bad table must not stop the scan; reported per table
                return name, TableError("table.read", table=name, reason=f"{type(exc).__name__}: {exc}").user_message

        n_workers = max(1, min(workers, len(names)))
        done = 0
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            for name, res in pool.map(one, names):
                results[name] = res
                done += 1
                if progress:
                    progress(name, done, len(names))
        for name in names:
            res = results[name]
            if isinstance(res, TableReport):
                report.tables.append(res)
            else:
                report.errors.append({"table": name, "error": res})
        report.finished_at = datetime.now(UTC)
        return report


def summary(report: ScanReport) -> str:
    sensitive = sum(1 for t in report.tables if t.level > report.scheme.default_level or any(c.types for c in t.columns))
    return msg("scan.summary", tables=len(report.tables), sensitive=sensitive, errors=len(report.errors))
