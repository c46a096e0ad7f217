"""Steward review of the inventory: confirm or override a column's types and level, with a reason.

* Who: `Permission.GRANT_MANAGE` anywhere (security administrator); `Permission.GRANT_MANAGE_DEPT`
  (department security officer, steward) only on a source whose registered owner is exactly the
  actor's department (`owner_department`). A source nobody has registered has no owner: only
  `GRANT_MANAGE` may review it. Every review is one transaction with its `inventory.review` audit
  event (old and new values); a refusal leaves a `denied`/`failure` event (`audit.guard.audited`).
* What: a review names the column by source record + table + column names, never by the scan's row
  ids, so it survives rescans. A new review of the same column supersedes the previous one (kept,
  with `superseded_at`): `column_history` shows them all.
* Effect (`apply_reviews`, called by `persist.latest_inventory`): an override replaces the column's
  types and level and its reason says 「人工复核：…（复核人，时间）」; the table's level is graded again by
  the scheme's own rule (`grading.rules.grade_table` with the reviewed column grades), with a reason
  line citing the review. A confirmation keeps the detected values and marks the column confirmed.
  A review whose column is not in the latest scan is orphaned: not applied, not deleted
  (`orphaned_reviews`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from shuan.access.paths import bad_field, name_problem
from shuan.access.rules import check_id, check_text
from shuan.audit.events import Event
from shuan.audit.guard import audited
from shuan.clock import utcnow
from shuan.discovery.registry import Registry
from shuan.discovery.vocabulary import TYPES
from shuan.errors import NotFound, PermissionDenied, ShuanError
from shuan.grading.rules import ColumnGrade, grade_column, grade_table
from shuan.grading.scheme import Scheme, load_scheme
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.inventory.review_models import DECISIONS, ColumnReview
from shuan.messages import msg
from shuan.store.models import ColumnAsset, Detection, ScanRun, SourceRecord, TableAsset

if TYPE_CHECKING:
    from shuan.inventory.persist import InventoryRow
    from shuan.platform import Platform

MAX_REASON = 500
MAX_TYPES = 20
#: scans whose tables count as the source's current inventory
DONE = ("completed", "partial")


@dataclass(frozen=True)
class ReviewView:
    id: int
    source_record_id: int
    table: str
    column: str
    decision: str
    scheme: str
    types: list[str] | None
    level: int | None
    reason: str
    reviewer: str
    reviewer_id: int | None
    department_id: int | None
    created_at: datetime
    superseded_at: datetime | None
    orphaned: bool = False  # a current review whose column is not in the latest scan

    @classmethod
    def of(cls, row: ColumnReview, *, orphaned: bool = False) -> ReviewView:
        return cls(row.id, row.source_record_id, row.table_name, row.column_name, row.decision, row.scheme,
                   list(row.types) if row.types is not None else None, row.level, row.reason, row.reviewer_name,
                   row.reviewer_id, row.department_id, row.created_at, row.superseded_at, orphaned)


# -- ownership and permission -------------------------------------------------------------------------


def owner_department(session: Session, source_record_id: int) -> int | None:
    """The department that owns a scanned source: the registered source (issue 4) pointing at it, or
    None when the source is not registered (or registration is not installed)."""
    try:
        from shuan.inventory.models import RegisteredSource
    except ImportError:  # pragma: no cover - registered sources are part of the same release
        return None
    dept: int | None = session.scalar(
        select(RegisteredSource.department_id).where(RegisteredSource.source_record_id == source_record_id)
        .order_by(RegisteredSource.id).limit(1))
    return dept


def _may_review(actor: Principal, owner: int | None) -> bool:
    if actor.can(Permission.GRANT_MANAGE):
        return True
    return (owner is not None and actor.can(Permission.GRANT_MANAGE_DEPT)
            and actor.department_id is not None and actor.department_id == owner)


def _require_reviewer(actor: Principal, owner: int | None) -> None:
    if not _may_review(actor, owner):
        raise PermissionDenied("review.denied" if owner is not None else "review.denied_unowned")


def require_any_reviewer(actor: Principal, *, readers: bool = False) -> None:
    """Refuse, before anything is looked up, a user who may review no source at all (or, with `readers`,
    read no review either): a 数据使用者 learns nothing about which sources or tables exist."""
    allowed = actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)
    if not (allowed or (readers and actor.can(Permission.AUDIT_READ))):
        raise PermissionDenied("review.denied_read" if readers else "review.denied")


def may_read(actor: Principal, owner: int | None) -> bool:
    return _may_review(actor, owner) or actor.can(Permission.AUDIT_READ)


def review_resource(source_record_id: object, table: object = None, column: object = None) -> str:
    """The audit resource of a review: `source:<id>/table:<name>/column:<name>` (names percent-encoded)."""
    out = f"source:{source_record_id}"
    if isinstance(table, str):
        out += f"/table:{quote(table[:200], safe='')}"
        if isinstance(column, str):
            out += f"/column:{quote(column[:200], safe='')}"
    return out


# -- what the store holds -----------------------------------------------------------------------------


def latest_run(session: Session, source_record_id: int) -> ScanRun | None:
    run: ScanRun | None = session.scalar(
        select(ScanRun).where(ScanRun.source_id == source_record_id, ScanRun.status.in_(DONE))
        .order_by(ScanRun.id.desc()).limit(1))
    return run


def scheme_of(run: ScanRun) -> Scheme:
    return Scheme.model_validate(run.scheme_doc) if run.scheme_doc else load_scheme(run.scheme)


def _column(session: Session, run: ScanRun, table: str, column: str) -> ColumnAsset | None:
    col: ColumnAsset | None = session.scalar(
        select(ColumnAsset).join(TableAsset).where(TableAsset.scan_id == run.id, TableAsset.name == table,
                                                   ColumnAsset.name == column)
        .options(selectinload(ColumnAsset.detections)).limit(1))
    return col


def _current(session: Session, source_record_id: int, table: str, column: str) -> ColumnReview | None:
    row: ColumnReview | None = session.scalar(
        select(ColumnReview).where(ColumnReview.source_record_id == source_record_id,
                                   ColumnReview.table_name == table, ColumnReview.column_name == column,
                                   ColumnReview.superseded_at.is_(None))
        .order_by(ColumnReview.id.desc()).limit(1))
    return row


def _registry(platform: Platform | None = None) -> Registry:
    if platform is None:
        return Registry.default()
    from shuan.inventory.service import registry_for

    return registry_for(platform.settings, ())


# -- validation ---------------------------------------------------------------------------------------


def _check_name(value: object, field: str) -> str:
    problem = name_problem(value)
    if problem is not None:
        raise bad_field(field, problem)
    assert isinstance(value, str)  # noqa: S101 - name_problem accepts only str
    return value


def _check_types(value: object, registry: Registry) -> list[str]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise bad_field("types", "review.reason_types")
    if len(value) > MAX_TYPES:
        raise bad_field("types", "access.reason_too_long")
    known = set(TYPES) | set(registry.types())
    out: list[str] = []
    for t in value:
        if not isinstance(t, str) or t not in known:
            raise bad_field("types", "review.reason_unknown_type", type=str(t)[:64])
        if t not in out:
            out.append(t)
    return out


def _check_level(value: object, scheme: Scheme) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in {lv.level for lv in scheme.levels}:
        raise bad_field("level", "review.reason_level", scheme=scheme.id,
                        levels="、".join(f"{lv.level}（{lv.label}）" for lv in scheme.levels))
    return value


# -- use cases ----------------------------------------------------------------------------------------


def review_column(
    platform: Platform,
    *,
    actor: Principal,
    source_record_id: int,
    table: str,
    column: str,
    decision: str,
    types: Sequence[str] | None = None,
    level: int | None = None,
    reason: str,
    now: datetime | None = None,
) -> ReviewView:
    """Confirm or override one column of a source's latest scan; returns the new (current) review.

    Override: `types` (vocabulary ids; omitted = keep the detected ones) and/or `level` (a level of the
    scan's scheme; omitted = the level the scheme gives the types). Confirm: neither."""
    now = now or utcnow()
    resource = review_resource(source_record_id, table, column)
    with audited(platform, actor, "inventory.review", resource) as session:
        require_any_reviewer(actor)
        check_id(source_record_id, "source_record_id")
        src = session.get(SourceRecord, source_record_id)
        if src is None:
            raise NotFound("review.source_not_found", source=source_record_id)
        owner = owner_department(session, source_record_id)
        _require_reviewer(actor, owner)
        table = _check_name(table, "table")
        column = _check_name(column, "column")
        if decision not in DECISIONS:
            raise bad_field("decision", "review.reason_decision")
        reason = check_text(reason, "reason", MAX_REASON, required=True)
        run = latest_run(session, source_record_id)
        if run is None:
            raise NotFound("review.no_scan", source=source_record_id)
        col = _column(session, run, table, column)
        if col is None:
            raise NotFound("review.column_not_found", table=table, column=column, scan=run.id)
        scheme = scheme_of(run)
        registry = _registry(platform)
        detected = [d.type for d in col.detections]
        new_types: list[str] | None = None
        new_level: int | None = None
        if decision == "confirm":
            if types is not None or level is not None:
                raise bad_field("decision", "review.reason_confirm_values")
        else:
            if types is None and level is None:
                raise bad_field("level", "review.reason_override_empty")
            new_types = _check_types(types, registry) if types is not None else detected
            new_level = (_check_level(level, scheme) if level is not None
                         else grade_column(scheme, registry, new_types).level)
        current = _current(session, source_record_id, table, column)
        old: dict[str, Any] = {"decision": None, "types": detected, "level": col.level}
        if current is not None:
            old["decision"] = current.decision
            old["review_id"] = current.id
            if current.decision == "override":
                old["types"], old["level"] = current.types, current.level
            current.superseded_at = now
        row = ColumnReview(source_record_id=source_record_id, table_name=table, column_name=column,
                           decision=decision, scheme=scheme.id, types=new_types, level=new_level, reason=reason,
                           reviewer_id=actor.user_id, reviewer_name=actor.username[:64], department_id=owner,
                           created_at=now, superseded_at=None)
        session.add(row)
        session.flush()
        new = {"decision": decision, "types": new_types if new_types is not None else detected,
               "level": new_level if new_level is not None else col.level}
        platform.audit.record(session, Event(
            "inventory.review", actor, resource=resource,
            details={"review_id": row.id, "scan_id": run.id, "scheme": scheme.id, "reason": reason,
                     "old": old, "new": new}), now=now)
        return ReviewView.of(row)


def column_history(
    platform: Platform,
    *,
    actor: Principal,
    source_record_id: int,
    table: str | None = None,
    column: str | None = None,
    include_superseded: bool = True,
) -> list[ReviewView]:
    """Reviews of a source (optionally one table or column), oldest first, current ones flagged when
    orphaned. Readable by whoever may review the source and by auditors (`AUDIT_READ`)."""
    resource = review_resource(source_record_id, table, column)
    with audited(platform, actor, "inventory.review_history", resource) as session:
        require_any_reviewer(actor, readers=True)
        check_id(source_record_id, "source_record_id")
        if session.get(SourceRecord, source_record_id) is None:
            raise NotFound("review.source_not_found", source=source_record_id)
        if not may_read(actor, owner_department(session, source_record_id)):
            raise PermissionDenied("review.denied_read")
        stmt = select(ColumnReview).where(ColumnReview.source_record_id == source_record_id)
        if table is not None:
            stmt = stmt.where(ColumnReview.table_name == _check_name(table, "table"))
        if column is not None:
            stmt = stmt.where(ColumnReview.column_name == _check_name(column, "column"))
        if not include_superseded:
            stmt = stmt.where(ColumnReview.superseded_at.is_(None))
        rows = list(session.scalars(stmt.order_by(ColumnReview.id)))
        orphans = {r.id for r in orphaned_in(session, source_record_id)}
        return [ReviewView.of(r, orphaned=r.id in orphans) for r in rows]


def orphaned_in(session: Session, source_record_id: int) -> list[ColumnReview]:
    """Current reviews of a source whose column is not in its latest scan (not applied, kept)."""
    reviews = list(session.scalars(select(ColumnReview).where(
        ColumnReview.source_record_id == source_record_id, ColumnReview.superseded_at.is_(None))
        .order_by(ColumnReview.id)))
    if not reviews:
        return []
    run = latest_run(session, source_record_id)
    present: set[tuple[str, str]] = set()
    if run is not None:
        present = {(t, c) for t, c in session.execute(
            select(TableAsset.name, ColumnAsset.name).join(ColumnAsset, ColumnAsset.table_id == TableAsset.id)
            .where(TableAsset.scan_id == run.id))}
    return [r for r in reviews if (r.table_name, r.column_name) not in present]


def orphaned_reviews(platform: Platform, *, actor: Principal, source_record_id: int) -> list[ReviewView]:
    return [v for v in column_history(platform, actor=actor, source_record_id=source_record_id,
                                      include_superseded=False) if v.orphaned]


# -- the effective inventory ----------------------------------------------------------------------------


def _stamp(row: ColumnReview) -> str:
    return msg("review.stamp", reviewer=row.reviewer_name, at=row.created_at.isoformat(timespec="minutes"))


def _level_in(scheme: Scheme, row: ColumnReview, registry: Registry, types: list[str]) -> int:
    """The reviewed level in the scheme of the scan shown (mapped when the source was rescanned under
    another scheme; graded from the reviewed types when there is no mapping)."""
    assert row.level is not None  # noqa: S101 - an override always stores its level
    if row.scheme == scheme.id:
        return min(row.level, scheme.max_level)
    try:
        mapped = load_scheme(row.scheme).mapping.get(scheme.id, {}).get(row.level)
    except ShuanError:  # a scheme file that is gone: fall back to the types
        mapped = None
    return mapped if mapped is not None else grade_column(scheme, registry, types).level


def review_stamps(session: Session) -> dict[int, tuple[int, ...]]:
    """For every source with reviews: a stamp that changes whenever one of its reviews or scans is
    committed (the highest id and the number of rows of each; the counts catch a transaction that
    commits after one with a higher id, as PostgreSQL sequences allow)."""
    reviews = {int(src): (int(top), int(n)) for src, top, n in session.execute(
        select(ColumnReview.source_record_id, func.max(ColumnReview.id), func.count(ColumnReview.id))
        .group_by(ColumnReview.source_record_id))}
    if not reviews:
        return {}
    scans = {int(src): (int(top), int(n)) for src, top, n in session.execute(
        select(ScanRun.source_id, func.max(ScanRun.id), func.count(ScanRun.id))
        .where(ScanRun.source_id.in_(sorted(reviews))).group_by(ScanRun.source_id))}
    return {src: (*stamp, *scans.get(src, (0, 0))) for src, stamp in reviews.items()}


def reviewed_grades(session: Session, sources: Sequence[int]) -> dict[int, dict[int, tuple[int, str]]]:
    """The table grade, as reviewed, of every table of each source's latest completed scan that has a
    current override or confirmation: source → table id → (level, label) in the scan's own scheme. Only
    the reviewed tables are read (the few that stewards touched, not the whole inventory)."""
    from shuan.inventory.persist import InventoryRow

    keys = set(session.execute(select(ColumnReview.source_record_id, ColumnReview.table_name)
                               .where(ColumnReview.superseded_at.is_(None),
                                      ColumnReview.source_record_id.in_(sorted(set(sources)))).distinct()).all())
    rows: list[InventoryRow] = []
    source_of_scan: dict[int, int] = {}
    for source_id in sorted({src for src, _ in keys}):
        run = latest_run(session, source_id)
        if run is None:
            continue
        names = sorted(name for src, name in keys if src == source_id)
        scheme = scheme_of(run)
        source_of_scan[run.id] = source_id
        for table in session.scalars(select(TableAsset).where(TableAsset.scan_id == run.id, TableAsset.name.in_(names))
                                     .options(selectinload(TableAsset.columns).selectinload(ColumnAsset.detections),
                                              selectinload(TableAsset.grades))):
            rows.append(InventoryRow(run.source.display, run.id, run.started_at, scheme, table))
    ids = [(inv.table.id, inv.scheme.id, source_of_scan[inv.scan_id]) for inv in rows]
    apply_reviews(session, rows, source_of_scan)  # detaches the rows: nothing reaches the store
    out: dict[int, dict[int, tuple[int, str]]] = {src: {} for src in sources}
    for (table_id, scheme_id, source_id), inv in zip(ids, rows, strict=True):
        grade = next((g for g in inv.table.grades if g.scheme == scheme_id and not g.derived), None)
        if grade is not None:
            out[source_id][table_id] = (grade.level, grade.label)
    return out


def apply_reviews(session: Session, rows: list[InventoryRow], source_of_scan: dict[int, int]) -> None:
    """Apply the current reviews to inventory rows read in `session` (their ORM objects are detached
    first, so nothing written here reaches the store). `source_of_scan`: scan id → source record id."""
    sources = set(source_of_scan.values())
    if not sources or not rows:
        return
    current = list(session.scalars(select(ColumnReview).where(
        ColumnReview.source_record_id.in_(sources), ColumnReview.superseded_at.is_(None))
        .order_by(ColumnReview.id)))
    by_key = {(r.source_record_id, r.table_name, r.column_name): r for r in current}
    if not by_key:
        return
    session.expunge_all()
    registry: Registry | None = None
    for inv in rows:
        src = source_of_scan.get(inv.scan_id)
        table = inv.table
        overrides: list[tuple[ColumnAsset, ColumnReview]] = []
        for col in table.columns:
            rv = by_key.get((src, table.name, col.name)) if src is not None else None
            if rv is None:
                continue
            stamp = _stamp(rv)
            if rv.decision == "confirm":
                note = msg("review.confirmed", reason=rv.reason, stamp=stamp)
                col.note = f"{col.note}；{note}" if col.note else note
                col.reason = f"{col.reason}；{note}" if col.reason else note
                continue
            registry = registry or Registry.default()
            types = list(rv.types or [])
            kept = {d.type: d for d in col.detections}
            col.detections = [kept.get(t) or Detection(type=t, score=1.0, ratio=1.0, evidence=msg("review.evidence"))
                              for t in types]
            col.level = _level_in(inv.scheme, rv, registry, types)
            col.reason = msg("review.column_reason", reason=rv.reason, stamp=stamp)
            col.note = f"{col.note}；{col.reason}" if col.note else col.reason
            overrides.append((col, rv))
        if overrides:
            _regrade(inv, overrides, registry or Registry.default())


def _regrade(inv: InventoryRow, overrides: list[tuple[ColumnAsset, ColumnReview]], registry: Registry) -> None:
    """Grade the table again from its effective columns with the scheme's rule, citing the reviews."""
    table, scheme = inv.table, inv.scheme
    column_types = {c.name: [d.type for d in c.detections] for c in table.columns}
    lines = [msg("review.table_reason", column=c.name, level=scheme.label(c.level), reason=rv.reason,
                 stamp=_stamp(rv)) for c, rv in overrides]
    for grade in table.grades:
        if grade.scheme == scheme.id and not grade.derived:
            fixed = {c.name: ColumnGrade(c.level, c.reason) for c, _ in overrides}
            tg = grade_table(scheme, registry, column_types, table.rows, column_grades=fixed)
            grade.level, grade.label, grade.reasons = tg.level, scheme.label(tg.level), [*tg.reasons, *lines]
        elif grade.derived:
            try:
                other = load_scheme(grade.scheme)
            except ShuanError:  # a derived grade under a scheme no longer available stays as it was
                continue
            mapping = scheme.mapping.get(other.id, {})
            fixed = {c.name: ColumnGrade(mapping[c.level], c.reason) for c, _ in overrides if c.level in mapping}
            tg = grade_table(other, registry, column_types, table.rows, column_grades=fixed)
            grade.level, grade.label, grade.reasons = tg.level, other.label(tg.level), [*tg.reasons, *lines]
