"""Resources the root department (the data authority) owns: the root is on every department path, yet
it must not make the whole tree "inside" — the 三级 and 二级 guardrails apply to everyone outside the
root department itself, at grant time and at every decision, by the same rule (`inside_owner`)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from shuan.access import (
    Subject,
    create_grant,
    decide,
    inside_owner,
    register_resource,
    set_authorised_departments,
)
from shuan.errors import PermissionDenied
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Role
from shuan.platform import Platform
from tests.access.conftest import (
    AUDITOR,
    SECADMIN,
    STEWARD10,
    T0,
    USER1,
    USER10,
    USER11,
    USER20,
    USER21,
    USER30,
    last_event,
    person,
)

DAY = timedelta(days=1)
AT = T0 + DAY

ROOT3 = "src:市级库/tbl:人口"  # 三级, owned by the root department (1)
ROOT2 = "src:市级库/tbl:法人"  # 二级, root-owned, authorised for 卫健委 (20)
ROOT1 = "src:市级库/tbl:地名"  # 一级, root-owned
# a security administrator outside the root department, so that grants to the root department are not
# grants to the creator's own department
GRANTOR = person(116, "市安全管理员", (1, 40), Role.SECADMIN)
# a grant to the whole tree covers every grantor inside it (refused as a self-grant): one from outside
OUTSIDER = person(117, "外部安全管理员", (99,), Role.SECADMIN)


# (case, owner, department path, with sub-departments, inside?)
INSIDE: list[tuple[str, int, tuple[int, ...], bool, bool]] = [
    ("the owner itself", 10, (1, 10), False, True),
    ("a sub-department of the owner", 10, (1, 10, 11), False, True),
    ("the owner with its sub-departments", 10, (1, 10), True, True),
    ("a sub-department with its own sub-departments", 10, (1, 10, 11), True, True),
    ("a sibling department", 10, (1, 20), False, False),
    ("the parent of the owner", 11, (1, 10), False, False),
    ("the root, for a department's resource", 10, (1,), False, False),
    ("the root department for its own resource", 1, (1,), False, True),
    ("the root with the whole tree, for its own resource", 1, (1,), True, False),
    ("a department under the root, for the root's resource", 1, (1, 10), False, False),
    ("deep under the root, for the root's resource", 1, (1, 10, 11), False, False),
    ("no department at all", 1, (), False, False),
]


@pytest.mark.parametrize(("owner", "path", "subtree", "inside"), [c[1:] for c in INSIDE], ids=[c[0] for c in INSIDE])
def test_inside_owner(owner: int, path: tuple[int, ...], subtree: bool, inside: bool) -> None:
    assert inside_owner(owner, path, subtree=subtree) is inside


def user(p: Principal) -> Subject:
    assert p.user_id is not None
    return Subject.user(p.user_id, p.department_path)


@pytest.fixture
def root_world(world: Platform) -> Platform:
    register_resource(world, SYSTEM, "src:市级库", owner_department_id=1, level=1, now=T0)
    register_resource(world, SYSTEM, ROOT3, level=3, now=T0)
    register_resource(world, SYSTEM, ROOT2, level=2, now=T0)
    register_resource(world, SYSTEM, ROOT1, level=1, now=T0)
    set_authorised_departments(world, SECADMIN, ROOT2, [20], now=T0)
    return world


def grant(p: Platform, subject: Subject, resource: str, **kw: Any) -> Any:
    kw.setdefault("purpose", "市级数据核验")
    kw.setdefault("valid_until", T0 + 30 * DAY)
    kw.setdefault("actions", ["read"])
    actor = OUTSIDER if subject.include_subdepartments else GRANTOR
    return create_grant(p, actor, subject=subject, resource=resource, now=T0, **kw)


# (case, subject, resource, outcome at creation: status or refusal key)
CREATE: list[tuple[str, Subject, str, str]] = [
    ("三级 to a user of another department needs the authority", user(USER10), ROOT3,
     "access.level3_needs_authority"),
    ("三级 to a user deep in the tree needs the authority", user(USER11), ROOT3, "access.level3_needs_authority"),
    ("三级 to a department under the root needs the authority", Subject.department((1, 10)), ROOT3,
     "access.level3_needs_authority"),
    ("三级 to the root with its whole tree needs the authority",
     Subject.department((1,), include_subdepartments=True), ROOT3, "access.level3_needs_authority"),
    ("三级 to a member of the root department is inside", user(USER1), ROOT3, "active"),
    ("三级 to the root department alone is inside", Subject.department((1,)), ROOT3, "active"),
    ("二级 to an unauthorised department is refused", user(USER30), ROOT2, "access.level2_unauthorised"),
    ("二级 to a department under the root is refused", Subject.department((1, 10)), ROOT2,
     "access.level2_unauthorised"),
    ("二级 to the whole tree is refused", Subject.department((1,), include_subdepartments=True), ROOT2,
     "access.level2_unauthorised"),
    ("二级 to an authorised department", user(USER20), ROOT2, "active"),
    ("二级 to a sub-department of an authorised one", user(USER21), ROOT2, "active"),
    ("二级 to a member of the root department is inside", user(USER1), ROOT2, "active"),
    ("一级 to anyone", user(USER30), ROOT1, "active"),
]


@pytest.mark.parametrize(("subject", "resource", "outcome"), [c[1:] for c in CREATE], ids=[c[0] for c in CREATE])
def test_grants_on_root_owned_resources(root_world: Platform, subject: Subject, resource: str, outcome: str) -> None:
    if outcome == "active":
        assert grant(root_world, subject, resource).status == "active"
        return
    with pytest.raises(PermissionDenied) as err:
        grant(root_world, subject, resource)
    assert err.value.key == outcome
    event = last_event(root_world, "grant.create")
    assert event.outcome == "denied" and json.loads(event.details)["reason"] == outcome
    if outcome == "access.level3_needs_authority":  # it can be filed for the authority, and allows nothing yet
        assert grant(root_world, subject, resource, await_authority=True).status == "pending_authority"


def moved(p: Principal, path: tuple[int, ...]) -> Principal:
    return Principal(p.user_id, p.username, path[-1], path, p.roles)


# (case, principal, resource, allowed, rule, guardrail) — over grants made while the users were inside
DECIDE: list[tuple[str, Principal, str, bool, str, str]] = [
    ("root member reads 三级 of the root", USER1, ROOT3, True, "grant", ""),
    ("root member reads 二级 of the root", USER1, ROOT2, True, "grant", ""),
    ("the same user moved under the root: 三级 needs the authority", moved(USER1, (1, 10)), ROOT3, False,
     "deny_level_guardrail", "level3_authority"),
    ("moved deep into the tree: 三级 needs the authority", moved(USER1, (1, 10, 11)), ROOT3, False,
     "deny_level_guardrail", "level3_authority"),
    ("moved to an unauthorised department: 二级 refused", moved(USER1, (1, 30)), ROOT2, False,
     "deny_level_guardrail", "level2_unauthorised"),
    ("moved to an authorised department: 二级 allowed", moved(USER1, (1, 20)), ROOT2, True, "grant", ""),
    ("root department grant: a root member", AUDITOR, ROOT3, True, "grant", ""),
    ("root department grant does not reach the tree", USER10, ROOT3, False, "deny_default", ""),
]


@pytest.mark.parametrize(("principal", "resource", "allowed", "rule", "detail"), [c[1:] for c in DECIDE],
                         ids=[c[0] for c in DECIDE])
def test_decisions_on_root_owned_resources(
    root_world: Platform, principal: Principal, resource: str, allowed: bool, rule: str, detail: str
) -> None:
    grant(root_world, user(USER1), ROOT3)
    grant(root_world, user(USER1), ROOT2)
    grant(root_world, Subject.department((1,)), ROOT3, actions=["read"])
    d = decide(root_world, principal, resource, "read", now=AT)
    assert (d.allowed, d.rule, d.detail) == (allowed, rule, detail), d.explanation
    assert d.owner_department_id == 1


def test_pending_grant_on_root_owned_level3_allows_nothing(root_world: Platform) -> None:
    g = grant(root_world, user(USER10), ROOT3, await_authority=True)
    d = decide(root_world, USER10, ROOT3, "read", now=AT)
    assert (d.allowed, d.rule, d.grant_id) == (False, "deny_pending_authority", g.id)


def test_steward_of_a_department_cannot_grant_root_owned_data(root_world: Platform) -> None:
    with pytest.raises(PermissionDenied) as err:
        create_grant(root_world, STEWARD10, subject=user(USER10), resource=ROOT1, actions=["read"], purpose="x",
                     valid_until=T0 + DAY * 30, now=T0)
    assert err.value.key == "access.not_owner_department"


def test_a_whole_tree_grant_is_a_self_grant_for_anyone_in_the_tree(root_world: Platform) -> None:
    with pytest.raises(PermissionDenied) as err:
        create_grant(root_world, GRANTOR, subject=Subject.department((1,), include_subdepartments=True),
                     resource=ROOT1, actions=["read"], purpose="x", valid_until=T0 + DAY * 30, now=T0)
    assert err.value.key == "access.self_grant"
