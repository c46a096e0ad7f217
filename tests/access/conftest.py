"""A small government for the access tests: departments, principals, graded resources.

Departments (root first): 1 数据主管部门 (the data authority); 10 公安局 with its 户政科 11;
20 卫健委 with 21; 30 民政局. Resources of 公安局 (10)::

    src:公安                    一级
    src:公安/tbl:户籍            二级, authorised department 20
    src:公安/tbl:户籍/col:身份证号  三级
    src:公安/tbl:户籍/col:姓名    (inherits 二级)
    src:公安/tbl:公告            一级, public

and of 卫健委 (20): ``src:卫健`` 三级 with ``tbl:病历``.

The principals below are plain values (user ids from 101, clear of the real accounts a test may
create). Approving a grant needs a real account with its own signing key: `Signers` makes them
(through the identity services) and hands back principals that act in the departments above.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from shuan.access import register_resource, set_authorised_departments, set_resource_public
from shuan.audit.models import AuditEventRow
from shuan.config import Settings
from shuan.identity import passwords
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Role
from shuan.platform import Platform, open_platform
from tests.conftest import TEST_ROOT_KEY
from tests.identity.conftest import World

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=30)


def person(uid: int, name: str, path: tuple[int, ...], *roles: Role) -> Principal:
    return Principal(user_id=uid, username=name, department_id=path[-1], department_path=path, roles=frozenset(roles))


SECADMIN = person(101, "安全管理员甲", (1,), Role.SECADMIN)
AUTHORITY = person(106, "数据局审批人", (1,), Role.SECADMIN)  # no signing key: refusals only (see Signers)
STEWARD10 = person(102, "公安数据管理员", (1, 10), Role.STEWARD)
OFFICER10 = person(107, "公安安全负责人", (1, 10), Role.DEPT_SECURITY_OFFICER)
STEWARD20 = person(105, "卫健数据管理员", (1, 20), Role.STEWARD)
OFFICER20 = person(115, "卫健安全负责人", (1, 20), Role.DEPT_SECURITY_OFFICER)
USER10 = person(103, "公安用户", (1, 10), Role.DATA_USER)
USER11 = person(108, "户政科用户", (1, 10, 11), Role.DATA_USER)
USER20 = person(104, "卫健用户", (1, 20), Role.DATA_USER)
USER21 = person(109, "卫健下属用户", (1, 20, 21), Role.DATA_USER)
USER30 = person(111, "民政用户", (1, 30), Role.DATA_USER)
USER1 = person(114, "数据局用户", (1,), Role.DATA_USER)  # a member of the root department (the authority)
AUDITOR = person(112, "审计员", (1,), Role.AUDITOR)
# holds the approval permission but sits outside the root department: not the data authority
FAKE_AUTHORITY = person(113, "区县安全管理员", (1, 30), Role.SECADMIN)


@dataclass(frozen=True)
class Signer:
    """A real account (signing key opened by `password`) acting as `principal`."""

    principal: Principal
    password: str


class Signers:
    """Real accounts with their own SM2 signing keys, made through the identity services.

    Each is created as a 数据使用者 (the system administrator alone may do that) and chooses its
    password, which creates its signing key; the returned principal carries the given roles and
    department path (the access tests' departments are plain ids). It has no login session, so
    `sign_approval` checks the account (lockout, key) but not a session's stage."""

    def __init__(self, platform: Platform) -> None:
        self.world = World(platform)

    def __call__(self, username: str, *roles: Role, path: tuple[int, ...] = (1,)) -> Signer:
        actor = self.world.user(username)
        real = actor.principal
        assert real.user_id is not None and real.user_id < 100, "real ids must stay clear of the fixed ones"
        principal = Principal(user_id=real.user_id, username=real.username, department_id=path[-1],
                              department_path=path, roles=frozenset(roles or (Role.SECADMIN,)))
        return Signer(principal, actor.password)


def cheap_argon2(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(passwords, "TIME_COST", 1)
    mp.setattr(passwords, "MEMORY_COST_KIB", 64)
    mp.setattr(passwords, "PARALLELISM", 1)


@pytest.fixture
def signers(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> Signers:
    cheap_argon2(monkeypatch)
    return Signers(platform)

SRC = "src:公安"
HJ = "src:公安/tbl:户籍"
SFZ = "src:公安/tbl:户籍/col:身份证号"
XM = "src:公安/tbl:户籍/col:姓名"
GG = "src:公安/tbl:公告"
WJ = "src:卫健"
BL = "src:卫健/tbl:病历"


def build_world(p: Platform) -> None:
    register_resource(p, SYSTEM, SRC, owner_department_id=10, level=1, now=T0)
    register_resource(p, SYSTEM, HJ, level=2, now=T0)
    register_resource(p, SYSTEM, SFZ, level=3, now=T0)
    register_resource(p, SYSTEM, XM, now=T0)
    register_resource(p, SYSTEM, GG, level=1, now=T0)
    set_resource_public(p, STEWARD10, GG, True, now=T0)
    set_authorised_departments(p, SECADMIN, HJ, [20], now=T0)
    register_resource(p, SYSTEM, WJ, owner_department_id=20, level=3, now=T0)
    register_resource(p, SYSTEM, BL, now=T0)


def fresh_platform(home: Path) -> Platform:
    return open_platform(Settings(home=home, root_key=TEST_ROOT_KEY))


@pytest.fixture
def world(platform: Platform) -> Platform:
    build_world(platform)
    return platform


@pytest.fixture(scope="module")
def shared_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """One world for read-only table-driven tests (grants are added by the module's own fixture)."""
    p = fresh_platform(tmp_path_factory.mktemp("access-world"))
    build_world(p)
    yield p
    p.close()


def events(p: Platform, action: str | None = None) -> list[AuditEventRow]:
    with p.store.sessions() as s:
        query = select(AuditEventRow).order_by(AuditEventRow.seq)
        if action is not None:
            query = query.where(AuditEventRow.action == action)
        return list(s.scalars(query))


def last_event(p: Platform, action: str) -> AuditEventRow:
    found = events(p, action)
    assert found, f"no {action} event"
    return found[-1]
