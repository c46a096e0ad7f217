"""Principals in each role, made directly (the identity service is tested on its own)."""

from __future__ import annotations

import pytest

from shuan.identity.principal import Principal
from shuan.identity.roles import Role


def principal(name: str, *roles: Role, user_id: int = 1, dept: int = 1) -> Principal:
    return Principal(user_id=user_id, username=name, department_id=dept, department_path=(dept,),
                     roles=frozenset(roles), client="127.0.0.1")


@pytest.fixture
def auditor() -> Principal:
    return principal("shenji", Role.AUDITOR, user_id=3)


@pytest.fixture
def sysadmin() -> Principal:
    return principal("xitong", Role.SYSADMIN, user_id=1)


@pytest.fixture
def secadmin() -> Principal:
    return principal("anquan", Role.SECADMIN, user_id=2)
