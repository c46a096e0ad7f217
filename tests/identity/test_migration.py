"""Migration 0004: matches the models, goes down and up again, runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from shuan.config import Settings
from shuan.errors import AuthError
from shuan.identity.sessions import authenticate, login
from shuan.identity.stages import SessionStage
from shuan.identity.tokens import create_token, resolve_token
from shuan.platform import Platform, open_platform
from shuan.store.db import Store, alembic_config, open_store
from tests.conftest import TEST_ROOT_KEY, pg_schema
from tests.identity.conftest import World
from tests.schema_helpers import schema_diffs

IDENTITY_TABLES = {"departments", "users", "user_roles", "password_history", "auth_sessions", "api_tokens",
                   "signing_keys", "admin_requests"}
IDENTITY_0004 = IDENTITY_TABLES - {"admin_requests"}


def identity_diffs(store: Store) -> list[object]:
    """Differences between the migrated schema and the identity models (none expected)."""
    return schema_diffs(store.engine, IDENTITY_TABLES)


def test_models_match_the_migration(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        assert identity_diffs(store) == []
        with store.engine.begin() as c:  # the comparison does see a difference when there is one
            c.execute(text("DROP INDEX ix_users_department_id"))
        assert identity_diffs(store) != []
    finally:
        store.close()


def test_down_and_up_again(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}", migrate=False)
    try:
        cfg = alembic_config(store.engine)
        command.upgrade(cfg, "0004")
        assert IDENTITY_0004 <= set(inspect(store.engine).get_table_names())
        command.downgrade(cfg, "0003")
        assert not IDENTITY_TABLES & set(inspect(store.engine).get_table_names())
        command.upgrade(cfg, "head")
        assert IDENTITY_TABLES <= set(inspect(store.engine).get_table_names())
        command.downgrade(cfg, "0006")  # 0007: the dual-control requests only
        assert set(inspect(store.engine).get_table_names()) & IDENTITY_TABLES == IDENTITY_0004
        command.upgrade(cfg, "head")
        assert IDENTITY_TABLES <= set(inspect(store.engine).get_table_names())
    finally:
        store.close()


@pytest.fixture
def pg_platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[Platform]:
    with pg_schema("shuan_identity") as scoped:
        store = open_store(scoped, migrate=False)
        cfg = alembic_config(store.engine)
        command.upgrade(cfg, "0004")
        command.downgrade(cfg, "0003")
        store.close()
        platform = open_platform(Settings(root_key=TEST_ROOT_KEY), url=scoped)
        try:
            yield platform
        finally:
            platform.close()


@pytest.mark.integration
def test_identity_on_postgresql(pg_platform: Platform) -> None:
    assert identity_diffs(pg_platform.store) == []
    world = World(pg_platform)
    admin = world.bootstrap_admin()
    user = world.user("pg.user")
    for _ in range(pg_platform.settings.lockout_threshold):
        with pytest.raises(AuthError):
            login(pg_platform, username="pg.user", password="Wrong-Passw0rd", now=world.now)
    with pytest.raises(AuthError, match="锁定"):
        login(pg_platform, username="pg.user", password=user.password, now=world.now)
    world.tick(seconds=pg_platform.settings.lockout_base_seconds)
    user = world.relogin(user)
    token = create_token(pg_platform, actor=admin.principal, name="pg", scopes=["identity.manage"],
                         expires_at=world.now + timedelta(hours=1), now=world.now)
    assert resolve_token(pg_platform, token.token, now=world.now).username == "root.admin"
    world.tick(minutes=pg_platform.settings.session_idle_minutes)
    with pytest.raises(AuthError, match="超时"):
        authenticate(pg_platform, session_id=user.session_id, now=world.now)
    assert login(pg_platform, username="PG.USER", password=user.password, now=world.now).stage \
        is SessionStage.ACTIVE
    assert [e.action for e in world.events("bootstrap")] == ["bootstrap"]
