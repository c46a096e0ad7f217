"""First run: the data authority (root department) and the first system administrator.

There is no default account or password. Bootstrapping creates the administrator with a random
one-time secret, shown once, stored only as an argon2id hash, valid for ONE_TIME_LIFETIME and to be
replaced at the first login (then TOTP must be enrolled: 系统管理员 requires it). It is refused once
any user or department exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuan.errors import Conflict
from shuan.identity.common import (
    audited,
    now_or,
    record,
    safe_text,
    user_resource,
    validate_name,
    validate_username,
)
from shuan.identity.directory import DepartmentInfo, UserInfo, user_info
from shuan.identity.models import Department, User, UserRole
from shuan.identity.passwords import ONE_TIME_LIFETIME, hash_password, new_one_time_secret
from shuan.identity.principal import SYSTEM
from shuan.identity.roles import Role
from shuan.platform import Platform


@dataclass(frozen=True)
class BootstrapResult:
    department: DepartmentInfo
    admin: UserInfo
    one_time_secret: str = field(repr=False)  # show once


def needs_bootstrap(platform: Platform) -> bool:
    with platform.store.sessions() as s:
        return not s.scalar(select(func.count()).select_from(User)) and not s.scalar(
            select(func.count()).select_from(Department)
        )


def bootstrap(
    platform: Platform,
    *,
    authority_name: str,
    admin_username: str,
    admin_display_name: str | None = None,
    client: str | None = None,
    now: datetime | None = None,
) -> BootstrapResult:
    """Create the root department and a 系统管理员 with a one-time secret; Conflict if already done."""
    now = now_or(now)
    actor = SYSTEM if client is None else replace(SYSTEM, client=safe_text(client))

    def body(s: Session) -> BootstrapResult:
        if s.scalar(select(func.count()).select_from(User)) or s.scalar(select(func.count()).select_from(Department)):
            raise Conflict("identity.already_bootstrapped")
        dept_name = validate_name(authority_name, field="department")
        username = validate_username(admin_username)
        display = validate_name(admin_display_name if admin_display_name is not None else username,
                                field="display_name")
        root = Department(name=dept_name, parent_id=None, is_root=True, created_at=now)
        s.add(root)
        s.flush()
        secret = new_one_time_secret()
        admin = User(
            username=username,
            display_name=display,
            department_id=root.id,
            active=True,
            password_hash=hash_password(secret),
            password_changed_at=now,
            must_change_password=True,
            one_time_expires_at=now + ONE_TIME_LIFETIME,
            failed_logins=0,
            lockout_count=0,
            created_at=now,
        )
        s.add(admin)
        s.flush()
        s.add(UserRole(user_id=admin.id, role=Role.SYSADMIN.value, granted_at=now, granted_by=None))
        s.flush()
        record(platform, s, now, action="bootstrap", actor=actor, resource=user_resource(username),
               details={"department_id": root.id, "department": dept_name, "user_id": admin.id,
                        "role": Role.SYSADMIN.value})
        dept = DepartmentInfo(id=root.id, name=root.name, parent_id=None, is_authority=True, path=(root.id,))
        return BootstrapResult(department=dept, admin=user_info(s, admin), one_time_secret=secret)

    return audited(platform, actor=actor, action="bootstrap", resource=user_resource(str(admin_username)), now=now,
                   body=body)
