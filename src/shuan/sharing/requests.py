"""The share request workflow (issue 5 item 4): a department asks for a catalogue resource, the data
authority checks compliance, the provider reviews, and an approval becomes grants of the security core.

Stages and deadlines (working days on the official holiday calendar, shuan.sharing.workdays; each
configurable, see `ShareTimes`)::

    submit ──► authority_review (2) ──pass──► provider_review (5; 10 when the entry is not yet published)
                      │                          │
                      └──refuse──► refused ◄─────┴──refuse        approve ──► approved ──revoke──► revoked
    withdraw (by the requesting department while under review) ──► withdrawn

Who may do what (every refusal raises a `ShuanError` and leaves a ``denied``/``failure`` audit event in
a transaction of its own; every change is audited in the transaction that makes it):

* submit: any member of a department (the request is the department's), for a published, compliant
  catalogue entry of another department whose 共享类型 is not 不予共享; the ``opening`` scenario only on
  一级 data whose 开放类型 is not 不予开放; columns among the entry's 信息项 (none named: all of them).
* authority check: the data authority (shuan.access.service `is_authority`: GRANT_APPROVE_AUTHORITY
  held by a member of the root department). On a pass for a 二级 resource (or a 二级 column of the
  request in a table that folds to 三级) the requesting department is added to the resource's
  authorised departments (Jining 第三十三条: the authority authorises 二级
  recipients).
* provider review: the provider department's security officer or steward (GRANT_MANAGE_DEPT in that
  department) or the security administrator (GRANT_MANAGE). An approval creates the grants through
  shuan.access.service.create_grant: subject the requesting department, action read, the request's
  scenario and purpose, the masking profile (default by scenario), row filter and expiry chosen; one
  grant on the entry's table only when the request covers every column known of it (items, inventory,
  register), else one grant per requested column (a whole-source entry is requested whole). A 三级
  grant outside the owner is created awaiting the authority's signed grant approval. The provider
  approves only what the authority checked (same resource, requested columns still items), never the
  person who took the authority's check, and neither stage passes an entry that no longer complies
  with its resource's current grade (or is now 不予共享, or 不予开放 for the ``opening`` scenario).
* revoke: the provider department's officer/steward, the security administrator or the data authority;
  every grant of the request is revoked.
* Nobody decides on a request of their own department, nor on one they submitted.

Every decision (authority pass/refuse, provider approve/refuse, revocation) is signed by the person
deciding with their own SM2 key over the canonical document of shuan.sharing.documents, verified before
it is committed and stored in `ShareDecision`; `verify_request` re-encodes and checks each of them.
A decision taken after its stage's deadline is flagged ``overdue``; `remind_overdue` notifies the people
who must act, at most once per working day per request.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from shuan.access.models import AccessGrant
from shuan.access.paths import bad_field, escape_name, parse
from shuan.access.rules import (
    MAX_PURPOSE,
    MAX_REASON,
    MAX_VALIDITY,
    SCENARIOS,
    aware,
    aware_now,
    check_id,
    check_row_filter,
    check_scenario,
    check_text,
    check_validity,
    inside_owner,
    row_filter_json,
)
from shuan.access.service import (
    Subject,
    create_grant,
    get_resource,
    is_authority,
    register_resource,
    resource_state,
    revoke_grant,
    set_authorised_departments,
)
from shuan.audit import guard
from shuan.audit.events import Event
from shuan.audit.guard import show
from shuan.crypto.keys.keyring import fingerprint
from shuan.crypto.sm3 import sm3_hex
from shuan.errors import ConfigError, Conflict, NotFound, PermissionDenied
from shuan.identity.models import Department, User, UserRole
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Permission, Role
from shuan.identity.signing import active_key, sign_approval, verify_approval, verify_stored
from shuan.messages import msg
from shuan.sharing.catalog import known_columns, level_in, problems_of
from shuan.sharing.documents import VERSION as DOCUMENT_VERSION
from shuan.sharing.documents import decision_document
from shuan.sharing.models import CatalogEntry, ShareDecision, ShareRequest
from shuan.sharing.workdays import HolidayCalendar, cached_calendar, cst_day, deadline

if TYPE_CHECKING:
    from shuan.platform import Platform

_SAFE_PARAMS = frozenset({"request", "entry", "status", "level", "columns"})
_audited = partial(guard.run_audited, safe_params=_SAFE_PARAMS)

REVIEW_STATES = ("authority_review", "provider_review")
MAX_BASIS = 2000
MAX_COLUMNS = 500
NOTIFICATION_KIND = "share_overdue"
#: the masking profile an approval gets when the reviewer names none, by usage scenario
DEFAULT_MASKING: dict[str, str] = {
    "business": "department_sharing",
    "sharing": "department_sharing",
    "analysis": "statistics",
    "dev_test": "dev_test",
    "opening": "open_data",
}


# -- settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareTimes:
    """Stage deadlines in working days, and the holiday calendar file (None: the built-in one).

    From the environment: SHUAN_SHARE_AUTHORITY_DAYS (2), SHUAN_SHARE_PROVIDER_DAYS (5),
    SHUAN_SHARE_PROVIDER_DAYS_UNPUBLISHED (10), SHUAN_SHARE_HOLIDAYS (a YAML file like
    shuan/sharing/data/holidays.yaml)."""

    authority_days: int = 2
    provider_days: int = 5
    provider_days_unpublished: int = 10
    holidays: str | None = None

    def calendar(self) -> HolidayCalendar:
        return cached_calendar(self.holidays)


def _env_days(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    days = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= days <= 60:
        raise ConfigError("config.invalid", field=name, reason=msg("share.reason_days"))
    return days


def share_times() -> ShareTimes:
    holidays = os.environ.get("SHUAN_SHARE_HOLIDAYS", "").strip() or None
    return ShareTimes(
        authority_days=_env_days("SHUAN_SHARE_AUTHORITY_DAYS", 2),
        provider_days=_env_days("SHUAN_SHARE_PROVIDER_DAYS", 5),
        provider_days_unpublished=_env_days("SHUAN_SHARE_PROVIDER_DAYS_UNPUBLISHED", 10),
        holidays=holidays,
    )


# -- views ------------------------------------------------------------------------------------------


def _plain(view: Any) -> dict[str, Any]:
    """A view's fields as JSON values: datetimes as ISO text, tuples as lists, nested views as dicts."""
    out: dict[str, Any] = {}
    for k in view.__dataclass_fields__:
        value = getattr(view, k)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = [v.as_dict() if hasattr(v, "as_dict") else v for v in value]
        out[k] = value
    return out


@dataclass(frozen=True)
class DecisionView:
    id: int
    stage: str
    outcome: str
    reasons: str | None
    actor_user_id: int
    actor_name: str
    decided_at: datetime
    overdue: bool
    document_version: int
    digest: str
    key_id: int
    key_fingerprint: str
    signature: str
    details: dict[str, Any]
    valid: bool | None = None  # the signature verifies (None: not checked)

    def as_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass(frozen=True)
class RequestView:
    id: int
    entry_id: int
    entry_code: str
    entry_name: str
    resource: str
    provider_department_id: int
    requester_department_id: int
    requester_user_id: int | None
    requester_name: str
    purpose: str
    scenario: str
    columns: tuple[str, ...]
    valid_from: datetime
    valid_until: datetime
    legal_basis: str
    status: str
    submitted_at: datetime
    stage_started_at: datetime
    due_at: datetime | None
    calendar_complete: bool
    overdue: bool
    masking_profile: str | None
    row_filter: list[dict[str, Any]] | None
    expires_at: datetime | None
    grant_ids: tuple[int, ...]
    grants_awaiting_authority: tuple[int, ...]
    grants_expire_at: datetime | None
    refusal_reasons: str | None
    renews_request_id: int | None
    closed_at: datetime | None
    decisions: tuple[DecisionView, ...] = field(default=())

    @property
    def under_review(self) -> bool:
        return self.status in REVIEW_STATES

    def as_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass(frozen=True)
class DecisionCheck:
    decision_id: int
    stage: str
    outcome: str
    decider: str
    decided_at: datetime
    valid: bool
    key_fingerprint: str

    def as_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass(frozen=True)
class RequestVerification:
    request_id: int
    decisions: tuple[DecisionCheck, ...]

    @property
    def valid(self) -> bool:
        return all(d.valid for d in self.decisions)

    def as_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "valid": self.valid,
            "decisions": [d.as_dict() for d in self.decisions],
        }


@dataclass(frozen=True)
class Reminder:
    request_id: int
    stage: str
    due_at: datetime
    recipients: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "stage": self.stage,
            "due_at": self.due_at.isoformat(),
            "recipients": list(self.recipients),
        }


# -- plumbing ---------------------------------------------------------------------------------------


def _resource_of(request_id: object) -> str:
    return f"share-request:{show(request_id)}"


def _is_provider_staff(actor: Principal, entry: CatalogEntry) -> bool:
    """The provider department's officer/steward (GRANT_MANAGE_DEPT there) or the security administrator."""
    if actor.can(Permission.GRANT_MANAGE):
        return True
    return actor.can(Permission.GRANT_MANAGE_DEPT) and actor.department_id == entry.provider_department_id


def _is_requester(actor: Principal, row: ShareRequest) -> bool:
    return actor.department_id is not None and actor.department_id == row.requester_department_id


def _visible(actor: Principal, row: ShareRequest, entry: CatalogEntry) -> bool:
    return (
        _is_requester(actor, row)
        or _is_provider_staff(actor, entry)
        or is_authority(actor)
        or actor.can(Permission.AUDIT_READ)
    )


def _awaits(actor: Principal, row: ShareRequest, entry: CatalogEntry) -> bool:
    """Whether the request waits for a decision `actor` may take."""
    if _is_requester(actor, row) or (actor.user_id is not None and actor.user_id == row.requester_user_id):
        return False
    if row.status == "authority_review":
        return is_authority(actor)
    if row.status == "provider_review":
        if not _is_provider_staff(actor, entry):
            return False
        passed = _authority_pass(row)
        return passed is None or passed.actor_user_id != actor.user_id
    return False


def _load(session: Session, request_id: int, *, lock: bool = False) -> tuple[ShareRequest, CatalogEntry]:
    stmt = select(ShareRequest).where(ShareRequest.id == request_id)
    if lock:
        stmt = stmt.with_for_update()
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound("share.request_unknown", request=request_id)
    entry = session.get(CatalogEntry, row.entry_id)
    if entry is None:  # the foreign key keeps it; a damaged store is not a visible request
        raise NotFound("share.request_unknown", request=request_id)
    return row, entry


def _load_visible(
    session: Session, actor: Principal, request_id: int, *, lock: bool = False
) -> tuple[ShareRequest, CatalogEntry]:
    row, entry = _load(session, request_id, lock=lock)
    if not _visible(actor, row, entry):
        raise NotFound("share.request_unknown", request=request_id)
    return row, entry


def _item_columns(entry: CatalogEntry) -> list[str]:
    out: list[str] = []
    for item in entry.items or ():
        if isinstance(item, dict):
            name = item.get("column") or item.get("name")
            if isinstance(name, str) and name and name not in out:
                out.append(name)
    return out


def _check_columns(columns: object, entry: CatalogEntry) -> list[str]:
    if columns is None:
        columns = []
    if isinstance(columns, str | bytes) or not isinstance(columns, Sequence) or len(columns) > MAX_COLUMNS:
        raise bad_field("columns", "share.reason_columns")
    if any(not isinstance(c, str) for c in columns):
        raise bad_field("columns", "share.reason_columns")
    known = _item_columns(entry)
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise bad_field("columns", "share.reason_unknown_columns", columns=show("、".join(unknown[:10])))
    chosen = [c for c in known if c in columns]  # the entry's order, no duplicates
    return chosen or known


def _level(session: Session, path: str) -> int | None:
    info, rows = resource_state(session, path)
    if info is None or path not in rows:
        return None
    return info.level


def _fold_level(session: Session, path: str) -> int | None:
    """The level `path` would have in the register (registered or not), None outside it."""
    info, _rows = resource_state(session, path)
    return None if info is None else info.level


def _decision_view(row: ShareDecision, valid: bool | None = None) -> DecisionView:
    return DecisionView(
        id=row.id,
        stage=row.stage,
        outcome=row.outcome,
        reasons=row.reasons,
        actor_user_id=row.actor_user_id,
        actor_name=row.actor_name,
        decided_at=aware(row.decided_at),
        overdue=bool(row.overdue),
        document_version=row.document_version,
        digest=row.digest,
        key_id=row.key_id,
        key_fingerprint=row.key_fingerprint,
        signature=row.signature,
        details=dict(row.details or {}),
        valid=valid,
    )


def _calendar_complete(calendar: HolidayCalendar, start: datetime, due: datetime | None) -> bool:
    if due is None:
        return True
    first, last = cst_day(start), cst_day(due - timedelta(seconds=1))
    return all(y in calendar.years for y in range(first.year, last.year + 1))


def _view(
    session: Session,
    row: ShareRequest,
    entry: CatalogEntry,
    *,
    now: datetime,
    decisions: Iterable[DecisionView] = (),
) -> RequestView:
    grants = (
        list(session.scalars(select(AccessGrant).where(AccessGrant.id.in_(list(row.grant_ids or [])))))
        if row.grant_ids
        else []
    )
    live = [g for g in grants if g.status != "revoked"]
    due = None if row.due_at is None else aware(row.due_at)
    under_review = row.status in REVIEW_STATES
    return RequestView(
        id=row.id,
        entry_id=row.entry_id,
        entry_code=entry.code,
        entry_name=entry.name,
        resource=entry.resource_path,
        provider_department_id=entry.provider_department_id,
        requester_department_id=row.requester_department_id,
        requester_user_id=row.requester_user_id,
        requester_name=row.requester_name,
        purpose=row.purpose,
        scenario=row.scenario,
        columns=tuple(row.columns or ()),
        valid_from=aware(row.valid_from),
        valid_until=aware(row.valid_until),
        legal_basis=row.legal_basis,
        status=row.status,
        submitted_at=aware(row.submitted_at),
        stage_started_at=aware(row.stage_started_at),
        due_at=due if under_review else None,
        calendar_complete=_calendar_complete(share_times().calendar(), aware(row.stage_started_at), due)
        if under_review
        else True,
        overdue=under_review and due is not None and now > due,
        masking_profile=row.masking_profile,
        row_filter=row.row_filter,
        expires_at=None if row.expires_at is None else aware(row.expires_at),
        grant_ids=tuple(int(g) for g in row.grant_ids or ()),
        grants_awaiting_authority=tuple(sorted(g.id for g in live if g.status == "pending_authority")),
        grants_expire_at=min((aware(g.valid_until) for g in live), default=None),
        refusal_reasons=row.refusal_reasons,
        renews_request_id=row.renews_request_id,
        closed_at=None if row.closed_at is None else aware(row.closed_at),
        decisions=tuple(decisions),
    )


def _stage_deadline(times: ShareTimes, start: datetime, days: int) -> datetime:
    return deadline(start, days, times.calendar()).due


def _provider_days(times: ShareTimes, entry: CatalogEntry, when: datetime) -> int:
    published: date | None = entry.published_on
    if published is None or published > cst_day(when):
        return times.provider_days_unpublished
    return times.provider_days


# -- submit, withdraw, renew --------------------------------------------------------------------------


def submit(
    platform: Platform,
    actor: Principal,
    *,
    entry_id: int,
    purpose: str,
    scenario: str,
    columns: Sequence[str] | None,
    valid_until: datetime,
    legal_basis: str,
    valid_from: datetime | None = None,
    renews_request_id: int | None = None,
    now: datetime | None = None,
) -> RequestView:
    """A department's request for catalogue entry `entry_id` (see the module doc for the refusals)."""
    when = aware_now(now)
    details: dict[str, Any] = {"entry": show(entry_id)}
    if renews_request_id is not None:
        details["renews"] = show(renews_request_id)

    def work() -> RequestView:
        eid = check_id(entry_id, "entry_id")
        if actor.user_id is None or actor.department_id is None or not actor.department_path:
            raise PermissionDenied("share.no_department")
        text = check_text(purpose, "purpose", MAX_PURPOSE, required=True)
        scen = check_scenario(scenario)
        start, end = check_validity(when if valid_from is None else valid_from, valid_until, when)
        basis = check_text(legal_basis, "legal_basis", MAX_BASIS, required=True)
        times = share_times()
        with platform.store.transaction() as session:
            entry = session.get(CatalogEntry, eid)
            if entry is None or (
                entry.status == "draft" and actor.department_id != entry.provider_department_id
            ):
                raise NotFound("share.entry_unknown", entry=eid)
            if entry.status != "published":
                raise Conflict("share.entry_not_published", entry=eid)
            if inside_owner(entry.provider_department_id, actor.department_path):
                raise Conflict("share.own_department", entry=eid)
            if entry.share_type == "none":
                raise PermissionDenied("share.not_shared", entry=eid, basis=entry.share_basis or "—")
            level = level_in(session, entry.resource_path)
            problems = problems_of(entry, level)
            if problems or level is None:
                raise Conflict(
                    "share.entry_not_compliant", entry=eid, problems="；".join(p.message for p in problems)
                )
            if scen == "opening" and level > 1:
                raise PermissionDenied("share.opening_level", entry=eid, level=level)
            if scen == "opening" and entry.open_type == "none":
                raise PermissionDenied("share.not_opened", entry=eid, basis=entry.open_basis or "—")
            chosen = _check_columns(columns, entry)
            if parse(entry.resource_path).kind != "table" and set(chosen) != set(_item_columns(entry)):
                # a grant on a whole source cannot be narrowed to some columns: ask for all of them
                raise bad_field("columns", "share.reason_source_columns")
            renews = None
            if renews_request_id is not None:
                renews = check_id(renews_request_id, "renews_request_id")
            row = ShareRequest(
                entry_id=eid,
                requester_department_id=actor.department_id,
                requester_department_path=list(actor.department_path),
                requester_user_id=actor.user_id,
                requester_name=actor.username,
                purpose=text,
                scenario=scen,
                columns=chosen,
                valid_from=start,
                valid_until=end,
                legal_basis=basis,
                status="authority_review",
                submitted_at=when,
                stage_started_at=when,
                due_at=_stage_deadline(times, when, times.authority_days),
                reminded_at=None,
                masking_profile=None,
                row_filter=None,
                expires_at=None,
                grant_ids=[],
                refusal_reasons=None,
                renews_request_id=renews,
                closed_at=None,
                updated_at=when,
            )
            session.add(row)
            session.flush()
            platform.audit.record(
                session,
                Event(
                    action="share.submit",
                    actor=actor,
                    resource=entry.resource_path,
                    purpose=text,
                    details={
                        "request": row.id,
                        "entry": eid,
                        "code": entry.code,
                        "scenario": scen,
                        "level": level,
                        "columns": len(chosen),
                        "valid_from": start.isoformat(),
                        "valid_until": end.isoformat(),
                        "due_at": aware(row.due_at).isoformat() if row.due_at else None,
                        "renews": renews,
                    },
                ),
                now=when,
            )
            return _view(session, row, entry, now=when)

    return _audited(platform, actor, "share.submit", f"entry:{show(entry_id)}", work, details=details)


def withdraw(
    platform: Platform,
    actor: Principal,
    request_id: int,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> RequestView:
    """The requesting department withdraws its request while it is under review."""
    when = aware_now(now)

    def work() -> RequestView:
        rid = check_id(request_id, "request_id")
        why = check_text(reason, "reason", MAX_REASON, required=False)
        with platform.store.transaction() as session:
            row, entry = _load_visible(session, actor, rid, lock=True)
            if not _is_requester(actor, row):
                raise PermissionDenied("share.not_requester", request=rid)
            if row.status not in REVIEW_STATES:
                raise Conflict("share.wrong_status", request=rid, status=row.status)
            previous = row.status
            row.status = "withdrawn"
            row.closed_at = when
            row.due_at = None
            row.updated_at = when
            platform.audit.record(
                session,
                Event(
                    action="share.withdraw",
                    actor=actor,
                    resource=entry.resource_path,
                    details={"request": rid, "from": previous, "reason": why},
                ),
                now=when,
            )
            return _view(session, row, entry, now=when)

    return _audited(platform, actor, "share.withdraw", _resource_of(request_id), work)


def renew(
    platform: Platform,
    actor: Principal,
    request_id: int,
    *,
    valid_until: datetime | None = None,
    valid_from: datetime | None = None,
    purpose: str | None = None,
    now: datetime | None = None,
) -> RequestView:
    """A new request prefilled from approved request `request_id` (same entry, scenario, columns, basis),
    for a new period (default: as long as the old one, from now); it goes through the same review."""
    when = aware_now(now)

    def prefill() -> tuple[int, str, str, list[str], str, datetime]:
        rid = check_id(request_id, "request_id")
        if valid_from is not None and not isinstance(valid_from, datetime):
            raise bad_field("valid_from", "access.reason_datetime")
        if valid_until is not None and not isinstance(valid_until, datetime):
            raise bad_field("valid_until", "access.reason_datetime")
        with platform.store.sessions() as session:
            row, _entry = _load_visible(session, actor, rid)
            if not _is_requester(actor, row):
                raise PermissionDenied("share.not_requester", request=rid)
            if row.status != "approved":
                raise Conflict("share.renew_status", request=rid, status=row.status)
            span = min(aware(row.valid_until) - aware(row.valid_from), MAX_VALIDITY)
            start = when if valid_from is None else valid_from
            try:
                end = valid_until if valid_until is not None else aware(start) + span
            except OverflowError:
                raise bad_field("valid_from", "access.reason_datetime") from None
            return row.entry_id, row.purpose, row.scenario, list(row.columns or []), row.legal_basis, end

    entry_id, old_purpose, scenario, columns, basis, end = _audited(
        platform, actor, "share.renew", _resource_of(request_id), prefill
    )
    return submit(
        platform,
        actor,
        entry_id=entry_id,
        purpose=old_purpose if purpose is None else purpose,
        scenario=scenario,
        columns=columns,
        valid_until=end,
        legal_basis=basis,
        valid_from=valid_from,
        renews_request_id=request_id,
        now=when,
    )


# -- signed decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Decided:
    """What a decision states beyond the request: signed with it, stored in the decision's details."""

    stage: str
    outcome: str
    reasons: str
    masking: str | None = None
    row_filter: list[dict[str, Any]] | None = None
    expiry: datetime | None = None


def _document(
    row: ShareRequest,
    details: dict[str, Any],
    *,
    stage: str,
    outcome: str,
    reasons: str | None,
    decider: str,
    decided_at: datetime,
) -> bytes:
    expiry = details.get("expiry")
    return decision_document(
        request_id=row.id,
        entry_code=str(details.get("entry_code", "")),
        resource=str(details.get("resource", "")),
        requester_department_id=row.requester_department_id,
        requester_department_path=list(row.requester_department_path or []),
        stage=stage,
        outcome=outcome,
        reasons=reasons,
        columns=list(row.columns or []),
        scenario=row.scenario,
        purpose=row.purpose,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        legal_basis=row.legal_basis,
        masking=details.get("masking"),
        row_filter=details.get("row_filter"),
        expiry=None if expiry is None else datetime.fromisoformat(str(expiry)),
        decider=decider,
        decided_at=decided_at,
    )


def _details(entry: CatalogEntry, decided: _Decided) -> dict[str, Any]:
    return {
        "entry_code": entry.code,
        "resource": entry.resource_path,
        "masking": decided.masking,
        "row_filter": decided.row_filter,
        "expiry": None if decided.expiry is None else aware(decided.expiry).isoformat(),
    }


def _check_self(actor: Principal, row: ShareRequest) -> None:
    if (actor.user_id is not None and actor.user_id == row.requester_user_id) or _is_requester(actor, row):
        raise PermissionDenied("share.self_decision", request=row.id)


def _still_compliant(row: ShareRequest, entry: CatalogEntry) -> None:
    """Refuse a decision on an entry that no longer complies with its resource's current grade (a
    regrade after the request was made), an opening of data no longer 一级 or now 不予开放, or an
    entry now 不予共享."""
    session = object_session(row)
    assert session is not None  # noqa: S101 - rows come from an open session
    level = level_in(session, entry.resource_path)
    problems = problems_of(entry, level)
    if problems or level is None:
        raise Conflict(
            "share.entry_not_compliant", entry=entry.id, problems="；".join(p.message for p in problems)
        )
    if row.scenario == "opening" and level > 1:
        raise PermissionDenied("share.opening_level", entry=entry.id, level=level)
    if entry.share_type == "none":
        raise PermissionDenied("share.not_shared", entry=entry.id, basis=entry.share_basis or "—")
    if row.scenario == "opening" and entry.open_type == "none":
        raise PermissionDenied("share.not_opened", entry=entry.id, basis=entry.open_basis or "—")


def _authority_pass(row: ShareRequest) -> ShareDecision | None:
    session = object_session(row)
    assert session is not None  # noqa: S101 - rows come from an open session
    return session.scalars(
        select(ShareDecision)
        .where(
            ShareDecision.request_id == row.id,
            ShareDecision.stage == "authority",
            ShareDecision.outcome == "pass",
        )
        .order_by(ShareDecision.id.desc())
    ).first()


def _check_provider_stage(
    actor: Principal, row: ShareRequest, entry: CatalogEntry, *, approving: bool
) -> None:
    """Not the person who took the authority's check (two people decide); an approval is on what the
    authority checked: the same resource, every requested column still an item of the entry."""
    passed = _authority_pass(row)
    if passed is None:
        raise Conflict("share.request_changed", request=row.id)
    if actor.user_id is not None and passed.actor_user_id == actor.user_id:
        raise PermissionDenied("share.same_decider", request=row.id)
    if not approving:
        return
    items = _item_columns(entry)
    if (passed.details or {}).get("resource") != entry.resource_path or any(
        c not in items for c in row.columns or []
    ):
        raise Conflict("share.request_changed", request=row.id)


def _grant_targets(session: Session, entry: CatalogEntry, columns: Sequence[str]) -> list[str]:
    """The resources the grants of an approval are made on: the whole table only when the request
    covers every column known of it (the entry's items, the inventory's and the register's), else
    one per column; a
    whole source only when every item is requested (submit refuses a subset)."""
    rp = parse(entry.resource_path)
    chosen = list(columns) or _item_columns(entry)
    if rp.kind != "table":
        if set(chosen) != set(_item_columns(entry)):
            raise Conflict("share.request_changed", request=entry.id)
        return [rp.path]
    known = known_columns(session, rp)
    if known is not None and set(known) | set(_item_columns(entry)) <= set(chosen):
        return [rp.path]
    return [_column_path(rp.path, c) for c in chosen]


def _signed(
    platform: Platform,
    actor: Principal,
    rid: int,
    when: datetime,
    password: object,
    check: Callable[[ShareRequest, CatalogEntry], _Decided],
    act: Callable[[ShareRequest, CatalogEntry, _Decided], dict[str, Any]],
    commit: Callable[[Session, ShareRequest, CatalogEntry, _Decided, dict[str, Any]], None],
    audit_action: str,
) -> RequestView:
    """Check, sign, act (e.g. create grants), then verify and commit the decision with its audit event.

    1. `check` (in a read session) refuses or returns what is decided; nothing is signed for a refusal.
    2. the decider's own key signs the canonical document (a wrong password counts toward lockout).
    3. `act` does what the decision entails outside this transaction (grants) and returns facts to keep.
    4. in one transaction the request is read again (locked), checked again, the document re-encoded
       and the signature verified with the decider's active key; then `commit` applies the state change.
    """
    if not isinstance(password, str) or not password:
        raise bad_field("signing_password", "access.reason_empty")
    with platform.store.sessions() as session:
        row, entry = _load_visible(session, actor, rid)
        decided = check(row, entry)
        details = _details(entry, decided)
        payload = _document(
            row,
            details,
            stage=decided.stage,
            outcome=decided.outcome,
            reasons=decided.reasons,
            decider=actor.username,
            decided_at=when,
        )
    signature = sign_approval(platform, actor=actor, password=password, payload=payload, now=when)
    assert actor.user_id is not None  # noqa: S101 - sign_approval refuses a principal without a user
    with platform.store.sessions() as session:
        row, entry = _load_visible(session, actor, rid)
        check(row, entry)
    facts = act(row, entry, decided)
    with platform.store.transaction() as session:
        row, entry = _load_visible(session, actor, rid, lock=True)
        check(row, entry)
        if (
            _document(
                row,
                _details(entry, decided),
                stage=decided.stage,
                outcome=decided.outcome,
                reasons=decided.reasons,
                decider=actor.username,
                decided_at=when,
            )
            != payload
        ):
            raise Conflict("share.request_changed", request=rid)
        key = active_key(session, actor.user_id)
        if key is None or not verify_approval(key.public_key, payload, signature):
            raise Conflict("share.signature_unverified", request=rid)
        due = None if row.due_at is None else aware(row.due_at)
        late = decided.stage != "revocation" and due is not None and when > due
        decision = ShareDecision(
            request_id=rid,
            stage=decided.stage,
            outcome=decided.outcome,
            reasons=decided.reasons or None,
            actor_user_id=actor.user_id,
            actor_name=actor.username,
            decided_at=when,
            overdue=late,
            document_version=DOCUMENT_VERSION,
            digest=sm3_hex(payload),
            key_id=key.id,
            key_fingerprint=fingerprint(key.public_key),
            signature=signature.hex(),
            details=details,
        )
        session.add(decision)
        commit(session, row, entry, decided, facts)
        row.updated_at = when
        session.flush()
        platform.audit.record(
            session,
            Event(
                action=audit_action,
                actor=actor,
                resource=entry.resource_path,
                purpose=row.purpose,
                details={
                    "request": rid,
                    "stage": decided.stage,
                    "outcome": decided.outcome,
                    "overdue": late,
                    "status": row.status,
                    "decision": decision.id,
                    "digest": decision.digest,
                    "key_id": key.id,
                    "key_fingerprint": decision.key_fingerprint,
                    **facts,
                },
            ),
            now=when,
        )
        view = _view(session, row, entry, now=when, decisions=_decisions(session, rid))
    return _with_valid(view, {c.decision_id: c.valid for c in _verify(platform, rid).decisions})


def _decisions(session: Session, rid: int) -> list[DecisionView]:
    rows = session.scalars(
        select(ShareDecision).where(ShareDecision.request_id == rid).order_by(ShareDecision.id)
    )
    return [_decision_view(r) for r in rows]


def _outcome(value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise bad_field("outcome", "share.reason_outcome", allowed=", ".join(allowed))
    return value


def _reasons(value: object, *, required: bool) -> str:
    text = check_text(value, "reasons", MAX_REASON, required=required)
    if required and not text.strip():
        raise bad_field("reasons", "share.reason_reasons_required")
    return text


def authority_check(
    platform: Platform,
    actor: Principal,
    request_id: int,
    *,
    outcome: str,
    reasons: str | None = None,
    signing_password: str,
    now: datetime | None = None,
) -> RequestView:
    """The data authority's compliance check: ``pass`` (to the provider's review) or ``refuse`` (with reasons)."""
    when = aware_now(now)

    def work() -> RequestView:
        rid = check_id(request_id, "request_id")
        if not is_authority(actor):
            raise PermissionDenied("share.not_authority")
        result = _outcome(outcome, ("pass", "refuse"))
        why = _reasons(reasons, required=result == "refuse")
        times = share_times()
        level_box: dict[str, int | None] = {}

        def check(row: ShareRequest, entry: CatalogEntry) -> _Decided:
            if row.status != "authority_review":
                raise Conflict("share.wrong_status", request=rid, status=row.status)
            _check_self(actor, row)
            if result == "pass":
                _still_compliant(row, entry)
            return _Decided("authority", result, why)

        def act(row: ShareRequest, entry: CatalogEntry, decided: _Decided) -> dict[str, Any]:
            if result != "pass":
                return {}
            with platform.store.sessions() as session:
                level = _level(session, entry.resource_path)
                # the grants the provider may make: a 二级 column of a table that folds to 三级 needs the
                # requesting department on the 二级 list as much as a 二级 table does
                targets = _grant_targets(session, entry, list(row.columns or []))
                levels = {level, *(_fold_level(session, t) for t in targets)}
            level_box["level"] = 2 if 2 in levels else level
            return {"level": level}

        def commit(
            session: Session, row: ShareRequest, entry: CatalogEntry, decided: _Decided, facts: dict[str, Any]
        ) -> None:
            if result == "pass":
                row.status = "provider_review"
                row.stage_started_at = when
                row.due_at = _stage_deadline(times, when, _provider_days(times, entry, when))
                row.reminded_at = None
            else:
                row.status = "refused"
                row.refusal_reasons = why
                row.closed_at = when
                row.due_at = None

        view = _signed(
            platform, actor, rid, when, signing_password, check, act, commit, "share.authority_check"
        )
        if result == "pass" and level_box.get("level") == 2:
            # Jining 第三十三条: the authority authorises the 二级 recipient (after the signed pass is stored:
            # should this fail — audited by the access service — the provider's grant is refused by the 二级
            # guardrail, never widened; the pass itself stands)
            try:
                current = get_resource(platform, view.resource).authorised_departments
                if view.requester_department_id not in current:
                    set_authorised_departments(
                        platform, actor, view.resource, [*current, view.requester_department_id], now=when
                    )
            except guard.REFUSALS:
                pass
        return view

    return _audited(platform, actor, "share.authority_check", _resource_of(request_id), work)


def _check_masking(profile: object, scenario: str) -> str:
    from shuan.protect.profiles import scenario_ids

    if profile is None or profile == "":
        return DEFAULT_MASKING.get(scenario, "department_sharing")
    known = scenario_ids()
    if not isinstance(profile, str) or profile not in known:
        raise bad_field("masking_profile", "share.reason_masking", known=", ".join(known))
    return profile


def _column_path(resource: str, column: str) -> str:
    return f"{resource}/col:{escape_name(column)}"


def provider_review(
    platform: Platform,
    actor: Principal,
    request_id: int,
    *,
    outcome: str,
    reasons: str | None = None,
    masking_profile: str | None = None,
    row_filter: Sequence[Any] | None = None,
    expires_at: datetime | None = None,
    signing_password: str,
    now: datetime | None = None,
) -> RequestView:
    """The provider's review: ``approve`` (grants are created) or ``refuse`` (with reasons)."""
    when = aware_now(now)

    def work() -> RequestView:
        rid = check_id(request_id, "request_id")
        if not (actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)):
            raise PermissionDenied("share.not_provider")
        result = _outcome(outcome, ("approve", "refuse"))
        why = _reasons(reasons, required=result == "refuse")
        conditions = row_filter_json(check_row_filter(row_filter))
        if expires_at is not None and not isinstance(expires_at, datetime):
            raise bad_field("expires_at", "access.reason_datetime")

        def check(row: ShareRequest, entry: CatalogEntry) -> _Decided:
            if not _is_provider_staff(actor, entry):
                raise PermissionDenied("share.not_provider")
            if row.status != "provider_review":
                raise Conflict("share.wrong_status", request=rid, status=row.status)
            _check_self(actor, row)
            _check_provider_stage(actor, row, entry, approving=result == "approve")
            if result == "refuse":
                return _Decided("provider", result, why)
            _still_compliant(row, entry)
            masking = _check_masking(masking_profile, row.scenario)
            end = aware(row.valid_until) if expires_at is None else aware(expires_at)
            if end > aware(row.valid_until) or end <= max(when, aware(row.valid_from)):
                raise bad_field("expires_at", "share.reason_expiry")
            return _Decided("provider", result, why, masking, conditions, end)

        def act(row: ShareRequest, entry: CatalogEntry, decided: _Decided) -> dict[str, Any]:
            if result != "approve":
                return {}
            assert decided.expiry is not None  # noqa: S101 - set for an approval by check()
            subject = Subject.department(tuple(int(d) for d in row.requester_department_path))
            rp = parse(entry.resource_path)
            with platform.store.sessions() as session:
                targets = _grant_targets(session, entry, list(row.columns or []))
            made: list[int] = []
            try:
                for target in targets:
                    if target != rp.path:
                        with platform.store.sessions() as session:
                            registered = _level(session, target) is not None
                        if not registered:
                            register_resource(platform, actor, target, now=when)
                    view = create_grant(
                        platform,
                        actor,
                        subject=subject,
                        resource=target,
                        actions=["read"],
                        purpose=row.purpose,
                        valid_until=decided.expiry,
                        scenario=row.scenario,
                        valid_from=max(aware(row.valid_from), when),
                        row_filter=decided.row_filter,
                        masking_profile=decided.masking,
                        await_authority=True,
                        now=when,
                    )
                    made.append(view.id)
            except Exception:
                _undo(platform, actor, made, when)
                raise
            return {"grants": made}

        def commit(
            session: Session, row: ShareRequest, entry: CatalogEntry, decided: _Decided, facts: dict[str, Any]
        ) -> None:
            row.closed_at = when
            row.due_at = None
            if result == "approve":
                row.status = "approved"
                row.masking_profile = decided.masking
                row.row_filter = decided.row_filter
                row.expires_at = decided.expiry
                row.grant_ids = list(facts.get("grants", []))
            else:
                row.status = "refused"
                row.refusal_reasons = why

        made: list[int] = []

        def act_tracked(row: ShareRequest, entry: CatalogEntry, decided: _Decided) -> dict[str, Any]:
            facts = act(row, entry, decided)
            made.extend(facts.get("grants", []))
            return facts

        try:
            return _signed(
                platform, actor, rid, when, signing_password, check, act_tracked, commit, "share.review"
            )
        except Exception:
            _undo(platform, actor, made, when)  # the decision was not stored: its grants go too
            raise

    return _audited(platform, actor, "share.review", _resource_of(request_id), work)


def _undo(platform: Platform, actor: Principal, grant_ids: Iterable[int], when: datetime) -> None:
    for gid in grant_ids:
        try:
            revoke_grant(platform, actor, gid, reason=msg("share.undo_reason"), now=when)
        except (Conflict, NotFound, PermissionDenied):
            continue


def revoke(
    platform: Platform,
    actor: Principal,
    request_id: int,
    *,
    reasons: str,
    signing_password: str,
    now: datetime | None = None,
) -> RequestView:
    """Revoke an approved request: a signed revocation, and every grant it made is revoked."""
    when = aware_now(now)

    def work() -> RequestView:
        rid = check_id(request_id, "request_id")
        if not (
            actor.can(Permission.GRANT_MANAGE)
            or actor.can(Permission.GRANT_MANAGE_DEPT)
            or is_authority(actor)
        ):
            raise PermissionDenied("share.not_revoker")
        why = _reasons(reasons, required=True)

        def check(row: ShareRequest, entry: CatalogEntry) -> _Decided:
            if not (_is_provider_staff(actor, entry) or is_authority(actor)):
                raise PermissionDenied("share.not_revoker")
            if row.status != "approved":
                raise Conflict("share.wrong_status", request=rid, status=row.status)
            _check_self(actor, row)
            return _Decided("revocation", "revoke", why)

        def act(row: ShareRequest, entry: CatalogEntry, decided: _Decided) -> dict[str, Any]:
            revoked: list[int] = []
            for gid in row.grant_ids or []:
                try:
                    revoke_grant(platform, actor, int(gid), reason=why, now=when)
                except Conflict:  # already revoked
                    continue
                revoked.append(int(gid))
            return {"revoked_grants": revoked}

        def commit(
            session: Session, row: ShareRequest, entry: CatalogEntry, decided: _Decided, facts: dict[str, Any]
        ) -> None:
            row.status = "revoked"
            row.closed_at = when

        return _signed(platform, actor, rid, when, signing_password, check, act, commit, "share.revoke")

    return _audited(platform, actor, "share.revoke", _resource_of(request_id), work)


# -- reading ----------------------------------------------------------------------------------------

SCOPES = ("all", "mine", "awaiting")


def get_request(
    platform: Platform, actor: Principal, request_id: int, *, verify: bool = True, now: datetime | None = None
) -> RequestView:
    """One request the actor may see, with its decisions (each signature checked when `verify`)."""
    rid = check_id(request_id, "request_id")
    with platform.store.sessions() as session:
        row, entry = _load_visible(session, actor, rid)
        decisions = _decisions(session, rid)
        view = _view(session, row, entry, now=aware_now(now), decisions=decisions)
    if verify and decisions:
        checks = {c.decision_id: c.valid for c in _verify(platform, rid).decisions}
        view = _with_valid(view, checks)
    return view


def _with_valid(view: RequestView, checks: dict[int, bool]) -> RequestView:
    from dataclasses import replace

    return replace(view, decisions=tuple(replace(d, valid=checks.get(d.id, False)) for d in view.decisions))


def list_requests(
    platform: Platform,
    actor: Principal,
    *,
    scope: str = "all",
    status: str | None = None,
    limit: int = 100,
    now: datetime | None = None,
) -> list[RequestView]:
    """Requests the actor may see, newest first: ``mine`` (the own department's), ``awaiting`` (those
    waiting for a decision the actor may take) or ``all``."""
    if scope not in SCOPES:
        raise bad_field("scope", "share.reason_scope", allowed=", ".join(SCOPES))
    if status is not None and status not in (*REVIEW_STATES, "approved", "refused", "withdrawn", "revoked"):
        raise bad_field("status", "share.reason_status")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 < limit <= 1000:
        raise bad_field("limit", "access.reason_id")
    when = aware_now(now)
    query = select(ShareRequest, CatalogEntry).join(CatalogEntry, CatalogEntry.id == ShareRequest.entry_id)
    if status is not None:
        query = query.where(ShareRequest.status == status)
    if scope == "mine":
        query = query.where(ShareRequest.requester_department_id == (actor.department_id or -1))
    elif scope == "awaiting":
        query = query.where(ShareRequest.status.in_(REVIEW_STATES))
    out: list[RequestView] = []
    with platform.store.sessions() as session:
        for row, entry in session.execute(
            query.order_by(ShareRequest.id.desc()).execution_options(yield_per=500)
        ):
            if not _visible(actor, row, entry):
                continue
            if scope == "awaiting" and not _awaits(actor, row, entry):
                continue
            out.append(_view(session, row, entry, now=when))
            if len(out) >= limit:
                break
    return out


def awaits(actor: Principal, view: RequestView) -> str | None:
    """Which decision of this request the actor may take now (``authority``, ``provider``), if any;
    ``revoke`` for an approved request the actor may revoke. For the console's buttons: the service
    decides again."""
    own = actor.department_id == view.requester_department_id or (
        actor.user_id is not None and actor.user_id == view.requester_user_id
    )
    if own:
        return None
    provider = actor.can(Permission.GRANT_MANAGE) or (
        actor.can(Permission.GRANT_MANAGE_DEPT) and actor.department_id == view.provider_department_id
    )
    if view.status == "authority_review" and is_authority(actor):
        return "authority"
    checked = any(
        d.stage == "authority" and d.outcome == "pass" and d.actor_user_id == actor.user_id
        for d in view.decisions
    )
    if view.status == "provider_review" and provider and not checked:
        return "provider"
    if view.status == "approved" and (provider or is_authority(actor)):
        return "revoke"
    return None


# -- verification -----------------------------------------------------------------------------------


def _terms_match(row: ShareRequest, details: dict[str, Any]) -> bool:
    """Whether the approval terms stored on the request are those of the signed approval."""
    expiry = None if row.expires_at is None else aware(row.expires_at).isoformat()
    return (
        row.masking_profile == details.get("masking")
        and row.row_filter == details.get("row_filter")
        and expiry == details.get("expiry")
    )


def _verify(platform: Platform, rid: int) -> RequestVerification:
    with platform.store.sessions() as session:
        row = session.get(ShareRequest, rid)
        if row is None:
            raise NotFound("share.request_unknown", request=rid)
        items: list[tuple[ShareDecision, bytes | None]] = []
        for d in session.scalars(
            select(ShareDecision).where(ShareDecision.request_id == rid).order_by(ShareDecision.id)
        ):
            payload = None
            if d.document_version == DOCUMENT_VERSION:
                try:
                    payload = _document(
                        row,
                        dict(d.details or {}),
                        stage=d.stage,
                        outcome=d.outcome,
                        reasons=d.reasons,
                        decider=d.actor_name,
                        decided_at=aware(d.decided_at),
                    )
                except (ValueError, TypeError):
                    payload = None
            if d.outcome == "approve" and not _terms_match(row, dict(d.details or {})):
                payload = None  # the request no longer shows the terms the provider signed
            session.expunge(d)
            items.append((d, payload))
    checks: list[DecisionCheck] = []
    for d, payload in items:
        valid = False
        if payload is not None and sm3_hex(payload) == d.digest:
            valid = verify_stored(platform, signer=d.actor_name, key_id=d.key_id, user_id=d.actor_user_id,
                                  key_fingerprint=d.key_fingerprint, payload=payload, signature_hex=d.signature)
        checks.append(
            DecisionCheck(
                d.id, d.stage, d.outcome, d.actor_name, aware(d.decided_at), valid, d.key_fingerprint
            )
        )
    return RequestVerification(rid, tuple(checks))


def verify_request(platform: Platform, request_id: int) -> RequestVerification:
    """Re-encode every decision of the request from the stored rows and check its signature with the
    decider's public key (active or retired); NotFound for an unknown request."""
    return _verify(platform, check_id(request_id, "request_id"))


def request_verification(platform: Platform, actor: Principal, request_id: int) -> RequestVerification:
    """`verify_request` for whoever may see the request."""
    rid = check_id(request_id, "request_id")
    with platform.store.sessions() as session:
        _load_visible(session, actor, rid)
    return _verify(platform, rid)


# -- overdue reminders ------------------------------------------------------------------------------


def _recipients(session: Session, row: ShareRequest, entry: CatalogEntry) -> list[int]:
    """The people who must act on the request's current stage (active accounts)."""
    query = select(User.id).join(UserRole, UserRole.user_id == User.id).where(User.active.is_(True))
    if row.status == "authority_review":
        roots = select(Department.id).where(Department.parent_id.is_(None))
        query = query.where(UserRole.role == Role.SECADMIN.value, User.department_id.in_(roots))
    else:
        query = query.where(
            UserRole.role.in_([Role.DEPT_SECURITY_OFFICER.value, Role.STEWARD.value]),
            User.department_id == entry.provider_department_id,
        )
    wanted = {int(u) for u in session.scalars(query)}
    wanted.discard(row.requester_user_id or 0)
    return sorted(wanted)


def remind_overdue(platform: Platform, now: datetime | None = None) -> list[Reminder]:
    """Notify the people who must act on every request past its stage's deadline: once per working day
    per request (nothing on a day off), each reminder audited ``share.overdue``."""
    when = aware_now(now)
    times = share_times()
    calendar = times.calendar()
    today = cst_day(when)
    if not calendar.is_working_day(today):
        return []
    out: list[Reminder] = []
    with platform.store.sessions() as session:
        ids = list(
            session.scalars(
                select(ShareRequest.id)
                .where(
                    ShareRequest.status.in_(REVIEW_STATES),
                    ShareRequest.due_at.is_not(None),
                    ShareRequest.due_at < when,
                )
                .order_by(ShareRequest.id)
            )
        )
    from shuan.inventory.review_models import Notification

    for rid in ids:
        with platform.store.transaction() as session:
            row, entry = _load(session, rid, lock=True)
            due = None if row.due_at is None else aware(row.due_at)
            if row.status not in REVIEW_STATES or due is None or due >= when:
                continue
            if row.reminded_at is not None and cst_day(aware(row.reminded_at)) == today:
                continue
            recipients = _recipients(session, row, entry)
            stage = "authority" if row.status == "authority_review" else "provider"
            title = msg(
                "share.overdue_title", request=rid, entry=entry.name, stage=msg(f"share.stage_{stage}")
            )[:200]
            body = {"request": rid, "stage": stage, "due_at": due.isoformat(), "entry": entry.code}
            for user_id in recipients:
                session.add(
                    Notification(
                        user_id=user_id,
                        kind=NOTIFICATION_KIND,
                        title=title,
                        body=body,
                        source_record_id=None,
                        scan_id=None,
                        created_at=when,
                        read_at=None,
                    )
                )
            row.reminded_at = when
            platform.audit.record(
                session,
                Event(
                    action="share.overdue",
                    actor=SYSTEM,
                    resource=entry.resource_path,
                    details={
                        "request": rid,
                        "stage": stage,
                        "due_at": due.isoformat(),
                        "recipients": len(recipients),
                    },
                ),
                now=when,
            )
            out.append(Reminder(rid, stage, due, tuple(recipients)))
    return out


def scenario_label(scenario: str, lang: str = "zh") -> str:
    labels = SCENARIOS.get(scenario)
    if labels is None:
        return scenario
    return labels[1] if lang == "en" else labels[0]


__all__ = [
    "DEFAULT_MASKING",
    "NOTIFICATION_KIND",
    "SCOPES",
    "DecisionCheck",
    "DecisionView",
    "Reminder",
    "RequestVerification",
    "RequestView",
    "ShareTimes",
    "authority_check",
    "awaits",
    "get_request",
    "list_requests",
    "provider_review",
    "remind_overdue",
    "renew",
    "request_verification",
    "revoke",
    "scenario_label",
    "share_times",
    "submit",
    "verify_request",
    "withdraw",
]
