"""Read models of the console's administration pages: accounts, dual-control requests and grants.

Each function first makes the service call that checks the permission (and audits a refusal), then
adds what the page shows beside the service's answer: department names, role labels, the usernames of
grant subjects, when a password expires. Where the service checks no permission of its own (a grant
list shows everyone the grants they may see; a blank form reads nothing), `require` refuses — and
audits — a user without the page's permission before anything is read, as `sourcekit.require_manager`
does for the source pages.

The rules stay in the services: the flags here (may this person approve, may they revoke) only decide
which buttons a page shows; the service decides again when the button is pressed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from shuan.access.rules import ACTION_LABELS, ACTIONS, SCENARIOS
from shuan.access.service import GrantView, Subject, list_grants
from shuan.audit.guard import record_refusal
from shuan.clock import utcnow
from shuan.errors import InvalidInput, PermissionDenied
from shuan.identity.admin_requests import AdminRequestInfo, list_admin_requests
from shuan.identity.common import load_user, now_or, user_resource
from shuan.identity.directory import UserInfo, get_user, list_departments, list_users
from shuan.identity.dual_control import (
    REQUEST_LIFETIME,
    PendingRequest,
    RequestKind,
    RequestStatus,
    exclusive_of,
)
from shuan.identity.models import User
from shuan.identity.passwords import ONE_TIME_LIFETIME, password_expires_at
from shuan.identity.principal import Principal
from shuan.identity.roles import EXCLUSIVE_ROLES, Permission, Role, role_label
from shuan.lookups import grant_subject
from shuan.messages import language, msg
from shuan.platform import Platform
from shuan.web.console.localtime import CST, when

PAGE_SIZE = 50
#: a grant list reads at most this many of the grants the user may see (newest first)
GRANT_CAP = 1000

USERS = (Permission.IDENTITY_MANAGE,)
REQUESTS = (Permission.IDENTITY_MANAGE, Permission.IDENTITY_APPROVE)
GRANTS = (Permission.GRANT_MANAGE, Permission.GRANT_MANAGE_DEPT)


def require(platform: Platform, actor: Principal, permissions: tuple[Permission, ...], action: str,
            resource: str) -> None:
    """Refuse (403, audited as `action` on `resource`) a user who holds none of `permissions`."""
    if any(actor.can(p) for p in permissions):
        return
    if permissions == GRANTS:
        exc = PermissionDenied("access.no_grant_permission")
    else:
        exc = PermissionDenied("identity.forbidden", permission=permissions[0].value)
    record_refusal(platform, actor, action, resource, exc)
    raise exc


def admin_links(actor: Principal) -> list[tuple[str, str]]:
    """The navigation links of the administration pages this user may open."""
    links: list[tuple[str, str]] = []
    if actor.can(Permission.IDENTITY_MANAGE):
        links.append(("/console/users", msg("console.admin_nav_users")))
    if any(actor.can(p) for p in REQUESTS):
        links.append(("/console/requests", msg("console.admin_nav_requests")))
    if any(actor.can(p) for p in GRANTS):
        links.append(("/console/grants", msg("console.admin_nav_grants")))
    return links


def parse_day(text: str, name: str, *, end: bool) -> datetime | None:
    """A date typed in a form (YYYY-MM-DD, China Standard Time): its start, or with `end` the end of
    that day (the start of the next). Empty: None."""
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("console.admin_bad_date", field=name) from None
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=CST)


def grant_start(text: str) -> datetime | None:
    """A grant's first day as typed: its start (CST), or None (the service's "now") when that is already past."""
    start = parse_day(text, "valid_from", end=False)
    return start if start is not None and start > utcnow() else None


def role_choices(roles: Iterable[Role] = tuple(Role)) -> list[tuple[str, str]]:
    lang = language()
    return [(r.value, role_label(r, lang)) for r in roles]


def role_names(values: Iterable[Role | str]) -> str:
    lang = language()
    return "、".join(role_label(Role(v), lang) for v in values) or "—"


def department_names(platform: Platform) -> dict[int, str]:
    """Every department as "parent / child" (the directory is not secret inside the platform)."""
    infos = list_departments(platform)
    names = {d.id: d.name for d in infos}
    return {d.id: " / ".join(names.get(p, str(p)) for p in d.path) for d in infos}


def pending_notice(pending: PendingRequest) -> str:
    return msg("console.admin_pending", request_id=pending.request_id, target=pending.target,
               kind=kind_label(pending.kind.value), hours=int(REQUEST_LIFETIME.total_seconds() // 3600))


def secret_hours() -> int:
    return int(ONE_TIME_LIFETIME.total_seconds() // 3600)


# -- accounts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    user: UserInfo
    department: str
    roles: str
    state: str  # active | locked | disabled | vendor_ended
    password: str  # when the password expires, or that it must be changed at the next login
    password_due: bool  # expired, or a one-time secret still to be replaced

    @property
    def state_label(self) -> str:
        return msg(f"console.admin_state_{self.state}")


@dataclass(frozen=True)
class UserFilter:
    q: str = ""
    department: int | None = None
    page: int = 1

    def query(self, page: int) -> dict[str, str]:
        return {"q": self.q, "department": "" if self.department is None else str(self.department),
                "page": str(page)}


@dataclass(frozen=True)
class UserList:
    rows: list[UserRow]
    filters: UserFilter
    departments: list[tuple[int, str]]
    total: int
    pages: int


def _state(info: UserInfo, now: datetime) -> str:
    if not info.active:
        return "disabled"
    if Role.VENDOR in info.roles and info.vendor_until is not None and info.vendor_until <= now:
        return "vendor_ended"
    if info.locked_until is not None and now < info.locked_until:
        return "locked"
    return "active"


def _rows(platform: Platform, infos: list[UserInfo], names: Mapping[int, str]) -> list[UserRow]:
    """The rows of these accounts, with their password dates (one query)."""
    now = now_or(None)
    dates: dict[int, tuple[datetime, datetime | None]] = {}
    ids = [u.id for u in infos]
    if ids:
        with platform.store.sessions() as s:
            found = s.execute(select(User.id, User.password_changed_at, User.one_time_expires_at)
                              .where(User.id.in_(ids)))
            dates = {int(i): (changed, one_time) for i, changed, one_time in found}
    out: list[UserRow] = []
    for info in infos:
        changed, one_time = dates.get(info.id, (now, None))
        if info.must_change_password:
            text = msg("console.admin_password_one_time", until=when(one_time)) if one_time is not None \
                else msg("console.admin_password_change")
            due = True
        else:
            expires = password_expires_at(changed, platform.settings)
            due = now >= expires
            text = msg("console.admin_password_expired" if due else "console.admin_password_until",
                       until=when(expires, day=True))
        out.append(UserRow(info, names.get(info.department_id, str(info.department_id)), role_names(info.roles),
                           _state(info, now), text, due))
    return out


def check_user_filter(q: str, department: int | None, page: int | None) -> UserFilter:
    return UserFilter(q.strip()[:100], department if department and department > 0 else None,
                      max(1, page or 1))


def user_list(platform: Platform, *, actor: Principal, filters: UserFilter) -> UserList:
    """Accounts by username, filtered by department and a text in the username or display name."""
    found = list_users(platform, actor=actor, department_id=filters.department)  # checks and audits
    names = department_names(platform)
    if filters.q:
        needle = filters.q.casefold()
        found = [u for u in found if needle in u.username.casefold() or needle in u.display_name.casefold()]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(filters.page, pages)
    shown = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return UserList(_rows(platform, shown, names), UserFilter(filters.q, filters.department, page),
                    sorted(names.items(), key=lambda d: d[1]), len(found), pages)


@dataclass(frozen=True)
class UserPage:
    row: UserRow
    held: list[tuple[str, str]]
    assignable: list[tuple[str, str]]
    guarded: bool  # a 三员 account: every change waits for a second person
    own: bool  # the administrator's own account: the services refuse changes to it


def user_page(platform: Platform, *, actor: Principal, username: str) -> UserPage:
    require(platform, actor, USERS, "user.read", user_resource(username))
    info = get_user(platform, actor=actor, username=username)
    [row] = _rows(platform, [info], department_names(platform))
    held = set(info.roles)
    return UserPage(row, role_choices(r for r in Role if r in held), role_choices(r for r in Role if r not in held),
                    bool(held & EXCLUSIVE_ROLES), info.id == actor.user_id)


@dataclass(frozen=True)
class UserForm:
    """The new-account form: the departments and roles offered, and what was typed."""

    departments: list[tuple[int, str]]
    roles: list[tuple[str, str]]
    username: str = ""
    display_name: str = ""
    department: int | None = None
    chosen: frozenset[str] = field(default_factory=frozenset)
    vendor_name: str = ""
    vendor_until: str = ""
    exclusive: tuple[str, ...] = tuple(sorted(r.value for r in EXCLUSIVE_ROLES))


def user_form(platform: Platform, *, actor: Principal, username: str = "", display_name: str = "",
              department: int | None = None, chosen: Iterable[str] = (), vendor_name: str = "",
              vendor_until: str = "") -> UserForm:
    require(platform, actor, USERS, "user.create", "user:new")
    names = department_names(platform)
    return UserForm(sorted(names.items(), key=lambda d: d[1]), role_choices(), username, display_name,
                    department if department is not None else actor.department_id, frozenset(chosen),
                    vendor_name, vendor_until)


# -- dual-control requests -----------------------------------------------------------------------------


def kind_label(kind: str) -> str:
    key = f"console.admin_kind_{kind.replace('.', '_')}"
    text = msg(key)
    return kind if text == key else text


def _summary(info: AdminRequestInfo, names: Mapping[int, str]) -> str:
    """What the request asks for, in words (role labels, department names, dates)."""
    p = info.params
    parts: list[str] = []
    if info.kind == RequestKind.USER_CREATE.value:
        parts.append(str(p.get("display_name", "")))
        dept = p.get("department_id")
        parts.append(names.get(dept, str(dept)) if isinstance(dept, int) else "")
        roles = p.get("roles")
        parts.append(role_names(str(r) for r in roles) if isinstance(roles, list) else "")
    elif "role" in p:
        parts.append(role_names([str(p["role"])]))
    if info.kind == RequestKind.USER_UPDATE.value:
        dept = p.get("department_id")
        if isinstance(dept, int):
            parts.append(msg("console.admin_move_to", department=names.get(dept, str(dept))))
        if isinstance(p.get("display_name"), str):
            parts.append(str(p["display_name"]))
    for key in ("vendor_until",):
        value = p.get(key)
        if isinstance(value, str):
            try:
                parts.append(msg("console.admin_vendor_until_short", until=when(datetime.fromisoformat(value))))
            except ValueError:
                parts.append(value)
    return "；".join(x for x in parts if x) or "—"


@dataclass(frozen=True)
class RequestRow:
    info: AdminRequestInfo
    kind: str
    summary: str
    excluded: str
    may_decide: bool  # shows the approve/refuse buttons; the service checks again
    may_withdraw: bool

    @property
    def status_label(self) -> str:
        return msg(f"console.admin_status_{self.info.status}")


@dataclass(frozen=True)
class RequestList:
    rows: list[RequestRow]
    status: str  # "" for all
    statuses: list[tuple[str, str]]


def request_status(value: str) -> str | None:
    """The status filter of the request list: pending by default, "all" for every status."""
    value = value.strip()
    if value == "all":
        return None
    return value or RequestStatus.PENDING.value


def request_list(platform: Platform, *, actor: Principal, status: str | None) -> RequestList:
    found = list_admin_requests(platform, actor=actor, status=status)  # checks and audits
    names = department_names(platform)
    held = exclusive_of(actor.roles)
    rows = []
    for info in found:
        pending = info.status == RequestStatus.PENDING.value
        excluded = {Role(r) for r in info.excluded_roles}
        decide = (pending and actor.can(Permission.IDENTITY_APPROVE) and bool(held) and not (held & excluded)
                  and actor.username not in (info.requested_by, info.target))
        rows.append(RequestRow(info, kind_label(info.kind), _summary(info, names), role_names(sorted(excluded)),
                               decide, pending and actor.username == info.requested_by))
    statuses = [(s.value, msg(f"console.admin_status_{s.value}")) for s in RequestStatus]
    return RequestList(rows, status or "all", statuses)


# -- grants -------------------------------------------------------------------------------------------

GRANT_STATES = ("in_force", "pending_authority", "not_yet", "expired", "revoked")


def grant_state(view: GrantView, now: datetime) -> str:
    if view.status == "revoked":
        return "revoked"
    if view.status == "pending_authority":
        return "pending_authority"
    if now >= view.valid_until:
        return "expired"
    if now < view.valid_from:
        return "not_yet"
    return "in_force"


@dataclass(frozen=True)
class GrantRow:
    grant: GrantView
    subject: str
    actions: str
    scenario: str
    state: str

    @property
    def state_label(self) -> str:
        return msg(f"console.admin_grant_{self.state}")


@dataclass(frozen=True)
class GrantFilter:
    q: str = ""  # in the resource path, the purpose or the subject's name
    state: str = ""  # one of GRANT_STATES, "" for every state but revoked, "all" for every state
    page: int = 1

    def query(self, page: int) -> dict[str, str]:
        return {"q": self.q, "state": self.state, "page": str(page)}


@dataclass(frozen=True)
class GrantList:
    rows: list[GrantRow]
    filters: GrantFilter
    states: list[tuple[str, str]]
    total: int
    pages: int
    capped: bool  # more grants exist than GRANT_CAP: the list holds the newest


def check_grant_filter(q: str, state: str, page: int | None) -> GrantFilter:
    state = state.strip()
    return GrantFilter(q.strip()[:200], state if state in (*GRANT_STATES, "all") else "", max(1, page or 1))


def _usernames(platform: Platform, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    with platform.store.sessions() as s:
        return {int(i): str(n) for i, n in s.execute(select(User.id, User.username).where(User.id.in_(wanted)))}


def grant_list(platform: Platform, *, actor: Principal, filters: GrantFilter) -> GrantList:
    """The grants this manager may see (a security administrator: all; a department's officer: those on
    the department's resources), newest first, filtered by state and text."""
    require(platform, actor, GRANTS, "grant.list", "grant:*")
    with_revoked = filters.state in ("revoked", "all")
    views = list_grants(platform, actor, include_revoked=with_revoked, limit=GRANT_CAP)
    users = _usernames(platform, (v.subject_id for v in views if v.subject_kind == "user"))
    names = department_names(platform)
    now = utcnow()
    lang = 1 if language() == "en" else 0
    rows: list[GrantRow] = []
    for v in views:
        if v.subject_kind == "user":
            subject = msg("console.admin_subject_user", name=users.get(v.subject_id, f"#{v.subject_id}"))
        else:
            key = "console.admin_subject_tree" if v.include_subdepartments else "console.admin_subject_dept"
            subject = msg(key, name=names.get(v.subject_id, f"#{v.subject_id}"))
        actions = "、".join(ACTION_LABELS[a][lang] if a in ACTION_LABELS else a for a in v.actions)
        scenario = SCENARIOS[v.scenario][lang] if v.scenario in SCENARIOS else v.scenario
        rows.append(GrantRow(v, subject, actions, scenario, grant_state(v, now)))
    if filters.state and filters.state != "all":
        rows = [r for r in rows if r.state == filters.state]
    if filters.q:
        needle = filters.q.casefold()
        rows = [r for r in rows if needle in r.grant.resource.casefold() or needle in r.grant.purpose.casefold()
                or needle in r.subject.casefold()]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(filters.page, pages)
    states = [(s, msg(f"console.admin_grant_{s}")) for s in GRANT_STATES]
    return GrantList(rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE],
                     GrantFilter(filters.q, filters.state, page), states, len(rows), pages, len(views) >= GRANT_CAP)


@dataclass(frozen=True)
class GrantTyped:
    """What was typed in the grant form (kept when a refusal re-renders it)."""

    subject_kind: str = "user"
    subject_user: str = ""
    subject_department: int | None = None
    include_subdepartments: bool = False
    resource: str = ""
    actions: frozenset[str] = frozenset({"read"})
    purpose: str = ""
    scenario: str = "business"
    valid_from: str = ""
    valid_until: str = ""
    masking_profile: str = ""
    row_filter: str = ""
    await_authority: bool = False


@dataclass(frozen=True)
class GrantForm:
    departments: list[tuple[int, str]]
    actions: list[tuple[str, str]]
    scenarios: list[tuple[str, str]]
    typed: GrantTyped


def grant_form(platform: Platform, *, actor: Principal, typed: GrantTyped | None = None) -> GrantForm:
    require(platform, actor, GRANTS, "grant.create", "grant:new")
    lang = 1 if language() == "en" else 0
    names = department_names(platform)
    return GrantForm(sorted(names.items(), key=lambda d: d[1]), [(a, ACTION_LABELS[a][lang]) for a in ACTIONS],
                     [(s, labels[lang]) for s, labels in SCENARIOS.items()], typed or GrantTyped())


def grant_subject_of(platform: Platform, typed: GrantTyped) -> Subject:
    """The grantee the form names: a user by username, or a department (NotFound when there is none)."""
    if typed.subject_kind == "department":
        if typed.subject_department is None:
            raise InvalidInput("console.bad_form", field="subject_department")
        return grant_subject(platform, kind="department", subject_id=typed.subject_department,
                             include_subdepartments=typed.include_subdepartments)
    if typed.subject_kind != "user":
        raise InvalidInput("console.bad_form", field="subject_kind")
    with platform.store.sessions() as s:
        user_id = load_user(s, typed.subject_user.strip()).id
    return grant_subject(platform, kind="user", subject_id=user_id)


def parse_row_filter(text: str) -> list[Any] | None:
    """The optional row filter typed as JSON (a list of {column, op, value}); the service checks it."""
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        raise InvalidInput("console.admin_bad_row_filter") from None
    if not isinstance(value, list):
        raise InvalidInput("console.admin_bad_row_filter")
    return value
