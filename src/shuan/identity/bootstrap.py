"""First run: the data authority (root department) and the three administrators (三员).

There is no default account or password. Bootstrapping creates the 系统管理员, 安全管理员 and
审计管理员 at once, each with their own random one-time secret, shown once, stored only as an argon2id
hash, valid for ONE_TIME_LIFETIME and to be replaced at the first login (then TOTP must be enrolled:
the three roles require it). All three are needed from the start: any later change to a 三员
account — a fourth administrator included — needs a second person of another 三员 role
(identity/dual_control.py), so with only a system administrator nobody could ever approve one.
It is refused once any user or department exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuan.errors import Conflict, InvalidInput
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
class BootstrapAccount:
    """One of the first three administrators and their one-time secret (show it once, to them alone)."""

    role: Role
    user: UserInfo
    one_time_secret: str = field(repr=False)


@dataclass(frozen=True)
class BootstrapResult:
    department: DepartmentInfo
    accounts: tuple[BootstrapAccount, ...]  # 系统管理员, 安全管理员, 审计管理员, in that order

    def account(self, role: Role) -> BootstrapAccount:
        return next(a for a in self.accounts if a.role is role)

    @property
    def admin(self) -> UserInfo:
        """The system administrator."""
        return self.account(Role.SYSADMIN).user

    @property
    def one_time_secret(self) -> str:
        """The system administrator's one-time secret."""
        return self.account(Role.SYSADMIN).one_time_secret

    @property
    def security_admin(self) -> UserInfo:
        return self.account(Role.SECADMIN).user

    @property
    def auditor(self) -> UserInfo:
        return self.account(Role.AUDITOR).user


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
    security_admin_username: str,
    auditor_username: str,
    admin_display_name: str | None = None,
    security_admin_display_name: str | None = None,
    auditor_display_name: str | None = None,
    client: str | None = None,
    now: datetime | None = None,
) -> BootstrapResult:
    """Create the root department and the three administrators (三员), each with a one-time secret;
    Conflict if already done."""
    now = now_or(now)
    actor = SYSTEM if client is None else replace(SYSTEM, client=safe_text(client))
    wanted = (
        (Role.SYSADMIN, admin_username, admin_display_name),
        (Role.SECADMIN, security_admin_username, security_admin_display_name),
        (Role.AUDITOR, auditor_username, auditor_display_name),
    )

    def body(s: Session) -> BootstrapResult:
        if s.scalar(select(func.count()).select_from(User)) or s.scalar(select(func.count()).select_from(Department)):
            raise Conflict("identity.already_bootstrapped")
        dept_name = validate_name(authority_name, field="department")
        people = [(role, validate_username(name), validate_name(display if display is not None else name,
                                                               field="display_name"))
                  for role, name, display in wanted]
        if len({username for _, username, _ in people}) != len(people):
            raise InvalidInput("identity.bootstrap_distinct")
        root = Department(name=dept_name, parent_id=None, is_root=True, created_at=now)
        s.add(root)
        s.flush()
        made: list[tuple[Role, User, str]] = []
        for role, username, display in people:
            secret = new_one_time_secret()
            user = User(
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
            s.add(user)
            s.flush()
            s.add(UserRole(user_id=user.id, role=role.value, granted_at=now, granted_by=None))
            made.append((role, user, secret))
        s.flush()
        record(platform, s, now, action="bootstrap", actor=actor, resource=user_resource(people[0][1]),
               details={"department_id": root.id, "department": dept_name,
                        "accounts": [{"user_id": u.id, "username": u.username, "role": r.value} for r, u, _ in made]})
        dept = DepartmentInfo(id=root.id, name=root.name, parent_id=None, is_authority=True, path=(root.id,))
        return BootstrapResult(department=dept, accounts=tuple(
            BootstrapAccount(role=r, user=user_info(s, u), one_time_secret=secret) for r, u, secret in made))

    return audited(platform, actor=actor, action="bootstrap", resource=user_resource(str(admin_username)), now=now,
                   body=body)
