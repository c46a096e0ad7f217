"""The report model: what the printable report and the XLSX summary show, computed once from the store.

Counts come from the latest scan of every source (`persist.latest_inventory`, which also applies steward
overrides), graded under one scheme; a table's department comes from the registered sources
(`reports.departments`). The model holds plain values only, so every renderer (XLSX, HTML, PDF, CSV,
JSON) shows the same numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from shuan.discovery.vocabulary import TYPES
from shuan.errors import NotFound, UsageError
from shuan.grading.scheme import Scheme, load_scheme
from shuan.grading.taxonomy import categories
from shuan.inventory.export import ExportTable, Inventory, make_column
from shuan.inventory.persist import InventoryRow, StoredError, latest_inventory
from shuan.messages import msg
from shuan.reports.departments import UNASSIGNED, department_tree, source_departments, within
from shuan.store.db import Store
from shuan.store.models import ScanRun

#: a source whose latest scan is older than this many days is flagged in the freshness table
STALE_DAYS = 90
TOP_TABLES = 15


@dataclass(frozen=True)
class LevelInfo:
    level: int
    label: str
    color: str


@dataclass
class Bucket:
    """One bar of a chart: a category or a department, with its tables split by level."""

    key: str
    label: str
    tables: int = 0
    rows: int = 0
    by_level: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TableLine:
    source: str
    department: str
    table: str
    category: str
    rows: int
    level: int
    level_label: str
    color: str
    sensitive_columns: int
    types: tuple[str, ...]  # labels
    pipl: tuple[str, ...]  # PIPL Art. 28 categories present


@dataclass(frozen=True)
class TypeCount:
    type: str
    label: str
    columns: int
    tables: int
    sensitive: str  # PIPL Art. 28 category, "" when not sensitive by itself


@dataclass(frozen=True)
class Freshness:
    source: str
    department: str
    scan_id: int
    scanned_at: str
    age_days: int
    tables: int
    errors: int
    stale: bool


@dataclass
class InventoryReport:
    title: str
    scope: str  # 全市 or the department's name
    department_id: int | None
    generated_at: str
    scheme_id: str
    scheme_name: str
    scheme_basis: str
    levels: list[LevelInfo]
    total_tables: int
    total_columns: int
    total_rows: int
    total_sources: int
    sensitive_columns: int  # columns where at least one type was detected
    by_level: dict[int, int]  # level -> tables
    columns_by_level: dict[int, int]
    by_category: list[Bucket]
    by_department: list[Bucket]
    top_tables: list[TableLine]
    type_counts: list[TypeCount]
    pipl_tables: list[TableLine]
    freshness: list[Freshness]
    stale_days: int
    inventory: Inventory  # the 清单 itself (tables graded under the report's scheme), for the XLSX/CSV/JSON
    table_departments: list[str]  # the department of each inventory table, same order

    @property
    def counts(self) -> dict[str, Any]:
        """What an audit event records about an export."""
        return {"sources": self.total_sources, "tables": self.total_tables, "columns": self.total_columns,
                "by_level": {str(k): v for k, v in sorted(self.by_level.items())}}


def _choose_scheme(rows: list[InventoryRow], wanted: str | None, default: str) -> Scheme:
    scan_schemes = {r.scheme.id: r.scheme for r in rows}
    if wanted is None:
        if len(scan_schemes) == 1:
            return next(iter(scan_schemes.values()))
        wanted = default
    return scan_schemes.get(wanted) or load_scheme(wanted)


def _department_label(tree: dict[int, tuple[str, int | None]], dept: int) -> str:
    if dept == UNASSIGNED or dept not in tree:
        return msg("report.unassigned")
    return tree[dept][0]


def build_report(store: Store, *, scheme: str | None = None, default_scheme: str = "jining-2020",
                 department: int | None = None, now: datetime | None = None, stale_days: int = STALE_DAYS,
                 top: int = TOP_TABLES) -> InventoryReport:
    """The whole city's report, or one department's (with the departments below it).

    `department` 0 (UNASSIGNED) selects the sources no department has registered."""
    now = now or datetime.now(UTC)
    found_rows, found_errors = latest_inventory(store)
    with store.sessions() as s:
        scan_source = {int(a): int(b) for a, b in s.execute(select(ScanRun.id, ScanRun.source_id))}
        src_dept = source_departments(s)
        tree = department_tree(s)
    if department is not None and department != UNASSIGNED and department not in tree:
        raise NotFound("report.department_unknown", department=department)

    def dept_of(scan_id: int) -> int:
        return src_dept.get(scan_source.get(scan_id, -1), UNASSIGNED)

    def selected(scan_id: int) -> bool:
        if department is None:
            return True
        d = dept_of(scan_id)
        return d == UNASSIGNED if department == UNASSIGNED else d != UNASSIGNED and within(tree, d, department)

    rows = [r for r in found_rows if selected(r.scan_id)]
    errors = [e for e in found_errors if selected(e.scan_id)]
    chosen = _choose_scheme(rows or found_rows, scheme, default_scheme)
    levels = [LevelInfo(lv.level, lv.label, lv.color) for lv in sorted(chosen.levels, key=lambda lv: lv.level)]
    scope = msg("report.scope_city") if department is None else _department_label(tree, department)

    tables: list[ExportTable] = []
    table_depts: list[str] = []
    lines: list[TableLine] = []
    by_level: Counter[int] = Counter()
    columns_by_level: Counter[int] = Counter()
    cats: dict[str, Bucket] = {}
    depts: dict[int, Bucket] = {}
    type_columns: Counter[str] = Counter()
    type_tables: Counter[str] = Counter()
    total_columns = total_rows = sensitive_columns = 0
    for r in rows:
        grade = next((g for g in r.table.grades if g.scheme == chosen.id), None)
        if grade is None:
            raise UsageError("report.scheme_missing", scheme=chosen.id, table=r.table.name, source=r.source)
        level = chosen.level(grade.level)
        et = ExportTable(r.source, r.scan_id, r.scanned_at.isoformat(timespec="seconds"), chosen.id, r.table.name,
                         r.table.rows, level.level, level.label, level.color, r.table.category, list(grade.reasons))
        for c in r.table.columns:
            types = [{"type": d.type, "score": d.score, "ratio": d.ratio, "evidence": d.evidence} for d in c.detections]
            et.columns.append(make_column(r.scheme, c.name, c.level, types, c.note))
        tables.append(et)
        dept = dept_of(r.scan_id)
        dept_name = _department_label(tree, dept)
        table_depts.append(dept_name)

        by_level[level.level] += 1
        total_rows += r.table.rows
        total_columns += len(et.columns)
        for ec in et.columns:
            columns_by_level[ec.level] += 1  # under the scan's scheme (columns are graded once)
        detected = [ec for ec in et.columns if ec.types]
        sensitive_columns += len(detected)
        for ec in detected:
            type_columns.update(set(ec.types))
        type_tables.update({t for ec in detected for t in ec.types})

        cat = cats.setdefault(r.table.category, Bucket(r.table.category, r.table.category))
        db = depts.setdefault(dept, Bucket(str(dept), dept_name))
        for b in (cat, db):
            b.tables += 1
            b.rows += r.table.rows
            b.by_level[level.level] = b.by_level.get(level.level, 0) + 1
        lines.append(TableLine(r.source, dept_name, r.table.name, r.table.category, r.table.rows, level.level,
                               level.label, level.color, len(detected),
                               tuple(sorted({lb for ec in detected for lb in ec.type_labels})),
                               tuple(sorted({p for ec in detected for p in ec.sensitive}))))

    order = {c.path: i for i, c in enumerate(categories())}
    by_category = sorted(cats.values(), key=lambda b: (order.get(b.key, len(order)), b.key))
    by_department = sorted(depts.values(), key=lambda b: (b.key == str(UNASSIGNED), -b.tables, b.label))
    top_tables = sorted(lines, key=lambda t: (-t.level, -t.sensitive_columns, -t.rows, t.source, t.table))[:top]
    pipl = sorted((t for t in lines if t.pipl), key=lambda t: (-t.level, t.department, t.source, t.table))
    type_counts = sorted(
        (TypeCount(t, TYPES[t].label if t in TYPES else t, n, type_tables[t], (TYPES[t].sensitive or "") if t in TYPES
                   else "") for t, n in type_columns.items()),
        key=lambda tc: (-tc.columns, tc.type))
    freshness = _freshness(rows, errors, dept_of, tree, now, stale_days)
    return InventoryReport(
        title=msg("report.title"), scope=scope, department_id=department,
        generated_at=now.astimezone(UTC).isoformat(timespec="seconds"), scheme_id=chosen.id,
        scheme_name=chosen.name, scheme_basis=chosen.basis, levels=levels, total_tables=len(tables),
        total_columns=total_columns, total_rows=total_rows, total_sources=len({r.source for r in rows}),
        sensitive_columns=sensitive_columns, by_level={lv.level: by_level.get(lv.level, 0) for lv in levels},
        columns_by_level=dict(sorted(columns_by_level.items())), by_category=by_category,
        by_department=by_department, top_tables=top_tables, type_counts=type_counts, pipl_tables=pipl,
        freshness=freshness, stale_days=stale_days,
        inventory=Inventory(tables, [{"source": e.source, "table": e.table, "error": e.error} for e in errors]),
        table_departments=table_depts)


def _freshness(rows: list[InventoryRow], errors: list[StoredError], dept_of: Any,
               tree: dict[int, tuple[str, int | None]], now: datetime, stale_days: int) -> list[Freshness]:
    per_scan: dict[int, list[InventoryRow]] = defaultdict(list)
    for r in rows:
        per_scan[r.scan_id].append(r)
    err_count = Counter(e.scan_id for e in errors)
    scans = {r.scan_id: (r.source, r.scanned_at) for r in rows} | {e.scan_id: (e.source, None) for e in errors
                                                                    if e.scan_id not in per_scan}
    out = []
    for scan_id, (source, when) in scans.items():
        age = -1
        if when is not None:
            aware = when if when.tzinfo else when.replace(tzinfo=UTC)
            age = max(0, (now - aware).days)
        out.append(Freshness(source, _department_label(tree, dept_of(scan_id)), scan_id,
                             when.isoformat(timespec="seconds") if when is not None else "", age,
                             len(per_scan.get(scan_id, [])), err_count.get(scan_id, 0), age < 0 or age > stale_days))
    return sorted(out, key=lambda f: (-f.age_days, f.source))
