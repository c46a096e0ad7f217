"""Read models of the web console: the dashboard, the inventory list and a table's detail, and the review
form's call into `inventory.review`.

Who sees what follows the inventory report (`reports.access.report_scope`): stewards and department
security officers their department and the ones below it, the security administrator and the auditor the
whole city; other roles are refused (403, audited as ``console.inventory``).

The list is built in SQL over the latest completed scan of every source (an aggregate over `scan_runs`,
then the page's 50 tables joined to their grade and owner), never by loading the inventory into Python:
with 10k tables and 200k columns a page stays well under 300 ms on SQLite. The list shows, sorts and
filters each table's grade as reviewed: the few tables with current steward reviews are regraded in
Python (`inventory.review.reviewed_grades`, cached until the next review or scan) and substituted in
SQL with a CASE of one `IN (ids)` list per level; a table's page applies the reviews to its columns as well.
"""

from __future__ import annotations

import json
import math
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from shuan.audit.guard import record_refusal
from shuan.discovery.vocabulary import TYPES
from shuan.discovery.vocabulary import label as type_label
from shuan.errors import NotFound, PermissionDenied, ShuanError, StoreError
from shuan.grading.scheme import Scheme, load_scheme
from shuan.identity.principal import Principal
from shuan.inventory.changes import NotificationView, list_notifications
from shuan.inventory.models import RegisteredSource
from shuan.inventory.persist import InventoryRow
from shuan.inventory.review import (
    DONE,
    ReviewView,
    _may_review,
    apply_reviews,
    latest_run,
    owner_department,
    review_column,
    review_stamps,
    reviewed_grades,
    scheme_of,
)
from shuan.inventory.samples import masked_samples
from shuan.messages import msg
from shuan.platform import Platform
from shuan.reports.access import report_scope
from shuan.reports.charts import level_bars, stacked_bars
from shuan.reports.departments import UNASSIGNED, department_tree, within
from shuan.reports.inventory_report import InventoryReport, build_report
from shuan.store.models import ColumnAsset, Detection, Grade, ScanRun, SourceRecord, TableAsset

PAGE_SIZE = 50
MAX_QUERY = 200
ACTION = "console.inventory"


# -- scope ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    department: int | None  # None: the whole city
    tree: dict[int, tuple[str, int | None]]

    @property
    def departments(self) -> set[int] | None:
        """The departments inside the scope (None: all, including sources no department registered)."""
        if self.department is None:
            return None
        return {d for d in self.tree if within(self.tree, d, self.department)}

    def covers(self, owner: int | None) -> bool:
        allowed = self.departments
        return allowed is None or (owner is not None and owner in allowed)

    def name(self, dept: int | None) -> str:
        if dept is None or dept == UNASSIGNED or dept not in self.tree:
            return msg("console.unassigned")
        return self.tree[dept][0]


def inventory_scope(platform: Platform, actor: Principal, resource: str = "inventory") -> Scope:
    """The part of the inventory `actor` may see; a refusal is audited."""
    try:
        department = report_scope(platform.store, actor, None)
    except PermissionDenied as exc:
        record_refusal(platform, actor, ACTION, resource, exc)
        raise
    with platform.store.sessions() as s:
        tree = department_tree(s)
    return Scope(department, tree)


# -- dashboard --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    notifications: list[NotificationView]
    report: InventoryReport | None = None
    level_chart: Markup | None = None
    department_chart: Markup | None = None
    notice: str | None = None  # why there are no statistics


def dashboard(platform: Platform, *, actor: Principal) -> Dashboard:
    """Statistics of the actor's scope (the inventory report's figures and charts) and their notifications."""
    notes = list_notifications(platform, actor=actor, limit=10)
    try:
        department = report_scope(platform.store, actor, None)
    except PermissionDenied:
        return Dashboard(notes, notice=msg("console.no_report_role"))
    try:
        report = build_report(platform.store, department=department, default_scheme=platform.settings.scheme)
    except StoreError as exc:
        if exc.key != "store.no_scan":
            raise
        return Dashboard(notes, notice=msg("console.no_inventory"))
    return Dashboard(notes, report,
                     level_bars(msg("console.chart_levels"), report.levels, report.by_level),
                     stacked_bars(msg("console.chart_departments"), report.levels, report.by_department[:12]))


# -- inventory list ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InventoryFilter:
    q: str = ""
    level: int | None = None
    department: int | None = None  # 0: sources no department registered
    category: str = ""
    type: str = ""
    page: int = 1

    def as_params(self, **change: Any) -> dict[str, str]:
        values = {"q": self.q, "level": self.level, "department": self.department, "category": self.category,
                  "type": self.type, "page": self.page, **change}
        return {k: str(v) for k, v in values.items() if v not in (None, "", 1) or (k == "department" and v == 0)}


@dataclass(frozen=True)
class TableSummary:
    id: int
    name: str
    source: str
    department: str
    category: str
    rows: int
    level: int | None
    level_label: str
    color: str
    columns: int
    sensitive: int
    types: tuple[str, ...]


@dataclass(frozen=True)
class InventoryPage:
    filters: InventoryFilter
    items: list[TableSummary]
    total: int
    page: int
    pages: int
    levels: list[tuple[int, str]]
    departments: list[tuple[int, str]]
    categories: list[str]
    types: list[tuple[str, str]]


def _latest_scans() -> Any:
    return (select(ScanRun.source_id.label("source_id"), func.max(ScanRun.id).label("scan_id"))
            .where(ScanRun.status.in_(DONE)).group_by(ScanRun.source_id).subquery("latest"))


def _owners() -> Any:
    return (select(RegisteredSource.source_record_id.label("source_id"), func.min(RegisteredSource.id).label("reg_id"))
            .where(RegisteredSource.source_record_id.is_not(None))
            .group_by(RegisteredSource.source_record_id).subquery("owner"))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


Stamped = tuple[tuple[int, ...], dict[int, tuple[int, str]]]  # (a source's stamp, its reviewed grades)
_REVIEWED: weakref.WeakKeyDictionary[object, dict[int, Stamped]] = weakref.WeakKeyDictionary()
_REVIEWED_LOCK = threading.Lock()


def reviewed_levels(platform: Platform) -> dict[int, tuple[int, str]]:
    """`inventory.review.reviewed_grades` of every source, recomputed only for the sources with a review
    or a scan committed since (one review regrades its own source's reviewed tables, not the city's)."""
    with platform.store.sessions() as s:
        stamps = review_stamps(s)
        with _REVIEWED_LOCK:
            cached = dict(_REVIEWED.get(platform.store, {}))
        stale = [src for src, stamp in stamps.items() if src not in cached or cached[src][0] != stamp]
        fresh = reviewed_grades(s, stale) if stale else {}
    current = {src: (stamp, fresh[src] if src in fresh else cached[src][1]) for src, stamp in stamps.items()}
    with _REVIEWED_LOCK:
        _REVIEWED[platform.store] = current
    return {table_id: grade for _stamp, grades in current.values() for table_id, grade in grades.items()}


def _reviewed_level(reviewed: dict[int, tuple[int, str]]) -> Any:
    """The table's level as reviewed: a CASE of one `IN (ids)` per reviewed level (SQLite builds each list
    into a b-tree once per query; a join against an unindexed VALUES table costs a scan per row), over
    the scan's grade for the other tables."""
    if not reviewed:
        return Grade.level
    by_level: dict[int, list[int]] = {}
    for table_id, (level, _label) in reviewed.items():
        by_level.setdefault(level, []).append(table_id)
    return case(*[(TableAsset.id.in_(sorted(ids)), level) for level, ids in sorted(by_level.items())],
                else_=Grade.level)


def _filtered(stmt: Select[Any], f: InventoryFilter, scope: Scope, level: Any = Grade.level) -> Select[Any]:
    allowed = scope.departments
    if allowed is not None:
        stmt = stmt.where(RegisteredSource.department_id.in_(allowed))
    if f.department is not None:
        stmt = stmt.where(RegisteredSource.id.is_(None) if f.department == UNASSIGNED
                          else RegisteredSource.department_id == f.department)
    if f.level is not None:
        stmt = stmt.where(level == f.level)
    if f.category:
        stmt = stmt.where(TableAsset.category == f.category)
    # correlated EXISTS, not IN (subquery): SQLite otherwise walks the whole subquery list once per scan
    # (118 ms against 10 ms for a type filter on 10k tables / 200k columns)
    if f.q:
        pattern = _like(f.q)
        named_columns = select(ColumnAsset.id).where(ColumnAsset.table_id == TableAsset.id,
                                                     ColumnAsset.name.like(pattern, escape="\\"))
        stmt = stmt.where(TableAsset.name.like(pattern, escape="\\") | named_columns.exists())
    if f.type:
        typed = select(ColumnAsset.id).join(Detection, Detection.column_id == ColumnAsset.id).where(
            ColumnAsset.table_id == TableAsset.id, Detection.type == f.type)
        stmt = stmt.where(typed.exists())
    return stmt


def _base(columns: Sequence[Any]) -> Select[Any]:
    latest = _latest_scans()
    owner = _owners()
    return (select(*columns).select_from(TableAsset)
            .join(latest, latest.c.scan_id == TableAsset.scan_id)
            .join(ScanRun, ScanRun.id == TableAsset.scan_id)
            .join(SourceRecord, SourceRecord.id == ScanRun.source_id)
            .outerjoin(owner, owner.c.source_id == ScanRun.source_id)
            .outerjoin(RegisteredSource, RegisteredSource.id == owner.c.reg_id)
            .outerjoin(Grade, (Grade.table_id == TableAsset.id) & (Grade.scheme == ScanRun.scheme)
                       & Grade.derived.is_(False)))


def check_filter(q: str = "", level: int | None = None, department: int | None = None, category: str = "",
                 type_: str = "", page: int = 1) -> InventoryFilter:
    return InventoryFilter(q=q.strip()[:MAX_QUERY], level=level, department=department,
                           category=category.strip()[:MAX_QUERY], type=type_.strip()[:64], page=max(1, page))


def browse_inventory(platform: Platform, *, actor: Principal, filters: InventoryFilter) -> InventoryPage:
    """One page of the latest inventory in the actor's scope, searched and filtered in SQL."""
    scope = inventory_scope(platform, actor)
    schemes: dict[str, Scheme] = {}
    reviewed = reviewed_levels(platform)
    level = _reviewed_level(reviewed)
    with platform.store.sessions() as s:
        total = s.scalar(select(func.count()).select_from(
            _filtered(_base([TableAsset.id]), filters, scope, level).subquery())) or 0
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(filters.page, pages)
        rows = s.execute(
            _filtered(_base([TableAsset.id, TableAsset.name, TableAsset.rows, TableAsset.category, level,
                             Grade.label, RegisteredSource.name, RegisteredSource.department_id,
                             SourceRecord.display, ScanRun.id, ScanRun.scheme]), filters, scope, level)
            .order_by(level.desc(), TableAsset.name, TableAsset.id)
            .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
        ids = [r[0] for r in rows]
        counts: dict[int, tuple[int, int]] = {}
        types: dict[int, set[str]] = {}
        if ids:
            for table_id, n_columns, n_sensitive in s.execute(
                    select(ColumnAsset.table_id, func.count(func.distinct(ColumnAsset.id)),
                           func.count(func.distinct(Detection.column_id)))
                    .outerjoin(Detection, Detection.column_id == ColumnAsset.id)
                    .where(ColumnAsset.table_id.in_(ids)).group_by(ColumnAsset.table_id)):
                counts[table_id] = (n_columns, n_sensitive)
            for table_id, type_id in s.execute(
                    select(ColumnAsset.table_id, Detection.type).join(Detection, Detection.column_id == ColumnAsset.id)
                    .where(ColumnAsset.table_id.in_(ids)).distinct()):
                types.setdefault(table_id, set()).add(type_id)
            for scan_id, scheme_id in {(r[9], r[10]) for r in rows}:
                if scheme_id not in schemes:
                    run = s.get(ScanRun, scan_id)
                    if run is not None:
                        schemes[scheme_id] = scheme_of(run)
        categories = sorted(c for c in s.scalars(_filtered(_base([TableAsset.category]), InventoryFilter(), scope)
                                                 .distinct()) if c)
    items = []
    for (tid, name, n_rows, category, level, level_label, reg_name, dept, display, _scan, scheme_id) in rows:
        if tid in reviewed:
            level_label = reviewed[tid][1]
        scheme = schemes.get(scheme_id)
        color = "#999999"
        if scheme is not None and level is not None:
            try:
                color = scheme.level(level).color
            except (KeyError, ValueError, ShuanError):
                color = "#999999"
        n_columns, n_sensitive = counts.get(tid, (0, 0))
        items.append(TableSummary(tid, name, reg_name or display, scope.name(dept), category, n_rows, level,
                                  level_label or "-", color, n_columns, n_sensitive,
                                  tuple(sorted(type_label(t) for t in types.get(tid, ())))))
    default = load_scheme(platform.settings.scheme)
    allowed = scope.departments
    departments = sorted((d, name) for d, (name, _p) in scope.tree.items() if allowed is None or d in allowed)
    if allowed is None:
        departments.append((UNASSIGNED, msg("console.unassigned")))
    return InventoryPage(
        filters=InventoryFilter(filters.q, filters.level, filters.department, filters.category, filters.type, page),
        items=items, total=total, page=page, pages=pages,
        levels=[(lv.level, lv.label) for lv in sorted(default.levels, key=lambda lv: lv.level)],
        departments=departments, categories=categories,
        types=sorted(((t, info.label) for t, info in TYPES.items()), key=lambda x: x[0]))


# -- one table --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceLine:
    type: str
    label: str
    score: float
    ratio: float
    evidence: str


@dataclass(frozen=True)
class ColumnLine:
    name: str
    level: int
    level_label: str
    color: str
    reason: str
    note: str
    types: list[EvidenceLine] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)  # masked


@dataclass(frozen=True)
class TableDetail:
    id: int
    name: str
    source: str
    department: str
    category: str
    rows: int
    sampled_rows: int
    scan_id: int
    scanned_at: datetime
    level: int | None
    level_label: str
    color: str
    reasons: list[str]
    columns: list[ColumnLine]
    may_review: bool
    levels: list[tuple[int, str]]
    has_samples: bool = False


def table_detail(platform: Platform, *, actor: Principal, table_id: int) -> TableDetail:
    """A table of the latest scan of its source, with its columns' types, levels and (masked) evidence as
    reviewed, and the masked sample values the scan kept; refused outside the actor's scope."""
    resource = f"table:{table_id}"
    scope = inventory_scope(platform, actor, resource)
    with platform.store.sessions() as s:
        table = s.get(TableAsset, table_id, options=[
            selectinload(TableAsset.columns).selectinload(ColumnAsset.detections), selectinload(TableAsset.grades)])
        if table is None:
            raise NotFound("console.table_not_found", table=table_id)
        run = s.get(ScanRun, table.scan_id)
        assert run is not None  # noqa: S101 - a table belongs to its scan
        source_id = run.source_id
        owner = owner_department(s, source_id)
        if not scope.covers(owner):
            error = PermissionDenied("console.scope_denied")
            record_refusal(platform, actor, ACTION, resource, error)
            raise error
        latest = latest_run(s, source_id)
        if latest is None or latest.id != run.id:
            raise NotFound("console.not_latest", table=table.name)
        registered = s.scalar(select(RegisteredSource.name).where(RegisteredSource.source_record_id == source_id)
                              .order_by(RegisteredSource.id).limit(1))
        source = registered or run.source.display
        scheme = scheme_of(run)
        scanned_at = run.started_at
        row = InventoryRow(source, run.id, scanned_at, scheme, table)
        apply_reviews(s, [row], {run.id: source_id})
        table = row.table
        grade = next((g for g in table.grades if g.scheme == scheme.id and not g.derived), None)

        def info(level: int) -> tuple[str, str]:
            try:
                lv = scheme.level(level)
            except (KeyError, ValueError, ShuanError):
                return str(level), "#999999"
            return lv.label, lv.color

        samples = masked_samples(s, table_id)
        columns = []
        for c in table.columns:
            label, color = info(c.level)
            columns.append(ColumnLine(c.name, c.level, label, color, c.reason or "", c.note or "", [
                EvidenceLine(d.type, type_label(d.type), d.score, d.ratio, d.evidence) for d in c.detections],
                samples.get(c.name, [])))
        level_label, color = info(grade.level) if grade is not None else ("-", "#999999")
        return TableDetail(
            id=table_id, name=table.name, source=source, department=scope.name(owner), category=table.category,
            rows=table.rows, sampled_rows=table.sampled_rows, scan_id=run.id, scanned_at=scanned_at,
            level=grade.level if grade is not None else None, level_label=level_label, color=color,
            reasons=list(grade.reasons) if grade is not None else [], columns=columns,
            may_review=_may_review(actor, owner),
            levels=[(lv.level, lv.label) for lv in sorted(scheme.levels, key=lambda lv: lv.level)],
            has_samples=bool(samples))


def review_table_column(platform: Platform, *, actor: Principal, table_id: int, column: str, decision: str,
                        level: int | None, types: list[str] | None, reason: str) -> ReviewView:
    """The review form of a table's page: `inventory.review.review_column` on the table's source."""
    resource = f"table:{table_id}"
    inventory_scope(platform, actor, resource)
    with platform.store.sessions() as s:
        found = s.execute(select(ScanRun.source_id, TableAsset.name).join(ScanRun, ScanRun.id == TableAsset.scan_id)
                          .where(TableAsset.id == table_id)).first()
    if found is None:
        raise NotFound("console.table_not_found", table=table_id)
    source_id, table = found
    return review_column(platform, actor=actor, source_record_id=source_id, table=table, column=column,
                         decision=decision, types=types, level=level, reason=reason)


def details_text(details: object) -> str:
    """An audit event's details as one line of JSON (for the audit page)."""
    return json.dumps(details, ensure_ascii=False, sort_keys=True)[:2000]
