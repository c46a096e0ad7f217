"""Read models and the background scans of the console's source, export and notification pages.

A scan started from the console runs `inventory.sources.scan_source` in a thread of its own (one per
source at a time) and records its progress in `ScanRegistry`, an in-memory registry of the application
(``app.state``) keyed by source id, which the source page polls. What the registry holds is what the
page shows: table names, counts and the scan's one-line outcome (already scrubbed of secrets by the
service), never the source's location.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select

from shuan.audit.guard import record_refusal
from shuan.clock import utcnow
from shuan.errors import PermissionDenied, ShuanError
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.inventory.changes import NotificationView, list_notifications
from shuan.inventory.sources import (
    CopyView,
    HistoryRow,
    SourceView,
    get_source,
    list_copies,
    list_sources,
    may_manage,
    scan_history,
    scan_source,
)
from shuan.messages import msg
from shuan.platform import Platform
from shuan.reports.access import export_scope
from shuan.reports.departments import department_tree, within
from shuan.store.models import Grade, TableAsset

log = logging.getLogger("shuan.web.console")

MANAGE = (Permission.GRANT_MANAGE, Permission.GRANT_MANAGE_DEPT)


def departments(platform: Platform) -> dict[int, tuple[str, int | None]]:
    with platform.store.sessions() as s:
        return department_tree(s)


def require_manager(platform: Platform, actor: Principal, action: str, resource: str) -> None:
    """Refuse (403, audited as `action`) a user who may manage no department's sources at all."""
    if not any(actor.can(p) for p in MANAGE):
        exc = PermissionDenied("sources.denied", department=actor.department_id or "-")
        record_refusal(platform, actor, action, resource, exc)
        raise exc


# -- list and register -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    source: SourceView
    department: str
    level: int | None


@dataclass(frozen=True)
class SourceList:
    rows: list[SourceRow]
    may_register: bool


def _levels(platform: Platform, scan_ids: Iterable[int]) -> dict[int, int]:
    """The highest table grade of each scan (one aggregate query)."""
    ids = sorted(set(scan_ids))
    if not ids:
        return {}
    with platform.store.sessions() as s:
        found = s.execute(select(TableAsset.scan_id, func.max(Grade.level))
                          .join(Grade, Grade.table_id == TableAsset.id)
                          .where(TableAsset.scan_id.in_(ids), Grade.derived.is_(False))
                          .group_by(TableAsset.scan_id))
        return {int(scan): int(level) for scan, level in found if level is not None}


def source_list(platform: Platform, *, actor: Principal) -> SourceList:
    views = list_sources(platform, actor=actor)
    tree = departments(platform)
    levels = _levels(platform, (v.last_scan_id for v in views if v.last_scan_id is not None))
    rows = [SourceRow(v, tree.get(v.department_id, (str(v.department_id), None))[0],
                      levels.get(v.last_scan_id) if v.last_scan_id is not None else None) for v in views]
    return SourceList(rows, any(actor.can(p) for p in MANAGE))


@dataclass(frozen=True)
class RegisterForm:
    """What the register form offers: the departments the user may register for (the own one, or every
    department for the security administrator) and what was typed (never the location)."""

    departments: list[tuple[int, str]]
    department: int | None
    name: str = ""
    responsible: str = ""
    schedule: str = ""


def register_form(platform: Platform, *, actor: Principal, name: str = "", department: int | None = None,
                  responsible: str = "", schedule: str = "") -> RegisterForm:
    require_manager(platform, actor, "source.register", "src:-")
    tree = departments(platform)
    if actor.can(Permission.GRANT_MANAGE):
        choices = sorted(((d, n) for d, (n, _) in tree.items()), key=lambda c: c[0])
    else:
        own = actor.department_id
        choices = [(own, tree.get(own, (str(own), None))[0])] if own is not None else []
    chosen = department if department is not None else actor.department_id
    return RegisterForm(choices, chosen, name, responsible, schedule)


# -- a source's page --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePage:
    source: SourceView
    department: str
    history: list[HistoryRow]
    copies: list[CopyView]
    may_scan: bool


def source_page(platform: Platform, *, actor: Principal, source_id: int) -> SourcePage:
    view = get_source(platform, actor=actor, source_id=source_id)
    history = scan_history(platform, actor=actor, source_id=source_id)
    copies = list_copies(platform, actor=actor, source_id=source_id)
    name = departments(platform).get(view.department_id, (str(view.department_id), None))[0]
    return SourcePage(view, name, history, copies, view.active and may_manage(actor, view.department_id))


# -- background scans --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanProgress:
    source_id: int
    started_at: datetime
    table: str = ""
    done: int = 0
    total: int = 0
    finished: bool = False
    error: str | None = None
    scan_id: int | None = None
    tables: int = 0

    @property
    def percent(self) -> int:
        if self.finished and self.error is None:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


@dataclass
class ScanRegistry:
    """The console's scans of this process, by source id (the latest one of each source)."""

    states: dict[int, ScanProgress] = field(default_factory=dict)
    threads: dict[int, threading.Thread] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, source_id: int) -> ScanProgress | None:
        with self.lock:
            return self.states.get(source_id)

    def _update(self, source_id: int, **changes: object) -> None:
        with self.lock:
            state = self.states.get(source_id)
            if state is not None:
                self.states[source_id] = replace(state, **changes)  # type: ignore[arg-type]

    def wait(self, source_id: int, timeout: float | None = None) -> ScanProgress | None:
        """Wait for the source's scan thread (tests, shutdown)."""
        with self.lock:
            thread = self.threads.get(source_id)
        if thread is not None:
            thread.join(timeout)
        return self.get(source_id)

    def start(self, platform: Platform, actor: Principal, source_id: int) -> tuple[ScanProgress, bool]:
        """Start a scan of the source unless one is running: (its progress, whether this call started it)."""
        with self.lock:
            state = self.states.get(source_id)
            if state is not None and not state.finished:
                return state, False
            state = self.states[source_id] = ScanProgress(source_id, utcnow())
            thread = threading.Thread(target=self._run, args=(platform, actor, source_id),
                                      name=f"console-scan-{source_id}", daemon=True)
            self.threads[source_id] = thread
        thread.start()
        return state, True

    def _run(self, platform: Platform, actor: Principal, source_id: int) -> None:
        def progress(table: str, done: int, total: int, _rows: int) -> None:
            self._update(source_id, table=table, done=done, total=total)

        try:
            view = scan_source(platform, actor=actor, source_id=source_id, progress=progress)
        except ShuanError as exc:
            self._update(source_id, finished=True, error=exc.user_message)
        except Exception as exc:  # noqa: BLE001 - the page shows a generic line; the log names the kind only
            log.error("console scan of source %s failed: %s", source_id, type(exc).__name__)
            self._update(source_id, finished=True, error=msg("api.unavailable"))
        else:
            self._update(source_id, finished=True, scan_id=view.scan_id, tables=view.tables,
                         done=max(view.tables, 0), total=max(view.tables, 0))


def scan_registry(state: object) -> ScanRegistry:
    """The registry kept on the application's state (created on first use)."""
    registry: ScanRegistry | None = getattr(state, "console_scans", None)
    if registry is None:
        registry = ScanRegistry()
        state.console_scans = registry  # type: ignore[attr-defined]
    return registry


@dataclass(frozen=True)
class ScanStatus:
    source_id: int
    progress: ScanProgress | None
    started: bool = False

    @property
    def running(self) -> bool:
        return self.progress is not None and not self.progress.finished


def start_scan(platform: Platform, registry: ScanRegistry, *, actor: Principal, source_id: int) -> ScanStatus:
    """Check, as the service would, that `actor` may scan the source; then start it in the background."""
    require_manager(platform, actor, "source.scan", f"source:{source_id}")
    view = get_source(platform, actor=actor, source_id=source_id)
    if not may_manage(actor, view.department_id):
        exc = PermissionDenied("sources.denied", department=view.department_id)
        record_refusal(platform, actor, "source.scan", f"source:{source_id}", exc)
        raise exc
    progress, started = registry.start(platform, actor, source_id)
    return ScanStatus(source_id, progress, started)


def scan_status(platform: Platform, registry: ScanRegistry, *, actor: Principal, source_id: int) -> ScanStatus:
    get_source(platform, actor=actor, source_id=source_id)  # who may read the source may see its scan
    return ScanStatus(source_id, registry.get(source_id))


# -- exports and notifications ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportForm:
    formats: tuple[str, ...]
    departments: list[tuple[int, str]]
    city: bool  # the whole city is allowed


def export_form(platform: Platform, *, actor: Principal) -> ExportForm:
    from shuan.reports.write import REPORT_FORMATS

    scope = export_scope(platform, actor, None)
    tree = departments(platform)
    chosen = sorted(((d, n) for d, (n, _) in tree.items() if scope is None or within(tree, d, scope)),
                    key=lambda c: c[0])
    return ExportForm(REPORT_FORMATS, chosen, scope is None)


def notifications(platform: Platform, *, actor: Principal) -> list[NotificationView]:
    """The actor's notifications, unread first, newest first within each."""
    found = list_notifications(platform, actor=actor, limit=200)
    return sorted(found, key=lambda n: n.read_at is not None)
