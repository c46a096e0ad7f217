"""Save a scan in one transaction (nothing half-written) and read inventories back for export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from shuan.errors import StoreError
from shuan.grading.scheme import Scheme, load_scheme
from shuan.inventory.scan import ScanReport
from shuan.store.db import Store
from shuan.store.models import (
    ColumnAsset,
    Detection,
    Grade,
    ScanError,
    ScanRun,
    SourceRecord,
    TableAsset,
)


def _kind(display: str) -> str:
    return display.split(":", 1)[0].split("+", 1)[0] if "://" in display else "file"


def write_scan(s: Session, report: ScanReport) -> ScanRun:
    """Add the whole scan to the caller's transaction (flushed, so the run has its id). The registered
    sources (shuan.inventory.sources) write a scan together with its audit event this way."""
    scheme = report.scheme
    doc = scheme.model_dump(mode="json")
    src = s.scalar(select(SourceRecord).where(SourceRecord.display == report.source))
    if src is None:
        src = SourceRecord(display=report.source, kind=_kind(report.source), created_at=datetime.now(UTC))
        s.add(src)
    run = ScanRun(source=src, scheme=scheme.id, scheme_doc=doc, mode=report.mode, sample_rows=report.sample_rows,
                  started_at=report.started_at, finished_at=report.finished_at or datetime.now(UTC),
                  status="completed" if not report.errors else "partial",
                  table_count=len(report.tables), error_count=len(report.errors))
    s.add(run)
    for t in report.tables:
        ta = TableAsset(scan=run, name=t.name, rows=t.rows, sampled_rows=t.sampled_rows,
                        category=t.category, warnings=t.warnings)
        ta.grades.append(Grade(scheme=scheme.id, level=t.level, label=t.level_label, reasons=t.reasons,
                               derived=False))
        for g in t.other_grades:
            ta.grades.append(Grade(scheme=g.scheme, level=g.level, label=g.label, reasons=g.reasons,
                                   derived=True))
        for i, c in enumerate(t.columns):
            ca = ColumnAsset(ordinal=i, name=c.name, level=c.level, reason=c.reason, note=c.note)
            for h in c.types:
                ca.detections.append(Detection(type=h["type"], score=h["score"], ratio=h["ratio"],
                                               evidence=h["evidence"]))
            ta.columns.append(ca)
        s.add(ta)
    for e in report.errors:
        s.add(ScanError(scan=run, table=e["table"], error=e["error"]))
    s.flush()
    return run


def save_scan(store: Store, report: ScanReport) -> int:
    """Persist the whole scan atomically; returns the scan id. Raises StoreError on any failure."""
    try:
        with store.transaction() as s:
            return write_scan(s, report).id
    except SQLAlchemyError as exc:
        raise StoreError("store.write", reason=str(exc).splitlines()[0]) from exc


@dataclass
class StoredError:
    source: str
    scan_id: int
    table: str
    error: str


@dataclass
class InventoryRow:
    source: str
    scan_id: int
    scanned_at: datetime
    scheme: Scheme  # as the scan used it (read from the run, so a custom scheme file may be gone)
    table: TableAsset


def latest_inventory(store: Store, scan_id: int | None = None) -> tuple[list[InventoryRow], list[StoredError]]:
    """Tables (and per-table scan errors) of the given scan, or of the latest scan of every source, as
    reviewed: the current steward reviews (`inventory.review`) are applied to the rows returned (types,
    levels, reasons and the table grade recomputed; the stored scan is never changed)."""
    from shuan.inventory.review import apply_reviews

    with store.sessions() as s:
        if scan_id is not None:
            runs = list(s.scalars(select(ScanRun).where(ScanRun.id == scan_id)))
            if not runs:
                raise StoreError("store.scan_not_found", scan=scan_id)
        else:
            runs = []
            for src in s.scalars(select(SourceRecord).order_by(SourceRecord.id)):
                run = s.scalar(select(ScanRun).where(ScanRun.source_id == src.id).order_by(ScanRun.id.desc()).limit(1))
                if run is not None:
                    runs.append(run)
            if not runs:
                raise StoreError("store.no_scan")
        out: list[InventoryRow] = []
        errors = [StoredError(run.source.display, run.id, e.table, e.error) for run in runs for e in run.errors]
        for run in runs:
            tables = s.scalars(
                select(TableAsset).where(TableAsset.scan_id == run.id).order_by(TableAsset.name).options(
                    selectinload(TableAsset.columns).selectinload(ColumnAsset.detections),
                    selectinload(TableAsset.grades),
                )
            ).all()
            for t in tables:
                scheme = Scheme.model_validate(run.scheme_doc) if run.scheme_doc else load_scheme(run.scheme)
                out.append(InventoryRow(run.source.display, run.id, run.started_at, scheme, t))
        apply_reviews(s, out, {run.id: run.source_id for run in runs})
        return out, errors
