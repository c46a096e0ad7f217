"""The sharing catalogue (政务信息资源目录): entries, their grade compliance, and who sees what.

Front ends call these functions with an open `Platform` and the acting `Principal`. Every change
runs in one transaction with its audit event (``catalog.create|update|publish|withdraw``); every
refusal raises a `ShuanError` with a one-line message and leaves a ``denied`` (policy) or
``failure`` (malformed input) audit event in a transaction of its own (as shuan.access.service).

* Level: an entry describes one registered access resource (a source or a table); the level its
  share and open types are checked against is that resource's effective level as the access
  register folds it (shuan.access.service / shuan.access.engine.fold_info): the highest grade on
  the path, its ancestors and everything registered below it — a table with a 三级 column is 三级
  for sharing. It is read again at every check, so a rescan that raised a grade makes a published
  entry non-compliant: `check_catalog` lists those, and share requests refuse them.
* Compliance (shuan.sharing.catalog_rules.check_types) is checked at create, update and publish at
  the current level. A type the level forbids (三级/二级 无条件共享, any opening of 二级/三级) is a
  policy refusal (`PermissionDenied`, audited ``denied``); a missing basis or condition is a field
  to fill in (`InvalidInput`, audited ``failure``). Both name the field and cite the rule.
* Who changes entries: the security administrator (`Permission.GRANT_MANAGE`) anywhere; the
  provider department's steward or data security officer (`Permission.GRANT_MANAGE_DEPT`) when
  their own department is exactly the provider. The provider is the department that owns the
  described resource in the access register. Anyone else is refused before anything is looked up.
* Visibility: every full session may list and read PUBLISHED entries (the catalogue is how
  departments discover data); drafts and withdrawn entries only the provider department's members
  and the security administrator.
* States: ``draft`` → ``published`` (publish: 发布日期 set to the day in China) → ``withdrawn`` →
  ``published`` again (publish). Any state may be updated; a published entry stays compliant.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuan.access.models import AccessResource
from shuan.access.paths import ResourcePath, bad_field, parse
from shuan.access.rules import aware, aware_now
from shuan.access.service import engine_for, resource_state
from shuan.audit import guard
from shuan.audit.events import Event
from shuan.audit.guard import show
from shuan.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ShuanError, UsageError
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.messages import msg
from shuan.sharing.catalog_rules import (
    DEFAULT_BASIS,
    DEFAULT_TYPES,
    FORMATS,
    ITEM_TYPES,
    LEVEL_LABELS,
    MAX_CODE,
    MAX_NAME,
    MAX_SUMMARY,
    MAX_TEXT,
    OPEN_LABELS,
    SHARE_LABELS,
    SHARE_METHODS,
    STATUS_LABELS,
    UPDATE_CYCLES,
    Problem,
    check_category,
    check_choice,
    check_code,
    check_items,
    check_line,
    check_related,
    check_text,
    check_types,
    first_refusal,
    label,
)
from shuan.sharing.models import CatalogEntry

if TYPE_CHECKING:
    from shuan.platform import Platform

CST = timezone(timedelta(hours=8), "CST")
_SAFE_PARAMS = frozenset({"entry", "code", "owner", "level", "department", "rule"})
_audited = partial(guard.run_audited, safe_params=_SAFE_PARAMS)
_MAX_ID = 2**31 - 1
MAX_LIST = 1000
#: every field of an entry a caller sets (create: all required but those with a default; update: any)
FIELDS: tuple[str, ...] = (
    "code",
    "name",
    "category",
    "provider_code",
    "summary",
    "format",
    "items",
    "resource_path",
    "share_type",
    "share_condition",
    "share_method",
    "share_basis",
    "open_type",
    "open_condition",
    "open_basis",
    "update_cycle",
    "related_codes",
)
REQUIRED: tuple[str, ...] = (
    "code",
    "name",
    "category",
    "provider_code",
    "format",
    "items",
    "resource_path",
    "share_type",
    "open_type",
    "update_cycle",
)
EXPORT_FORMATS: tuple[str, ...] = ("xlsx", "csv", "json")
#: detected data types (shuan.discovery vocabulary) whose columns a draft types as dates
_DATE_TYPES = frozenset({"birth_date"})
_DATABASE_KINDS = frozenset({"sqlite", "postgresql", "mysql"})


# -- values handed to front ends ---------------------------------------------------------------------


@dataclass(frozen=True)
class EntryView:
    """A catalogue entry with its current folded level and grade compliance."""

    id: int
    code: str
    name: str
    category: tuple[str, ...]
    provider_department_id: int
    provider_code: str
    summary: str
    format: str
    items: tuple[dict[str, Any], ...]
    resource_path: str
    share_type: str
    share_condition: str | None
    share_method: str | None
    share_basis: str | None
    open_type: str
    open_condition: str | None
    open_basis: str | None
    update_cycle: str
    published_on: date | None
    related_codes: tuple[str, ...]
    status: str
    created_at: datetime
    created_by: int | None
    updated_at: datetime
    updated_by: int | None
    level: int  # the described resource's effective level now (0: no longer registered)
    compliant: bool
    problems: list[str]  # one line each, Chinese first

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["category"] = list(self.category)
        out["items"] = [dict(i) for i in self.items]
        out["related_codes"] = list(self.related_codes)
        out["problems"] = list(self.problems)
        out["published_on"] = None if self.published_on is None else self.published_on.isoformat()
        out["created_at"] = self.created_at.isoformat()
        out["updated_at"] = self.updated_at.isoformat()
        return out


# -- levels --------------------------------------------------------------------------------------------


def level_in(session: Session, resource_path: str) -> int | None:
    """The effective level of a registered resource read in the caller's transaction (None: unregistered).

    The access register's own fold (shuan.access.service): highest grade on the path, its ancestors
    and its registered descendants; a registered path without any grade counts as 三级."""
    info, rows = resource_state(session, resource_path)
    if info is None or resource_path not in rows:
        return None
    return info.level


def entry_level(platform: Platform, resource_path: str) -> int:
    """The effective level of the registered resource `resource_path` (NotFound when unregistered)."""
    rp = parse(resource_path)
    with platform.store.sessions() as session:
        level = level_in(session, rp.path)
    if level is None:
        raise NotFound("catalog.resource_unknown", resource=rp.path)
    return level


def _levels(platform: Platform, paths: Iterable[str]) -> dict[str, int | None]:
    """Effective levels of many paths from the decision engine's in-memory register (fresh within
    its check interval: shuan.access.engine); None for a path no longer registered."""
    engine = engine_for(platform)
    engine.ensure_fresh()
    out: dict[str, int | None] = {}
    for path in paths:
        if path in out:
            continue
        info = engine.cached_info(path)
        out[path] = info.level if info is not None and info.registered == path else None
    return out


def problems_of(row: CatalogEntry, level: int | None) -> list[Problem]:
    """The compliance problems of a stored entry at `level` (None: its resource is gone)."""
    if level is None:
        return [Problem("resource_path", "catalog.rule_unregistered", {"resource": row.resource_path})]
    return check_types(
        level,
        row.share_type,
        row.open_type,
        share_basis=row.share_basis,
        open_basis=row.open_basis,
        share_condition=row.share_condition,
        open_condition=row.open_condition,
    )


def _view(row: CatalogEntry, level: int | None) -> EntryView:
    problems = [p.message for p in problems_of(row, level)]
    return EntryView(
        id=row.id,
        code=row.code,
        name=row.name,
        category=tuple(row.category or ()),
        provider_department_id=row.provider_department_id,
        provider_code=row.provider_code,
        summary=row.summary,
        format=row.format,
        items=tuple(dict(i) for i in (row.items or ())),
        resource_path=row.resource_path,
        share_type=row.share_type,
        share_condition=row.share_condition,
        share_method=row.share_method,
        share_basis=row.share_basis,
        open_type=row.open_type,
        open_condition=row.open_condition,
        open_basis=row.open_basis,
        update_cycle=row.update_cycle,
        published_on=row.published_on,
        related_codes=tuple(row.related_codes or ()),
        status=row.status,
        created_at=aware(row.created_at),
        created_by=row.created_by,
        updated_at=aware(row.updated_at),
        updated_by=row.updated_by,
        level=level or 0,
        compliant=not problems,
        problems=problems,
    )


def _view_in(session: Session, row: CatalogEntry) -> EntryView:
    return _view(row, level_in(session, row.resource_path))


# -- plumbing ------------------------------------------------------------------------------------------


def _resource(code: object) -> str:
    return f"catalog:{show(code)}"


def _require_any(actor: Principal) -> None:
    """Refuse before any lookup a caller who may change no catalogue entry at all."""
    if not (actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)):
        raise PermissionDenied("catalog.no_permission")


def _check_manage(actor: Principal, provider: int) -> None:
    """GRANT_MANAGE anywhere; GRANT_MANAGE_DEPT when the own department is exactly the provider."""
    if actor.can(Permission.GRANT_MANAGE):
        return
    if actor.can(Permission.GRANT_MANAGE_DEPT):
        if actor.department_id is not None and actor.department_id == provider:
            return
        raise PermissionDenied("catalog.not_provider", department=provider)
    raise PermissionDenied("catalog.no_permission")


def _check_id(value: object, field: str = "entry_id") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_ID:
        raise bad_field(field, "access.reason_id")
    return value


def _refuse_problem(problem: Problem) -> ShuanError:
    """A grade violation is a policy refusal; a missing basis or condition a field to fill in."""
    if problem.field in ("share_type", "open_type"):
        return PermissionDenied("catalog.noncompliant", rule=problem.message, field=problem.field)
    return InvalidInput(
        "catalog.incomplete", field=problem.field, rule=problem.message, reason_key=problem.key
    )


def _require_compliant(problems: Sequence[Problem]) -> None:
    first = first_refusal(problems)
    if first is not None:
        raise _refuse_problem(first)


# -- visibility ----------------------------------------------------------------------------------------


def is_provider_staff(actor: Principal, provider_department_id: int) -> bool:
    """A member of the provider department itself, or the security administrator."""
    if actor.can(Permission.GRANT_MANAGE):
        return True
    return actor.department_id is not None and actor.department_id == provider_department_id


def may_edit(actor: Principal, provider_department_id: int) -> bool:
    """Whether the actor may change the provider's entries (for front ends: show the buttons)."""
    if actor.can(Permission.GRANT_MANAGE):
        return True
    return (
        actor.can(Permission.GRANT_MANAGE_DEPT)
        and actor.department_id is not None
        and actor.department_id == provider_department_id
    )


def may_catalogue(actor: Principal) -> bool:
    """Whether the actor may catalogue anything at all (front ends: the "new entry" link)."""
    return actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)


def _visible(actor: Principal, row: CatalogEntry) -> bool:
    return row.status == "published" or is_provider_staff(actor, row.provider_department_id)


def get_entry(platform: Platform, actor: Principal, entry_id: int) -> EntryView:
    """One entry the actor may see (NotFound otherwise: a draft's existence is not disclosed)."""
    valid = not isinstance(entry_id, bool) and isinstance(entry_id, int) and 0 < entry_id <= _MAX_ID
    with platform.store.sessions() as session:
        row = session.get(CatalogEntry, entry_id) if valid else None
        if row is None or not _visible(actor, row):
            raise NotFound("catalog.entry_unknown", entry=show(entry_id))
        return _view_in(session, row)


def get_entry_by_code(platform: Platform, actor: Principal, code: str) -> EntryView:
    """One entry by its 资源代码 (NotFound when unknown or not visible to the actor)."""
    with platform.store.sessions() as session:
        row = None
        if isinstance(code, str) and len(code) <= MAX_CODE:
            row = session.scalars(select(CatalogEntry).where(CatalogEntry.code == code)).first()
        if row is None or not _visible(actor, row):
            raise NotFound("catalog.entry_unknown", entry=show(code))
        return _view_in(session, row)


@dataclass(frozen=True)
class EntryFilter:
    """What `list_entries` narrows to (None: any)."""

    provider: int | None = None
    share_type: str | None = None
    open_type: str | None = None
    level: int | None = None
    status: str | None = None
    text: str | None = None
    compliant: bool | None = None


def check_filter(
    *,
    provider: object = None,
    share_type: object = None,
    open_type: object = None,
    level: object = None,
    status: object = None,
    text: object = None,
    compliant: object = None,
) -> EntryFilter:
    """Validate a list filter (each bad field named)."""
    if provider is not None:
        _check_id(provider, "provider")
    if share_type is not None:
        check_choice(share_type, "share_type", SHARE_LABELS)
    if open_type is not None:
        check_choice(open_type, "open_type", OPEN_LABELS)
    if level is not None:
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVEL_LABELS:
            raise bad_field("level", "access.reason_level")
    if status is not None:
        check_choice(status, "status", STATUS_LABELS)
    if text is not None:
        text = check_text(text, "text", MAX_NAME)
    if compliant is not None and not isinstance(compliant, bool):
        raise bad_field("compliant", "catalog.reason_choice", allowed="true, false")
    return EntryFilter(provider, share_type, open_type, level, status, text, compliant)  # type: ignore[arg-type]


def list_entries(
    platform: Platform,
    actor: Principal,
    filters: EntryFilter | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
) -> list[EntryView]:
    """Entries the actor may see, by code; published ones for everybody, drafts and withdrawn
    entries for their provider department and the security administrator."""
    f = filters or EntryFilter()
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIST:
        raise bad_field("limit", "catalog.reason_limit", limit=MAX_LIST)
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= _MAX_ID:
        raise bad_field("offset", "catalog.reason_limit", limit=_MAX_ID)
    query = select(CatalogEntry).order_by(CatalogEntry.code)
    if f.provider is not None:
        query = query.where(CatalogEntry.provider_department_id == f.provider)
    if f.share_type is not None:
        query = query.where(CatalogEntry.share_type == f.share_type)
    if f.open_type is not None:
        query = query.where(CatalogEntry.open_type == f.open_type)
    if f.status is not None:
        query = query.where(CatalogEntry.status == f.status)
    if not actor.can(Permission.GRANT_MANAGE):
        own = actor.department_id if actor.department_id is not None else -1
        query = query.where(
            (CatalogEntry.status == "published") | (CatalogEntry.provider_department_id == own)
        )
    with platform.store.sessions() as session:
        rows = list(session.scalars(query))
    needle = f.text.strip().lower() if f.text else None
    if needle:
        rows = [r for r in rows if needle in _haystack(r)]
    levels = _levels(platform, (r.resource_path for r in rows))
    views = [_view(r, levels[r.resource_path]) for r in rows]
    if f.level is not None:
        views = [v for v in views if v.level == f.level]
    if f.compliant is not None:
        views = [v for v in views if v.compliant == f.compliant]
    return views[offset : offset + limit]


def _haystack(row: CatalogEntry) -> str:
    parts = [row.code, row.name, row.summary, row.provider_code, row.resource_path, *(row.category or ())]
    parts += [str(i.get("name", "")) for i in row.items or ()]
    return "\n".join(parts).lower()


# -- validation of a whole entry -------------------------------------------------------------------------


def _table_columns(session: Session, rp: ResourcePath) -> list[tuple[str, list[str]]] | None:
    """The columns (with their detected types) the latest scan of a registered source found in the
    table `rp`, or None when the inventory does not know the table."""
    from shuan.inventory.models import RegisteredSource
    from shuan.inventory.review import latest_run
    from shuan.store.models import ColumnAsset, TableAsset

    if rp.table is None:
        return None
    source = session.scalars(select(RegisteredSource).where(RegisteredSource.name == rp.source)).first()
    if source is None:
        return None
    scan_id = source.last_scan_id
    if scan_id is None and source.source_record_id is not None:
        run = latest_run(session, source.source_record_id)
        scan_id = None if run is None else run.id
    if scan_id is None:
        return None
    table = session.scalars(
        select(TableAsset).where(TableAsset.scan_id == scan_id, TableAsset.name == rp.table).limit(1)
    ).first()
    if table is None:
        return None
    columns = session.scalars(
        select(ColumnAsset).where(ColumnAsset.table_id == table.id).order_by(ColumnAsset.ordinal)
    ).all()
    return [(c.name, sorted({d.type for d in c.detections})) for c in columns]


def known_columns(session: Session, rp: ResourcePath) -> list[str] | None:
    """Columns an item may name: the latest scan's and those registered in the access register
    below the table (None: nothing is known, any column name is taken)."""
    if rp.table is None:
        return None
    scanned = _table_columns(session, rp)
    prefix = rp.path + "/col:"
    registered = [
        parse(p).column or ""
        for p in session.scalars(
            select(AccessResource.path).where(AccessResource.path.startswith(prefix, autoescape=True))
        )
    ]
    if scanned is None and not registered:
        return None
    return [c for c, _ in scanned or ()] + registered


def _check_resource(value: object) -> ResourcePath:
    if not isinstance(value, str):
        raise bad_field("resource_path", "access.reason_empty")
    rp = parse(value)
    if rp.column is not None:
        raise bad_field("resource_path", "catalog.reason_resource_kind")
    return rp


def _clean(fields: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate the fields present (all required ones when not `partial`); the cross-field and
    database checks come after."""
    if not isinstance(fields, Mapping):
        raise bad_field("entry", "catalog.reason_item")
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise bad_field(show(unknown[0]), "catalog.reason_unknown_field", allowed=", ".join(FIELDS))
    if not partial:
        for name in REQUIRED:
            if fields.get(name) is None:
                raise bad_field(name, "access.reason_empty")
    out: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], Any]] = {
        "code": lambda v: check_code(v, "code"),
        "name": lambda v: check_line(v, "name", MAX_NAME),
        "category": check_category,
        "provider_code": lambda v: check_code(v, "provider_code"),
        "summary": lambda v: check_text(v, "summary", MAX_SUMMARY, multiline=True) or "",
        "format": lambda v: check_choice(v, "format", FORMATS),
        "items": lambda v: v,  # checked against the table's columns below
        "resource_path": lambda v: _check_resource(v).path,
        "share_type": lambda v: check_choice(v, "share_type", SHARE_LABELS),
        "open_type": lambda v: check_choice(v, "open_type", OPEN_LABELS),
        "share_method": lambda v: None if v is None else check_choice(v, "share_method", SHARE_METHODS),
        "update_cycle": lambda v: check_choice(v, "update_cycle", UPDATE_CYCLES),
        "share_condition": lambda v: check_text(v, "share_condition", MAX_TEXT, multiline=True),
        "share_basis": lambda v: check_text(v, "share_basis", MAX_TEXT, multiline=True),
        "open_condition": lambda v: check_text(v, "open_condition", MAX_TEXT, multiline=True),
        "open_basis": lambda v: check_text(v, "open_basis", MAX_TEXT, multiline=True),
        "related_codes": lambda v: v,  # checked with the final code below
    }
    for name in FIELDS:
        if name in fields:
            out[name] = checks[name](fields[name])
    return out


def _finish(
    session: Session, merged: dict[str, Any], *, entry_id: int | None
) -> tuple[ResourcePath, int, int]:
    """Cross-field and database checks of a whole entry: registered resource (its owner is the
    provider), items against the table's columns, related codes, code unique, share method.
    Returns the resource, its owner and its current level."""
    rp = parse(merged["resource_path"])
    info, rows = resource_state(session, rp.path)
    if info is None or rp.path not in rows:
        raise NotFound("catalog.resource_unknown", resource=rp.path)
    merged["items"] = check_items(merged["items"], known_columns(session, rp))
    merged["related_codes"] = check_related(merged.get("related_codes"), merged["code"])
    if merged["share_type"] != "none" and merged.get("share_method") is None:
        raise bad_field("share_method", "catalog.reason_share_method", allowed=", ".join(SHARE_METHODS))
    taken = session.scalars(select(CatalogEntry.id).where(CatalogEntry.code == merged["code"])).first()
    if taken is not None and taken != entry_id:
        raise Conflict("catalog.code_taken", code=merged["code"])
    return rp, info.owner_department_id, info.level


def _types_problems(merged: Mapping[str, Any], level: int) -> list[Problem]:
    return check_types(
        level,
        merged["share_type"],
        merged["open_type"],
        share_basis=merged.get("share_basis"),
        open_basis=merged.get("open_basis"),
        share_condition=merged.get("share_condition"),
        open_condition=merged.get("open_condition"),
    )


def _details(row: CatalogEntry, level: int | None, **extra: Any) -> dict[str, Any]:
    return {
        "entry": row.id,
        "code": row.code,
        "resource_path": row.resource_path,
        "provider": row.provider_department_id,
        "level": level,
        "share_type": row.share_type,
        "open_type": row.open_type,
        "status": row.status,
        **extra,
    }


# -- changes -------------------------------------------------------------------------------------------


def create_entry(
    platform: Platform, actor: Principal, fields: Mapping[str, Any], *, now: datetime | None = None
) -> EntryView:
    """Catalogue a registered resource as a draft (audited ``catalog.create``)."""
    code = fields.get("code") if isinstance(fields, Mapping) else None

    def work() -> EntryView:
        _require_any(actor)
        clean = _clean(fields, partial=False)
        when = aware_now(now)
        with platform.store.transaction() as session:
            rp = parse(clean["resource_path"])
            info, rows = resource_state(session, rp.path)
            if info is None or rp.path not in rows:
                raise NotFound("catalog.resource_unknown", resource=rp.path)
            _check_manage(actor, info.owner_department_id)
            _, owner, level = _finish(session, clean, entry_id=None)
            _require_compliant(_types_problems(clean, level))
            row = CatalogEntry(
                **{k: clean.get(k) for k in FIELDS},
                provider_department_id=owner,
                status="draft",
                published_on=None,
                created_at=when,
                created_by=actor.user_id,
                updated_at=when,
                updated_by=actor.user_id,
            )
            if row.summary is None:
                row.summary = ""
            session.add(row)
            session.flush()
            platform.audit.record(
                session,
                Event("catalog.create", actor, resource=_resource(row.code), details=_details(row, level)),
                now=when,
            )
            return _view(row, level)

    return _audited(platform, actor, "catalog.create", _resource(code), work)


def _locked_row(session: Session, entry_id: int) -> CatalogEntry:
    row = session.scalars(select(CatalogEntry).where(CatalogEntry.id == entry_id).with_for_update()).first()
    if row is None:
        raise NotFound("catalog.entry_unknown", entry=entry_id)
    return row


def update_entry(
    platform: Platform,
    actor: Principal,
    entry_id: int,
    changes: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> EntryView:
    """Change some fields of an entry (audited ``catalog.update``, with the names of the fields changed).

    The provider stays the owner of the described resource: moving an entry to a resource another
    department owns is refused. A compliant entry must stay compliant at the current level."""

    def work() -> EntryView:
        _require_any(actor)
        eid = _check_id(entry_id)
        clean = _clean(changes, partial=True)
        when = aware_now(now)
        with platform.store.transaction() as session:
            row = _locked_row(session, eid)
            _check_manage(actor, row.provider_department_id)
            merged = {k: getattr(row, k) for k in FIELDS} | clean
            _, owner, level = _finish(session, merged, entry_id=row.id)
            if owner != row.provider_department_id:
                raise PermissionDenied("catalog.provider_changes", department=owner)
            _require_compliant(_types_problems(merged, level))
            changed = sorted(k for k in FIELDS if merged[k] != getattr(row, k))
            for k in FIELDS:
                setattr(row, k, merged[k] if merged[k] is not None or k != "summary" else "")
            row.updated_at, row.updated_by = when, actor.user_id
            platform.audit.record(
                session,
                Event(
                    "catalog.update",
                    actor,
                    resource=_resource(row.code),
                    details=_details(row, level, changed=changed),
                ),
                now=when,
            )
            return _view(row, level)

    return _audited(platform, actor, "catalog.update", _resource(entry_id), work)


def publish_entry(
    platform: Platform, actor: Principal, entry_id: int, *, now: datetime | None = None
) -> EntryView:
    """Publish a draft or withdrawn entry (发布日期: today in China) after checking its compliance
    at the resource's current level (audited ``catalog.publish``)."""

    def work() -> EntryView:
        _require_any(actor)
        eid = _check_id(entry_id)
        when = aware_now(now)
        with platform.store.transaction() as session:
            row = _locked_row(session, eid)
            _check_manage(actor, row.provider_department_id)
            if row.status == "published":
                raise Conflict("catalog.already_published", entry=row.code)
            level = level_in(session, row.resource_path)
            if level is None:
                raise NotFound("catalog.resource_unknown", resource=row.resource_path)
            _require_compliant(problems_of(row, level))
            row.status = "published"
            row.published_on = when.astimezone(CST).date()
            row.updated_at, row.updated_by = when, actor.user_id
            platform.audit.record(
                session,
                Event("catalog.publish", actor, resource=_resource(row.code), details=_details(row, level)),
                now=when,
            )
            return _view(row, level)

    return _audited(platform, actor, "catalog.publish", _resource(entry_id), work)


def withdraw_entry(
    platform: Platform,
    actor: Principal,
    entry_id: int,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> EntryView:
    """Withdraw a published entry from the catalogue (audited ``catalog.withdraw`` with the reason)."""

    def work() -> EntryView:
        _require_any(actor)
        eid = _check_id(entry_id)
        why = check_text(reason, "reason", MAX_TEXT)
        when = aware_now(now)
        with platform.store.transaction() as session:
            row = _locked_row(session, eid)
            _check_manage(actor, row.provider_department_id)
            if row.status != "published":
                raise Conflict("catalog.not_published", entry=row.code)
            level = level_in(session, row.resource_path)
            row.status = "withdrawn"
            row.updated_at, row.updated_by = when, actor.user_id
            extra = {} if why is None else {"reason_text": why}
            platform.audit.record(
                session,
                Event(
                    "catalog.withdraw",
                    actor,
                    resource=_resource(row.code),
                    details=_details(row, level, **extra),
                ),
                now=when,
            )
            return _view(row, level)

    return _audited(platform, actor, "catalog.withdraw", _resource(entry_id), work)


# -- drafts from the inventory -----------------------------------------------------------------------


def _item_type(types: Sequence[str]) -> str:
    return "date" if any(t in _DATE_TYPES for t in types) else "string"


def _code_part(text: str) -> str:
    kept = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-.") else "" for ch in text)
    return kept.strip("-.")


def draft_from_inventory(platform: Platform, actor: Principal, resource_path: str) -> dict[str, Any]:
    """A suggested entry for a registered table (or source) of the actor's department, built from the
    inventory: 信息项 from the latest scan's columns with their types, the share and open types the
    level allows by default with the basis citing the article for 二级/三级. Nothing is stored: the
    provider edits it and creates the entry (`create_entry`)."""

    def work() -> dict[str, Any]:
        _require_any(actor)
        rp = _check_resource(resource_path)
        with platform.store.sessions() as session:
            info, rows = resource_state(session, rp.path)
            if info is None or rp.path not in rows:
                raise NotFound("catalog.resource_unknown", resource=rp.path)
            owner, level = info.owner_department_id, info.level
            _check_manage(actor, owner)
            columns = _table_columns(session, rp)
            category = _inventory_category(session, rp)
            kind = _source_kind(session, rp)
            previous = session.scalars(
                select(CatalogEntry.provider_code)
                .where(CatalogEntry.provider_department_id == owner)
                .order_by(CatalogEntry.id.desc())
                .limit(1)
            ).first()
            registered = rows[rp.path]
        provider_code = previous or f"DEPT{owner}"
        share_type, open_type = DEFAULT_TYPES[level]
        basis = msg(DEFAULT_BASIS[level]) if level in DEFAULT_BASIS else None
        name = rp.table or rp.source
        items = [{"name": c, "type": _item_type(t), "column": c} for c, t in columns or ()][:500]
        tail = _code_part(name)
        code = f"{provider_code}-{tail}" if tail else f"{provider_code}-{registered.id:06d}"
        return {
            "code": code[:MAX_CODE],
            "name": name[:MAX_NAME],
            "category": [category] if category else [msg("catalog.draft_category")],
            "provider_code": provider_code,
            "summary": msg(
                "catalog.draft_summary", name=name, columns=len(items), level=label(LEVEL_LABELS, level)
            ),
            "format": "database" if kind in _DATABASE_KINDS else "spreadsheet" if kind else "other",
            "items": items,
            "resource_path": rp.path,
            "share_type": share_type,
            "share_condition": msg("catalog.draft_condition") if share_type == "conditional" else None,
            "share_method": "interface",
            "share_basis": basis if share_type != "unconditional" else None,
            "open_type": open_type,
            "open_condition": None,
            "open_basis": basis or msg("catalog.draft_open_basis"),
            "update_cycle": "irregular",
            "related_codes": [],
        }

    return _audited(platform, actor, "catalog.draft", resource_path, work)


def tables_to_catalogue(platform: Platform, actor: Principal, source_path: str) -> list[str]:
    """The registered tables of a source of the actor's department that no entry describes yet (a
    department cataloguing its tables drafts them one after another: `draft_from_inventory`)."""

    def work() -> list[str]:
        _require_any(actor)
        rp = _check_resource(source_path)
        if rp.table is not None:
            raise bad_field("resource_path", "catalog.reason_source")
        with platform.store.sessions() as session:
            info, rows = resource_state(session, rp.path)
            if info is None or rp.path not in rows:
                raise NotFound("catalog.resource_unknown", resource=rp.path)
            _check_manage(actor, info.owner_department_id)
            prefix = rp.path + "/tbl:"
            paths = session.scalars(
                select(AccessResource.path)
                .where(AccessResource.path.startswith(prefix, autoescape=True))
                .order_by(AccessResource.path)
            ).all()
            described = set(session.scalars(select(CatalogEntry.resource_path)))
        return [p for p in paths if "/col:" not in p and p not in described]

    return _audited(platform, actor, "catalog.draft", source_path, work)


def _inventory_category(session: Session, rp: ResourcePath) -> str | None:
    from shuan.inventory.models import RegisteredSource
    from shuan.store.models import TableAsset

    if rp.table is None:
        return None
    source = session.scalars(select(RegisteredSource).where(RegisteredSource.name == rp.source)).first()
    if source is None or source.last_scan_id is None:
        return None
    found = session.scalars(
        select(TableAsset.category).where(
            TableAsset.scan_id == source.last_scan_id, TableAsset.name == rp.table
        )
    ).first()
    return found[:100].strip() or None if found else None


def _source_kind(session: Session, rp: ResourcePath) -> str | None:
    from shuan.inventory.models import RegisteredSource

    found = session.scalars(select(RegisteredSource.kind).where(RegisteredSource.name == rp.source)).first()
    return None if found is None else str(found)


# -- compliance after a regrade ------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogCheck:
    """Published entries that no longer comply with their resource's current grade."""

    checked: int
    failing: tuple[EntryView, ...]

    @property
    def ok(self) -> bool:
        return not self.failing

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "ok": self.ok, "failing": [v.as_dict() for v in self.failing]}


def check_catalog(platform: Platform, actor: Principal | None = None) -> CatalogCheck:
    """Every published entry checked against the current grade of its resource (after a rescan
    raised one, a published entry may no longer comply). With `actor`, the entries the actor
    may change (a department's staff: their own; the security administrator: all); refused to
    anyone else. Without one (the platform's own checks), every entry."""
    if actor is not None:

        def guard_actor() -> None:
            _require_any(actor)

        _audited(platform, actor, "catalog.check", "catalog", guard_actor)
    engine = engine_for(platform)
    engine.refresh()  # a regrade in another process: see it now, not within the check interval
    query = select(CatalogEntry).where(CatalogEntry.status == "published").order_by(CatalogEntry.code)
    if actor is not None and not actor.can(Permission.GRANT_MANAGE):
        query = query.where(CatalogEntry.provider_department_id == (actor.department_id or -1))
    with platform.store.sessions() as session:
        rows = list(session.scalars(query))
    levels = _levels(platform, (r.resource_path for r in rows))
    views = [_view(r, levels[r.resource_path]) for r in rows]
    return CatalogCheck(len(views), tuple(v for v in views if not v.compliant))


def entry_compliance(platform: Platform, entry_id: int) -> tuple[int, list[Problem]]:
    """The level and compliance problems of an entry now (for the share requests: refuse an entry
    that no longer complies). NotFound for an unknown entry."""
    with platform.store.sessions() as session:
        row = session.get(CatalogEntry, _check_id(entry_id))
        if row is None:
            raise NotFound("catalog.entry_unknown", entry=entry_id)
        level = level_in(session, row.resource_path)
        return level or 0, problems_of(row, level)


# -- export ----------------------------------------------------------------------------------------------


def _headings() -> list[str]:
    return [msg(f"catalog.col_{k}") for k in _EXPORT_COLUMNS]


_EXPORT_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "category",
    "provider",
    "provider_code",
    "summary",
    "format",
    "items",
    "resource_path",
    "level",
    "share_type",
    "share_condition",
    "share_method",
    "share_basis",
    "open_type",
    "open_condition",
    "open_basis",
    "update_cycle",
    "published_on",
    "related_codes",
    "status",
    "compliant",
    "problems",
)


def _export_row(v: EntryView, departments: Mapping[int, str]) -> list[Any]:
    items = "；".join(f"{i['name']}（{label(ITEM_TYPES, i['type'])}，{i['column']}）" for i in v.items)
    return [
        v.code,
        v.name,
        "/".join(v.category),
        departments.get(v.provider_department_id, str(v.provider_department_id)),
        v.provider_code,
        v.summary,
        label(FORMATS, v.format),
        items,
        v.resource_path,
        label(LEVEL_LABELS, v.level) if v.level else "—",
        label(SHARE_LABELS, v.share_type),
        v.share_condition or "",
        label(SHARE_METHODS, v.share_method) if v.share_method else "",
        v.share_basis or "",
        label(OPEN_LABELS, v.open_type),
        v.open_condition or "",
        v.open_basis or "",
        label(UPDATE_CYCLES, v.update_cycle),
        v.published_on.isoformat() if v.published_on else "",
        "、".join(v.related_codes),
        label(STATUS_LABELS, v.status),
        msg("catalog.yes") if v.compliant else msg("catalog.no"),
        "；".join(v.problems),
    ]


def _department_names(platform: Platform) -> dict[int, str]:
    from shuan.identity.models import Department

    with platform.store.sessions() as session:
        return {int(i): str(n) for i, n in session.execute(select(Department.id, Department.name))}


def export_catalog(
    platform: Platform,
    actor: Principal,
    path: Path,
    fmt: str | None = None,
    filters: EntryFilter | None = None,
) -> Path:
    """Write the entries the actor may see to `path` as XLSX, CSV (UTF-8 with BOM) or JSON, with
    Chinese headings (JSON keeps the stable field names and adds the labels)."""
    from shuan.inventory.export import _inert, atomic_output, open_workbook

    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind not in EXPORT_FORMATS:
        raise UsageError("catalog.export_format", fmt=kind or "?", allowed=", ".join(EXPORT_FORMATS))
    views: list[EntryView] = []
    offset = 0
    while True:
        page = list_entries(platform, actor, filters, limit=MAX_LIST, offset=offset)
        views += page
        if len(page) < MAX_LIST:
            break
        offset += MAX_LIST
    departments = _department_names(platform)
    try:
        if kind == "json":
            with atomic_output(path, "w") as fh:
                doc = [
                    v.as_dict()
                    | {"labels": dict(zip(_EXPORT_COLUMNS, _export_row(v, departments), strict=True))}
                    for v in views
                ]
                json.dump(
                    {"entries": doc, "headings": dict(zip(_EXPORT_COLUMNS, _headings(), strict=True))},
                    fh,
                    ensure_ascii=False,
                    indent=2,
                )
        elif kind == "csv":
            with atomic_output(path, "w", encoding="utf-8-sig") as fh:
                w = csv.writer(fh)
                w.writerow(_headings())
                for v in views:
                    w.writerow([_inert(c) for c in _export_row(v, departments)])
        else:
            with atomic_output(path, "wb") as fh:
                wb, st = open_workbook(fh)
                ws = wb.add_worksheet(msg("catalog.sheet"))
                for col, heading in enumerate(_headings()):
                    ws.write(0, col, heading, st.head)
                for r, v in enumerate(views, start=1):
                    for col, cell in enumerate(_export_row(v, departments)):
                        ws.write(r, col, cell, st.wrap)
                ws.freeze_panes(1, 0)
                ws.set_column(0, len(_EXPORT_COLUMNS) - 1, 18)
                wb.close()
    except OSError as exc:
        raise ShuanError("export.write", path=str(path), reason=exc.strerror or str(exc)) from exc
    return path


def export_catalog_bytes(platform: Platform, actor: Principal, fmt: str, filters: EntryFilter | None = None) -> bytes:
    """`export_catalog` as the bytes of the file (a download of the console or the REST API)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="shuan-catalog-") as folder:
        return export_catalog(platform, actor, Path(folder) / f"catalog.{fmt}", fmt, filters).read_bytes()


__all__ = [
    "EXPORT_FORMATS",
    "FIELDS",
    "CatalogCheck",
    "EntryFilter",
    "EntryView",
    "check_catalog",
    "check_filter",
    "create_entry",
    "draft_from_inventory",
    "entry_compliance",
    "entry_level",
    "export_catalog",
    "export_catalog_bytes",
    "get_entry",
    "get_entry_by_code",
    "is_provider_staff",
    "known_columns",
    "level_in",
    "list_entries",
    "may_catalogue",
    "may_edit",
    "problems_of",
    "publish_entry",
    "tables_to_catalogue",
    "update_entry",
    "withdraw_entry",
]
