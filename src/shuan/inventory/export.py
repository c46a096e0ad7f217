"""The 分类分级清单: XLSX (Chinese headings, level colours), CSV (UTF-8 with BOM for Excel) and JSON.

Every export is written to a temporary file beside the target and renamed into place, so a failed
export never leaves a partial file that looks complete.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from shuan.discovery.vocabulary import TYPES
from shuan.errors import ShuanError, UsageError
from shuan.grading.scheme import Scheme
from shuan.inventory.persist import InventoryRow, StoredError
from shuan.inventory.scan import ScanReport
from shuan.messages import msg

FORMATS = ("xlsx", "csv", "json")


@dataclass
class ExportColumn:
    name: str
    level: int
    level_label: str
    color: str
    types: list[str]
    type_labels: list[str]
    pi_categories: list[str]
    sensitive: list[str]
    scores: list[float]
    ratios: list[float]
    evidence: list[str]
    note: str | None = None


@dataclass
class ExportTable:
    source: str
    scan_id: int | None
    scanned_at: str
    scheme: str
    name: str
    rows: int
    level: int
    level_label: str
    color: str
    category: str
    reasons: list[str]
    columns: list[ExportColumn] = field(default_factory=list)


def make_column(scheme: Scheme, name: str, level: int, types: list[dict[str, Any]], note: str | None) -> ExportColumn:
    ids = [t["type"] for t in types]
    return ExportColumn(
        name, level, scheme.label(level), scheme.level(level).color, ids,
        [TYPES[i].label if i in TYPES else i for i in ids],
        sorted({TYPES[i].pi_category for i in ids if i in TYPES and TYPES[i].pi_category}),  # type: ignore[misc]
        sorted({TYPES[i].sensitive for i in ids if i in TYPES and TYPES[i].sensitive}),  # type: ignore[misc]
        [t["score"] for t in types], [t["ratio"] for t in types], [t["evidence"] for t in types], note,
    )


@dataclass
class Inventory:
    """What an export holds: graded tables and the tables that could not be scanned."""

    tables: list[ExportTable]
    errors: list[dict[str, str]] = field(default_factory=list)


def from_report(report: ScanReport, scan_id: int | None = None) -> Inventory:
    scheme = report.scheme
    out = []
    for t in report.tables:
        et = ExportTable(report.source, scan_id, report.started_at.isoformat(timespec="seconds"), scheme.id, t.name,
                         t.rows, t.level, t.level_label, scheme.level(t.level).color, t.category, t.reasons)
        et.columns = [make_column(scheme, c.name, c.level, c.types, c.note) for c in t.columns]
        out.append(et)
    return Inventory(out, [{"source": report.source, "table": e["table"], "error": e["error"]} for e in report.errors])


def from_store(found: tuple[list[InventoryRow], list[StoredError]]) -> Inventory:
    rows, errors = found
    out = []
    for r in rows:
        scheme = r.scheme
        grade = next(g for g in r.table.grades if g.scheme == scheme.id)
        et = ExportTable(r.source, r.scan_id, r.scanned_at.isoformat(timespec="seconds"), scheme.id, r.table.name,
                         r.table.rows, grade.level, grade.label, scheme.level(grade.level).color, r.table.category,
                         list(grade.reasons))
        for c in r.table.columns:
            types = [{"type": d.type, "score": d.score, "ratio": d.ratio, "evidence": d.evidence} for d in c.detections]
            et.columns.append(make_column(scheme, c.name, c.level, types, c.note))
        out.append(et)
    return Inventory(out, [{"source": e.source, "table": e.table, "error": e.error} for e in errors])


@contextmanager
def atomic_output(path: Path, mode: str = "wb", encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """Write to a temp file in the same directory, fsync, then rename over `path`."""
    path = path.expanduser()
    if path.exists() and not path.is_file():  # a FIFO or device would be replaced by the rename
        raise ShuanError("export.not_regular", path=str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ShuanError("export.write", path=str(path), reason=exc.strerror or str(exc)) from exc
    try:
        text = "b" not in mode
        with os.fdopen(fd, mode, encoding=encoding if text else None, newline="" if text else None) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(inventory: Inventory, path: Path, fmt: str | None = None) -> Path:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UsageError("export.format", fmt=fmt or "?")
    try:
        if fmt == "json":
            with atomic_output(path, "w") as fh:
                json.dump(_json_document(inventory), fh, ensure_ascii=False, indent=2)
        elif fmt == "csv":
            with atomic_output(path, "w", encoding="utf-8-sig") as fh:  # BOM: Excel opens it as UTF-8
                _write_csv(inventory.tables, fh)
        else:
            with atomic_output(path, "wb") as fh:
                _write_xlsx(inventory, fh)
    except OSError as exc:
        raise ShuanError("export.write", path=str(path), reason=exc.strerror or str(exc)) from exc
    return path


def _json_document(inventory: Inventory) -> dict[str, Any]:
    """The same shapes as `shuan scan --format json` (DESIGN.md §4), one entry per table with its source."""
    return {
        "tables": [
            {"source": t.source, "scan_id": t.scan_id, "scanned_at": t.scanned_at, "scheme": t.scheme,
             "name": t.name, "rows": t.rows, "level": t.level, "level_label": t.level_label,
             "reasons": t.reasons, "category": t.category,
             "columns": [
                 {"name": c.name, "level": c.level, "level_label": c.level_label,
                  "types": [{"type": ty, "label": lb, "score": sc, "ratio": ra, "evidence": ev}
                            for ty, lb, sc, ra, ev in zip(c.types, c.type_labels, c.scores, c.ratios, c.evidence,
                                                          strict=True)],
                  "personal_information": c.pi_categories, "sensitive": c.sensitive}
                 | ({"note": c.note} if c.note else {})
                 for c in t.columns
             ]}
            for t in inventory.tables
        ],
        "errors": inventory.errors,
    }


def _column_headings() -> list[str]:
    return [msg("col.source"), msg("col.table"), msg("col.column"), msg("col.level"), msg("col.types"),
            msg("col.pi"), msg("col.sensitive_pi"), msg("col.score"), msg("col.ratio"), msg("col.evidence")]


def _column_row(t: ExportTable, c: ExportColumn) -> list[Any]:
    return [t.source, t.name, c.name, c.level_label, "、".join(c.type_labels), "、".join(c.pi_categories),
            "、".join(c.sensitive), max(c.scores, default=""), max(c.ratios, default=""), "；".join(c.evidence)]


def _inert(value: Any) -> Any:
    """Spreadsheets run a cell that starts with = + - @ as a formula: prefix such text with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write_csv(tables: list[ExportTable], fh: IO[str], departments: list[str] | None = None) -> None:
    """One row per column, with its table's level and reasons repeated (a flat file for spreadsheets).

    `departments` (one per table) adds a 部门 column at the end (the reports' per-department 清单)."""
    w = csv.writer(fh)
    w.writerow(_column_headings() + [msg("col.table_level"), msg("col.table_reasons"), msg("col.category"),
                                     msg("col.scheme")] + ([msg("col.department")] if departments is not None else []))
    for i, t in enumerate(tables):
        for c in t.columns:
            extra = [t.level_label, "；".join(t.reasons), t.category, t.scheme]
            if departments is not None:
                extra.append(departments[i])
            w.writerow([_inert(v) for v in _column_row(t, c) + extra])


class XlsxStyles:
    """The cell formats of an inventory workbook: heading, wrapped text, and one format per level colour."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.head = wb.add_format({"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF", "border": 1,
                                   "text_wrap": True, "valign": "vcenter"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
        self._levels: dict[str, Any] = {}

    def level(self, color: str) -> Any:
        if color not in self._levels:
            self._levels[color] = self.wb.add_format({"bg_color": color, "font_color": "#FFFFFF", "bold": True,
                                                      "align": "center", "valign": "top", "border": 1})
        return self._levels[color]


def open_workbook(fh: IO[bytes]) -> tuple[xlsxwriter.Workbook, XlsxStyles]:
    # strings stay strings: a column named "=1+1" must not become a live formula
    wb = xlsxwriter.Workbook(fh, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                  "strings_to_numbers": False})
    return wb, XlsxStyles(wb)


def write_inventory_sheets(wb: xlsxwriter.Workbook, st: XlsxStyles, inventory: Inventory,
                           departments: list[str] | None = None) -> None:
    """The 表级清单, 字段级清单 and (when there are any) 扫描错误 sheets: Chinese headings, level colours,
    frozen headings, filters. `departments` (one per table) adds a 部门 column after the source."""
    tables = inventory.tables
    dept = departments is not None
    shift = 1 if dept else 0

    def lead(i: int, t: ExportTable) -> list[Any]:
        return [t.source, departments[i]] if departments is not None else [t.source]

    ws = wb.add_worksheet(msg("inventory.tables_sheet"))
    headings = [msg("col.source")] + ([msg("col.department")] if dept else []) + [
        msg("col.table"), msg("col.category"), msg("col.rows"), msg("col.level"), msg("col.types"),
        msg("col.reasons"), msg("col.scheme"), msg("col.scanned_at")]
    ws.write_row(0, 0, headings, st.head)
    for r, t in enumerate(tables, start=1):
        labels = sorted({lbl for c in t.columns for lbl in c.type_labels})
        ws.write_row(r, 0, lead(r - 1, t) + [t.name, t.category, t.rows], st.wrap)
        ws.write(r, 4 + shift, t.level_label, st.level(t.color))
        ws.write_row(r, 5 + shift, ["、".join(labels), "\n".join(t.reasons), t.scheme, t.scanned_at], st.wrap)
    for i, width in enumerate([28] + ([16] if dept else []) + [24, 22, 10, 10, 30, 70, 14, 20]):
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 2 + shift)
    ws.autofilter(0, 0, max(1, len(tables)), len(headings) - 1)

    wc = wb.add_worksheet(msg("inventory.columns_sheet"))
    col_headings = _column_headings()
    if dept:
        col_headings.insert(1, msg("col.department"))
    wc.write_row(0, 0, col_headings, st.head)
    r = 1
    for i, t in enumerate(tables):
        for c in t.columns:
            row = _column_row(t, c)
            wc.write_row(r, 0, lead(i, t) + row[1:3], st.wrap)
            wc.write(r, 3 + shift, row[3], st.level(c.color))
            wc.write_row(r, 4 + shift, row[4:], st.wrap)
            r += 1
    for i, width in enumerate([28] + ([16] if dept else []) + [24, 20, 10, 22, 18, 18, 8, 9, 70]):
        wc.set_column(i, i, width)
    wc.freeze_panes(1, 3 + shift)
    wc.autofilter(0, 0, max(1, r - 1), len(col_headings) - 1)

    if inventory.errors:
        we = wb.add_worksheet(msg("inventory.errors_sheet"))
        we.write_row(0, 0, [msg("col.source"), msg("col.table"), msg("col.error")], st.head)
        for k, e in enumerate(inventory.errors, start=1):
            we.write_row(k, 0, [e["source"], e["table"], e["error"]], st.wrap)
        for i, width in enumerate([28, 24, 80]):
            we.set_column(i, i, width)
        we.freeze_panes(1, 0)


def _write_xlsx(inventory: Inventory, fh: IO[bytes]) -> None:
    wb, st = open_workbook(fh)
    write_inventory_sheets(wb, st, inventory)
    wb.close()
