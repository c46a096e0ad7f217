"""Who may export which inventory (platform mode): the scope of an authenticated user's report, and the
audited export itself (`export_report`), which the `shuan report` CLI and the web console both call."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from shuan.audit.events import Event
from shuan.audit.guard import record_refusal
from shuan.errors import PermissionDenied
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.reports.departments import UNASSIGNED, department_tree, within
from shuan.store.db import Store

if TYPE_CHECKING:
    from shuan.platform import Platform
    from shuan.reports.inventory_report import InventoryReport

ACTION = "inventory.export"

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


def _resource(department: int | None) -> str:
    return "inventory:city" if department is None else f"inventory:department:{department}"


def export_scope(platform: Platform, principal: Principal, department: int | None) -> int | None:
    """`report_scope`, with a refusal recorded as a denied `inventory.export`."""
    try:
        return report_scope(platform.store, principal, department)
    except PermissionDenied as exc:
        record_refusal(platform, principal, ACTION, _resource(department), exc)
        raise


def export_report(platform: Platform, principal: Principal, path: Path, fmt: str, *, department: int | None = None,
                  scheme: str | None = None) -> InventoryReport:
    """Write the inventory report of `department` (None: the whole city, when the principal may) to `path`
    and record `inventory.export` (format, scope, counts) in the same transaction: no audit record, no
    file (it is removed when the record cannot be written). Refusals are recorded as denied."""
    from shuan.reports.inventory_report import build_report
    from shuan.reports.write import write_report

    department = export_scope(platform, principal, department)
    report = build_report(platform.store, scheme=scheme, default_scheme=platform.settings.scheme,
                          department=department)
    written = False
    try:
        with platform.store.transaction() as s:
            write_report(report, path, fmt)
            written = True
            platform.audit.record(s, Event(ACTION, principal, resource=_resource(department), details={
                "format": fmt, "department": department, "scope": report.scope, "scheme": report.scheme_id,
                "file": path.name} | report.counts), now=datetime.now(UTC))
    except BaseException:
        if written:
            path.unlink(missing_ok=True)
        raise
    return report


def export_bytes(platform: Platform, principal: Principal, name: str, fmt: str, *,
                 department: int | None = None) -> bytes:
    """`export_report` into a private temporary directory, returned as bytes (the web front ends send it as
    a download named `name`; nothing stays on disk). An empty inventory is NotFound."""
    import tempfile

    from shuan.errors import NotFound, StoreError

    with tempfile.TemporaryDirectory(prefix="shuan-export-") as tmp:
        path = Path(tmp) / name
        try:
            export_report(platform, principal, path, fmt, department=department)
        except StoreError as exc:
            if exc.key == "store.no_scan":  # nothing scanned yet: nothing to report (a 404, not an outage)
                raise NotFound("store.no_scan") from None
            raise
        return path.read_bytes()
