"""Built-in roles, what each may administer, and the rules between them (三员分立, MFA).

Role ids are stable (stored in the database and in tokens); labels are Chinese first.
Administrative permissions are separate from data access: reading a table is decided by
grants (shuan.access), never by a role alone.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SYSADMIN = "sysadmin"  # 系统管理员: accounts, departments, system configuration
    SECADMIN = "secadmin"  # 安全管理员: grants, keys, security policy
    AUDITOR = "auditor"  # 审计管理员: reads, verifies and exports the audit log
    DEPT_SECURITY_OFFICER = "dept_security_officer"  # 部门数据安全负责人
    STEWARD = "steward"  # 数据管理员
    DATA_USER = "data_user"  # 数据使用者
    VENDOR = "vendor"  # 外包人员: expires with the vendor agreement


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.SYSADMIN: ("系统管理员", "system administrator"),
    Role.SECADMIN: ("安全管理员", "security administrator"),
    Role.AUDITOR: ("审计管理员", "audit administrator"),
    Role.DEPT_SECURITY_OFFICER: ("部门数据安全负责人", "department data security officer"),
    Role.STEWARD: ("数据管理员", "data steward"),
    Role.DATA_USER: ("数据使用者", "data user"),
    Role.VENDOR: ("外包人员", "vendor staff"),
}

#: 三员分立: no account may hold two of these (等保 2.0 level 3), and any change to an account that
#: holds one (or is given one) takes two people of different 三员 roles (identity/dual_control.py)
EXCLUSIVE_ROLES: frozenset[Role] = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})

#: a second factor (TOTP) is mandatory for these roles
MFA_REQUIRED: frozenset[Role] = frozenset(
    {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR, Role.DEPT_SECURITY_OFFICER, Role.STEWARD}
)


class Permission(StrEnum):
    IDENTITY_MANAGE = "identity.manage"  # departments, users, role assignment, unlock
    # the second person of a change to a 三员 account (identity/admin_requests.py)
    IDENTITY_APPROVE = "identity.approve"
    CONFIG_MANAGE = "config.manage"
    GRANT_MANAGE = "grant.manage"  # create/revoke grants anywhere (subject to level guardrails)
    GRANT_MANAGE_DEPT = "grant.manage_dept"  # create/revoke grants on the own department's resources
    GRANT_APPROVE_AUTHORITY = "grant.approve_authority"  # the data authority's approval for 三级 outside the owner
    KEY_MANAGE = "key.manage"  # create, rotate, rewrap; request destruction
    KEY_APPROVE = "key.approve"  # approve a destruction requested by someone else
    AUDIT_READ = "audit.read"
    AUDIT_EXPORT = "audit.export"
    AUDIT_VERIFY = "audit.verify"
    DECISION_QUERY = "decision.query"  # ask the policy engine about someone else
    SELF_SERVICE = "self.service"  # own password, TOTP, tokens, own decisions


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SYSADMIN: frozenset({Permission.IDENTITY_MANAGE, Permission.CONFIG_MANAGE, Permission.SELF_SERVICE}),
    Role.SECADMIN: frozenset(
        {
            Permission.GRANT_MANAGE,
            Permission.GRANT_APPROVE_AUTHORITY,
            Permission.KEY_MANAGE,
            Permission.KEY_APPROVE,
            Permission.DECISION_QUERY,
            Permission.IDENTITY_APPROVE,
            Permission.SELF_SERVICE,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Permission.AUDIT_READ,
            Permission.AUDIT_EXPORT,
            Permission.AUDIT_VERIFY,
            Permission.IDENTITY_APPROVE,
            Permission.SELF_SERVICE,
        }
    ),
    Role.DEPT_SECURITY_OFFICER: frozenset(
        {Permission.GRANT_MANAGE_DEPT, Permission.DECISION_QUERY, Permission.SELF_SERVICE}
    ),
    Role.STEWARD: frozenset({Permission.GRANT_MANAGE_DEPT, Permission.SELF_SERVICE}),
    Role.DATA_USER: frozenset({Permission.SELF_SERVICE}),
    Role.VENDOR: frozenset({Permission.SELF_SERVICE}),
}


#: administrative permissions: a token carrying one lives no longer than a login session
#: (settings.session_absolute_hours), so it cannot stand in for the second factor for months
ADMIN_PERMISSIONS: frozenset[Permission] = frozenset(
    {
        Permission.IDENTITY_MANAGE,
        Permission.IDENTITY_APPROVE,
        Permission.CONFIG_MANAGE,
        Permission.GRANT_MANAGE,
        Permission.GRANT_APPROVE_AUTHORITY,
        Permission.KEY_MANAGE,
        Permission.KEY_APPROVE,
        Permission.AUDIT_READ,
        Permission.AUDIT_EXPORT,
        Permission.AUDIT_VERIFY,
    }
)


def permissions_of(roles: frozenset[Role] | set[Role]) -> frozenset[Permission]:
    out: set[Permission] = set()
    for role in roles:
        out |= ROLE_PERMISSIONS[role]
    return frozenset(out)


def role_label(role: Role, lang: str = "zh") -> str:
    zh, en = ROLE_LABELS[role]
    return en if lang == "en" else zh
