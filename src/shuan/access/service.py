"""Access use cases: the protected-resource register, grants, approvals, revocations, audited decisions.

Front ends call these functions with an open `Platform` and the acting `Principal`. Every change
runs in one transaction with its audit event (fail-closed: no audit record, no change). Every
refusal — missing permission, guardrail, malformed field, unknown resource — raises a
`ShuanError` with a one-line message and leaves a ``denied`` (policy) or ``failure`` (malformed
input) audit event, written in its own transaction because the refused change never happens.

Who may do what:

* create or revoke a grant: `Permission.GRANT_MANAGE` anywhere (security administrator);
  `Permission.GRANT_MANAGE_DEPT` only on resources owned by the actor's own department (exactly
  that department). Nobody grants to themselves: a grant whose subject is the actor, the actor's
  department, or a department whose subtree holds the actor (with sub-departments) is refused.
* guardrails at creation (and again at every decision, see shuan.access.engine):
  三级 outside the owning department only with the data authority's approval — the grant is created
  awaiting approval when the caller asks for it (`await_authority=True`) and refused otherwise;
  二级 outside the owner only to departments on the resource's authorised list; the ``opening``
  scenario only on 一级; 一级 is free inside the platform.
* approve (the data authority): `Permission.GRANT_APPROVE_AUTHORITY` held by a member of the root
  department (department path of length 1), who is neither the grant's creator nor its subject. The
  approver signs the canonical approval document (shuan.access.approval) with their own SM2 key,
  which only their password opens (shuan.identity.signing); the signature is verified before the
  approval is committed, stored on the grant with the signing key's id and fingerprint, and
  `verify_grant_approval` checks it again at any time. An approval without a signature allows
  nothing.
* register a resource: the platform itself (`SYSTEM`, e.g. the inventory) or `GRANT_MANAGE` anywhere;
  `GRANT_MANAGE_DEPT` only below a source already registered to the own department (a steward
  cannot claim a top-level ``src:`` path: that would pre-empt its real owner). Raising a grade: the
  same; lowering one: only `SYSTEM` or `GRANT_MANAGE` (a steward could otherwise lower a grade to
  escape a guardrail).
* make a resource public: owner's `GRANT_MANAGE_DEPT` or `GRANT_MANAGE`, and only 一级 (three levels
  are folded: a public table with a 三级 column is not public).
* authorised departments of a 二级 resource: `GRANT_MANAGE` or the data authority.

Grants name registered resources only (a grant on a path the register does not hold — a typo, a
table that does not exist — is refused); decisions on an unregistered path below a registered one
(e.g. a column the inventory did not list) follow the nearest registered ancestor.

Subjects: a user (with the department path the caller looked up) or a department, optionally
with its sub-departments (`include_subdepartments`; off by default, least privilege).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from shuan.access.approval import VERSION as APPROVAL_VERSION
from shuan.access.approval import grant_document
from shuan.access.engine import (
    Decision,
    DecisionEngine,
    ResourceInfo,
    engine_for_store,
    fold_info,
    notify_changed,
)
from shuan.access.models import AccessGrant, AccessResource, AccessResourceDepartment, AccessVersion
from shuan.access.paths import ResourcePath, ancestors_of, bad_field, parse
from shuan.access.rules import (
    DEFAULT_SCENARIO,
    MAX_PURPOSE,
    MAX_REASON,
    SUBJECT_KINDS,
    Condition,
    aware,
    aware_now,
    check_action,
    check_actions,
    check_department_path,
    check_id,
    check_level,
    check_masking,
    check_row_filter,
    check_scenario,
    check_text,
    check_validity,
    inside_owner,
    row_filter_json,
)
from shuan.audit import guard
from shuan.audit.events import Event, Outcome
from shuan.audit.guard import show
from shuan.clock import utcnow
from shuan.crypto.keys.keyring import fingerprint
from shuan.crypto.sm3 import sm3_hex
from shuan.errors import Conflict, NotFound, PermissionDenied
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Permission
from shuan.identity.signing import active_key, sign_approval, verify_approval, verify_stored

if TYPE_CHECKING:
    from shuan.platform import Platform

MAX_AUTHORISED = 1000
#: the refusal parameters an access audit event may carry
_SAFE_PARAMS = frozenset({"grant", "owner", "level", "department"})
_audited = partial(guard.run_audited, safe_params=_SAFE_PARAMS)


# -- values handed to front ends ---------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Who a grant is for. `department_path` is root first: for a user, the path of the user's
    department; for a department, the department's own path (its id last)."""

    kind: str
    id: int
    department_path: tuple[int, ...]
    include_subdepartments: bool = False

    @classmethod
    def user(cls, user_id: int, department_path: Sequence[int]) -> Subject:
        return cls("user", user_id, tuple(department_path))

    @classmethod
    def department(cls, department_path: Sequence[int], *, include_subdepartments: bool = False) -> Subject:
        path = tuple(department_path)
        return cls("department", path[-1] if path else 0, path, include_subdepartments)

    def covers(self, principal: Principal) -> bool:
        """Whether a grant to this subject would apply to `principal`."""
        if self.kind == "user":
            return principal.user_id is not None and principal.user_id == self.id
        if principal.department_id == self.id:
            return True
        return self.include_subdepartments and self.id in principal.department_path


@dataclass(frozen=True)
class GrantView:
    id: int
    subject_kind: str
    subject_id: int
    include_subdepartments: bool
    subject_department_path: tuple[int, ...]
    resource: str
    actions: tuple[str, ...]
    purpose: str
    scenario: str
    row_filter: tuple[Condition, ...] | None
    masking_profile: str | None
    valid_from: datetime
    valid_until: datetime
    status: str
    created_at: datetime
    created_by: int | None
    authority_approved_by: int | None
    authority_approved_at: datetime | None
    revoked_at: datetime | None
    revoked_by: int | None
    revoke_reason: str | None
    approval_signer: str | None = None
    approval_key_fingerprint: str | None = None
    approval_signature: str | None = None

    @property
    def pending_authority(self) -> bool:
        return self.status == "pending_authority"

    def in_force(self, now: datetime | None = None) -> bool:
        when = aware(now or utcnow())
        return self.status == "active" and self.valid_from <= when < self.valid_until

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["row_filter"] = row_filter_json(self.row_filter)
        for k in ("valid_from", "valid_until", "created_at", "authority_approved_at", "revoked_at"):
            out[k] = None if out[k] is None else out[k].isoformat()
        out["actions"] = list(self.actions)
        out["subject_department_path"] = list(self.subject_department_path)
        return out


def _grant_view(row: AccessGrant) -> GrantView:
    return GrantView(
        id=int(row.id),
        subject_kind=row.subject_kind,
        subject_id=int(row.subject_id),
        include_subdepartments=bool(row.include_subdepartments),
        subject_department_path=tuple(int(d) for d in row.subject_department_path),
        resource=row.resource_path,
        actions=tuple(a for a in row.actions.split(",") if a),
        purpose=row.purpose,
        scenario=row.scenario,
        row_filter=check_row_filter(row.row_filter),
        masking_profile=row.masking_profile,
        valid_from=aware(row.valid_from),
        valid_until=aware(row.valid_until),
        status=row.status,
        created_at=aware(row.created_at),
        created_by=row.created_by,
        authority_approved_by=row.authority_approved_by,
        authority_approved_at=None if row.authority_approved_at is None else aware(row.authority_approved_at),
        revoked_at=None if row.revoked_at is None else aware(row.revoked_at),
        revoked_by=row.revoked_by,
        revoke_reason=row.revoke_reason,
        approval_signer=row.approval_signer,
        approval_key_fingerprint=row.approval_key_fingerprint,
        approval_signature=row.approval_signature,
    )


@dataclass(frozen=True)
class ApprovalCheck:
    """A grant's approval and whether its signature verifies (`valid`) against the signer's key."""

    grant_id: int
    approved: bool
    signed: bool
    valid: bool
    approver_id: int | None
    approver: str | None
    approved_at: datetime | None
    document_version: int | None
    key_id: int | None
    key_fingerprint: str | None
    signature: str | None
    digest: str | None  # SM3 of the canonical approval document, hex

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["approved_at"] = None if self.approved_at is None else self.approved_at.isoformat()
        return out


@dataclass(frozen=True)
class ResourceView:
    """A registered resource: its own entry and the effective values folded along the path."""

    path: str
    kind: str
    owner_department_id: int
    level: int | None  # as registered (None: inherits)
    public: bool
    authorised_departments: tuple[int, ...]
    effective_level: int
    effective_public: bool

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["authorised_departments"] = list(self.authorised_departments)
        return out


# -- plumbing ------------------------------------------------------------------------------------------


def engine_for(platform: Platform) -> DecisionEngine:
    """The decision engine of this platform's store (one per process and store)."""
    return engine_for_store(platform.store)


def _lock(session: Session) -> None:
    """Serialise access changes: lock the version row before reading the state a change depends on
    (PostgreSQL row lock; SQLite has one writer at a time anyway)."""
    session.execute(select(AccessVersion.version).where(AccessVersion.id == 1).with_for_update())


def _bump(session: Session) -> int:
    """Take the next access version inside the caller's transaction (locks the version row)."""
    done = session.execute(
        update(AccessVersion).where(AccessVersion.id == 1).values(version=AccessVersion.version + 1)
    )
    if getattr(done, "rowcount", 1) == 0:
        session.execute(insert(AccessVersion).values(id=1, version=1))
        return 1
    return int(session.scalar(select(AccessVersion.version).where(AccessVersion.id == 1)) or 0)


def resource_state(session: Session, path: str) -> tuple[ResourceInfo | None, dict[str, AccessResource]]:
    """The register's view of `path` read in the caller's transaction: folded info and own rows."""
    ancestors = ancestors_of(path)
    rows = {r.path: r for r in session.scalars(select(AccessResource).where(AccessResource.path.in_(ancestors)))}
    ids = [r.id for r in rows.values()]
    authorised: dict[int, set[int]] = {}
    if ids:
        for rid, dept in session.execute(
            select(AccessResourceDepartment.resource_id, AccessResourceDepartment.department_id).where(
                AccessResourceDepartment.resource_id.in_(ids)
            )
        ):
            authorised.setdefault(int(rid), set()).add(int(dept))
    below = session.scalar(
        select(func.max(AccessResource.level)).where(
            or_(AccessResource.path == path, AccessResource.path.startswith(path + "/", autoescape=True))
        )
    )
    found = [
        (p, r.owner_department_id, r.level, r.public, frozenset(authorised.get(r.id, ())))
        for p in ancestors
        if (r := rows.get(p)) is not None
    ]
    return fold_info(path, found, int(below or 0)), rows


def _resource_view(session: Session, path: str) -> ResourceView:
    info, rows = resource_state(session, path)
    row = rows.get(path)
    if row is None or info is None:
        raise NotFound("access.resource_unknown", resource=show(path))
    own = sorted(
        int(d)
        for d in session.scalars(
            select(AccessResourceDepartment.department_id).where(AccessResourceDepartment.resource_id == row.id)
        )
    )
    return ResourceView(
        path=row.path,
        kind=row.kind,
        owner_department_id=row.owner_department_id,
        level=row.level,
        public=bool(row.public),
        authorised_departments=tuple(own),
        effective_level=info.level,
        effective_public=info.public and info.level == 1,
    )


def _is_system(actor: Principal) -> bool:
    return actor == SYSTEM


def is_authority(actor: Principal) -> bool:
    return actor.can(Permission.GRANT_APPROVE_AUTHORITY) and len(actor.department_path) == 1


def _check_manage(actor: Principal, owner: int, resource: str) -> None:
    """GRANT_MANAGE anywhere; GRANT_MANAGE_DEPT only on the own department's resources."""
    if actor.can(Permission.GRANT_MANAGE):
        return
    if actor.can(Permission.GRANT_MANAGE_DEPT):
        if actor.department_id is not None and actor.department_id == owner:
            return
        raise PermissionDenied("access.not_owner_department", resource=show(resource), owner=owner)
    raise PermissionDenied("access.no_grant_permission")


def _check_subject(subject: object) -> Subject:
    if not isinstance(subject, Subject) or subject.kind not in SUBJECT_KINDS:
        raise bad_field("subject", "access.reason_subject")
    check_id(subject.id, "subject")
    path = check_department_path(subject.department_path, "subject.department_path")
    if not isinstance(subject.include_subdepartments, bool):
        raise bad_field("subject", "access.reason_subject")
    if subject.kind == "department" and path[-1] != subject.id:
        raise bad_field("subject.department_path", "access.reason_department_path")
    if subject.kind == "user" and subject.include_subdepartments:
        raise bad_field("subject", "access.reason_subject")
    return Subject(subject.kind, subject.id, path, subject.include_subdepartments)


def _subject_text(subject: object) -> str:
    if isinstance(subject, Subject):
        tail = "+" if subject.include_subdepartments else ""
        return f"{subject.kind}:{show(subject.id)}{tail}"
    return show(subject)


# -- the resource register ---------------------------------------------------------------------------


def register_resource(
    platform: Platform,
    actor: Principal,
    path: str,
    *,
    owner_department_id: int | None = None,
    level: int | None = None,
    now: datetime | None = None,
) -> ResourceView:
    """Register a source, table or column with its owner department and grade.

    `owner_department_id` may be left out under a registered ancestor (it is inherited, and must
    match when given); `level` may be left out under a registered ancestor with a grade (the column
    or table inherits). Registering the same path again with the same values returns it unchanged.
    """
    when = aware_now(now)

    def work() -> ResourceView:
        rp = parse(path)
        owner = None if owner_department_id is None else check_id(owner_department_id, "owner_department_id")
        grade = check_level(level, optional=True)
        if not (_is_system(actor) or actor.can(Permission.GRANT_MANAGE)):
            if not actor.can(Permission.GRANT_MANAGE_DEPT):
                raise PermissionDenied("access.no_resource_permission")
        with platform.store.transaction() as session:
            _lock(session)
            info, rows = resource_state(session, rp.path)
            existing = rows.get(rp.path)
            inherited = None if info is None else info.owner_department_id
            if owner is None:
                if inherited is None:
                    raise bad_field("owner_department_id", "access.reason_owner_required")
                owner = inherited
            if not (_is_system(actor) or actor.can(Permission.GRANT_MANAGE)):
                if actor.department_id != owner:
                    raise PermissionDenied("access.not_owner_department", resource=rp.path, owner=owner)
                if rp.kind == "source" or inherited is None:
                    # a steward registers tables and columns under a source its department owns,
                    # never a source (nor anything below an unregistered one): that would claim it
                    raise PermissionDenied("access.register_source", resource=rp.path)
            if existing is not None:
                if existing.owner_department_id == owner and existing.level == grade:
                    return _resource_view(session, rp.path)
                raise Conflict("access.resource_exists", resource=rp.path)
            if inherited is not None and inherited != owner:
                raise Conflict("access.owner_mismatch", resource=rp.path, owner=inherited)
            other = session.scalar(
                select(AccessResource.owner_department_id).where(
                    AccessResource.path.startswith(rp.path + "/", autoescape=True),
                    AccessResource.owner_department_id != owner,
                )
            )
            if other is not None:
                raise Conflict("access.owner_mismatch", resource=rp.path, owner=other)
            _require_grade(rp, grade, rows)
            seq = _bump(session)
            session.add(
                AccessResource(
                    path=rp.path,
                    kind=rp.kind,
                    owner_department_id=owner,
                    level=grade,
                    public=False,
                    created_at=when,
                    created_by=actor.user_id,
                    updated_at=when,
                    change_seq=seq,
                )
            )
            session.flush()
            platform.audit.record(
                session,
                Event(
                    action="resource.register",
                    actor=actor,
                    resource=rp.path,
                    details={"kind": rp.kind, "owner": owner, "level": grade},
                ),
                now=when,
            )
            view = _resource_view(session, rp.path)
        notify_changed(platform.store)
        return view

    return _audited(platform, actor, "resource.register", path, work, details={"owner": owner_department_id})


def _require_grade(rp: ResourcePath, grade: int | None, rows: dict[str, AccessResource]) -> None:
    """A source needs a grade; a table or column may inherit one from a registered ancestor."""
    if grade is not None:
        return
    if any(r.level is not None for p, r in rows.items() if p != rp.path):
        return
    raise bad_field("level", "access.reason_level_required")


def set_resource_level(
    platform: Platform, actor: Principal, path: str, level: int | None, *, now: datetime | None = None
) -> ResourceView:
    """Change a registered resource's grade (None: inherit). Lowering needs SYSTEM or GRANT_MANAGE."""
    when = aware_now(now)

    def work() -> ResourceView:
        rp = parse(path)
        grade = check_level(level, optional=True)
        with platform.store.transaction() as session:
            _lock(session)
            before, rows = resource_state(session, rp.path)
            row = rows.get(rp.path)
            if row is None or before is None:
                raise NotFound("access.resource_unknown", resource=rp.path)
            privileged = _is_system(actor) or actor.can(Permission.GRANT_MANAGE)
            if not privileged:
                _check_manage(actor, row.owner_department_id, rp.path)
            _require_grade(rp, grade, rows)
            old = row.level
            row.level = grade
            session.flush()
            after, _ = resource_state(session, rp.path)
            lowered = (grade or 0) < (old or 0) or (after is not None and after.level < before.level)
            if lowered and not privileged:
                raise PermissionDenied("access.lower_level", resource=rp.path)
            row.change_seq = _bump(session)
            row.updated_at = when
            platform.audit.record(
                session,
                Event(
                    action="resource.level",
                    actor=actor,
                    resource=rp.path,
                    details={"from": old, "to": grade, "effective": None if after is None else after.level},
                ),
                now=when,
            )
            view = _resource_view(session, rp.path)
        notify_changed(platform.store)
        return view

    return _audited(platform, actor, "resource.level", path, work, details={"to": show(level)})


def set_resource_public(
    platform: Platform, actor: Principal, path: str, public: bool, *, now: datetime | None = None
) -> ResourceView:
    """Open a 一级 resource to every signed-in user for reading (or close it). 二级/三级: refused."""
    when = aware_now(now)

    def work() -> ResourceView:
        rp = parse(path)
        if not isinstance(public, bool):
            raise bad_field("public", "access.reason_bool")
        with platform.store.transaction() as session:
            _lock(session)
            info, rows = resource_state(session, rp.path)
            row = rows.get(rp.path)
            if row is None or info is None:
                raise NotFound("access.resource_unknown", resource=rp.path)
            if not _is_system(actor):
                _check_manage(actor, row.owner_department_id, rp.path)
            if public and info.level > 1:
                raise PermissionDenied("access.public_level", resource=rp.path, level=info.level)
            row.public = public
            row.change_seq = _bump(session)
            row.updated_at = when
            platform.audit.record(
                session,
                Event(action="resource.public", actor=actor, resource=rp.path, details={"public": public}),
                now=when,
            )
            view = _resource_view(session, rp.path)
        notify_changed(platform.store)
        return view

    return _audited(platform, actor, "resource.public", path, work, details={"public": show(public)})


def set_authorised_departments(
    platform: Platform,
    actor: Principal,
    path: str,
    department_ids: Iterable[int],
    *,
    now: datetime | None = None,
) -> ResourceView:
    """Replace the list of departments that may receive this 二级 resource outside its owner."""
    when = aware_now(now)

    def work() -> ResourceView:
        rp = parse(path)
        if isinstance(department_ids, str | bytes) or not isinstance(department_ids, Iterable):
            raise bad_field("department_ids", "access.reason_department_path")
        ids = sorted({check_id(d, "department_ids") for d in department_ids})
        if len(ids) > MAX_AUTHORISED:
            raise bad_field("department_ids", "access.reason_department_path")
        if not (actor.can(Permission.GRANT_MANAGE) or is_authority(actor)):
            raise PermissionDenied("access.authorise_permission")
        with platform.store.transaction() as session:
            _lock(session)
            _, rows = resource_state(session, rp.path)
            row = rows.get(rp.path)
            if row is None:
                raise NotFound("access.resource_unknown", resource=rp.path)
            session.execute(delete(AccessResourceDepartment).where(AccessResourceDepartment.resource_id == row.id))
            if ids:
                session.execute(
                    insert(AccessResourceDepartment), [{"resource_id": row.id, "department_id": d} for d in ids]
                )
            row.change_seq = _bump(session)
            row.updated_at = when
            platform.audit.record(
                session,
                Event(action="resource.authorise", actor=actor, resource=rp.path, details={"departments": ids}),
                now=when,
            )
            view = _resource_view(session, rp.path)
        notify_changed(platform.store)
        return view

    return _audited(platform, actor, "resource.authorise", path, work)


def get_resource(platform: Platform, path: str) -> ResourceView:
    """A registered resource with its effective grade (NotFound when not registered)."""
    rp = parse(path)
    with platform.store.sessions() as session:
        return _resource_view(session, rp.path)


# -- grants ------------------------------------------------------------------------------------------


def create_grant(
    platform: Platform,
    actor: Principal,
    *,
    subject: Subject,
    resource: str,
    actions: Iterable[str],
    purpose: str,
    valid_until: datetime,
    scenario: str = DEFAULT_SCENARIO,
    valid_from: datetime | None = None,
    row_filter: Sequence[Any] | None = None,
    masking_profile: str | None = None,
    await_authority: bool = False,
    now: datetime | None = None,
) -> GrantView:
    """Grant `subject` the `actions` on registered `resource` for `purpose`, from `valid_from`
    (default now) until `valid_until`. A 三级 grant outside the owning department is refused unless
    `await_authority` is set; it is then created awaiting the data authority's approval
    (`approve_grant`) and allows nothing until approved."""
    when = aware_now(now)

    def work() -> GrantView:
        if not (actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)):
            raise PermissionDenied("access.no_grant_permission")
        rp = parse(resource)
        subj = _check_subject(subject)
        acts = check_actions(actions)
        text = check_text(purpose, "purpose", MAX_PURPOSE, required=True)
        scen = check_scenario(scenario)
        start, end = check_validity(when if valid_from is None else valid_from, valid_until, when)
        conditions = check_row_filter(row_filter)
        masking = check_masking(masking_profile)
        if not isinstance(await_authority, bool):
            raise bad_field("await_authority", "access.reason_bool")
        if subj.kind == "user" and actor.user_id is not None and subj.id == actor.user_id:
            raise PermissionDenied("access.self_grant")
        if subj.kind == "department" and (
            subj.id == actor.department_id or (subj.include_subdepartments and subj.id in actor.department_path)
        ):
            raise PermissionDenied("access.self_grant")
        with platform.store.transaction() as session:
            _lock(session)
            info, rows = resource_state(session, rp.path)
            if info is None or rp.path not in rows:  # grants name registered resources only
                raise NotFound("access.resource_unknown", resource=rp.path)
            _check_manage(actor, info.owner_department_id, rp.path)
            inside = inside_owner(
                info.owner_department_id, subj.department_path, subtree=subj.include_subdepartments
            )
            status = "active"
            if scen == "opening" and info.level > 1:
                raise PermissionDenied("access.opening_level", resource=rp.path, level=info.level)
            if not inside and info.level == 2 and not (info.authorised & set(subj.department_path)):
                raise PermissionDenied("access.level2_unauthorised", resource=rp.path, department=subj.id)
            if not inside and info.level == 3:
                if not await_authority:
                    raise PermissionDenied("access.level3_needs_authority", resource=rp.path)
                status = "pending_authority"
            seq = _bump(session)
            row = AccessGrant(
                subject_kind=subj.kind,
                subject_id=subj.id,
                include_subdepartments=subj.include_subdepartments,
                subject_department_path=list(subj.department_path),
                resource_path=rp.path,
                actions=",".join(sorted(acts)),
                purpose=text,
                scenario=scen,
                row_filter=row_filter_json(conditions),
                masking_profile=masking,
                valid_from=start,
                valid_until=end,
                status=status,
                created_at=when,
                created_by=actor.user_id,
                change_seq=seq,
            )
            session.add(row)
            session.flush()
            platform.audit.record(
                session,
                Event(
                    action="grant.create",
                    actor=actor,
                    resource=rp.path,
                    purpose=text,
                    details={
                        "grant": row.id,
                        "subject": _subject_text(subj),
                        "actions": sorted(acts),
                        "scenario": scen,
                        "level": info.level,
                        "owner": info.owner_department_id,
                        "status": status,
                        "valid_from": start.isoformat(),
                        "valid_until": end.isoformat(),
                        "masking_profile": masking,
                        "row_filter": conditions is not None,
                    },
                    sensitive={"row_filter": json.dumps(row_filter_json(conditions), ensure_ascii=False)}
                    if conditions
                    else {},
                ),
                now=when,
            )
            view = _grant_view(row)
        notify_changed(platform.store)
        return view

    return _audited(
        platform,
        actor,
        "grant.create",
        resource,
        work,
        purpose=purpose,
        details={"subject": _subject_text(subject)},
    )


def _approvable(row: AccessGrant | None, approver: Principal, gid: int) -> AccessGrant:
    """The grant `approver` may approve now; refusals as in the module doc."""
    if row is None:
        raise NotFound("access.grant_unknown", grant=gid)
    if row.status == "revoked":
        raise Conflict("access.grant_revoked", grant=gid)
    if row.authority_approved_by is not None and row.approval_signature:
        raise Conflict("access.grant_approved", grant=gid)
    if row.created_by is not None and row.created_by == approver.user_id:
        raise PermissionDenied("access.approve_own", grant=gid)
    subject = Subject(
        row.subject_kind,
        row.subject_id,
        tuple(row.subject_department_path),
        bool(row.include_subdepartments),
    )
    if subject.covers(approver):
        raise PermissionDenied("access.approve_self", grant=gid)
    return row


def approve_grant(
    platform: Platform,
    approver: Principal,
    grant_id: int,
    *,
    signing_password: str,
    now: datetime | None = None,
) -> GrantView:
    """The data authority's signed approval of a grant (required for 三级 outside the owner).

    The approver's own SM2 key, opened with `signing_password`, signs the canonical approval
    document (shuan.access.approval). A wrong password is an AuthError (and counts toward the
    approver's lockout, see shuan.identity.signing). The signature is verified against the
    approver's key inside the committing transaction, after the grant is read again: if the grant
    changed in between, the approval is refused (Conflict) and nothing is recorded as approved."""
    when = aware_now(now)

    def work() -> GrantView:
        gid = check_id(grant_id, "grant_id")
        if not is_authority(approver):
            raise PermissionDenied("access.not_authority")
        if not isinstance(signing_password, str) or not signing_password:
            raise bad_field("signing_password", "access.reason_empty")
        # 1. everything is checked before the key is opened (no password attempt for a refused approval)
        with platform.store.sessions() as session:
            row = _approvable(session.get(AccessGrant, gid), approver, gid)
            payload = grant_document(row, approver=approver.username, approved_at=when)
        # 2. sign (own transactions: audited, counts wrong passwords toward lockout)
        signature = sign_approval(platform, actor=approver, password=signing_password, payload=payload, now=when)
        # 3. verify and commit
        assert approver.user_id is not None  # noqa: S101 - sign_approval refuses a principal without a user
        with platform.store.transaction() as session:
            _lock(session)
            row = _approvable(session.get(AccessGrant, gid), approver, gid)
            if grant_document(row, approver=approver.username, approved_at=when) != payload:
                raise Conflict("access.grant_changed", grant=gid)
            key = active_key(session, approver.user_id)
            if key is None or not verify_approval(key.public_key, payload, signature):
                raise Conflict("access.approval_unverified", grant=gid)
            row.authority_approved_by = approver.user_id
            row.authority_approved_at = when
            row.approval_version = APPROVAL_VERSION
            row.approval_signer = approver.username
            row.approval_key_id = key.id
            row.approval_key_fingerprint = fingerprint(key.public_key)
            row.approval_signature = signature.hex()
            previous = row.status
            row.status = "active"
            row.change_seq = _bump(session)
            platform.audit.record(
                session,
                Event(
                    action="grant.approve",
                    actor=approver,
                    resource=row.resource_path,
                    purpose=row.purpose,
                    details={
                        "grant": gid,
                        "from": previous,
                        "created_by": row.created_by,
                        "document_version": APPROVAL_VERSION,
                        "digest": sm3_hex(payload),
                        "signature": signature.hex(),
                        "key_id": key.id,
                        "key_fingerprint": row.approval_key_fingerprint,
                    },
                ),
                now=when,
            )
            view = _grant_view(row)
        notify_changed(platform.store)
        return view

    return _audited(platform, approver, "grant.approve", f"grant:{show(grant_id)}", work)


def _approval_check(platform: Platform, gid: int) -> ApprovalCheck:
    """Re-encode the approval document from the stored grant and check its signature with the
    signer's public key as the identity part keeps it (`signing_keys`: active and retired keys)."""
    with platform.store.sessions() as session:
        row = session.get(AccessGrant, gid)
        if row is None:
            raise NotFound("access.grant_unknown", grant=gid)
        signer, key_id, stored_print = row.approval_signer, row.approval_key_id, row.approval_key_fingerprint
        approver_id, approved_at = row.authority_approved_by, row.authority_approved_at
        signature_hex, version = row.approval_signature, row.approval_version
        signed = bool(
            approver_id is not None and approved_at is not None and signature_hex and signer and key_id is not None
        )
        payload = None
        if signed and version == APPROVAL_VERSION:
            assert signer is not None and approved_at is not None  # noqa: S101 - `signed` checked them
            payload = grant_document(row, approver=signer, approved_at=approved_at)
    valid = False
    if payload is not None and signer is not None and signature_hex is not None:
        valid = verify_stored(platform, signer=signer, key_id=key_id, user_id=approver_id,
                              key_fingerprint=stored_print, payload=payload, signature_hex=signature_hex)
    return ApprovalCheck(
        grant_id=gid,
        approved=approver_id is not None,
        signed=signed,
        valid=valid,
        approver_id=approver_id,
        approver=signer,
        approved_at=None if approved_at is None else aware(approved_at),
        document_version=version,
        key_id=key_id,
        key_fingerprint=stored_print,
        signature=signature_hex,
        digest=None if payload is None else sm3_hex(payload),
    )


def verify_grant_approval(platform: Platform, grant_id: int) -> bool:
    """True when the grant carries an approval whose signature verifies: the stored document fields
    re-encoded, checked with the signer's public key (NotFound for an unknown grant)."""
    return _approval_check(platform, check_id(grant_id, "grant_id")).valid


def grant_approval(platform: Platform, actor: Principal, grant_id: int) -> ApprovalCheck:
    """A grant's approval and its verification, for whoever may see the grant (see `get_grant`)."""
    get_grant(platform, actor, grant_id)
    return _approval_check(platform, grant_id)


def revoke_grant(
    platform: Platform,
    actor: Principal,
    grant_id: int,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> GrantView:
    """Revoke a grant (from now on it never allows)."""
    when = aware_now(now)

    def work() -> GrantView:
        gid = check_id(grant_id, "grant_id")
        why = check_text(reason, "reason", MAX_REASON, required=False)
        if not (actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)):
            raise PermissionDenied("access.no_grant_permission")
        with platform.store.transaction() as session:
            _lock(session)
            row = session.get(AccessGrant, gid)
            if row is None:
                raise NotFound("access.grant_unknown", grant=gid)
            info, _ = resource_state(session, row.resource_path)
            if info is None:
                if not actor.can(Permission.GRANT_MANAGE):
                    raise PermissionDenied("access.no_grant_permission")
            else:
                _check_manage(actor, info.owner_department_id, row.resource_path)
            if row.status == "revoked":
                raise Conflict("access.grant_revoked", grant=gid)
            row.status = "revoked"
            row.revoked_at = when
            row.revoked_by = actor.user_id
            row.revoke_reason = why or None
            row.change_seq = _bump(session)
            platform.audit.record(
                session,
                Event(
                    action="grant.revoke",
                    actor=actor,
                    resource=row.resource_path,
                    details={"grant": gid, "reason": why},
                ),
                now=when,
            )
            view = _grant_view(row)
        notify_changed(platform.store)
        return view

    return _audited(platform, actor, "grant.revoke", f"grant:{show(grant_id)}", work)


def _visible(actor: Principal, row: AccessGrant, engine: DecisionEngine) -> bool:
    """Whether `actor` may see the grant. Reads the engine's loaded register only (the caller
    refreshes it first with `ensure_fresh`): this runs inside the caller's session."""
    if actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.AUDIT_READ):
        return True
    subject = Subject(row.subject_kind, row.subject_id, (), bool(row.include_subdepartments))
    if subject.covers(actor):
        return True
    if actor.can(Permission.GRANT_MANAGE_DEPT) and actor.department_id is not None:
        info = engine.cached_info(row.resource_path)
        return info is not None and info.owner_department_id == actor.department_id
    return False


def get_grant(platform: Platform, actor: Principal, grant_id: int) -> GrantView:
    """One grant, if the actor may see it (managers, auditors, its subject); NotFound otherwise."""
    gid = check_id(grant_id, "grant_id")
    engine_for(platform).ensure_fresh()
    with platform.store.sessions() as session:
        row = session.get(AccessGrant, gid)
        if row is None or not _visible(actor, row, engine_for(platform)):
            raise NotFound("access.grant_unknown", grant=gid)
        return _grant_view(row)


def list_grants(
    platform: Platform,
    actor: Principal,
    *,
    resource: str | None = None,
    include_children: bool = False,
    subject_kind: str | None = None,
    subject_id: int | None = None,
    include_revoked: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[GrantView]:
    """Grants the actor may see, newest first, optionally for one resource (and below) or subject."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 < limit <= 1000:
        raise bad_field("limit", "access.reason_id")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise bad_field("offset", "access.reason_id")
    query = select(AccessGrant).order_by(AccessGrant.id.desc())
    if resource is not None:
        path = parse(resource).path
        cond = AccessGrant.resource_path == path
        if include_children:
            cond = or_(cond, AccessGrant.resource_path.startswith(path + "/", autoescape=True))
        query = query.where(cond)
    if subject_kind is not None:
        if subject_kind not in SUBJECT_KINDS:
            raise bad_field("subject_kind", "access.reason_subject")
        query = query.where(AccessGrant.subject_kind == subject_kind)
    if subject_id is not None:
        query = query.where(AccessGrant.subject_id == check_id(subject_id, "subject_id"))
    if not include_revoked:
        query = query.where(AccessGrant.status != "revoked")
    engine = engine_for(platform)
    engine.ensure_fresh()
    out: list[GrantView] = []
    skipped = 0
    with platform.store.sessions() as session:
        for row in session.scalars(query.execution_options(yield_per=500)):
            if not _visible(actor, row, engine):
                continue
            if skipped < offset:
                skipped += 1
                continue
            out.append(_grant_view(row))
            if len(out) >= limit:
                break
    return out


# -- decisions -------------------------------------------------------------------------------------


def decide(
    platform: Platform,
    principal: Principal,
    resource_path: str,
    action: str,
    *,
    purpose: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """A decision without an audit record (the caller that performs the access records it).

    `purpose` is the usage scenario the access is for; None decides for ``business``, so only grants
    made for business use can allow it."""
    return engine_for(platform).decide(principal, resource_path, action, purpose=purpose, now=now)


def _decision_event(
    action: str, actor: Principal, decision: Decision, purpose: str | None, extra: dict[str, Any]
) -> Event:
    return Event(
        action=action,
        actor=actor,
        outcome=Outcome.SUCCESS if decision.allowed else Outcome.DENIED,
        resource=show(decision.resource),
        purpose=show(purpose) if purpose else "",
        details={
            "action": show(decision.action),
            "scenario": DEFAULT_SCENARIO if purpose is None else show(purpose),
            "rule": decision.rule,
            "detail": decision.detail,
            "grant": decision.grant_id,
            "level": decision.level,
            **extra,
        },
    )


def decide_and_record(
    platform: Platform,
    principal: Principal,
    resource_path: str,
    action: str,
    *,
    purpose: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """Decide and append an ``access.decide`` event (own transaction). If the event cannot be
    written, AuditError is raised and no decision is returned (fail-closed)."""
    decision = decide(platform, principal, resource_path, action, purpose=purpose, now=now)
    with platform.store.transaction() as session:
        platform.audit.record(session, _decision_event("access.decide", principal, decision, purpose, {}), now=now)
    return decision


def query_decision(
    platform: Platform,
    actor: Principal,
    subject: Principal,
    resource_path: str,
    action: str,
    *,
    purpose: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """What would the engine decide for `subject`? Oneself: anyone; someone else: DECISION_QUERY,
    and outside the own department only with GRANT_MANAGE. Audited as ``access.query``."""

    def work() -> Decision:
        self_query = actor.user_id is not None and actor.user_id == subject.user_id
        if not self_query:
            if not actor.can(Permission.DECISION_QUERY):
                raise PermissionDenied("access.query_permission")
            same_dept = actor.department_id is not None and (
                actor.department_id == subject.department_id or actor.department_id in subject.department_path
            )
            if not (actor.can(Permission.GRANT_MANAGE) or same_dept):
                raise PermissionDenied("access.query_permission")
        check_action(action)
        decision = decide(platform, subject, resource_path, action, purpose=purpose, now=now)
        with platform.store.transaction() as session:
            platform.audit.record(
                session,
                _decision_event("access.query", actor, decision, purpose, {"subject": subject.user_id}),
                now=now,
            )
        return decision

    return _audited(platform, actor, "access.query", resource_path, work, details={"subject": subject.user_id})


__all__ = [
    "ApprovalCheck",
    "GrantView",
    "ResourceView",
    "Subject",
    "approve_grant",
    "create_grant",
    "decide",
    "decide_and_record",
    "engine_for",
    "get_grant",
    "get_resource",
    "grant_approval",
    "list_grants",
    "query_decision",
    "register_resource",
    "revoke_grant",
    "set_authorised_departments",
    "set_resource_level",
    "set_resource_public",
    "verify_grant_approval",
]
