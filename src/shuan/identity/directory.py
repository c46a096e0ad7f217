"""Departments (a tree under the data authority) and user accounts with their roles.

Administration needs Permission.IDENTITY_MANAGE (系统管理员). The rules enforced here, not in front ends:
the root department is unique and cannot move; a move that would make a cycle is refused; nobody
changes their own roles or disables their own account; 三员分立 — no account holds two of
系统管理员/安全管理员/审计管理员; vendor staff (外包人员) need an agreement end date and stop
authenticating at it. New accounts get a one-time secret, never a password chosen by an administrator.
"""

from __future__ import annotations

from collections.abc import Iterable
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
) -> CreatedUser:
    """A new account with a one-time secret. Vendor staff (role 外包人员) need `vendor_until`."""
    now = now_or(now)

    def body(s: Session) -> CreatedUser:
        require(actor, Permission.IDENTITY_MANAGE)
        name = validate_username(username)
        display = validate_name(display_name, field="display_name")
        wanted = {parse_role(r) for r in roles}
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
        secret = new_one_time_secret()
        user = User(
            username=name,
            display_name=display,
            department_id=dept.id,
            active=True,
            vendor_name=vendor,
            vendor_until=until,
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
        for role in sorted(wanted):
            s.add(UserRole(user_id=user.id, role=role.value, granted_at=now, granted_by=actor.user_id))
        s.flush()
        record(platform, s, now, action="user.create", actor=actor, resource=user_resource(name),
               details={"user_id": user.id, "department_id": dept.id, "roles": sorted(r.value for r in wanted),
                        "vendor_until": until.isoformat() if until else None})
        return CreatedUser(user=user_info(s, user), one_time_secret=secret)

    return audited(platform, actor=actor, action="user.create", resource=user_resource(str(username)), now=now,
                   body=body)


def update_user(
    platform: Platform,
    *,
    actor: Principal,
    username: str,
    display_name: str | None = None,
    department_id: int | None = None,
    now: datetime | None = None,
) -> UserInfo:
    """Change a display name or move a user to another department."""
    now = now_or(now)

    def body(s: Session) -> UserInfo:
        require(actor, Permission.IDENTITY_MANAGE)
        user = load_user(s, username, lock=True)
        changes: dict[str, object] = {}
        if display_name is not None:
            display = validate_name(display_name, field="display_name")
            if display != user.display_name:
                changes["display_name"] = display
                user.display_name = display
        if department_id is not None and department_id != user.department_id:
            if user.id == actor.user_id:
                raise PermissionDenied("identity.self_admin")
            dept = _get_dept(s, department_id)
            changes["department_id"] = {"from": user.department_id, "to": dept.id}
            user.department_id = dept.id
        if not changes:
            raise Conflict("identity.no_change")
        record(platform, s, now, action="user.update", actor=actor, resource=user_resource(user.username),
               details=changes)
        return user_info(s, user)

    return audited(platform, actor=actor, action="user.update", resource=user_resource(username), now=now,
                   body=body)


def _set_active(platform: Platform, actor: Principal, username: str, active: bool, now: datetime) -> UserInfo:
    action = "user.enable" if active else "user.disable"

    def body(s: Session) -> UserInfo:
        require(actor, Permission.IDENTITY_MANAGE)
        user = load_user(s, username, lock=True)
        if user.id == actor.user_id:
            raise PermissionDenied("identity.self_admin")
        if user.active == active:
            raise Conflict("identity.already_enabled" if active else "identity.already_disabled")
        user.active = active
        details: dict[str, object] = {}
        if not active:
            details["sessions_ended"] = end_sessions(s, user.id, reason="disabled", now=now)
        record(platform, s, now, action=action, actor=actor, resource=user_resource(user.username), details=details)
        return user_info(s, user)

    return audited(platform, actor=actor, action=action, resource=user_resource(username), now=now, body=body)


def disable_user(platform: Platform, *, actor: Principal, username: str, now: datetime | None = None) -> UserInfo:
    """Disable an account: its sessions end and its tokens stop working (kept for the record)."""
    return _set_active(platform, actor, username, False, now_or(now))


def enable_user(platform: Platform, *, actor: Principal, username: str, now: datetime | None = None) -> UserInfo:
    return _set_active(platform, actor, username, True, now_or(now))


def assign_role(
    platform: Platform,
    *,
    actor: Principal,
    username: str,
    role: Role | str,
    vendor_until: datetime | None = None,
    now: datetime | None = None,
) -> UserInfo:
    """Give a user a role. Refused: own roles, a second 三员 role, 外包人员 without an agreement end."""
    now = now_or(now)

    def body(s: Session) -> UserInfo:
        require(actor, Permission.IDENTITY_MANAGE)
        wanted = parse_role(role)
        user = load_user(s, username, lock=True)
        if user.id == actor.user_id:
            raise PermissionDenied("identity.self_role")
        held = roles_of(s, user.id)
        if wanted in held:
            raise Conflict("identity.role_held", role=wanted.value)
        _check_exclusive(held | {wanted})
        details: dict[str, object] = {"role": wanted.value}
        if wanted is Role.VENDOR:
            if vendor_until is not None or user.vendor_until is None or user.vendor_until <= now:
                user.vendor_until = _check_vendor_until(vendor_until, now)
            details["vendor_until"] = user.vendor_until.isoformat()
        elif vendor_until is not None:
            raise InvalidInput("identity.vendor_role_missing")
        s.add(UserRole(user_id=user.id, role=wanted.value, granted_at=now, granted_by=actor.user_id))
        s.flush()
        record(platform, s, now, action="user.role_assign", actor=actor, resource=user_resource(user.username),
               details=details)
        return user_info(s, user)

    return audited(platform, actor=actor, action="user.role_assign", resource=user_resource(username), now=now,
                   body=body)


def remove_role(
    platform: Platform, *, actor: Principal, username: str, role: Role | str, now: datetime | None = None
) -> UserInfo:
    now = now_or(now)

    def body(s: Session) -> UserInfo:
        require(actor, Permission.IDENTITY_MANAGE)
        wanted = parse_role(role)
        user = load_user(s, username, lock=True)
        if user.id == actor.user_id:
            raise PermissionDenied("identity.self_role")
        if wanted not in roles_of(s, user.id):
            raise Conflict("identity.role_not_held", role=wanted.value)
        s.execute(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role == wanted.value))
        record(platform, s, now, action="user.role_remove", actor=actor, resource=user_resource(user.username),
               details={"role": wanted.value})
        return user_info(s, user)

    return audited(platform, actor=actor, action="user.role_remove", resource=user_resource(username), now=now,
                   body=body)


def set_vendor_agreement(
    platform: Platform,
    *,
    actor: Principal,
    username: str,
    vendor_until: datetime,
    vendor_name: str | None = None,
    now: datetime | None = None,
) -> UserInfo:
    """Extend or shorten a vendor account's agreement (to end it now, disable the account)."""
    now = now_or(now)

    def body(s: Session) -> UserInfo:
        require(actor, Permission.IDENTITY_MANAGE)
        user = load_user(s, username, lock=True)
        if Role.VENDOR not in roles_of(s, user.id):
            raise InvalidInput("identity.vendor_role_missing")
        until = _check_vendor_until(vendor_until, now)
        details: dict[str, object] = {
            "from": user.vendor_until.isoformat() if user.vendor_until else None,
            "to": until.isoformat(),
        }
        user.vendor_until = until
        if vendor_name is not None:
            user.vendor_name = validate_name(vendor_name, field="vendor_name")
            details["vendor_name"] = user.vendor_name
        record(platform, s, now, action="user.vendor_update", actor=actor, resource=user_resource(user.username),
               details=details)
        return user_info(s, user)

    return audited(platform, actor=actor, action="user.vendor_update", resource=user_resource(username), now=now,
                   body=body)


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

