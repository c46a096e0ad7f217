"""Who may export which inventory (platform mode): the scope of an authenticated user's report."""

from __future__ import annotations

from shuan.errors import PermissionDenied
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.reports.departments import UNASSIGNED, department_tree, within
from shuan.store.db import Store

#: roles that may export the inventory at all (三员分立: the system administrator manages accounts, not data)
REPORT_ROLES = frozenset({Role.DEPT_SECURITY_OFFICER, Role.STEWARD, Role.SECADMIN, Role.AUDITOR})
#: roles that see the whole city wherever their account sits
CITY_ROLES = frozenset({Role.SECADMIN, Role.AUDITOR})


def report_scope(store: Store, principal: Principal, department: int | None) -> int | None:
    """The department the report may cover (None: the whole city); PermissionDenied when none."""
    if not principal.roles & REPORT_ROLES:
        raise PermissionDenied("report.role_denied")
    with store.sessions() as s:
        tree = department_tree(s)
    own = principal.department_id
    is_authority = own is not None and own in tree and tree[own][1] is None
    if principal.roles & CITY_ROLES or is_authority:
        return department
    if own is None:
        raise PermissionDenied("report.role_denied")
    if department is None:
        return own
    if department == UNASSIGNED or not within(tree, department, own):
        raise PermissionDenied("report.department_denied", department=tree.get(own, (str(own), None))[0])
    return department
