"""Write a report in the format its file name asks for; every format is written atomically."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from shuan.errors import ShuanError, UsageError
from shuan.inventory.export import _json_document, _write_csv, atomic_output
from shuan.reports.inventory_report import InventoryReport

REPORT_FORMATS = ("xlsx", "html", "pdf", "csv", "json")


def report_format(path: Path, fmt: str | None = None) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "htm":
        fmt = "html"
    if fmt not in REPORT_FORMATS:
        raise UsageError("report.format", fmt=fmt or "?")
    return fmt


def summary_document(report: InventoryReport) -> dict[str, Any]:
    """The summary part of the JSON report (the same numbers as the printable one)."""
    return {
        "title": report.title, "scope": report.scope, "department_id": report.department_id,
        "generated_at": report.generated_at,
        "scheme": {"id": report.scheme_id, "name": report.scheme_name, "basis": report.scheme_basis},
        "levels": [asdict(lv) for lv in report.levels],
        "totals": {"sources": report.total_sources, "tables": report.total_tables, "columns": report.total_columns,
                   "rows": report.total_rows, "sensitive_columns": report.sensitive_columns,
                   "pipl_tables": len(report.pipl_tables)},
        "by_level": {str(k): v for k, v in report.by_level.items()},
        "by_category": [asdict(b) for b in report.by_category],
        "by_department": [asdict(b) for b in report.by_department],
        "top_tables": [asdict(t) for t in report.top_tables],
        "type_counts": [asdict(t) for t in report.type_counts],
        "pipl_tables": [asdict(t) for t in report.pipl_tables],
        "freshness": [asdict(f) for f in report.freshness],
    }


def write_report(report: InventoryReport, path: Path, fmt: str | None = None, *, chromium: Path | None = None) -> Path:
    fmt = report_format(path, fmt)
    try:
        if fmt == "pdf":
            from shuan.reports.html import render_html
            from shuan.reports.pdf import html_to_pdf

            return html_to_pdf(render_html(report), path, chromium=chromium)
        if fmt == "html":
            from shuan.reports.html import render_html

            text = render_html(report)
            with atomic_output(path, "w") as fh:
                fh.write(text)
        elif fmt == "xlsx":
            from shuan.reports.xlsx import write_xlsx

            with atomic_output(path, "wb") as fh:
                write_xlsx(report, fh)
        elif fmt == "csv":
            with atomic_output(path, "w", encoding="utf-8-sig") as fh:  # BOM: Excel opens it as UTF-8
                _write_csv(report.inventory.tables, fh, report.table_departments)
        else:
            doc = _json_document(report.inventory)
            for table, dept in zip(doc["tables"], report.table_departments, strict=True):
                table["department"] = dept
            with atomic_output(path, "w") as fh:
                json.dump({"report": summary_document(report)} | doc, fh, ensure_ascii=False, indent=2)
    except OSError as exc:
        raise ShuanError("export.write", path=str(path), reason=exc.strerror or str(exc)) from exc
    return path
