"""Scan diffs and the console notifications that tell the responsible people what changed.

`diff_scans` compares what discovery found in two scans of the same source (the stored detections
and grades, not the reviewed view: a review applies equally to both scans, and a change under an
override is still worth a steward's look — such items carry `reviewed: true`). `on_new_scan` runs
inside the transaction that saved a scan (registered sources, shuan.inventory.sources): it diffs the
scan against the previous one of the same source and, when anything changed, writes one
notification per recipient and an `inventory.changes` audit event (counts only).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from shuan.access.rules import check_id
from shuan.audit.events import Event
from shuan.audit.guard import audited
from shuan.clock import utcnow
from shuan.errors import InvalidInput, NotFound, PermissionDenied
from shuan.identity.models import User
from shuan.identity.principal import SYSTEM, Principal
from shuan.inventory.review import DONE, latest_run, may_read, owner_department
from shuan.inventory.review_models import ColumnReview, Notification
from shuan.messages import msg
from shuan.store.models import ColumnAsset, ScanError, ScanRun, SourceRecord, TableAsset

if TYPE_CHECKING:
    from shuan.platform import Platform

#: kinds of change, in the order a notification lists them
KINDS: tuple[str, ...] = (
    "table_added", "table_removed", "column_sensitive", "column_raised", "column_lowered", "column_types",
    "table_raised", "table_lowered",
)
NOTIFICATION_KIND = "scan_change"
MAX_ITEMS = 500  # a notification lists at most this many items (the counts are always complete)


@dataclass(frozen=True)
class ChangeItem:
    kind: str
    table: str
    column: str | None = None
    old: Any = None
    new: Any = None
    reviewed: bool = False  # the column has a current steward review

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "table": self.table}
        if self.column is not None:
            out["column"] = self.column
        out["old"], out["new"] = self.old, self.new
        if self.reviewed:
            out["reviewed"] = True
        return out


@dataclass
class ScanDiff:
    source_record_id: int
    old_scan_id: int | None  # None: the source's first scan
    new_scan_id: int
    items: list[ChangeItem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.items)

    def counts(self) -> dict[str, int]:
        found = Counter(i.kind for i in self.items)
        return {k: found[k] for k in KINDS if found[k]}

    def as_dict(self) -> dict[str, Any]:
        return {"source_record_id": self.source_record_id, "old_scan_id": self.old_scan_id,
                "new_scan_id": self.new_scan_id, "counts": self.counts(),
                "items": [i.as_dict() for i in self.items]}


@dataclass(frozen=True)
class _Col:
    level: int
    types: tuple[str, ...]

    @property
    def sensitive(self) -> bool:
        return self.level > 1 or bool(self.types)

    def value(self) -> dict[str, Any]:
        return {"level": self.level, "types": list(self.types)}


@dataclass(frozen=True)
class _Table:
    level: int | None
    columns: dict[str, _Col]


def _tables(session: Session, run: ScanRun) -> dict[str, _Table]:
    out: dict[str, _Table] = {}
    for t in session.scalars(select(TableAsset).where(TableAsset.scan_id == run.id).options(
            selectinload(TableAsset.columns).selectinload(ColumnAsset.detections), selectinload(TableAsset.grades))):
        level = next((g.level for g in t.grades if g.scheme == run.scheme and not g.derived), None)
        out[t.name] = _Table(level, {c.name: _Col(c.level, tuple(sorted(d.type for d in c.detections)))
                                     for c in t.columns})
    return out


def _run(session: Session, source_record_id: int, scan_id: int) -> ScanRun:
    run = session.get(ScanRun, scan_id)
    if run is None or run.source_id != source_record_id:
        raise NotFound("changes.scan_not_found", scan=scan_id, source=source_record_id)
    return run


def previous_scan(session: Session, source_record_id: int, scan_id: int) -> int | None:
    """The last completed (or partial) scan of the source before `scan_id`."""
    found: int | None = session.scalar(
        select(ScanRun.id).where(ScanRun.source_id == source_record_id, ScanRun.id < scan_id,
                                 ScanRun.status.in_(DONE)).order_by(ScanRun.id.desc()).limit(1))
    return found


def diff_scans(session: Session, *, source_record_id: int, old_scan_id: int | None, new_scan_id: int) -> ScanDiff:
    """What changed from one scan of a source to a later one: tables added and removed (a table the new
    scan could not read is not "removed"), sensitive columns that are new (absent before, or level 1
    with no type before), column levels that rose or fell, types that changed, table levels."""
    new_run = _run(session, source_record_id, new_scan_id)
    new = _tables(session, new_run)
    old: dict[str, _Table] = {}
    if old_scan_id is not None:
        old = _tables(session, _run(session, source_record_id, old_scan_id))
    unreadable = set(session.scalars(select(ScanError.table).where(ScanError.scan_id == new_scan_id)))
    reviewed = {(t, c) for t, c in session.execute(
        select(ColumnReview.table_name, ColumnReview.column_name).where(
            ColumnReview.source_record_id == source_record_id, ColumnReview.superseded_at.is_(None)))}
    diff = ScanDiff(source_record_id, old_scan_id, new_scan_id)
    items = diff.items
    for name in sorted(new):
        nt = new[name]
        ot = old.get(name)
        if ot is None:
            items.append(ChangeItem("table_added", name, new={"level": nt.level, "columns": len(nt.columns)}))
        for cname, nc in nt.columns.items():
            oc = ot.columns.get(cname) if ot is not None else None
            rv = (name, cname) in reviewed
            if nc.sensitive and (oc is None or not oc.sensitive):
                items.append(ChangeItem("column_sensitive", name, cname, oc.value() if oc else None, nc.value(), rv))
            elif oc is not None and nc.level != oc.level:
                kind = "column_raised" if nc.level > oc.level else "column_lowered"
                items.append(ChangeItem(kind, name, cname, oc.value(), nc.value(), rv))
            elif oc is not None and nc.types != oc.types:
                items.append(ChangeItem("column_types", name, cname, oc.value(), nc.value(), rv))
        if ot is not None and nt.level is not None and ot.level is not None and nt.level != ot.level:
            kind = "table_raised" if nt.level > ot.level else "table_lowered"
            items.append(ChangeItem(kind, name, old={"level": ot.level}, new={"level": nt.level}))
    for name in sorted(set(old) - set(new) - unreadable):
        items.append(ChangeItem("table_removed", name, old={"level": old[name].level,
                                                             "columns": len(old[name].columns)}))
    items.sort(key=lambda i: (KINDS.index(i.kind), i.table, i.column or ""))
    return diff


def on_new_scan(platform: Platform, session: Session, *, source_record_id: int, scan_id: int,
                recipients: list[int], now: datetime) -> None:
    """Inside the caller's transaction (the one that saved scan `scan_id`): diff it against the previous
    scan of the source; when anything changed, notify each recipient (unknown user ids are skipped) and
    record `inventory.changes` (counts only) in the same transaction."""
    previous = previous_scan(session, source_record_id, scan_id)
    diff = diff_scans(session, source_record_id=source_record_id, old_scan_id=previous, new_scan_id=scan_id)
    if not diff.changed:
        return
    wanted = sorted({r for r in recipients if isinstance(r, int) and not isinstance(r, bool) and r > 0})
    users = sorted(session.scalars(select(User.id).where(User.id.in_(wanted)))) if wanted else []
    src = session.get(SourceRecord, source_record_id)
    display = src.display if src is not None else str(source_record_id)
    counts = diff.counts()
    summary = "、".join(msg(f"changes.kind.{k}") + f" {n}" for k, n in counts.items())
    title = msg("changes.title", source=display, summary=summary)[:200]
    body = diff.as_dict() | {"source": display, "items": [i.as_dict() for i in diff.items[:MAX_ITEMS]],
                             "truncated": len(diff.items) > MAX_ITEMS}
    for user_id in users:
        session.add(Notification(user_id=user_id, kind=NOTIFICATION_KIND, title=title, body=body,
                                 source_record_id=source_record_id, scan_id=scan_id, created_at=now, read_at=None))
    session.flush()
    platform.audit.record(session, Event(
        "inventory.changes", SYSTEM, resource=f"source:{source_record_id}",
        details={"scan_id": scan_id, "previous_scan_id": previous, "counts": counts, "recipients": len(users)}),
        now=now)


# -- console notifications ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    title: str
    body: dict[str, Any]
    source_record_id: int | None
    scan_id: int | None
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, row: Notification) -> NotificationView:
        return cls(row.id, row.kind, row.title, dict(row.body), row.source_record_id, row.scan_id, row.created_at,
                   row.read_at)


def list_notifications(platform: Platform, *, actor: Principal, unread_only: bool = False,
                       limit: int = 100) -> list[NotificationView]:
    """The actor's own notifications, newest first."""
    if actor.user_id is None:
        return []
    limit = max(1, min(limit, 1000))
    with platform.store.sessions() as session:
        stmt = select(Notification).where(Notification.user_id == actor.user_id)
        if unread_only:
            stmt = stmt.where(Notification.read_at.is_(None))
        return [NotificationView.of(r) for r in session.scalars(stmt.order_by(Notification.id.desc()).limit(limit))]


def unread_count(platform: Platform, *, actor: Principal) -> int:
    """How many of the actor's notifications are unread (one indexed count; the console's nav badge)."""
    if actor.user_id is None:
        return 0
    with platform.store.sessions() as session:
        found = session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == actor.user_id, Notification.read_at.is_(None)))
    return int(found or 0)


def mark_read(platform: Platform, *, actor: Principal, notification_id: int,
              now: datetime | None = None) -> NotificationView:
    """Mark one of the actor's notifications read; anyone else's is refused (and the refusal audited)."""
    now = now or utcnow()
    with audited(platform, actor, "notification.read", f"notification:{notification_id}") as session:
        check_id(notification_id, "notification_id")
        row = session.get(Notification, notification_id)
        if row is None:
            raise NotFound("changes.notification_not_found", id=notification_id)
        if actor.user_id is None or row.user_id != actor.user_id:
            raise PermissionDenied("changes.not_recipient")
        if row.read_at is None:
            row.read_at = now
        return NotificationView.of(row)


def scan_diff(platform: Platform, *, actor: Principal, source_record_id: int, old_scan_id: int | None = None,
              new_scan_id: int | None = None) -> ScanDiff:
    """`diff_scans` for a front end: by default the latest scan against the one before it. Readable by
    whoever may review the source (see shuan.inventory.review) and by auditors."""
    with audited(platform, actor, "inventory.diff", f"source:{source_record_id}") as session:
        check_id(source_record_id, "source_record_id")
        if session.get(SourceRecord, source_record_id) is None:
            raise NotFound("review.source_not_found", source=source_record_id)
        if not may_read(actor, owner_department(session, source_record_id)):
            raise PermissionDenied("review.denied_read")
        if new_scan_id is None:
            run = latest_run(session, source_record_id)
            if run is None:
                raise NotFound("review.no_scan", source=source_record_id)
            new_scan_id = run.id
        check_id(new_scan_id, "to")
        if old_scan_id is None:
            old_scan_id = previous_scan(session, source_record_id, new_scan_id)
        else:
            check_id(old_scan_id, "from")
            if old_scan_id >= new_scan_id:
                raise InvalidInput("changes.bad_range", old=old_scan_id, new=new_scan_id)
        return diff_scans(session, source_record_id=source_record_id, old_scan_id=old_scan_id,
                          new_scan_id=new_scan_id)
