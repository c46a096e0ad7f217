"""Registered sources (issue 4, 谁主管谁负责): use cases the CLI, the REST API and the console call.

A registered source belongs to a department and has a responsible person of that department. Its
location (a file path, or a database URL with its password) is kept only as an SM4-GCM envelope
under the department's data key for source secrets (dataset ``sources-dept-<id>``, bound to the
source's name as associated data); what is stored, shown, logged and audited is the masked display
(`shuan.urls.mask_url` for URLs, the absolute path for files). The location is decrypted in memory
for a scan only.

Who may do what:

* register, update, change the responsible person, deactivate, scan, record or end copies:
  `Permission.GRANT_MANAGE` (security administrator) anywhere; `Permission.GRANT_MANAGE_DEPT` (steward,
  department data security officer) for the own department's sources only; the platform (`SYSTEM`)
  scans on schedule.
* read (list, show, history, copies): every user the own department's sources; `GRANT_MANAGE` and
  `AUDIT_READ` (auditor) all of them.

Every change is one unit of work with its audit event (`shuan.audit.guard.audited`: a refusal rolls
back and leaves a denied/failure event). A scan reads the source outside any transaction, then
writes the scan, the source's new state, its `source.scan` event and the scan-change notifications
(`shuan.inventory.changes.on_new_scan`, when present) in one transaction; a scan that fails
writes nothing but the source's last error and a failed `source.scan` event. Afterwards the access
register (`src:<name>/tbl:<t>/col:<c>`) is brought up to the grades found, as the platform: paths
are registered with the owning department, grades only ever raised (lowering a grade is a review
decision, not a scan's).
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from secrets import token_hex
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shuan.access.models import AccessResource
from shuan.access.paths import check_name, resource_path
from shuan.audit.events import Event, Outcome
from shuan.audit.guard import audited, record_refusal
from shuan.clock import utcnow
from shuan.crypto.keys.keyring import dek_scope
from shuan.crypto.keys.models import KeyRecord
from shuan.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ShuanError,
    SourceError,
    StoreError,
)
from shuan.identity.models import Department, User, UserRole
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Permission, Role
from shuan.inventory.models import RegisteredSource, SourceCopy
from shuan.inventory.scan import Progress, ScanReport
from shuan.messages import msg
from shuan.platform import Platform
from shuan.store.models import Grade, ScanRun, TableAsset
from shuan.urls import DEFAULT_DRIVERS, mask_url, scrub

log = logging.getLogger("shuan.inventory.sources")

MAX_SCHEDULE_HOURS = 24 * 365
MAX_PURPOSE = 500
MAX_LOCATION = 1000

# -- views ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceView:
    """A registered source as front ends show it: the masked display, never the location."""

    id: int
    name: str
    resource: str  # the access path src:<name>
    department_id: int
    responsible_user_id: int
    responsible_username: str
    kind: str
    display: str
    scheme: str | None
    sample_rows: int | None
    full: bool
    schedule_hours: int | None
    active: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    last_scan_id: int | None
    last_scan_at: datetime | None
    last_error: str | None
    next_scan_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class ScanView:
    """The outcome of one scan of a registered source (`scan_id` None and `error` set when it failed)."""

    source_id: int
    source_name: str
    status: str  # completed | partial | failed
    scan_id: int | None = None
    tables: int = 0
    errors: int = 0
    max_level: int | None = None
    error: str | None = None
    access_problems: tuple[str, ...] = ()
    next_scan_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["access_problems"] = list(self.access_problems)
        return out


@dataclass(frozen=True)
class HistoryRow:
    scan_id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    mode: str
    scheme: str
    tables: int
    errors: int
    max_level: int | None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class CopyView:
    id: int
    source_id: int
    source_name: str
    holder_department_id: int
    responsible_user_id: int
    responsible_username: str
    purpose: str
    location: str
    created_at: datetime
    created_by: str
    ended_at: datetime | None
    ended_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


# -- plumbing -------------------------------------------------------------------------------------------


#: how long a scan holds its source against other scans (of any process) after its last heartbeat
SCAN_CLAIM = timedelta(minutes=30)
HEARTBEAT_SECONDS = 60.0


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def _key_dataset(department_id: int) -> str:
    return f"sources-dept-{department_id}"


def _aad(name: str) -> bytes:
    return b"shuan/registered-source/" + name.encode()


def _is_url(location: str) -> bool:
    scheme, sep, _ = location.partition("://")
    return bool(sep) and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum()


def _bad(field_name: str, reason_key: str, **params: object) -> InvalidInput:
    return InvalidInput("sources.bad_setting", field=field_name, reason=msg(reason_key, **params),
                        reason_key=reason_key)


def _text(value: object, field_name: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit or not value.isprintable():
        raise _bad(field_name, "sources.reason_text", limit=limit)
    return value.strip()


def _locate(location: object) -> tuple[str, str, str]:
    """(location to encrypt, kind, masked display) of what a person typed. Never puts the location
    itself in an error: a URL only masked, a path as given."""
    if not isinstance(location, str) or not location.strip() or len(location) > 4000:
        raise InvalidInput("sources.bad_location", location="-", field="location")
    location = location.strip()
    if _is_url(location):
        from sqlalchemy.engine import make_url

        from shuan.urls import with_default_driver

        shown = mask_url(location)
        base = location.split("://", 1)[0].split("+", 1)[0].lower()
        if base not in DEFAULT_DRIVERS:
            raise InvalidInput("sources.bad_location", location=shown, field="location")
        try:
            make_url(with_default_driver(location))
        except Exception:  # noqa: BLE001 - any parse failure is a bad location, shown masked only
            raise InvalidInput("sources.bad_location", location=shown, field="location") from None
        kind = {"postgres": "postgresql", "mariadb": "mysql"}.get(base, base)
        if len(shown) > MAX_LOCATION:
            raise InvalidInput("sources.bad_location", location=shown[:200], field="location")
        return location, kind, shown
    from shuan.sources.files import readable_name
    from shuan.sources.sqlite_magic import is_sqlite_file

    path = Path(location).expanduser().absolute()
    shown = readable_name(str(path))
    if len(shown) > MAX_LOCATION or not shown.isprintable():
        raise InvalidInput("sources.bad_location", location=shown[:200], field="location")
    try:
        kind = "directory" if path.is_dir() else "sqlite" if path.is_file() and is_sqlite_file(path) else "file"
    except OSError:
        kind = "file"
    return str(path), kind, shown


def _check_settings(scheme: str | None, sample_rows: int | None, full: bool, schedule_hours: int | None) -> None:
    if scheme is not None:
        from shuan.grading.scheme import builtin_ids

        if scheme not in builtin_ids():  # registered sources rescan unattended: built-in schemes only
            # the caller's input, not the server's configuration: a 4xx, not a 500
            raise InvalidInput("scheme.unknown", name=str(scheme)[:64], known="、".join(builtin_ids()))
    if sample_rows is not None and (isinstance(sample_rows, bool) or not isinstance(sample_rows, int)
                                    or sample_rows < 1):
        raise _bad("sample_rows", "sources.reason_positive")
    if full and sample_rows is not None:
        raise _bad("sample_rows", "sources.reason_sample_full")
    if schedule_hours is not None and (isinstance(schedule_hours, bool) or not isinstance(schedule_hours, int)
                                       or not 1 <= schedule_hours <= MAX_SCHEDULE_HOURS):
        raise _bad("schedule_hours", "sources.reason_schedule")


def _can_manage(actor: Principal, department_id: int) -> bool:
    if actor == SYSTEM or actor.can(Permission.GRANT_MANAGE):
        return True
    return actor.can(Permission.GRANT_MANAGE_DEPT) and actor.department_id == department_id


def may_manage(actor: Principal, department_id: int) -> bool:
    """Whether `actor` may register, change and scan the sources of `department_id`."""
    return _can_manage(actor, department_id)


def _require_manage(actor: Principal, department_id: int) -> None:
    if not _can_manage(actor, department_id):
        raise PermissionDenied("sources.denied", department=department_id)


def _reads_all(actor: Principal) -> bool:
    return actor == SYSTEM or actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.AUDIT_READ)


def _require_read(actor: Principal, department_id: int) -> None:
    if not (_reads_all(actor) or actor.department_id == department_id):
        raise PermissionDenied("sources.read_denied", department=department_id)


def _department(s: Session, department_id: object) -> int:
    if isinstance(department_id, bool) or not isinstance(department_id, int) or department_id < 1 \
            or s.get(Department, department_id) is None:
        raise NotFound("identity.department_not_found", department=department_id)
    return department_id


def _member(s: Session, username: object, department_id: int) -> User:
    """An active user of exactly `department_id`: the responsible person (谁主管谁负责)."""
    name = username.strip().lower() if isinstance(username, str) else ""
    user = s.scalar(select(User).where(User.username == name)) if name else None
    if user is None or not user.active:
        raise NotFound("sources.user_not_found", username=name[:64] or "-")
    if user.department_id != department_id:
        raise Conflict("sources.responsible_department", username=user.username, department=department_id)
    return user


def _username(s: Session, user_id: int) -> str:
    return s.scalar(select(User.username).where(User.id == user_id)) or f"#{user_id}"


def _row(s: Session, source_id: object, *, lock: bool = False) -> RegisteredSource:
    row = None
    if isinstance(source_id, int) and not isinstance(source_id, bool):
        stmt = select(RegisteredSource).where(RegisteredSource.id == source_id)
        row = s.scalar(stmt.with_for_update() if lock else stmt)
    if row is None:
        raise NotFound("sources.not_found", source=source_id if isinstance(source_id, int) else "-")
    return row


def _view(s: Session, row: RegisteredSource) -> SourceView:
    return SourceView(
        id=row.id, name=row.name, resource=resource_path(row.name), department_id=row.department_id,
        responsible_user_id=row.responsible_user_id, responsible_username=_username(s, row.responsible_user_id),
        kind=row.kind, display=row.display, scheme=row.scheme, sample_rows=row.sample_rows, full=row.full_scan,
        schedule_hours=row.schedule_hours, active=row.active, created_at=row.created_at, created_by=row.created_by,
        updated_at=row.updated_at, last_scan_id=row.last_scan_id, last_scan_at=row.last_scan_at,
        last_error=row.last_error, next_scan_at=row.next_scan_at,
    )


def _copy_view(s: Session, row: SourceCopy, source_name: str) -> CopyView:
    return CopyView(
        id=row.id, source_id=row.source_id, source_name=source_name, holder_department_id=row.holder_department_id,
        responsible_user_id=row.responsible_user_id, responsible_username=_username(s, row.responsible_user_id),
        purpose=row.purpose, location=row.location, created_at=row.created_at, created_by=row.created_by,
        ended_at=row.ended_at, ended_by=row.ended_by,
    )


def _ensure_source_key(platform: Platform, s: Session, department_id: int, now: datetime) -> str:
    dataset = _key_dataset(department_id)
    active = s.scalar(select(KeyRecord.id).where(KeyRecord.scope == dek_scope(dataset), KeyRecord.status == "active"))
    if active is None:
        platform.keyring.create_data_key(s, SYSTEM, dataset, department_id, now=now)
    return dataset


def _seal(platform: Platform, s: Session, row: RegisteredSource, location: str, now: datetime) -> None:
    dataset = _ensure_source_key(platform, s, row.department_id, now)
    row.location_envelope = platform.keyring.encrypt(s, dataset, location.encode(), aad=_aad(row.name))


def _open(platform: Platform, s: Session, row: RegisteredSource) -> str:
    return platform.keyring.decrypt(s, row.location_envelope, aad=_aad(row.name)).decode()


def _check_access_owner(s: Session, name: str, department_id: int) -> None:
    path = resource_path(name)
    owner = s.scalar(select(AccessResource.owner_department_id).where(AccessResource.path == path))
    if owner is not None and owner != department_id:
        raise Conflict("sources.access_owner", path=path, owner=owner, department=department_id)


def _event(platform: Platform, s: Session, action: str, actor: Principal, row: RegisteredSource, now: datetime,
           details: dict[str, Any], outcome: Outcome = Outcome.SUCCESS) -> None:
    platform.audit.record(s, Event(action, actor, outcome=outcome, resource=resource_path(row.name),
                                   details={"source": row.id, **details}), now=now)


# -- registration ---------------------------------------------------------------------------------------


def register_source(
    platform: Platform,
    *,
    actor: Principal,
    name: str,
    location: str,
    department_id: int,
    responsible_username: str,
    scheme: str | None = None,
    sample_rows: int | None = None,
    full: bool = False,
    schedule_hours: int | None = None,
    now: datetime | None = None,
) -> SourceView:
    """Register a source of `department_id` with its responsible person; the location is encrypted
    under the department's key. A scheduled source is due for its first scan at once."""
    when = _now(now)
    shown_name = name[:128] if isinstance(name, str) else "-"
    with audited(platform, actor, "source.register", f"src:{shown_name}") as s:
        check_name(name, "name")
        real, kind, display = _locate(location)
        _check_settings(scheme, sample_rows, full, schedule_hours)
        dept = _department(s, department_id)
        _require_manage(actor, dept)
        user = _member(s, responsible_username, dept)
        if s.scalar(select(RegisteredSource.id).where(RegisteredSource.name == name)) is not None:
            raise Conflict("sources.name_exists", name=name)
        taken = s.scalar(select(RegisteredSource.name).where(RegisteredSource.display == display))
        if taken is not None:
            raise Conflict("sources.location_exists", name=taken)
        _check_access_owner(s, name, dept)
        row = RegisteredSource(
            name=name, department_id=dept, responsible_user_id=user.id, kind=kind, display=display,
            location_envelope=b"", scheme=scheme, sample_rows=sample_rows, full_scan=bool(full),
            schedule_hours=schedule_hours, created_at=when, created_by=actor.username, updated_at=when, active=True,
            next_scan_at=when if schedule_hours else None,
        )
        s.add(row)
        _seal(platform, s, row, real, when)
        s.flush()
        _event(platform, s, "source.register", actor, row, when, {
            "department": dept, "responsible": user.username, "kind": kind, "display": display,
            "schedule_hours": schedule_hours})
        return _view(s, row)


def update_source(
    platform: Platform,
    *,
    actor: Principal,
    source_id: int,
    location: str | None = None,
    scheme: str | None = None,
    sample_rows: int | None = None,
    full: bool | None = None,
    schedule_hours: int | None = None,
    clear_schedule: bool = False,
    reset_scheme: bool = False,
    active: bool | None = None,
    now: datetime | None = None,
) -> SourceView:
    """Change a source's location (re-encrypted), scan settings or schedule; `active=True` re-activates
    a deactivated source. Name and owning department do not change here."""
    when = _now(now)
    with audited(platform, actor, "source.update", f"source:{source_id}") as s:
        row = _row(s, source_id, lock=True)
        _require_manage(actor, row.department_id)
        changed: list[str] = []
        new_full = row.full_scan if full is None else bool(full)
        new_sample = row.sample_rows if sample_rows is None and not new_full else sample_rows
        new_scheme = None if reset_scheme else (scheme if scheme is not None else row.scheme)
        new_schedule = None if clear_schedule else (schedule_hours if schedule_hours is not None
                                                     else row.schedule_hours)
        _check_settings(new_scheme, new_sample, new_full, new_schedule)
        if location is not None:
            real, kind, display = _locate(location)
            taken = s.scalar(select(RegisteredSource.name).where(RegisteredSource.display == display,
                                                                 RegisteredSource.id != row.id))
            if taken is not None:
                raise Conflict("sources.location_exists", name=taken)
            _seal(platform, s, row, real, when)
            row.kind, row.display = kind, display
            changed.append("location")
        for attr, value in (("scheme", new_scheme), ("sample_rows", new_sample), ("full_scan", new_full),
                            ("schedule_hours", new_schedule)):
            if getattr(row, attr) != value:
                setattr(row, attr, value)
                changed.append(attr)
        if "schedule_hours" in changed:
            row.next_scan_at = None if new_schedule is None else (
                when if row.last_scan_at is None else max(when, row.last_scan_at + timedelta(hours=new_schedule)))
        if active is not None and bool(active) != row.active:
            row.active = bool(active)
            row.next_scan_at = when if row.active and row.schedule_hours else None
            changed.append("active")
        if not changed:
            raise InvalidInput("sources.nothing_to_update", field="-")
        row.updated_at = when
        _event(platform, s, "source.update", actor, row, when, {"changed": changed, "display": row.display})
        return _view(s, row)


def set_responsible(platform: Platform, *, actor: Principal, source_id: int, responsible_username: str,
                    now: datetime | None = None) -> SourceView:
    """Name another responsible person (a member of the owning department)."""
    when = _now(now)
    with audited(platform, actor, "source.responsible", f"source:{source_id}") as s:
        row = _row(s, source_id, lock=True)
        _require_manage(actor, row.department_id)
        user = _member(s, responsible_username, row.department_id)
        before = _username(s, row.responsible_user_id)
        row.responsible_user_id, row.updated_at = user.id, when
        _event(platform, s, "source.responsible", actor, row, when, {"from": before, "to": user.username})
        return _view(s, row)


def deactivate_source(platform: Platform, *, actor: Principal, source_id: int,
                      now: datetime | None = None) -> SourceView:
    """Stop scheduled scans and manual scans of a source; its history and copies stay."""
    when = _now(now)
    with audited(platform, actor, "source.deactivate", f"source:{source_id}") as s:
        row = _row(s, source_id, lock=True)
        _require_manage(actor, row.department_id)
        if not row.active:
            raise Conflict("sources.inactive", name=row.name)
        row.active, row.next_scan_at, row.updated_at = False, None, when
        _event(platform, s, "source.deactivate", actor, row, when, {})
        return _view(s, row)


def list_sources(platform: Platform, *, actor: Principal, department_id: int | None = None,
                 include_inactive: bool = True) -> list[SourceView]:
    """The own department's sources (any user); every department's for the security administrator and
    the auditor, who may narrow to one department."""
    with audited(platform, actor, "source.list", f"department:{department_id or '*'}") as s:
        if department_id is None and not _reads_all(actor):
            if actor.department_id is None:
                return []
            department_id = actor.department_id
        if department_id is not None:
            _require_read(actor, department_id)
        stmt = select(RegisteredSource).order_by(RegisteredSource.id)
        if department_id is not None:
            stmt = stmt.where(RegisteredSource.department_id == department_id)
        if not include_inactive:
            stmt = stmt.where(RegisteredSource.active.is_(True))
        return [_view(s, row) for row in s.scalars(stmt)]


def get_source(platform: Platform, *, actor: Principal, source_id: int) -> SourceView:
    with audited(platform, actor, "source.show", f"source:{source_id}") as s:
        row = _row(s, source_id)
        _require_read(actor, row.department_id)
        return _view(s, row)


# -- copies ---------------------------------------------------------------------------------------------


def record_copy(platform: Platform, *, actor: Principal, source_id: int, holder_department_id: int,
                responsible_username: str, purpose: str, location: str, now: datetime | None = None) -> CopyView:
    """Record that `holder_department_id` holds a copy of the source's data, with its own responsible
    person (a member of the holder department). Recorded by the owner (or a security administrator)."""
    when = _now(now)
    with audited(platform, actor, "source.copy", f"source:{source_id}") as s:
        row = _row(s, source_id)
        _require_manage(actor, row.department_id)
        holder = _department(s, holder_department_id)
        user = _member(s, responsible_username, holder)
        why = _text(purpose, "purpose", MAX_PURPOSE)
        where = _text(location, "location", MAX_LOCATION)
        where = mask_url(where) if _is_url(where) else where
        copy = SourceCopy(source_id=row.id, holder_department_id=holder, responsible_user_id=user.id, purpose=why,
                          location=where, created_at=when, created_by=actor.username)
        s.add(copy)
        s.flush()
        _event(platform, s, "source.copy", actor, row, when, {"copy": copy.id, "holder": holder,
                                                              "responsible": user.username})
        return _copy_view(s, copy, row.name)


def end_copy(platform: Platform, *, actor: Principal, copy_id: int, now: datetime | None = None) -> CopyView:
    """The copy is gone (deleted, returned): by the source's owner, the holder department's steward or
    officer, or a security administrator."""
    when = _now(now)
    with audited(platform, actor, "source.copy_end", f"copy:{copy_id}") as s:
        copy = s.get(SourceCopy, copy_id) if isinstance(copy_id, int) else None
        if copy is None:
            raise NotFound("sources.copy_not_found", copy=copy_id if isinstance(copy_id, int) else "-")
        row = _row(s, copy.source_id)
        if not (_can_manage(actor, row.department_id) or _can_manage(actor, copy.holder_department_id)):
            raise PermissionDenied("sources.denied", department=copy.holder_department_id)
        if copy.ended_at is not None:
            raise Conflict("sources.copy_ended", copy=copy.id)
        copy.ended_at, copy.ended_by = when, actor.username
        _event(platform, s, "source.copy_end", actor, row, when, {"copy": copy.id, "holder": copy.holder_department_id})
        return _copy_view(s, copy, row.name)


def list_copies(platform: Platform, *, actor: Principal, source_id: int,
                include_ended: bool = False) -> list[CopyView]:
    with audited(platform, actor, "source.copies", f"source:{source_id}") as s:
        row = _row(s, source_id)
        _require_read(actor, row.department_id)
        stmt = select(SourceCopy).where(SourceCopy.source_id == row.id).order_by(SourceCopy.id)
        if not include_ended:
            stmt = stmt.where(SourceCopy.ended_at.is_(None))
        return [_copy_view(s, c, row.name) for c in s.scalars(stmt)]


# -- scans ----------------------------------------------------------------------------------------------


def _recipients(s: Session, row: RegisteredSource) -> list[int]:
    """Who hears of a scan's changes: the responsible person, then the department's security officers."""
    officers = s.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id).where(
            User.department_id == row.department_id, User.active.is_(True),
            UserRole.role == Role.DEPT_SECURITY_OFFICER.value).order_by(User.id))
    out = [row.responsible_user_id]
    out.extend(uid for uid in officers if uid not in out)
    return out


def _notify(platform: Platform, s: Session, row: RegisteredSource, scan_id: int, source_record_id: int,
            now: datetime) -> None:
    """The scan-diff notifications of shuan.inventory.changes, in the scan's transaction (skipped while
    that module is not there)."""
    try:
        hook: Callable[..., None] = importlib.import_module("shuan.inventory.changes").on_new_scan
    except (ImportError, AttributeError):
        return
    hook(platform, s, source_record_id=source_record_id, scan_id=scan_id, recipients=_recipients(s, row), now=now)


def _max_level(report: ScanReport) -> int | None:
    return max((t.level for t in report.tables), default=None)


def _one_line(exc: BaseException, secrets: Iterable[str]) -> tuple[str, str]:
    """(error key, one line without any secret) of a failed scan."""
    if isinstance(exc, ShuanError):
        return exc.key, scrub(exc.user_message, secrets)
    return type(exc).__name__, scrub(f"{type(exc).__name__}: {exc}", secrets)


def _secrets(location: str) -> list[str]:
    if not _is_url(location):
        return []
    from sqlalchemy.engine import make_url

    from shuan.urls import secrets_of, with_default_driver

    try:
        return secrets_of(make_url(with_default_driver(location)))
    except Exception:  # noqa: BLE001 - registration parsed it; be safe anyway
        return []


def _run(platform: Platform, row: RegisteredSource, location: str, progress: Progress | None) -> ScanReport:
    from shuan.inventory.samples import KEEP_VALUES
    from shuan.inventory.service import ScanRequest, scan

    request = ScanRequest(source=location, scheme=row.scheme, sample_rows=row.sample_rows, full=row.full_scan,
                          save=False, keep_values=KEEP_VALUES)
    return scan(request, platform.settings, progress).report


def scan_source(platform: Platform, *, actor: Principal, source_id: int, progress: Progress | None = None,
                now: datetime | None = None) -> ScanView:
    """Scan a registered source now. Raises SourceError (one line naming the source, never a secret)
    when the source cannot be scanned; the failure is recorded on the source and in the audit chain.

    The scan holds the source's claim (one scan per source across processes) from the first transaction
    to the one that writes the scan or the failure; whatever goes wrong in between — a reader's panic, a
    key that will not encrypt, the audit chain — releases it and is recorded. Claim times are the real
    clock, never `now` (a batch of due scans shares one `now`)."""
    when = _now(now)
    claim = token_hex(16)
    try:
        with platform.store.transaction() as s:
            if not (actor == SYSTEM or actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)):
                raise PermissionDenied("sources.denied", department=actor.department_id or "-")  # before any lookup
            row = _row(s, source_id, lock=True)
            _require_manage(actor, row.department_id)
            if not row.active:
                raise Conflict("sources.inactive", name=row.name)
            if row.scan_claim is not None and row.scan_claim_until is not None and row.scan_claim_until > utcnow():
                raise Conflict("sources.scan_running", name=row.name)
            location = _open(platform, s, row)
            row.scan_claim, row.scan_claim_until = claim, utcnow() + SCAN_CLAIM
            _event(platform, s, "source.scan_start", actor, row, when, {"claim_until": row.scan_claim_until.isoformat()})
            s.flush()
            s.expunge(row)
    except PermissionDenied as exc:
        record_refusal(platform, actor, "source.scan", f"source:{source_id}", exc)
        raise
    except ShuanError as exc:
        record_refusal(platform, actor, "source.scan", f"source:{source_id}", exc, outcome=Outcome.FAILURE)
        raise
    secrets = _secrets(location)
    try:
        with _ClaimKeeper(platform, row.id, claim):
            report = _run(platform, row, location, progress)
    except (KeyboardInterrupt, SystemExit):
        _record_failure(platform, actor, row.id, "interrupted", msg("sources.interrupted"), when, claim)
        raise
    except BaseException as exc:  # noqa: BLE001 - any failure (a native reader's panic too) is one recorded line
        key, line = _one_line(exc, secrets)
        _record_failure(platform, actor, row.id, key, line, when, claim)
        raise SourceError("sources.scan_failed", name=row.name, reason=line) from None
    report.source = row.display  # what is stored: the masked display, as registered
    try:
        view, department_id = _write_scan(platform, actor, row.id, report, claim, when)
    except (KeyboardInterrupt, SystemExit):
        _record_failure(platform, actor, row.id, "interrupted", msg("sources.interrupted"), when, claim)
        raise
    except ShuanError as exc:  # the claim was lost, a key or the audit chain refused: recorded, re-raised
        _record_failure(platform, actor, row.id, exc.key, scrub(exc.user_message, secrets), when, claim)
        raise
    except BaseException as exc:  # noqa: BLE001 - the store (or anything else) failed: nothing of the scan stays
        line = scrub(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, secrets)
        _record_failure(platform, actor, row.id, "store.write", line, when, claim)
        raise StoreError("store.write", reason=line) from None
    problems = sync_access_register(platform, name=row.name, department_id=department_id, report=report, now=when)
    return replace(view, access_problems=tuple(problems))


def _write_scan(platform: Platform, actor: Principal, source_id: int, report: ScanReport, claim: str,
                when: datetime) -> tuple[ScanView, int]:
    """The scan, its samples, the source's state, the event and the notifications in one transaction —
    only while the scan still holds the source's claim."""
    from shuan.inventory.persist import write_scan
    from shuan.inventory.samples import seal_samples

    with platform.store.transaction() as s:
        live = _row(s, source_id, lock=True)
        if live.scan_claim != claim:
            raise Conflict("sources.claim_lost", name=live.name)
        _release(live, claim)
        run = write_scan(s, report)
        kept = seal_samples(platform, s, run, report, dataset=_ensure_source_key(platform, s, live.department_id, when),
                            department_id=live.department_id, now=when)
        live.source_record_id, live.last_scan_id = run.source_id, run.id
        live.last_scan_at, live.last_error, live.updated_at = when, None, when
        live.next_scan_at = when + timedelta(hours=live.schedule_hours) if live.schedule_hours else None
        _event(platform, s, "source.scan", actor, live, when, {
            "scan": run.id, "status": run.status, "tables": run.table_count, "errors": run.error_count,
            "max_level": _max_level(report), "mode": report.mode, "sampled_tables": kept})
        _notify(platform, s, live, run.id, run.source_id, when)
        view = ScanView(source_id=live.id, source_name=live.name, status=run.status, scan_id=run.id,
                        tables=run.table_count, errors=run.error_count, max_level=_max_level(report),
                        next_scan_at=live.next_scan_at)
        return view, live.department_id


class _ClaimKeeper:
    """Extends the scan's claim every `HEARTBEAT_SECONDS` from a thread of its own while the scan runs (a
    slow step that reports no progress keeps it too), so only the claim of a process that died lapses,
    `SCAN_CLAIM` after its last beat. A beat that fails is logged and tried again at the next one."""

    def __init__(self, platform: Platform, source_id: int, claim: str) -> None:
        self.platform, self.source_id, self.claim = platform, source_id, claim
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"scan-claim-{source_id}", daemon=True)

    def __enter__(self) -> _ClaimKeeper:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stop.wait(HEARTBEAT_SECONDS):
            try:
                self.beat()
            except Exception as exc:  # noqa: BLE001 - the next beat tries again; the claim lapses only after 30 min
                log.warning("scan claim heartbeat of source %s failed: %s", self.source_id, type(exc).__name__)

    def beat(self) -> None:
        with self.platform.store.transaction() as s:
            s.execute(update(RegisteredSource).where(RegisteredSource.id == self.source_id,
                                                     RegisteredSource.scan_claim == self.claim)
                      .values(scan_claim_until=utcnow() + SCAN_CLAIM))


def _release(row: RegisteredSource, claim: str) -> None:
    if row.scan_claim == claim:
        row.scan_claim, row.scan_claim_until = None, None


def _record_failure(platform: Platform, actor: Principal, source_id: int, key: str, line: str,
                    now: datetime, claim: str) -> None:
    """The failed scan's line on the source and its failure event; the claim released with them (if the
    audit chain itself refuses, nothing is written and the claim lapses)."""
    with platform.store.transaction() as s:
        row = _row(s, source_id, lock=True)
        _release(row, claim)
        row.last_error, row.updated_at = line[:1000], now
        if row.schedule_hours:
            row.next_scan_at = now + timedelta(hours=row.schedule_hours)
        _event(platform, s, "source.scan", actor, row, now, {"reason": key}, outcome=Outcome.FAILURE)


def sync_access_register(platform: Platform, *, name: str, department_id: int, report: ScanReport,
                         now: datetime | None = None) -> list[str]:
    """Register the source (一级 of its own: a source is as high as its tables, which the register folds
    in), its tables at their grades and its columns above 一级, owned by the source's department, as
    the platform. Existing entries keep their owner; grades are only raised. Returns one line per
    path that could not be brought up to date (another owner, a name the register refuses)."""
    from shuan.access.service import get_resource, register_resource, set_resource_level

    when = _now(now)
    problems: list[str] = []

    def ensure(path_parts: tuple[str, str | None, str | None], level: int) -> bool:
        try:
            path = resource_path(*path_parts)
            try:
                current = get_resource(platform, path)
            except NotFound:
                register_resource(platform, SYSTEM, path, owner_department_id=department_id, level=level, now=when)
                return True
            if current.owner_department_id != department_id:
                raise Conflict("sources.access_owner", path=path, owner=current.owner_department_id,
                               department=department_id)
            if current.level is not None and current.level < level:
                set_resource_level(platform, SYSTEM, path, level, now=when)
            return True
        except ShuanError as exc:
            problems.append(exc.user_message)
            return False

    if not ensure((name, None, None), 1):
        return problems
    for table in report.tables:
        if not ensure((name, table.name, None), table.level):
            continue
        for column in table.columns:
            if column.level > 1:
                ensure((name, table.name, column.name), column.level)
    return problems


def due_sources(platform: Platform, now: datetime | None = None) -> list[SourceView]:
    """Active sources whose next scheduled scan is due, oldest first."""
    when = _now(now)
    with platform.store.sessions() as s:
        rows = s.scalars(select(RegisteredSource).where(
            RegisteredSource.active.is_(True), RegisteredSource.next_scan_at.is_not(None),
            RegisteredSource.next_scan_at <= when).order_by(RegisteredSource.next_scan_at, RegisteredSource.id))
        return [_view(s, row) for row in rows]


def run_due_scans(platform: Platform, *, now: datetime | None = None,
                  progress: Progress | None = None) -> list[ScanView]:
    """Scan every due source, one after another, as the platform. A source that fails is reported in
    its view (status ``failed``) and does not stop the others."""
    when = _now(now)
    out: list[ScanView] = []
    for due in due_sources(platform, when):
        try:
            out.append(scan_source(platform, actor=SYSTEM, source_id=due.id, progress=progress, now=when))
        except ShuanError as exc:
            out.append(ScanView(source_id=due.id, source_name=due.name, status="failed", error=exc.user_message))
    return out


def scan_history(platform: Platform, *, actor: Principal, source_id: int, limit: int = 20) -> list[HistoryRow]:
    """The source's scans, newest first, with the highest grade each found (in the scan's own scheme)."""
    with audited(platform, actor, "source.history", f"source:{source_id}") as s:
        row = _row(s, source_id)
        _require_read(actor, row.department_id)
        if row.source_record_id is None:
            return []
        limit = max(1, min(int(limit), 1000))
        top = (select(TableAsset.scan_id, func.max(Grade.level).label("level"))
               .join(Grade, Grade.table_id == TableAsset.id).where(Grade.derived.is_(False))
               .group_by(TableAsset.scan_id).subquery())
        runs = s.execute(select(ScanRun, top.c.level).outerjoin(top, top.c.scan_id == ScanRun.id)
                         .where(ScanRun.source_id == row.source_record_id)
                         .order_by(ScanRun.id.desc()).limit(limit))
        return [HistoryRow(scan_id=r.id, started_at=r.started_at, finished_at=r.finished_at, status=r.status,
                           mode=r.mode, scheme=r.scheme, tables=r.table_count, errors=r.error_count,
                           max_level=None if level is None else int(level))
                for r, level in runs]


__all__ = [
    "CopyView", "HistoryRow", "ScanView", "SourceView", "deactivate_source", "due_sources", "end_copy", "get_source",
    "list_copies", "list_sources", "may_manage", "record_copy", "register_source", "run_due_scans", "scan_history", "scan_source",
    "set_responsible", "sync_access_register", "update_source",
]
