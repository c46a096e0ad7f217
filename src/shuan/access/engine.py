"""The decision engine: deny by default, every decision names the grant or rule behind it.

Speed: a decision never touches the database. The engine keeps an in-memory index loaded from the
store — grants bucketed by subject (user id; department id; department id for grants that also
cover sub-departments) and then by resource path — and walks the requested path's ancestors
(at most three) for each of the principal's subject keys. Resource facts (owner, effective level,
public, authorised departments) are computed once per path and cached.

Freshness: every grant or resource change bumps `access_version` in its own transaction and stamps
the changed rows with the new value. The engine compares the stored version with the one it has
loaded at most every `check_interval` seconds (default 0.5 s) and then loads only the rows whose
`change_seq` is newer. Changes made through shuan.access.service in this process mark the engine
dirty, so the very next decision sees them. Staleness bound: a change committed by another process
becomes visible to decisions within `check_interval` seconds (plus the time of one incremental
load). Validity periods need no refresh: they are compared with the decision's `now`. If the store
cannot be read when a check is due, the engine denies everything (rule ``deny_stale``) until a
check succeeds: fail-closed, never a stale allow.

Rules, in the order a grant is checked: action → revoked → validity window → scenario (purpose)
→ awaiting authority approval → level guardrails, re-checked at every decision with the resource's
current grade:

* 三级 outside the owning department: only a grant carrying the data authority's signed approval
  applies;
* 二级 outside the owning department: only when the principal's department (or an ancestor of it)
  is on the resource's authorised list;
* ``opening`` (社会开放) scenario: only for 一级.

Scenario: every decision is for one usage scenario; a caller that names none decides for
``business`` (the default scenario of a grant), so a grant made for another scenario (``dev_test``,
``analysis``, …) never allows a decision that did not ask for that scenario.

"Inside the owning department" (shuan.access.rules.inside_owner) means the principal's own
department is the owner or a sub-department of it; for a resource the root department (the data
authority) owns, only members of the root department itself are inside — the root is on everyone's
path, and it must not make the whole tree inside. The effective level of a path is the highest grade registered on the
path, its ancestors and its registered descendants (reading a table reads its columns); a
registered path without any grade counts as 三级. A path with nothing registered along it is
denied (``deny_unregistered``). A public resource (一级 only) may be read by any signed-in user
without a grant (rule ``public``).

When several grants allow, the most specific applies (deepest path), then a user's own grant
before a department's, then one without row filter or masking, then the oldest: its row filter
and masking profile come with the decision. When none allows, the most telling refusal is given
(guardrail, awaiting approval, scenario, expired, not yet valid, revoked, other action, default).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from shuan.access.models import AccessGrant, AccessResource, AccessResourceDepartment, AccessVersion
from shuan.access.paths import MAX_PATH, ancestors_of, parse
from shuan.access.rules import (
    ACTION_LABELS,
    ACTIONS,
    DEFAULT_SCENARIO,
    SCENARIOS,
    Condition,
    aware,
    check_row_filter,
    inside_owner,
)
from shuan.audit.guard import show
from shuan.clock import utcnow
from shuan.errors import InvalidInput
from shuan.identity.principal import Principal
from shuan.messages import language, msg
from shuan.store.db import Store

# rule codes (stable: stored in audit details, shown by front ends)
ALLOW_GRANT = "grant"
ALLOW_PUBLIC = "public"
DENY_DEFAULT = "deny_default"
DENY_ACTION = "deny_action"
DENY_REVOKED = "deny_revoked"
DENY_NOT_YET_VALID = "deny_not_yet_valid"
DENY_EXPIRED = "deny_expired"
DENY_PURPOSE = "deny_purpose"
DENY_PENDING = "deny_pending_authority"
DENY_GUARDRAIL = "deny_level_guardrail"
DENY_UNREGISTERED = "deny_unregistered"
DENY_INVALID_RESOURCE = "deny_invalid_resource"
DENY_INVALID_REQUEST = "deny_invalid_request"
DENY_NO_SUBJECT = "deny_no_subject"
DENY_STALE = "deny_stale"

RULES: tuple[str, ...] = (
    ALLOW_GRANT,
    ALLOW_PUBLIC,
    DENY_DEFAULT,
    DENY_ACTION,
    DENY_REVOKED,
    DENY_NOT_YET_VALID,
    DENY_EXPIRED,
    DENY_PURPOSE,
    DENY_PENDING,
    DENY_GUARDRAIL,
    DENY_UNREGISTERED,
    DENY_INVALID_RESOURCE,
    DENY_INVALID_REQUEST,
    DENY_NO_SUBJECT,
    DENY_STALE,
)

# guardrail details
GUARD_LEVEL3 = "level3_authority"
GUARD_LEVEL2 = "level2_unauthorised"
GUARD_OPENING = "opening_level"
GUARDS: tuple[str, ...] = (GUARD_LEVEL3, GUARD_LEVEL2, GUARD_OPENING)

#: how telling a refusal is; the highest among the candidate grants is reported
_RANK = {
    DENY_ACTION: 1,
    DENY_REVOKED: 2,
    DENY_NOT_YET_VALID: 3,
    DENY_EXPIRED: 4,
    DENY_PURPOSE: 5,
    DENY_PENDING: 6,
    DENY_GUARDRAIL: 7,
}

_ACTIONS = frozenset(ACTIONS)
_KIND_RANK = {"user": 0, "department": 1, "tree": 2}
_CACHE_LIMIT = 65_536
LEVEL_KEYS = {1: "access.level_one", 2: "access.level_two", 3: "access.level_three"}


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    """What the register says about a path, folded along its ancestors and descendants."""

    path: str
    registered: str  # the nearest registered ancestor-or-self
    owner_department_id: int
    level: int  # effective level 1..3
    public: bool
    authorised: frozenset[int]


@dataclass(slots=True)
class Decision:
    """The answer to "may this principal do `action` on `resource`?", with its reason.

    Not frozen (a frozen dataclass costs a quarter of a decision to build); treat it as a value.
    Truth-testing it is an error: write ``decision.allowed``, never ``if decision:``.
    """

    allowed: bool
    rule: str
    resource: str
    action: str
    grant_id: int | None = None
    row_filter: tuple[Condition, ...] | None = None
    masking_profile: str | None = None
    level: int | None = None
    owner_department_id: int | None = None
    detail: str = ""  # for deny_level_guardrail: which guardrail

    def __bool__(self) -> bool:
        raise TypeError("test Decision.allowed, not the decision itself")

    @property
    def explanation(self) -> str:
        """One line, Chinese first (per SHUAN_LANG), naming the grant or rule."""
        key = f"access.why_{self.detail}" if self.detail else f"access.why_{self.rule}"
        action = ACTION_LABELS.get(self.action, (self.action, self.action))
        return msg(
            key,
            resource=show(self.resource, 200),
            action=action[1] if language() == "en" else action[0],
            grant=self.grant_id if self.grant_id is not None else "-",
            level=msg(LEVEL_KEYS[self.level]) if self.level in LEVEL_KEYS else "-",
            owner=self.owner_department_id if self.owner_department_id is not None else "-",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "rule": self.rule,
            "detail": self.detail,
            "resource": self.resource,
            "action": self.action,
            "grant_id": self.grant_id,
            "row_filter": None if self.row_filter is None else [c.as_dict() for c in self.row_filter],
            "masking_profile": self.masking_profile,
            "level": self.level,
            "owner_department_id": self.owner_department_id,
            "explanation": self.explanation,
        }


class GrantEntry:
    """A grant as the index holds it (parsed once at load)."""

    __slots__ = (
        "id",
        "kind",
        "subject_id",
        "resource",
        "actions",
        "scenario",
        "valid_from",
        "valid_until",
        "status",
        "approved",
        "row_filter",
        "masking_profile",
        "restricted",
    )

    def __init__(
        self,
        *,
        id: int,  # noqa: A002 - mirrors the column
        kind: str,
        subject_id: int,
        resource: str,
        actions: frozenset[str],
        scenario: str,
        valid_from: datetime,
        valid_until: datetime,
        status: str,
        approved: bool,
        row_filter: tuple[Condition, ...] | None,
        masking_profile: str | None,
    ) -> None:
        self.id = id
        self.kind = kind  # 'user', 'department' (that department only) or 'tree' (and its sub-departments)
        self.subject_id = subject_id
        self.resource = resource
        self.actions = actions
        self.scenario = scenario
        self.valid_from = valid_from
        self.valid_until = valid_until
        self.status = status
        self.approved = approved
        self.row_filter = row_filter
        self.masking_profile = masking_profile
        self.restricted = row_filter is not None or masking_profile is not None


@dataclass(frozen=True, slots=True)
class _Res:
    id: int
    owner: int
    level: int | None
    public: bool
    authorised: frozenset[int]


Buckets = dict[int, dict[str, list[GrantEntry]]]


def entry_from_row(row: Any) -> GrantEntry | None:
    """Build an index entry from a stored grant; None for a row that does not validate (never allows)."""
    try:
        actions = frozenset(a for a in str(row.actions).split(",") if a)
        if not actions or not actions <= _ACTIONS or row.scenario not in SCENARIOS:
            return None
        parse(row.resource_path)
        row_filter = check_row_filter(row.row_filter)
    except InvalidInput:
        return None
    kind = "user" if row.subject_kind == "user" else ("tree" if row.include_subdepartments else "department")
    return GrantEntry(
        id=int(row.id),
        kind=kind,
        subject_id=int(row.subject_id),
        resource=str(row.resource_path),
        actions=actions,
        scenario=str(row.scenario),
        valid_from=aware(row.valid_from),
        valid_until=aware(row.valid_until),
        status=str(row.status),
        # an approval counts only with the approver's signature (see shuan.access.approval)
        approved=row.authority_approved_by is not None and bool(row.approval_signature),
        row_filter=row_filter,
        masking_profile=row.masking_profile,
    )


_GRANT_COLUMNS = (
    AccessGrant.id,
    AccessGrant.subject_kind,
    AccessGrant.subject_id,
    AccessGrant.include_subdepartments,
    AccessGrant.resource_path,
    AccessGrant.actions,
    AccessGrant.scenario,
    AccessGrant.row_filter,
    AccessGrant.masking_profile,
    AccessGrant.valid_from,
    AccessGrant.valid_until,
    AccessGrant.status,
    AccessGrant.authority_approved_by,
    AccessGrant.approval_signature,
)


class DecisionEngine:
    """In-memory policy decisions over the grants and resources of one store (see the module doc)."""

    def __init__(self, store: Store, *, check_interval: float = 0.5) -> None:
        self.store = store
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._version = -1
        self._checked_at = float("-inf")
        self._dirty = True
        self._stale = False
        self._resources: dict[str, _Res] = {}
        self._subtree_max: dict[str, int] = {}
        self._grants: dict[int, GrantEntry] = {}
        self._by_user: Buckets = {}
        self._by_dept: Buckets = {}
        self._by_tree: Buckets = {}
        self._resolved: dict[str, tuple[tuple[str, ...], ResourceInfo | None]] = {}

    # -- freshness ---------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return self._version

    @property
    def grant_count(self) -> int:
        return len(self._grants)

    def mark_dirty(self) -> None:
        """Check the store at the next decision (service functions call this after a change)."""
        self._dirty = True

    def refresh(self, *, force: bool = False) -> bool:
        """Load what changed since the last load (everything when `force`); True when something did."""
        with self._lock:
            self._dirty = False
            self._checked_at = time.monotonic()
            with self.store.sessions() as session:
                version = session.scalar(select(AccessVersion.version).where(AccessVersion.id == 1)) or 0
                if version == self._version and not force:
                    return False
                since = -1 if force else self._version
                res_rows = session.execute(
                    select(
                        AccessResource.id,
                        AccessResource.path,
                        AccessResource.owner_department_id,
                        AccessResource.level,
                        AccessResource.public,
                    ).where(AccessResource.change_seq > since)
                ).all()
                dept_rows = (
                    session.execute(
                        select(AccessResourceDepartment.resource_id, AccessResourceDepartment.department_id)
                    ).all()
                    if res_rows
                    else []
                )
                grant_rows = session.execute(select(*_GRANT_COLUMNS).where(AccessGrant.change_seq > since)).all()
            if res_rows or force:
                self._load_resources(res_rows, dept_rows, replace=force)
            if grant_rows or force:
                self._load_grants(grant_rows, replace=force or self._version < 0)
            self._version = int(version)
            return True

    def _maybe_refresh(self) -> None:
        try:
            self.refresh()
            self._stale = False
        except SQLAlchemyError:
            self._stale = True

    def _load_resources(self, rows: Iterable[Any], dept_rows: Iterable[Any], *, replace: bool) -> None:
        authorised: dict[int, set[int]] = {}
        for rid, dept in dept_rows:
            authorised.setdefault(int(rid), set()).add(int(dept))
        resources = {} if replace else dict(self._resources)
        for row in rows:
            resources[str(row.path)] = _Res(
                id=int(row.id),
                owner=int(row.owner_department_id),
                level=None if row.level is None else int(row.level),
                public=bool(row.public),
                authorised=frozenset(),
            )
        # authorised lists are reloaded whole (the table is small): resources whose list changed carry
        # a newer change_seq, but a list can also lose its last row
        resources = {
            path: _Res(r.id, r.owner, r.level, r.public, frozenset(authorised.get(r.id, ())))
            for path, r in resources.items()
        }
        subtree: dict[str, int] = {}
        for path, r in resources.items():
            if r.level is None:
                continue
            for prefix in ancestors_of(path):
                if subtree.get(prefix, 0) < r.level:
                    subtree[prefix] = r.level
        self._resources = resources
        self._subtree_max = subtree
        self._resolved = {}

    def _load_grants(self, rows: Iterable[Any], *, replace: bool) -> None:
        if replace:
            grants: dict[int, GrantEntry] = {}
            by_user: Buckets = {}
            by_dept: Buckets = {}
            by_tree: Buckets = {}
            for row in rows:
                entry = entry_from_row(row)
                if entry is None:
                    continue
                grants[entry.id] = entry
                bucket = by_user if entry.kind == "user" else by_dept if entry.kind == "department" else by_tree
                bucket.setdefault(entry.subject_id, {}).setdefault(entry.resource, []).append(entry)
            self._grants, self._by_user, self._by_dept, self._by_tree = grants, by_user, by_dept, by_tree
            return
        for row in rows:
            gid = int(row.id)
            old = self._grants.pop(gid, None)
            if old is not None:
                by_path = self._bucket(old.kind).get(old.subject_id, {})
                remaining = [g for g in by_path.get(old.resource, ()) if g.id != gid]
                if remaining:
                    by_path[old.resource] = remaining
                else:
                    by_path.pop(old.resource, None)
            entry = entry_from_row(row)
            if entry is None:
                continue
            self._grants[gid] = entry
            paths = self._bucket(entry.kind).setdefault(entry.subject_id, {})
            paths[entry.resource] = [*paths.get(entry.resource, ()), entry]  # copy on write: readers keep theirs

    def _bucket(self, kind: str) -> Buckets:
        return self._by_user if kind == "user" else self._by_dept if kind == "department" else self._by_tree

    # -- resources ---------------------------------------------------------------------------------

    def _resolve(self, path: object) -> tuple[tuple[str, ...], ResourceInfo | None]:
        """Ancestors and register facts of a path (cached until the register changes);
        ((), None) for a malformed path, (ancestors, None) for an unregistered one."""
        if not isinstance(path, str) or len(path) > MAX_PATH:
            return (), None
        # read the cache before the register: a refresh replaces the register first and the cache
        # last, so a result computed from an old register can only land in a discarded cache
        cache, resources, below = self._resolved, self._resources, self._subtree_max
        try:
            ancestors = parse(path).ancestors()
        except InvalidInput:
            ancestors = ()
        info = None
        if ancestors:
            found = [(p, r.owner, r.level, r.public, r.authorised) for p in ancestors if (r := resources.get(p))]
            info = fold_info(path, found, below.get(path, 0))
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[path] = (ancestors, info)
        return ancestors, info

    def ensure_fresh(self) -> None:
        """Load pending changes now if a check is due (call it before opening a session of your own:
        a refresh opens its own, and on SQLite a second transaction waits for the first)."""
        # before the first load has finished (`_version` < 0) every caller waits for it: an empty register
        # would refuse everything
        if self._dirty or self._version < 0 or time.monotonic() - self._checked_at > self.check_interval:
            self._maybe_refresh()

    def cached_info(self, path: str) -> ResourceInfo | None:
        """`resource_info` from what is loaded, without checking the store (see `ensure_fresh`)."""
        found = self._resolved.get(path)
        return (found or self._resolve(path))[1]

    def resource_info(self, path: str) -> ResourceInfo | None:
        """Owner, effective level, public flag and authorised departments of `path` (None: unregistered)."""
        self.ensure_fresh()
        return self.cached_info(path)

    # -- decisions ---------------------------------------------------------------------------------

    def decide(
        self,
        principal: Principal,
        resource_path: str,
        action: str,
        *,
        purpose: str | None = None,
        now: datetime | None = None,
    ) -> Decision:
        """May `principal` do `action` on `resource_path` for usage scenario `purpose` (None:
        ``business``), at `now`?"""
        # before the first load has finished (`_version` < 0) every caller waits for it: an empty register
        # would refuse everything
        if self._dirty or self._version < 0 or time.monotonic() - self._checked_at > self.check_interval:
            self._maybe_refresh()
        if self._stale:
            return Decision(False, DENY_STALE, _str(resource_path), _str(action))
        scenario = DEFAULT_SCENARIO if purpose is None else purpose
        if action not in _ACTIONS or scenario not in SCENARIOS:
            return Decision(False, DENY_INVALID_REQUEST, _str(resource_path), _str(action))
        found = self._resolved.get(resource_path)
        ancestors, info = found if found is not None else self._resolve(resource_path)
        if not ancestors:
            return Decision(False, DENY_INVALID_RESOURCE, _str(resource_path), action)
        if info is None:
            return Decision(False, DENY_UNREGISTERED, resource_path, action)
        level, owner = info.level, info.owner_department_id
        uid = principal.user_id
        if uid is None:
            return Decision(False, DENY_NO_SUBJECT, resource_path, action, level=level, owner_department_id=owner)
        when = utcnow() if now is None else aware(now)

        dept = principal.department_id
        dept_path = principal.department_path
        own_path = dept_path if dept is None or (dept_path and dept_path[-1] == dept) else (*dept_path, dept)
        inside = inside_owner(owner, own_path)
        buckets: list[dict[str, list[GrantEntry]]] = []
        if (m := self._by_user.get(uid)) is not None:
            buckets.append(m)
        if dept is not None and (m := self._by_dept.get(dept)) is not None:
            buckets.append(m)
        by_tree = self._by_tree
        for d in dept_path if dept is None or dept in dept_path else (*dept_path, dept):
            if (m := by_tree.get(d)) is not None:
                buckets.append(m)
        if not buckets:
            return self._no_grant(info, resource_path, action)

        fail_rank = 0
        fail_rule = DENY_DEFAULT
        fail_grant: int | None = None
        fail_detail = ""
        guard: str | None = None  # computed on first need: "" = guardrails pass
        for depth in range(len(ancestors) - 1, -1, -1):
            p = ancestors[depth]
            best: GrantEntry | None = None
            for bucket in buckets:
                entries = bucket.get(p)
                if not entries:
                    continue
                for g in entries:
                    if action not in g.actions:
                        rule = DENY_ACTION
                    elif g.status == "revoked":
                        rule = DENY_REVOKED
                    elif when < g.valid_from:
                        rule = DENY_NOT_YET_VALID
                    elif when >= g.valid_until:
                        rule = DENY_EXPIRED
                    elif g.scenario != scenario:
                        rule = DENY_PURPOSE
                    elif g.status != "active":
                        rule = DENY_PENDING
                    else:
                        if guard is None:
                            guard = self._guard(info, inside, dept, dept_path)
                        detail = guard
                        if detail == GUARD_LEVEL3 and g.approved:
                            detail = ""
                        if not detail and g.scenario == "opening" and level > 1:
                            detail = GUARD_OPENING
                        if not detail:
                            if best is None or _better(g, best):
                                best = g
                            continue
                        if _RANK[DENY_GUARDRAIL] > fail_rank:
                            fail_rank, fail_rule, fail_grant, fail_detail = _RANK[DENY_GUARDRAIL], DENY_GUARDRAIL, g.id, detail
                        continue
                    if _RANK[rule] > fail_rank:
                        fail_rank, fail_rule, fail_grant, fail_detail = _RANK[rule], rule, g.id, ""
            if best is not None:
                return Decision(
                    True,
                    ALLOW_GRANT,
                    resource_path,
                    action,
                    grant_id=best.id,
                    row_filter=best.row_filter,
                    masking_profile=best.masking_profile,
                    level=level,
                    owner_department_id=owner,
                )
        if fail_rank == 0 or (action == "read" and info.public and level == 1):
            return self._no_grant(info, resource_path, action)
        return Decision(
            False,
            fail_rule,
            resource_path,
            action,
            grant_id=fail_grant,
            level=level,
            owner_department_id=owner,
            detail=fail_detail,
        )

    @staticmethod
    def _no_grant(info: ResourceInfo, resource_path: str, action: str) -> Decision:
        """No grant applies at all: public 一级 data may still be read, otherwise deny by default."""
        level, owner = info.level, info.owner_department_id
        if action == "read" and info.public and level == 1:
            return Decision(True, ALLOW_PUBLIC, resource_path, action, level=level, owner_department_id=owner)
        return Decision(False, DENY_DEFAULT, resource_path, action, level=level, owner_department_id=owner)

    @staticmethod
    def _guard(info: ResourceInfo, inside: bool, dept: int | None, dept_path: tuple[int, ...]) -> str:
        """The guardrail a principal outside the owner meets on this resource ("" = none)."""
        if inside or info.level == 1:
            return ""
        if info.level == 3:
            return GUARD_LEVEL3
        if (dept is not None and dept in info.authorised) or any(d in info.authorised for d in dept_path):
            return ""
        return GUARD_LEVEL2


def fold_info(
    path: str,
    registered: Iterable[tuple[str, int, int | None, bool, frozenset[int]]],
    below: int,
) -> ResourceInfo | None:
    """Fold the register entries on a path's ancestors (root first: path, owner, level, public,
    authorised) and the highest grade registered below it into what a decision needs."""
    level = 0
    owner: int | None = None
    nearest = ""
    public = False
    authorised: frozenset[int] = frozenset()
    for p, r_owner, r_level, r_public, r_authorised in registered:
        nearest, owner = p, r_owner
        if r_level is not None and r_level > level:
            level = r_level
        public = public or r_public
        authorised = authorised | r_authorised
    if owner is None:
        return None
    return ResourceInfo(path, nearest, owner, max(level, below) or 3, public, authorised)  # ungraded: 三级


def _better(g: GrantEntry, best: GrantEntry) -> bool:
    return (g.restricted, _KIND_RANK[g.kind], g.id) < (best.restricted, _KIND_RANK[best.kind], best.id)


def _str(value: object) -> str:
    return value if isinstance(value, str) else repr(value)


# -- one engine per store --------------------------------------------------------------------------

_ENGINES: weakref.WeakKeyDictionary[Store, DecisionEngine] = weakref.WeakKeyDictionary()
_ENGINES_LOCK = threading.Lock()


def engine_for_store(store: Store) -> DecisionEngine:
    """The process's decision engine for `store` (created and loaded on first use)."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(store)
        if engine is None:
            engine = DecisionEngine(store)
            _ENGINES[store] = engine
    return engine


def notify_changed(store: Store) -> None:
    """Mark the engine of `store` (if one exists) dirty: the next decision loads the change."""
    engine = _ENGINES.get(store)
    if engine is not None:
        engine.mark_dirty()
