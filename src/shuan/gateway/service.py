"""Data-service use cases: publish, update, retire, list, show, call; the call log for owners.

Who may do what:

* publish, update, retire: `Permission.GRANT_MANAGE` (security administrator) for any source;
  `Permission.GRANT_MANAGE_DEPT` (steward, department data security officer) for the own department's
  registered sources only. Refused before any lookup when the actor holds neither. Audited
  ``service.publish|update|retire`` in the changing transaction; refusals leave a denied/failure event.
* list and show: every signed-in user sees the active services; owners, the security administrator and
  auditors also the retired ones.
* call: any authenticated principal with a user id (a token or a session). No SQL passthrough: only the
  declared parameters, each converted and checked (shuan.gateway.params), bound as parameters in a
  statement built with SQLAlchemy Core (shuan.gateway.query). Every output column is decided by the
  access engine (action ``read``, path ``src:S/tbl:T/col:C``, for the consumer's declared usage scenario
  or else the service's): columns without a grant are left out, none → 403. The columns the parameters
  compare with must be readable too (else a parameter would reveal them). Every allowing grant's row
  filter is ANDed into the WHERE (the most restrictive reading when columns come from several grants),
  and each column's grant's masking profile is applied to its values (shuan.protect operators, one
  vectorised pass per column) with the scenario's platform masking key. Row limits and a token bucket
  per consumer and service (429 with Retry-After) apply.

Every call, allowed or refused, is a ``service.call`` event: consumer, service, parameters (in
`sensitive`: HMAC-SM3 pseudonyms, never in clear), rows returned, latency in ms, outcome and reason.
The events of concurrent calls are committed together (group commit, `AuditBatcher`), and a call's
answer is returned only after its event is committed: no audit record, no data.

Caches (per process and store): a service's compiled definition (reloaded at most every
`DEFINITION_TTL` seconds, at once after a change made in this process), the open source connection
(reopened when the registered source changes), the masking operators per (service version, profile,
column) and the scenario keys. A change made by another process is seen within `DEFINITION_TTL`.
"""

from __future__ import annotations

import json
import re
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuan.access.engine import ALLOW_GRANT, Decision
from shuan.access.paths import bad_field, resource_path
from shuan.access.rules import SCENARIOS, Condition, check_scenario
from shuan.access.service import engine_for
from shuan.audit.events import Event, Outcome
from shuan.audit.guard import audited, show
from shuan.audit.models import AuditEventRow
from shuan.clock import utcnow
from shuan.errors import (
    AuditError,
    ConfigError,
    Conflict,
    CryptoError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ShuanError,
    SourceError,
)
from shuan.gateway.models import DataService
from shuan.gateway.params import ParamSpec, Value, check_call, check_specs, spec_from_stored
from shuan.gateway.query import Target, build_select
from shuan.gateway.ratelimit import RateLimiter
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Permission
from shuan.inventory.models import RegisteredSource
from shuan.store.db import Store

if TYPE_CHECKING:
    import polars as pl

    from shuan.platform import Platform
    from shuan.protect.operators import MaskingKey, Operator
    from shuan.sources.sql import SqlSource

ACTION_PUBLISH = "service.publish"
ACTION_UPDATE = "service.update"
ACTION_RETIRE = "service.retire"
ACTION_CALL = "service.call"
ACTION_CALLS = "service.calls"

DEFINITION_TTL = 1.0
MAX_COLUMNS = 200
MAX_LIMIT = 10_000
MAX_RATE = 100_000
DEFAULT_LIMIT = 20
DEFAULT_MAX_LIMIT = 100
DEFAULT_RATE = 60
RESERVED_NAMES = frozenset({"report", "new"})
SOURCE_KINDS = frozenset({"sqlite", "postgresql", "mysql"})
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_SPEC_FIELDS = frozenset({"name", "title", "description", "source", "table", "columns", "column_types", "params",
                          "scenario", "default_limit", "max_limit", "rate_per_minute", "catalog_entry_id"})
_UPDATABLE = frozenset(_SPEC_FIELDS - {"name", "source", "table"})
#: decision rules that mean "outside the granted purpose or period" (the report lists them)
OUT_OF_GRANT_RULES = frozenset({"deny_expired", "deny_not_yet_valid", "deny_purpose", "deny_revoked"})


class RateLimited(PermissionDenied):
    """Beyond the service's calls per minute for this consumer: HTTP 429 with ``Retry-After: seconds``."""


# -- views -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceView:
    id: int
    name: str
    title: str
    description: str
    source_id: int
    source_name: str
    table: str
    columns: tuple[str, ...]
    column_types: dict[str, list[str]]
    params: tuple[dict[str, Any], ...]
    scenario: str
    default_limit: int
    max_limit: int
    rate_per_minute: int
    department_id: int
    status: str
    catalog_entry_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None
    retire_reason: str | None

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["columns"] = list(self.columns)
        out["params"] = [dict(p) for p in self.params]
        for k in ("created_at", "updated_at", "retired_at"):
            out[k] = None if out[k] is None else out[k].isoformat()
        return out


@dataclass
class CallResult:
    """What a call returns: the granted columns, the rows (masked), and what was left out or masked."""

    service: str
    columns: list[str]
    rows: list[list[Any]]
    omitted: list[str]
    masked: dict[str, str]
    limit: int
    scenario: str
    latency_ms: float

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {"service": self.service, "columns": self.columns, "rows": self.rows, "row_count": self.row_count,
                "omitted": self.omitted, "masked": self.masked, "limit": self.limit, "scenario": self.scenario}


@dataclass(frozen=True)
class CallRecord:
    """One ``service.call`` event as the owner's call log shows it."""

    seq: int
    ts: str
    consumer: str
    outcome: str
    rows: int | None
    latency_ms: float | None
    reason: str | None
    rule: str | None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


# -- the cached definition ---------------------------------------------------------------------------


@dataclass
class Compiled:
    """A service definition as the call path needs it (built once per version)."""

    id: int
    name: str
    version: int
    source_id: int
    source_name: str
    source_stamp: str
    department_id: int
    target: Target
    table: str
    columns: tuple[str, ...]
    column_types: dict[str, tuple[str, ...]]
    table_columns: frozenset[str]
    specs: tuple[ParamSpec, ...]
    by_name: dict[str, ParamSpec]
    scenario: str
    default_limit: int
    max_limit: int
    rate: int
    paths: dict[str, str]
    loaded_at: float = 0.0


class AuditBatcher:
    """Group commit of audit events: concurrent callers' events are appended in one transaction.

    A caller enqueues its event and waits. If no write is running, it takes everything queued and
    writes it (one transaction, one locked chain head, one batched insert) and wakes the others whose
    events went with it; events that arrived during that write go with the next one. `submit` returns
    only after the caller's own event is committed, and raises AuditError if that commit failed."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: list[_Slot] = []
        self._writing = False
        self.batches = 0
        self.events = 0

    def submit(self, platform: Platform, event: Event, now: datetime | None) -> None:
        slot = _Slot(event, now)
        with self._cond:
            self._queue.append(slot)
            while not slot.done:
                if self._writing:
                    self._cond.wait()
                    continue
                batch, self._queue = self._queue, []
                self._writing = True
                self._cond.release()
                error: BaseException | None = None
                try:
                    self._write(platform, batch)
                except BaseException as exc:  # noqa: BLE001 - handed to every waiter of the batch
                    error = exc
                finally:
                    self._cond.acquire()
                    self._writing = False
                    for s in batch:
                        s.done, s.error = True, error
                    self._cond.notify_all()
        if slot.error is not None:
            if isinstance(slot.error, AuditError):
                raise AuditError(slot.error.key, **slot.error.params)
            raise AuditError("audit.write_failed", reason=type(slot.error).__name__)

    def _write(self, platform: Platform, batch: list[_Slot]) -> None:
        groups: dict[datetime | None, list[Event]] = {}
        for s in batch:
            groups.setdefault(s.now, []).append(s.event)
        with platform.store.transaction() as session:
            for now, events in groups.items():
                platform.audit.record_many(session, events, now=now)
        self.batches += 1
        self.events += len(batch)


@dataclass
class _Slot:
    event: Event
    now: datetime | None
    done: bool = False
    error: BaseException | None = None


@dataclass
class Gateway:
    """The per-process, per-store state of the gateway (see the module doc)."""

    limiter: RateLimiter = field(default_factory=RateLimiter)
    batcher: AuditBatcher = field(default_factory=AuditBatcher)
    definitions: dict[str, Compiled] = field(default_factory=dict)
    sources: dict[int, tuple[str, SqlSource]] = field(default_factory=dict)
    keys: dict[str, MaskingKey] = field(default_factory=dict)
    operators: dict[tuple[int, int, str, str], tuple[Operator, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    key_lock: threading.Lock = field(default_factory=threading.Lock)

    def invalidate(self, name: str | None = None) -> None:
        with self.lock:
            if name is None:
                self.definitions.clear()
            else:
                self.definitions.pop(name, None)

    def close(self) -> None:
        with self.lock:
            for _, source in self.sources.values():
                source.close()
            self.sources.clear()


_GATEWAYS: weakref.WeakKeyDictionary[Store, Gateway] = weakref.WeakKeyDictionary()
_GATEWAYS_LOCK = threading.Lock()


def gateway_for(platform: Platform) -> Gateway:
    """The gateway state of this platform's store (one per process and store)."""
    with _GATEWAYS_LOCK:
        found = _GATEWAYS.get(platform.store)
        if found is None:
            found = _GATEWAYS[platform.store] = Gateway()
    return found


# -- plumbing ------------------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def _may_manage(actor: Principal, department_id: int) -> bool:
    if actor == SYSTEM or actor.can(Permission.GRANT_MANAGE):
        return True
    return actor.can(Permission.GRANT_MANAGE_DEPT) and actor.department_id == department_id


def _require_manager(actor: Principal) -> None:
    """Before any lookup: the actor must be able to manage some department's services."""
    if not (actor == SYSTEM or actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)):
        raise PermissionDenied("gateway.manage_denied")


def _sees_retired(actor: Principal, department_id: int) -> bool:
    return _may_manage(actor, department_id) or actor.can(Permission.AUDIT_READ)


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name in RESERVED_NAMES:
        raise bad_field("name", "gateway.reason_service_name")
    return name


def _text(value: object, field_name: str, limit: int, *, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise bad_field(field_name, "access.reason_empty")
    if len(value) > limit:
        raise bad_field(field_name, "access.reason_too_long")
    if _CONTROL.search(value.replace("\n", " ").replace("\t", " ")) or "\x00" in value:
        raise bad_field(field_name, "access.reason_control")
    return value.strip()


def _int(value: object, field_name: str, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_field(field_name, "gateway.reason_between", low=low, high=high)
    return value


def _row(s: Session, name: object, *, lock: bool = False) -> DataService:
    row = None
    if isinstance(name, str) and _NAME.fullmatch(name):
        stmt = select(DataService).where(DataService.name == name)
        row = s.scalar(stmt.with_for_update() if lock else stmt)
    if row is None:
        raise NotFound("gateway.not_found", name=show(name, 64))
    return row


def _source_name(s: Session, source_id: int) -> str:
    return s.scalar(select(RegisteredSource.name).where(RegisteredSource.id == source_id)) or f"#{source_id}"


def _view(s: Session, row: DataService) -> ServiceView:
    return ServiceView(
        id=row.id, name=row.name, title=row.title, description=row.description, source_id=row.source_id,
        source_name=_source_name(s, row.source_id), table=row.table_name, columns=tuple(row.columns),
        column_types={str(k): [str(t) for t in v] for k, v in (row.column_types or {}).items()},
        params=tuple(dict(p) for p in row.params), scenario=row.scenario, default_limit=row.default_limit,
        max_limit=row.max_limit, rate_per_minute=row.rate_per_minute, department_id=row.department_id,
        status=row.status, catalog_entry_id=row.catalog_entry_id, version=row.version, created_at=row.created_at,
        updated_at=row.updated_at, retired_at=row.retired_at, retire_reason=row.retire_reason,
    )


def _open_location(platform: Platform, s: Session, row: RegisteredSource) -> str:
    from shuan.inventory.sources import _open  # the inventory's own helper: SM4 envelope under the dept key

    return _open(platform, s, row)


def _open_sql(location: str, name: str) -> SqlSource:
    from shuan.sources import open_source
    from shuan.sources.sql import SqlSource

    source = open_source(location)
    if not isinstance(source, SqlSource):
        source.close()
        raise InvalidInput("gateway.source_kind", source=name, field="source")
    return source


def _describe_table(source: SqlSource, table: str) -> tuple[Target, list[str]]:
    relations = source.relations()
    rel = relations.get(table)
    if rel is None:
        raise bad_field("table", "gateway.reason_no_table")
    try:
        with source.connect() as conn:
            cols = [str(c["name"]) for c in sa.inspect(conn).get_columns(rel.table, schema=rel.schema)]
    except sa.exc.SQLAlchemyError as exc:
        raise SourceError("gateway.source_failed", name=source.display, reason=type(exc).__name__) from None
    return Target(rel.schema, rel.table), cols


def _inventory_types(s: Session, source: RegisteredSource, table: str) -> dict[str, list[str]]:
    """Column -> detected type ids (best first) from the source's last scan, when it has one."""
    from shuan.store.models import ColumnAsset, Detection, TableAsset

    if source.last_scan_id is None:
        return {}
    rows = s.execute(
        select(ColumnAsset.name, Detection.type, Detection.score)
        .join(TableAsset, TableAsset.id == ColumnAsset.table_id)
        .join(Detection, Detection.column_id == ColumnAsset.id)
        .where(TableAsset.scan_id == source.last_scan_id, TableAsset.name == table)
        .order_by(ColumnAsset.name, Detection.score.desc())
    ).all()
    out: dict[str, list[str]] = {}
    for column, type_id, _score in rows:
        out.setdefault(str(column), []).append(str(type_id))
    return out


def _check_columns(value: object, table_columns: Sequence[str]) -> list[str]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence) or not 0 < len(value) <= MAX_COLUMNS:
        raise bad_field("columns", "gateway.reason_columns", limit=MAX_COLUMNS)
    out: list[str] = []
    for c in value:
        if not isinstance(c, str) or c not in table_columns:
            raise bad_field("columns", "gateway.reason_unknown_column", column=show(c, 64))
        if c in out:
            raise bad_field("columns", "gateway.reason_duplicate")
        out.append(c)
    return out


def _check_types(value: object, columns: Sequence[str], found: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Declared column types (override) on top of what the inventory found, for the output columns."""
    declared: dict[str, list[str]] = {}
    if value is not None:
        if not isinstance(value, Mapping):
            raise bad_field("column_types", "gateway.reason_mapping")
        from shuan.discovery.vocabulary import TYPES as KNOWN_TYPES

        for col, types in value.items():
            if col not in columns:
                raise bad_field("column_types", "gateway.reason_unknown_column", column=show(col, 64))
            if isinstance(types, str):
                types = [types]
            if not isinstance(types, Sequence) or any(not isinstance(t, str) or t not in KNOWN_TYPES for t in types):
                raise bad_field("column_types", "gateway.reason_type_ids")
            declared[str(col)] = [str(t) for t in types]
    return {c: declared.get(c, list(found.get(c, []))) for c in columns if declared.get(c, found.get(c))}


def _check_catalog(s: Session, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise bad_field("catalog_entry_id", "access.reason_id")
    from shuan.sharing.models import CatalogEntry

    if s.get(CatalogEntry, value) is None:
        raise NotFound("gateway.catalog_not_found", entry=value)
    return value


def _limits(spec: Mapping[str, Any], current: DataService | None = None) -> tuple[int, int, int]:
    max_limit = _int(spec.get("max_limit"), "max_limit", current.max_limit if current else DEFAULT_MAX_LIMIT,
                     1, MAX_LIMIT)
    default_limit = _int(spec.get("default_limit"), "default_limit",
                         min(current.default_limit if current else DEFAULT_LIMIT, max_limit), 1, MAX_LIMIT)
    if default_limit > max_limit:
        raise bad_field("default_limit", "gateway.reason_default_limit")
    rate = _int(spec.get("rate_per_minute"), "rate_per_minute", current.rate_per_minute if current else DEFAULT_RATE,
                1, MAX_RATE)
    return default_limit, max_limit, rate


def _check_fields(spec: object, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(spec, Mapping):
        raise bad_field("spec", "gateway.reason_mapping")
    unknown = sorted(str(k) for k in spec if k not in allowed)
    if unknown:
        raise bad_field(show(unknown[0], 40), "gateway.reason_unknown_field")
    return spec


def _source_row(s: Session, name: object) -> RegisteredSource:
    row = s.scalar(select(RegisteredSource).where(RegisteredSource.name == name)) if isinstance(name, str) else None
    if row is None:
        raise NotFound("gateway.source_not_found", source=show(name, 64))
    return row


def _event(platform: Platform, s: Session, action: str, actor: Principal, row: DataService, now: datetime,
           details: dict[str, Any]) -> None:
    platform.audit.record(s, Event(action, actor, resource=f"service:{row.name}",
                                   details={"service": row.id, "version": row.version, **details}), now=now)


# -- publish, update, retire ---------------------------------------------------------------------------


def publish_service(platform: Platform, actor: Principal, spec: Mapping[str, Any], *,
                    now: datetime | None = None) -> ServiceView:
    """Publish a data service from its specification (see the module doc of shuan.gateway.params and
    docs/design.md for the fields)."""
    when = _now(now)
    shown = show(spec.get("name"), 64) if isinstance(spec, Mapping) else "-"
    with audited(platform, actor, ACTION_PUBLISH, f"service:{shown}") as s:
        _require_manager(actor)
        spec = _check_fields(spec, _SPEC_FIELDS)
        name = _check_name(spec.get("name"))
        title = _text(spec.get("title"), "title", 200, required=True)
        description = _text(spec.get("description"), "description", 2000, required=False)
        source = _source_row(s, spec.get("source"))
        if not _may_manage(actor, source.department_id):
            raise PermissionDenied("gateway.not_owner", source=source.name, department=source.department_id)
        if not source.active:
            raise Conflict("gateway.source_inactive", source=source.name)
        if source.kind not in SOURCE_KINDS:
            raise InvalidInput("gateway.source_kind", source=source.name, field="source")
        table = spec.get("table")
        if not isinstance(table, str) or not table:
            raise bad_field("table", "gateway.reason_no_table")
        if s.scalar(select(DataService.id).where(DataService.name == name)) is not None:
            raise Conflict("gateway.name_taken", name=name)
        location = _open_location(platform, s, source)
        sql = _open_sql(location, source.name)
        try:
            _target, table_columns = _describe_table(sql, table)
        finally:
            sql.close()
        columns = _check_columns(spec.get("columns"), table_columns)
        specs = check_specs(spec.get("params"), columns=table_columns)
        scenario = check_scenario(spec.get("scenario", "business"))
        default_limit, max_limit, rate = _limits(spec)
        types = _check_types(spec.get("column_types"), columns, _inventory_types(s, source, table))
        catalog = _check_catalog(s, spec.get("catalog_entry_id"))
        row = DataService(
            name=name, title=title, description=description, source_id=source.id, table_name=table, columns=columns,
            column_types=types, table_columns=table_columns, params=[p.as_dict() for p in specs], scenario=scenario,
            default_limit=default_limit, max_limit=max_limit, rate_per_minute=rate, department_id=source.department_id,
            status="active", catalog_entry_id=catalog, version=1, created_at=when, created_by=actor.user_id,
            updated_at=when, updated_by=actor.user_id,
        )
        s.add(row)
        s.flush()
        _event(platform, s, ACTION_PUBLISH, actor, row, when, {
            "source": source.name, "table": table, "columns": columns, "params": [p.name for p in specs],
            "scenario": scenario, "max_limit": max_limit, "rate_per_minute": rate})
        view = _view(s, row)
    gateway_for(platform).invalidate(name)
    return view


def update_service(platform: Platform, actor: Principal, name: str, changes: Mapping[str, Any], *,
                   now: datetime | None = None) -> ServiceView:
    """Change an active service's description, columns, parameters, scenario or limits (version + 1)."""
    when = _now(now)
    with audited(platform, actor, ACTION_UPDATE, f"service:{show(name, 64)}") as s:
        _require_manager(actor)
        changes = _check_fields(changes, _UPDATABLE)
        row = _row(s, name, lock=True)
        if not _may_manage(actor, row.department_id):
            raise PermissionDenied("gateway.not_owner", source=_source_name(s, row.source_id),
                                   department=row.department_id)
        if row.status != "active":
            raise Conflict("gateway.retired", name=row.name)
        table_columns = list(row.table_columns)
        if "columns" in changes or "params" in changes:  # check against the table as it is now
            source = s.get(RegisteredSource, row.source_id)
            if source is None or not source.active:
                raise Conflict("gateway.source_inactive", source=_source_name(s, row.source_id))
            sql = _open_sql(_open_location(platform, s, source), source.name)
            try:
                _target, table_columns = _describe_table(sql, row.table_name)
            finally:
                sql.close()
        changed = sorted(changes)
        if "title" in changes:
            row.title = _text(changes["title"], "title", 200, required=True)
        if "description" in changes:
            row.description = _text(changes["description"], "description", 2000, required=False)
        columns = _check_columns(changes["columns"], table_columns) if "columns" in changes else list(row.columns)
        if "params" in changes:
            row.params = [p.as_dict() for p in check_specs(changes["params"], columns=table_columns)]
        else:
            check_specs(row.params, columns=table_columns)
        if "columns" in changes or "column_types" in changes:
            source = s.get(RegisteredSource, row.source_id)
            found = _inventory_types(s, source, row.table_name) if source is not None else {}
            if "column_types" not in changes:
                found = {**found, **{k: list(v) for k, v in (row.column_types or {}).items()}}
            row.column_types = _check_types(changes.get("column_types"), columns, found)
        row.columns = columns
        row.table_columns = table_columns
        if "scenario" in changes:
            row.scenario = check_scenario(changes["scenario"])
        row.default_limit, row.max_limit, row.rate_per_minute = _limits(changes, row)
        if "catalog_entry_id" in changes:
            row.catalog_entry_id = _check_catalog(s, changes["catalog_entry_id"])
        row.version += 1
        row.updated_at, row.updated_by = when, actor.user_id
        _event(platform, s, ACTION_UPDATE, actor, row, when, {"changed": changed})
        view = _view(s, row)
    gateway_for(platform).invalidate(view.name)
    return view


def retire_service(platform: Platform, actor: Principal, name: str, *, reason: str | None = None,
                   now: datetime | None = None) -> ServiceView:
    """Retire a service: calls are refused from now on (this process at once, others within the TTL)."""
    when = _now(now)
    with audited(platform, actor, ACTION_RETIRE, f"service:{show(name, 64)}") as s:
        _require_manager(actor)
        text = _text(reason, "reason", 500, required=False) or None
        row = _row(s, name, lock=True)
        if not _may_manage(actor, row.department_id):
            raise PermissionDenied("gateway.not_owner", source=_source_name(s, row.source_id),
                                   department=row.department_id)
        if row.status != "active":
            raise Conflict("gateway.retired", name=row.name)
        row.status = "retired"
        row.retired_at, row.retired_by, row.retire_reason = when, actor.user_id, text
        row.version += 1
        row.updated_at, row.updated_by = when, actor.user_id
        _event(platform, s, ACTION_RETIRE, actor, row, when, {"reason": text or ""})
        view = _view(s, row)
    gateway_for(platform).invalidate(view.name)
    return view


# -- reading -------------------------------------------------------------------------------------------


def list_services(platform: Platform, actor: Principal, *, include_retired: bool = False) -> list[ServiceView]:
    """Active services for everyone; with `include_retired`, also the retired ones the actor may see."""
    with platform.store.sessions() as s:
        rows = s.scalars(select(DataService).order_by(DataService.name))
        return [_view(s, r) for r in rows
                if r.status == "active" or (include_retired and _sees_retired(actor, r.department_id))]


def get_service(platform: Platform, actor: Principal, name: str) -> ServiceView:
    with platform.store.sessions() as s:
        row = _row(s, name)
        if row.status != "active" and not _sees_retired(actor, row.department_id):
            raise NotFound("gateway.not_found", name=show(name, 64))
        return _view(s, row)


def may_manage_service(actor: Principal, view: ServiceView) -> bool:
    return _may_manage(actor, view.department_id)


def recent_calls(platform: Platform, actor: Principal, name: str, *, limit: int = 50) -> list[CallRecord]:
    """The service's latest calls from the audit chain: for its owners, the security administrator and
    auditors (a consumer sees only the catalogue, not who else calls)."""
    with audited(platform, actor, ACTION_CALLS, f"service:{show(name, 64)}") as s:
        if not (actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)
                or actor.can(Permission.AUDIT_READ)):
            raise PermissionDenied("gateway.calls_denied", name=show(name, 64))  # before any lookup
        row = _row(s, name)
        if not _sees_retired(actor, row.department_id):
            raise PermissionDenied("gateway.calls_denied", name=row.name)
        events = s.scalars(select(AuditEventRow).where(AuditEventRow.action == ACTION_CALL,
                                                       AuditEventRow.resource == f"service:{row.name}")
                           .order_by(AuditEventRow.seq.desc()).limit(max(1, min(int(limit), 1000))))
        out = []
        for e in events:
            d = json.loads(e.details)
            out.append(CallRecord(seq=e.seq, ts=e.ts, consumer=e.actor, outcome=e.outcome, rows=d.get("rows"),
                                  latency_ms=d.get("latency_ms"), reason=d.get("reason"), rule=d.get("rule")))
        return out


# -- calls ---------------------------------------------------------------------------------------------


def _compile(row: DataService, source: RegisteredSource, stamp: str) -> Compiled:
    table_columns = frozenset(str(c) for c in row.table_columns)
    specs = tuple(spec_from_stored(p, table_columns) for p in row.params)
    target = Target(None, row.table_name)  # resolved against the source's relations by _definition
    columns = tuple(str(c) for c in row.columns)
    return Compiled(
        id=row.id, name=row.name, version=row.version, source_id=source.id, source_name=source.name,
        source_stamp=stamp, department_id=row.department_id,
        target=target, table=row.table_name, columns=columns,
        column_types={str(k): tuple(str(t) for t in v) for k, v in (row.column_types or {}).items()},
        table_columns=table_columns, specs=specs, by_name={p.name: p for p in specs}, scenario=row.scenario,
        default_limit=row.default_limit, max_limit=row.max_limit, rate=row.rate_per_minute,
        paths={c: resource_path(source.name, row.table_name, c) for c in table_columns},
        loaded_at=time.monotonic(),
    )


def _definition(platform: Platform, gw: Gateway, name: str) -> Compiled:
    found = gw.definitions.get(name)
    if found is not None and time.monotonic() - found.loaded_at < DEFINITION_TTL:
        return found
    location: str | None = None
    with platform.store.sessions() as s:
        row = _row(s, name)
        if row.status != "active":
            gw.invalidate(name)
            raise NotFound("gateway.not_found", name=row.name)
        source = s.get(RegisteredSource, row.source_id)
        if source is None or not source.active:
            raise Conflict("gateway.source_inactive", source=_source_name(s, row.source_id))
        stamp = f"{source.updated_at.isoformat()}|{source.active}"
        if found is not None and found.version == row.version and found.source_stamp == stamp:
            found.loaded_at = time.monotonic()
            return found
        compiled = _compile(row, source, stamp)
        if gw.sources.get(source.id, ("", None))[0] != stamp:
            location = _open_location(platform, s, source)
    if location is not None:
        sql = _open_sql(location, compiled.source_name)
        with gw.lock:
            old = gw.sources.pop(compiled.source_id, None)
            gw.sources[compiled.source_id] = (stamp, sql)
        if old is not None:
            old[1].close()
    sql = gw.sources[compiled.source_id][1]
    rel = sql.relations().get(compiled.table)
    if rel is None:
        raise SourceError("gateway.table_gone", name=compiled.name, table=show(compiled.table, 100))
    compiled.target = Target(rel.schema, rel.table)
    with gw.lock:
        gw.definitions[name] = compiled
    return compiled


def _masking_key(platform: Platform, gw: Gateway, profile_id: str) -> MaskingKey:
    key = gw.keys.get(profile_id)
    if key is None:
        from shuan.protect.service import key_purpose, scenario_key

        with gw.key_lock:  # one creation of the scenario's system key, not one per concurrent call
            key = gw.keys.get(profile_id)
            if key is None:
                key = gw.keys[profile_id] = scenario_key(platform, key_purpose(profile_id))
    return key


def _operator(platform: Platform, gw: Gateway, svc: Compiled, profile_name: str, column: str) -> tuple[Operator, str]:
    """The bound operator masking `column` under `profile_name` (cached per service version)."""
    cache_key = (svc.id, svc.version, profile_name, column)
    found = gw.operators.get(cache_key)
    if found is not None:
        return found
    from shuan.protect.profiles import DetectedColumn, load_profile

    try:
        profile = load_profile(profile_name)
        rule = profile.rule_for(svc.table, DetectedColumn(column, svc.column_types.get(column, ())))
        op = rule.rule.build()
        key = _masking_key(platform, gw, profile.id) if rule.rule.keyed else None
        bound = op.bind(key, f"{svc.table}.{column}")
    except (ConfigError, CryptoError) as exc:  # an unknown profile or a broken rule: fail closed
        raise PermissionDenied("gateway.masking_failed", profile=show(profile_name, 64), reason=exc.key) from None
    if len(gw.operators) > 10_000:
        gw.operators.clear()
    gw.operators[cache_key] = (bound, rule.rule.operator)
    return bound, rule.rule.operator


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def _series(name: str, values: list[object]) -> pl.Series:
    import polars as pl

    try:
        return pl.Series(name, values, strict=False)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return pl.Series(name, [None if v is None else str(_jsonable(v)) for v in values], dtype=pl.String)


def _params_text(sent: Mapping[str, Sequence[object]]) -> str:
    try:
        return json.dumps({str(k): [_jsonable(v) for v in vs] for k, vs in sent.items()}, ensure_ascii=False,
                          sort_keys=True)[:4000]
    except (TypeError, ValueError):
        return "?"


def _scenario(value: object, svc: Compiled) -> str:
    if value is None or value == "":
        return svc.scenario
    if not isinstance(value, str) or value not in SCENARIOS:
        raise bad_field("scenario", "access.reason_scenario", allowed=", ".join(SCENARIOS))
    return value


def _row_limit(value: object, svc: Compiled) -> int:
    if value is None:
        return svc.default_limit
    if isinstance(value, str) and value.isdigit() and len(value) <= 9:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= svc.max_limit:
        raise bad_field("limit", "gateway.reason_between", low=1, high=svc.max_limit)
    return value


def _refusal_facts(err: Exception, facts: dict[str, Any]) -> tuple[dict[str, Any], Outcome]:
    if not isinstance(err, ShuanError):
        return {**facts, "reason": "internal", "error": type(err).__name__}, Outcome.FAILURE
    out = {**facts, "reason": err.key}
    if isinstance(err, InvalidInput):
        out["field"] = show(err.field, 64)
        out["why"] = err.reason_key
    rule = err.params.get("rule")
    if isinstance(rule, str):
        out["rule"] = rule
    outcome = Outcome.DENIED if isinstance(err, PermissionDenied) else Outcome.FAILURE
    return out, outcome


def call_service(
    platform: Platform,
    actor: Principal,
    name: str,
    params: Mapping[str, Sequence[object]],
    *,
    limit: object = None,
    scenario: object = None,
    now: datetime | None = None,
) -> CallResult:
    """Answer one call (see the module doc). `params` maps each parameter name to the values sent for it
    (a list: a query string may repeat a name). Raises InvalidInput (400, naming the parameter),
    PermissionDenied (403), RateLimited (429), NotFound (404); every outcome is in the audit chain."""
    started = time.perf_counter()
    gw = gateway_for(platform)
    facts: dict[str, Any] = {"service": show(name, 64), "consumer": actor.user_id}
    sensitive = {"params": _params_text(params)}
    resource = f"service:{show(name, 64)}"
    used_scenario = ""
    try:
        if actor.user_id is None:
            raise PermissionDenied("gateway.no_consumer")
        svc = _definition(platform, gw, name)
        # every attempt on an existing service takes a token, malformed ones too (each is an audit event)
        wait = gw.limiter.take((actor.user_id, svc.id), svc.rate)
        if wait:
            raise RateLimited("gateway.rate_limited", name=svc.name, rate=svc.rate, seconds=wait, rule="rate_limited")
        values = check_call(svc.specs, params)
        row_limit = _row_limit(limit, svc)
        used_scenario = _scenario(scenario, svc)
        facts.update({"scenario": used_scenario, "limit": row_limit})
        result, details = _answer(platform, gw, svc, actor, values, row_limit, used_scenario, now)
    except AuditError:
        raise  # the audit chain itself failed: nothing to record the call in, and no data goes out
    except Exception as exc:  # noqa: BLE001 - every call is recorded, a failure of ours too, then re-raised
        refused, outcome = _refusal_facts(exc, facts)
        refused["latency_ms"] = round((time.perf_counter() - started) * 1000, 3)
        refused["rows"] = 0
        gw.batcher.submit(platform, Event(ACTION_CALL, actor, outcome=outcome, resource=resource,
                                          purpose=used_scenario, details=refused, sensitive=sensitive), now)
        raise
    latency = round((time.perf_counter() - started) * 1000, 3)
    result.latency_ms = latency
    gw.batcher.submit(platform, Event(ACTION_CALL, actor, resource=resource, purpose=used_scenario,
                                      details={**facts, **details, "rows": result.row_count, "latency_ms": latency},
                                      sensitive=sensitive), now)
    return result


def _answer(platform: Platform, gw: Gateway, svc: Compiled, actor: Principal,
            values: Mapping[str, Value | tuple[Value, ...]], row_limit: int, scenario: str,
            now: datetime | None) -> tuple[CallResult, dict[str, Any]]:
    engine = engine_for(platform)
    decisions: dict[str, Decision] = {}
    for col in svc.columns:
        decisions[col] = engine.decide(actor, svc.paths[col], "read", purpose=scenario, now=now)
    allowed = [c for c in svc.columns if decisions[c].allowed]
    if not allowed:
        first = decisions[svc.columns[0]]
        raise PermissionDenied("gateway.no_columns", name=svc.name, why=first.explanation, rule=first.rule)
    for pname in values:
        col = svc.by_name[pname].column
        d = decisions.get(col)
        if d is None:
            d = engine.decide(actor, svc.paths[col], "read", purpose=scenario, now=now)
        if not d.allowed:
            raise PermissionDenied("gateway.param_denied", name=svc.name, param=pname, rule=d.rule)
    conditions: list[Condition] = []
    grants: set[int] = set()
    for col in allowed:
        d = decisions[col]
        if d.grant_id is not None:
            grants.add(d.grant_id)
        for cond in d.row_filter or ():
            if cond.column not in svc.table_columns:
                raise PermissionDenied("gateway.row_filter_column", name=svc.name, column=show(cond.column, 64),
                                       rule="row_filter_column")
            if cond not in conditions:
                conditions.append(cond)
    stmt = build_select(svc.target, allowed, ((svc.by_name[n], v) for n, v in values.items()), conditions, row_limit)
    _stamp, sql = gw.sources[svc.source_id]
    try:
        with sql.connect() as conn:
            fetched = conn.execute(stmt).fetchall()
    except sa.exc.SQLAlchemyError as exc:
        raise SourceError("gateway.source_failed", name=svc.name, reason=type(exc).__name__) from None
    data: dict[str, list[object]] = {c: [r[i] for r in fetched] for i, c in enumerate(allowed)}
    masked: dict[str, str] = {}
    for col in allowed:
        profile = decisions[col].masking_profile
        if profile is None:
            continue
        op, op_name = _operator(platform, gw, svc, profile, col)
        if op_name == "retain":
            continue
        masked[col] = op_name
        if fetched:
            data[col] = op.apply(_series(col, data[col])).to_list()
    rows = [[_jsonable(v) for v in row] for row in zip(*(data[c] for c in allowed), strict=True)] if fetched else []
    omitted = [c for c in svc.columns if c not in allowed]
    details = {"columns": allowed, "omitted": omitted, "masked": masked, "grants": sorted(grants),
               "row_filter": bool(conditions), "rule": ALLOW_GRANT if grants else decisions[allowed[0]].rule}
    return CallResult(service=svc.name, columns=allowed, rows=rows, omitted=omitted, masked=masked, limit=row_limit,
                      scenario=scenario, latency_ms=0.0), details


__all__ = [
    "ACTION_CALL",
    "ACTION_PUBLISH",
    "ACTION_RETIRE",
    "ACTION_UPDATE",
    "OUT_OF_GRANT_RULES",
    "AuditBatcher",
    "CallRecord",
    "CallResult",
    "RateLimited",
    "ServiceView",
    "call_service",
    "gateway_for",
    "get_service",
    "list_services",
    "may_manage_service",
    "publish_service",
    "recent_calls",
    "retire_service",
    "update_service",
]
