"""Departments (a tree under the data authority) and user accounts with their roles.

Administration needs Permission.IDENTITY_MANAGE (系统管理员). The rules enforced here, not in front ends:
the root department is unique and cannot move; a move that would make a cycle is refused; nobody
changes their own roles or disables their own account; 三员分立 — no account holds two of
系统管理员/安全管理员/审计管理员, and changes to their accounts need a second person
(identity/dual_control.py); vendor staff (外包人员) need an agreement end date and stop
authenticating at it. New accounts get a one-time secret, never a password chosen by an administrator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shuan.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shuan.identity.common import (
    audited,
    department_path,
    end_sessions,
    field_label,
    load_user,
    now_or,
    parse_role,
    record,
    require,
    roles_of,
    user_resource,
    validate_name,
    validate_username,
)
from shuan.identity.dual_control import PendingRequest, RequestKind, defer, exclusive_of, guarded_roles
from shuan.identity.models import Department, User, UserRole
from shuan.identity.passwords import ONE_TIME_LIFETIME, hash_password, new_one_time_secret
from shuan.identity.principal import Principal
from shuan.identity.roles import EXCLUSIVE_ROLES, Permission, Role, role_label
from shuan.identity.stages import require_active
from shuan.messages import language
from shuan.platform import Platform


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    name: str
    parent_id: int | None
    is_authority: bool  # the root: the data authority (主管部门)
    path: tuple[int, ...]  # ids from the root to this department


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    department_id: int
    roles: tuple[Role, ...]
    active: bool
    vendor_name: str | None
    vendor_until: datetime | None
    totp_enabled: bool
    must_change_password: bool
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True)
class CreatedUser:
    """A new account and its one-time secret (show it once; it expires after ONE_TIME_LIFETIME)."""

    user: UserInfo
    one_time_secret: str = field(repr=False)


def _dept_resource(department_id: int | str) -> str:
    return f"dept:{department_id}"


def _dept_info(s: Session, dept: Department) -> DepartmentInfo:
    return DepartmentInfo(id=dept.id, name=dept.name, parent_id=dept.parent_id, is_authority=bool(dept.is_root),
                          path=department_path(s, dept.id))


def user_info(s: Session, user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        department_id=user.department_id,
        roles=tuple(sorted(roles_of(s, user.id))),
        active=user.active,
        vendor_name=user.vendor_name,
        vendor_until=user.vendor_until,
        totp_enabled=user.totp_enabled,
        must_change_password=user.must_change_password,
        locked_until=user.locked_until,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


def _get_dept(s: Session, department_id: int, *, lock: bool = False) -> Department:
    if not isinstance(department_id, int) or isinstance(department_id, bool):
        raise InvalidInput("identity.bad_id", field=field_label("department_id"))
    dept = s.get(Department, department_id, with_for_update=lock)
    if dept is None:
        raise NotFound("identity.department_not_found", department=department_id)
    return dept


def _sibling_exists(s: Session, parent_id: int | None, name: str, *, other_than: int | None = None) -> bool:
    stmt = select(Department.id).where(Department.parent_id == parent_id, Department.name == name)
    if other_than is not None:
        stmt = stmt.where(Department.id != other_than)
    return s.scalar(stmt.limit(1)) is not None


def _check_exclusive(roles: Iterable[Role]) -> None:
    """三员分立: at most one of the exclusive roles per account."""
    held = sorted(set(roles) & EXCLUSIVE_ROLES)
    if len(held) > 1:
        lang = language()
        raise Conflict("identity.exclusive_roles", roles="、".join(role_label(r, lang) for r in held))


def _check_vendor_until(vendor_until: datetime | None, now: datetime) -> datetime:
    if vendor_until is None:
        raise InvalidInput("identity.vendor_until_required")
    if not isinstance(vendor_until, datetime) or vendor_until.tzinfo is None:
        raise InvalidInput("identity.vendor_until_naive")
    if vendor_until <= now:
        raise InvalidInput("identity.vendor_until_past")
    return vendor_until


# -- departments ----------------------------------------------------------------------------------


def create_department(
    platform: Platform, *, actor: Principal, name: str, parent_id: int, now: datetime | None = None
) -> DepartmentInfo:
    """A department under `parent_id` (the root itself is created by bootstrap only)."""
    now = now_or(now)

    def body(s: Session) -> DepartmentInfo:
        require(actor, Permission.IDENTITY_MANAGE)
        clean = validate_name(name, field="department")
        parent = _get_dept(s, parent_id)
        if _sibling_exists(s, parent.id, clean):
            raise Conflict("identity.department_exists", name=clean)
        dept = Department(name=clean, parent_id=parent.id, is_root=None, created_at=now)
        s.add(dept)
        s.flush()
        record(platform, s, now, action="dept.create", actor=actor, resource=_dept_resource(dept.id),
               details={"name": clean, "parent_id": parent.id})
        return _dept_info(s, dept)

    return audited(platform, actor=actor, action="dept.create", resource=_dept_resource("new"), now=now, body=body)


def rename_department(
    platform: Platform, *, actor: Principal, department_id: int, name: str, now: datetime | None = None
) -> DepartmentInfo:
    now = now_or(now)

    def body(s: Session) -> DepartmentInfo:
        require(actor, Permission.IDENTITY_MANAGE)
        clean = validate_name(name, field="department")
        dept = _get_dept(s, department_id, lock=True)
        if _sibling_exists(s, dept.parent_id, clean, other_than=dept.id):
            raise Conflict("identity.department_exists", name=clean)
        old = dept.name
        dept.name = clean
        record(platform, s, now, action="dept.rename", actor=actor, resource=_dept_resource(dept.id),
               details={"from": old, "to": clean})
        return _dept_info(s, dept)

    return audited(platform, actor=actor, action="dept.rename", resource=_dept_resource(department_id), now=now,
                   body=body)


def move_department(
    platform: Platform, *, actor: Principal, department_id: int, parent_id: int, now: datetime | None = None
) -> DepartmentInfo:
    """Re-attach a department (with its subtree) under another; the root and cycles are refused."""
    now = now_or(now)

    def body(s: Session) -> DepartmentInfo:
        require(actor, Permission.IDENTITY_MANAGE)
        dept = _get_dept(s, department_id, lock=True)
        if dept.is_root:
            raise Conflict("identity.root_immovable")
        parent = _get_dept(s, parent_id)
        if dept.id in department_path(s, parent.id):
            raise Conflict("identity.department_cycle")
        if _sibling_exists(s, parent.id, dept.name, other_than=dept.id):
            raise Conflict("identity.department_exists", name=dept.name)
        old = dept.parent_id
        dept.parent_id = parent.id
        s.flush()
        record(platform, s, now, action="dept.move", actor=actor, resource=_dept_resource(dept.id),
               details={"from_parent": old, "to_parent": parent.id})
        return _dept_info(s, dept)

    return audited(platform, actor=actor, action="dept.move", resource=_dept_resource(department_id), now=now,
                   body=body)


def list_departments(platform: Platform) -> list[DepartmentInfo]:
    """The whole tree, parents before children (the directory is not secret inside the platform)."""
    with platform.store.sessions() as s:
        depts = list(s.scalars(select(Department).order_by(Department.id)))
        infos = [_dept_info(s, d) for d in depts]
    return sorted(infos, key=lambda d: (len(d.path), d.path))


def get_department(platform: Platform, *, department_id: int) -> DepartmentInfo:
    with platform.store.sessions() as s:
        return _dept_info(s, _get_dept(s, department_id))


# -- users --------------------------------------------------------------------------------------------
#
# Each change is a check (which refuses bad input and impossible changes) and an apply (which makes
# the change and records it). A change to a 三员 account is checked, then deferred as a request
# (identity/dual_control.py); the approval checks again against the state of that moment and applies.


def _when(value: object) -> datetime | None:
    """A datetime stored in a request's parameters (ISO text)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _via(request: Mapping[str, object] | None) -> dict[str, object]:
    return dict(request or {})


@dataclass(frozen=True)
class _NewUser:
    username: str
    display_name: str
    department_id: int
    roles: frozenset[Role]
    vendor_name: str | None
    vendor_until: datetime | None

    def params(self) -> dict[str, object]:
        return {"username": self.username, "display_name": self.display_name, "department_id": self.department_id,
                "roles": sorted(r.value for r in self.roles), "vendor_name": self.vendor_name,
                "vendor_until": _iso(self.vendor_until)}


def _check_new_user(
    s: Session,
    *,
    username: str,
    display_name: str,
    department_id: int,
    roles: Iterable[Role | str],
    vendor_name: str | None,
    vendor_until: datetime | None,
    now: datetime,
) -> _NewUser:
    name = validate_username(username)
    display = validate_name(display_name, field="display_name")
    wanted = frozenset(parse_role(r) for r in roles)
    _check_exclusive(wanted)
    vendor = validate_name(vendor_name, field="vendor_name") if vendor_name is not None else None
    until: datetime | None = None
    if Role.VENDOR in wanted:
        until = _check_vendor_until(vendor_until, now)
    elif vendor_until is not None or vendor is not None:
        raise InvalidInput("identity.vendor_role_missing")
    dept = _get_dept(s, department_id)
    if s.scalar(select(User.id).where(User.username == name)) is not None:
        raise Conflict("identity.user_exists", username=name)
    return _NewUser(name, display, dept.id, wanted, vendor, until)


def _insert_user(platform: Platform, s: Session, actor: Principal, new: _NewUser, now: datetime,
                 via: Mapping[str, object] | None = None) -> CreatedUser:
    secret = new_one_time_secret()
    user = User(
        username=new.username,
        display_name=new.display_name,
        department_id=new.department_id,
        active=True,
        vendor_name=new.vendor_name,
        vendor_until=new.vendor_until,
        password_hash=hash_password(secret),
        password_changed_at=now,
        must_change_password=True,
        one_time_expires_at=now + ONE_TIME_LIFETIME,
        failed_logins=0,
        lockout_count=0,
        created_at=now,
    )
    s.add(user)
    s.flush()
    for role in sorted(new.roles):
        s.add(UserRole(user_id=user.id, role=role.value, granted_at=now, granted_by=actor.user_id))
    s.flush()
    record(platform, s, now, action="user.create", actor=actor, resource=user_resource(new.username),
           details={"user_id": user.id, "department_id": new.department_id,
                    "roles": sorted(r.value for r in new.roles), "vendor_until": _iso(new.vendor_until),
                    **_via(via)})
    return CreatedUser(user=user_info(s, user), one_time_secret=secret)


def create_user(
    platform: Platform,
    *,
    actor: Principal,
    username: str,
    display_name: str,
    department_id: int,
    roles: Iterable[Role | str] = (),
    vendor_name: str | None = None,
    vendor_until: datetime | None = None,
    now: datetime | None = None,
) -> CreatedUser | PendingRequest:
    """A new account with a one-time secret. Vendor staff (role 外包人员) need `vendor_until`.

    An account with a 三员 role is only requested: the result is a PendingRequest, and the secret
    goes to whoever approves it (identity/admin_requests.py)."""
    now = now_or(now)

    def body(s: Session) -> CreatedUser | PendingRequest:
        require(actor, Permission.IDENTITY_MANAGE)
        new = _check_new_user(s, username=username, display_name=display_name, department_id=department_id,
                              roles=roles, vendor_name=vendor_name, vendor_until=vendor_until, now=now)
        concerns = exclusive_of(new.roles)
        if concerns:
            return defer(platform, s, actor=actor, kind=RequestKind.USER_CREATE, target_username=new.username,
                         target_user_id=None, params=new.params(), concerns=concerns, now=now)
        return _insert_user(platform, s, actor, new, now)

    return audited(platform, actor=actor, action="user.create", resource=user_resource(str(username)), now=now,
                   body=body)


def apply_user_create(platform: Platform, s: Session, *, actor: Principal, params: Mapping[str, object],
                      now: datetime, via: Mapping[str, object]) -> CreatedUser:
    """An approved creation (the approver receives the one-time secret)."""
    raw_roles = params.get("roles")
    vendor_name = params.get("vendor_name")
    new = _check_new_user(
        s,
        username=str(params.get("username")),
        display_name=str(params.get("display_name")),
        department_id=int(str(params.get("department_id"))),
        roles=[str(r) for r in raw_roles] if isinstance(raw_roles, list) else (),
        vendor_name=vendor_name if isinstance(vendor_name, str) else None,
        vendor_until=_when(params.get("vendor_until")),
        now=now,
    )
    return _insert_user(platform, s, actor, new, now, via)


def _check_update(s: Session, actor: Principal, user: User, display_name: str | None,
                  department_id: int | None) -> dict[str, object]:
    """The changes an update makes (refused if none)."""
    changes: dict[str, object] = {}
    if display_name is not None:
        display = validate_name(display_name, field="display_name")
        if display != user.display_name:
            changes["display_name"] = display
    if department_id is not None and department_id != user.department_id:
        if user.id == actor.user_id:
            raise PermissionDenied("identity.self_admin")
        changes["department_id"] = _get_dept(s, department_id).id
    if not changes:
        raise Conflict("identity.no_change")
    return changes


def _apply_update(platform: Platform, s: Session, actor: Principal, user: User, changes: Mapping[str, object],
                  now: datetime, via: Mapping[str, object] | None = None) -> UserInfo:
    details: dict[str, object] = {}
    display = changes.get("display_name")
    if isinstance(display, str):
        details["display_name"] = display
        user.display_name = display
    dept = changes.get("department_id")
    if isinstance(dept, int):
        details["department_id"] = {"from": user.department_id, "to": dept}
        user.department_id = dept
    s.flush()
    record(platform, s, now, action="user.update", actor=actor, resource=user_resource(user.username),
           details={**details, **_via(via)})
    return user_info(s, user)


def update_user(
    platform: Platform,
    *,
    actor: Principal,
    username: str,
    display_name: str | None = None,
    department_id: int | None = None,
    now: datetime | None = None,
) -> UserInfo | PendingRequest:
    """Change a display name or move a user to another department (a 三员 account's move is requested,
    with any name change made together with it)."""
    now = now_or(now)

    def body(s: Session) -> UserInfo | PendingRequest:
        require(actor, Permission.IDENTITY_MANAGE)
        user = load_user(s, username, lock=True)
        changes = _check_update(s, actor, user, display_name, department_id)
        concerns = guarded_roles(s, user.id)
        if concerns and "department_id" in changes:
            return defer(platform, s, actor=actor, kind=RequestKind.USER_UPDATE, target_username=user.username,
                         target_user_id=user.id, params=changes, concerns=concerns, now=now)
        return _apply_update(platform, s, actor, user, changes, now)

    return audited(platform, actor=actor, action="user.update", resource=user_resource(username), now=now,
                   body=body)


def apply_user_update(platform: Platform, s: Session, *, actor: Principal, user: User,
                      params: Mapping[str, object], now: datetime, via: Mapping[str, object]) -> UserInfo:
    display = params.get("display_name")
    dept = params.get("department_id")
    changes = _check_update(s, actor, user, display if isinstance(display, str) else None,
                            dept if isinstance(dept, int) else None)
    return _apply_update(platform, s, actor, user, changes, now, via)


def _check_active(actor: Principal, user: User, active: bool) -> None:
    if user.id == actor.user_id:
        raise PermissionDenied("identity.self_admin")
    if user.active == active:
        raise Conflict("identity.already_enabled" if active else "identity.already_disabled")


def _apply_active(platform: Platform, s: Session, actor: Principal, user: User, active: bool, now: datetime,
                  via: Mapping[str, object] | None = None) -> UserInfo:
    _check_active(actor, user, active)
    user.active = active
    details: dict[str, object] = {}
    if not active:
        details["sessions_ended"] = end_sessions(s, user.id, reason="disabled", now=now)
    record(platform, s, now, action="user.enable" if active else "user.disable", actor=actor,
           resource=user_resource(user.username), details={**details, **_via(via)})
    return user_info(s, user)


def _set_active(platform: Platform, actor: Principal, username: str, active: bool, now: datetime
                ) -> UserInfo | PendingRequest:
    action = "user.enable" if active else "user.disable"

    def body(s: Session) -> UserInfo | PendingRequest:
        require(actor, Permission.IDENTITY_MANAGE)
        user = load_user(s, username, lock=True)
        _check_active(actor, user, active)
        concerns = guarded_roles(s, user.id)
        if concerns:
            kind = RequestKind.USER_ENABLE if active else RequestKind.USER_DISABLE
            return defer(platform, s, actor=actor, kind=kind, target_username=user.username, target_user_id=user.id,
                         params={}, concerns=concerns, now=now)
        return _apply_active(platform, s, actor, user, active, now)

    return audited(platform, actor=actor, action=action, resource=user_resource(username), now=now, body=body)


def disable_user(platform: Platform, *, actor: Principal, username: str, now: datetime | None = None
                 ) -> UserInfo | PendingRequest:
    """Disable an account: its sessions end and its tokens stop working (kept for the record)."""
    return _set_active(platform, actor, username, False, now_or(now))


def enable_user(platform: Platform, *, actor: Principal, username: str, now: datetime | None = None
                ) -> UserInfo | PendingRequest:
    return _set_active(platform, actor, username, True, now_or(now))


def apply_user_active(platform: Platform, s: Session, *, actor: Principal, user: User, active: bool,
                      now: datetime, via: Mapping[str, object]) -> UserInfo:
    return _apply_active(platform, s, actor, user, active, now, via)


def _check_assign(user: User, held: frozenset[Role], wanted: Role, vendor_until: datetime | None,
                  now: datetime) -> datetime | None:
    """Refusals of a role assignment; returns the vendor agreement end to set (外包人员), if any."""
    if wanted in held:
        raise Conflict("identity.role_held", role=wanted.value)
    _check_exclusive(held | {wanted})
    if wanted is Role.VENDOR:
        if vendor_until is not None or user.vendor_until is None or user.vendor_until <= now:
            return _check_vendor_until(vendor_until, now)
        return None
    if vendor_until is not None:
        raise InvalidInput("identity.vendor_role_missing")
    return None


def _apply_assign(platform: Platform, s: Session, actor: Principal, user: User, wanted: Role,
                  vendor_until: datetime | None, now: datetime, via: Mapping[str, object] | None = None
                  ) -> UserInfo:
    until = _check_assign(user, roles_of(s, user.id), wanted, vendor_until, now)
    details: dict[str, object] = {"role": wanted.value}
    if until is not None:
        user.vendor_until = until
    if wanted is Role.VENDOR:
        details["vendor_until"] = _iso(user.vendor_until)
    s.add(UserRole(user_id=user.id, role=wanted.value, granted_at=now, granted_by=actor.user_id))
    s.flush()
    record(platform, s, now, action="user.role_assign", actor=actor, resource=user_resource(user.username),
           details={**details, **_via(via)})
    return user_info(s, user)


def assign_role(
    platform: Platform,
    *,
    actor: Principal,
    username: str,
    role: Role | str,
    vendor_until: datetime | None = None,
    now: datetime | None = None,
) -> UserInfo | PendingRequest:
    """Give a user a role. Refused: own roles, a second 三员 role, 外包人员 without an agreement end.
    A 三员 role, or any role for a 三员 account, is requested (PendingRequest)."""
    now = now_or(now)

    def body(s: Session) -> UserInfo | PendingRequest:
        require(actor, Permission.IDENTITY_MANAGE)
        wanted = parse_role(role)
        user = load_user(s, username, lock=True)
        if user.id == actor.user_id:
            raise PermissionDenied("identity.self_role")
        held = roles_of(s, user.id)
        until = _check_assign(user, held, wanted, vendor_until, now)
        concerns = exclusive_of(held | {wanted})
        if concerns:
            params = {"role": wanted.value, "vendor_until": _iso(until)}
            return defer(platform, s, actor=actor, kind=RequestKind.ROLE_ASSIGN, target_username=user.username,
                         target_user_id=user.id, params=params, concerns=concerns, now=now)
        return _apply_assign(platform, s, actor, user, wanted, vendor_until, now)

    return audited(platform, actor=actor, action="user.role_assign", resource=user_resource(username), now=now,
                   body=body)


def apply_role_assign(platform: Platform, s: Session, *, actor: Principal, user: User,
                      params: Mapping[str, object], now: datetime, via: Mapping[str, object]) -> UserInfo:
    return _apply_assign(platform, s, actor, user, parse_role(str(params.get("role"))),
                         _when(params.get("vendor_until")), now, via)


def _apply_remove(platform: Platform, s: Session, actor: Principal, user: User, wanted: Role, now: datetime,
                  via: Mapping[str, object] | None = None) -> UserInfo:
    if wanted not in roles_of(s, user.id):
        raise Conflict("identity.role_not_held", role=wanted.value)
    s.execute(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role == wanted.value))
    record(platform, s, now, action="user.role_remove", actor=actor, resource=user_resource(user.username),
           details={"role": wanted.value, **_via(via)})
    return user_info(s, user)


def remove_role(
    platform: Platform, *, actor: Principal, username: str, role: Role | str, now: datetime | None = None
) -> UserInfo | PendingRequest:
    """Take a role away; a 三员 role, or any role of a 三员 account, is requested (PendingRequest)."""
    now = now_or(now)

    def body(s: Session) -> UserInfo | PendingRequest:
        require(actor, Permission.IDENTITY_MANAGE)
        wanted = parse_role(role)
        user = load_user(s, username, lock=True)
        if user.id == actor.user_id:
            raise PermissionDenied("identity.self_role")
        held = roles_of(s, user.id)
        if wanted not in held:
            raise Conflict("identity.role_not_held", role=wanted.value)
        concerns = exclusive_of(held)
        if concerns:
            return defer(platform, s, actor=actor, kind=RequestKind.ROLE_REMOVE, target_username=user.username,
                         target_user_id=user.id, params={"role": wanted.value}, concerns=concerns, now=now)
        return _apply_remove(platform, s, actor, user, wanted, now)

    return audited(platform, actor=actor, action="user.role_remove", resource=user_resource(username), now=now,
                   body=body)


def apply_role_remove(platform: Platform, s: Session, *, actor: Principal, user: User,
                      params: Mapping[str, object], now: datetime, via: Mapping[str, object]) -> UserInfo:
    return _apply_remove(platform, s, actor, user, parse_role(str(params.get("role"))), now, via)


def _check_vendor(s: Session, user: User, vendor_until: datetime, vendor_name: str | None, now: datetime
                  ) -> tuple[datetime, str | None]:
    if Role.VENDOR not in roles_of(s, user.id):
        raise InvalidInput("identity.vendor_role_missing")
    until = _check_vendor_until(vendor_until, now)
    name = validate_name(vendor_name, field="vendor_name") if vendor_name is not None else None
    return until, name


def _apply_vendor(platform: Platform, s: Session, actor: Principal, user: User, vendor_until: datetime,
                  vendor_name: str | None, now: datetime, via: Mapping[str, object] | None = None) -> UserInfo:
    until, name = _check_vendor(s, user, vendor_until, vendor_name, now)
    details: dict[str, object] = {"from": _iso(user.vendor_until), "to": until.isoformat()}
    user.vendor_until = until
    if name is not None:
        user.vendor_name = name
        details["vendor_name"] = name
    record(platform, s, now, action="user.vendor_update", actor=actor, resource=user_resource(user.username),
           details={**details, **_via(via)})
    return user_info(s, user)


def set_vendor_agreement(
    platform: Platform,
    *,
    actor: Principal,
    username: str,
    vendor_until: datetime,
    vendor_name: str | None = None,
    now: datetime | None = None,
) -> UserInfo | PendingRequest:
    """Extend or shorten a vendor account's agreement (to end it now, disable the account)."""
    now = now_or(now)

    def body(s: Session) -> UserInfo | PendingRequest:
        require(actor, Permission.IDENTITY_MANAGE)
        user = load_user(s, username, lock=True)
        until, name = _check_vendor(s, user, vendor_until, vendor_name, now)
        concerns = guarded_roles(s, user.id)
        if concerns:
            return defer(platform, s, actor=actor, kind=RequestKind.VENDOR_UPDATE, target_username=user.username,
                         target_user_id=user.id, params={"vendor_until": until.isoformat(), "vendor_name": name},
                         concerns=concerns, now=now)
        return _apply_vendor(platform, s, actor, user, until, name, now)

    return audited(platform, actor=actor, action="user.vendor_update", resource=user_resource(username), now=now,
                   body=body)


def apply_vendor_update(platform: Platform, s: Session, *, actor: Principal, user: User,
                        params: Mapping[str, object], now: datetime, via: Mapping[str, object]) -> UserInfo:
    until = _when(params.get("vendor_until"))
    name = params.get("vendor_name")
    return _apply_vendor(platform, s, actor, user, until if until is not None else now,
                         name if isinstance(name, str) else None, now, via)


def get_user(platform: Platform, *, actor: Principal, username: str, now: datetime | None = None) -> UserInfo:
    """One account: identity administrators see anyone, everyone else only themselves.
    Reads are not audited; a refused read is."""
    now = now_or(now)

    def body(s: Session) -> UserInfo:
        require_active(s, actor, settings=platform.settings, now=now)
        name = validate_username(username)
        if name != actor.username and not actor.can(Permission.IDENTITY_MANAGE):
            raise PermissionDenied("identity.forbidden", permission=Permission.IDENTITY_MANAGE.value)
        return user_info(s, load_user(s, name))

    return audited(platform, actor=actor, action="user.read", resource=user_resource(username), now=now,
                   body=body)


def list_users(
    platform: Platform, *, actor: Principal, department_id: int | None = None, now: datetime | None = None
) -> list[UserInfo]:
    """Accounts, by username (identity administrators only)."""

    def body(s: Session) -> list[UserInfo]:
        require(actor, Permission.IDENTITY_MANAGE)
        stmt = select(User).order_by(User.username)
        if department_id is not None:
            stmt = stmt.where(User.department_id == department_id)
        return [user_info(s, u) for u in s.scalars(stmt)]

    return audited(platform, actor=actor, action="user.list", resource="user:*", now=now_or(now), body=body)

