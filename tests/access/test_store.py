"""The access tables: migration 0005 down and up, and the services on PostgreSQL (``SHUAN_TEST_POSTGRES_URL``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from shuan.access import (
    Subject,
    create_grant,
    decide,
    get_resource,
    list_grants,
    register_resource,
    revoke_grant,
)
from shuan.access.paths import resource_path
from shuan.config import Settings
from shuan.identity.principal import SYSTEM
from shuan.platform import Platform, open_platform
from shuan.store.db import alembic_config
from tests.access.conftest import HJ, SFZ, STEWARD10, T0, USER10, USER30, build_world
from tests.conftest import TEST_ROOT_KEY, pg_schema

ACCESS_TABLES = {"access_resources", "access_resource_departments", "access_grants", "access_version"}


@pytest.fixture
def pg_platform(tmp_path: Path) -> Iterator[Platform]:
    with pg_schema("shuan_access") as url:
        p = open_platform(Settings(home=tmp_path, root_key=TEST_ROOT_KEY), url=url)
        try:
            yield p
        finally:
            p.close()


@pytest.mark.integration
def test_access_on_postgresql(pg_platform: Platform) -> None:
    p = pg_platform
    build_world(p)
    g = create_grant(
        p,
        STEWARD10,
        subject=Subject.user(USER10.user_id or 0, (1, 10)),
        resource=HJ,
        actions=["read"],
        purpose="户籍核验",
        valid_until=T0 + timedelta(days=30),
        row_filter=[{"column": "区县", "op": "in", "value": ["任城区", "兖州区"]}],
        now=T0,
    )
    d = decide(p, USER10, SFZ, "read", now=T0 + timedelta(days=1))
    assert (d.allowed, d.grant_id) == (True, g.id)
    assert d.row_filter is not None and d.row_filter[0].value == ("任城区", "兖州区")
    assert not decide(p, USER30, SFZ, "read", now=T0 + timedelta(days=1)).allowed
    assert [x.id for x in list_grants(p, STEWARD10, resource="src:公安", include_children=True)] == [g.id]
    revoke_grant(p, STEWARD10, g.id, now=T0 + timedelta(days=1))
    assert decide(p, USER10, SFZ, "read", now=T0 + timedelta(days=2)).rule == "deny_revoked"


@pytest.mark.integration
def test_migration_down_and_up_on_postgresql(pg_platform: Platform) -> None:
    engine = pg_platform.store.engine
    assert ACCESS_TABLES <= set(inspect(engine).get_table_names())
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0004")
    assert not ACCESS_TABLES & set(inspect(engine).get_table_names())
    command.upgrade(cfg, "head")
    assert ACCESS_TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as c:
        assert c.execute(text("SELECT version FROM access_version WHERE id = 1")).scalar() == 0


def test_migration_down_and_up_on_sqlite(platform: Platform) -> None:
    engine = platform.store.engine
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0004")
    assert not ACCESS_TABLES & set(inspect(engine).get_table_names())
    command.upgrade(cfg, "head")
    assert ACCESS_TABLES <= set(inspect(engine).get_table_names())


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def test_like_wildcards_in_names_do_not_leak(backend: str, platform: Platform, request: pytest.FixtureRequest) -> None:
    """Prefix queries escape % and _: a source named ``a_`` is not the parent of ``ab``'s tables."""
    p = platform if backend == "sqlite" else request.getfixturevalue("pg_platform")
    register_resource(p, SYSTEM, resource_path("a_"), owner_department_id=10, level=1)
    register_resource(p, SYSTEM, resource_path("ab"), owner_department_id=20, level=1)
    register_resource(p, SYSTEM, resource_path("ab", "t"), level=3)
    register_resource(p, SYSTEM, resource_path("100%"), owner_department_id=10, level=1)
    register_resource(p, SYSTEM, resource_path("1000"), owner_department_id=20, level=1)
    register_resource(p, SYSTEM, resource_path("1000", "t"), level=3)
    assert get_resource(p, resource_path("a_")).effective_level == 1
    assert get_resource(p, resource_path("ab")).effective_level == 3
    assert get_resource(p, resource_path("100%")).effective_level == 1
    # and owners stay apart: registering under a_ with a_'s owner is fine despite ab's other owner
    assert register_resource(p, SYSTEM, resource_path("a_", "x"), level=2).owner_department_id == 10
