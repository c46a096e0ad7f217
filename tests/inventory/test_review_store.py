"""Migration 0010 (column_reviews, notifications): matches the models, goes down and up, and the review
and notification services run on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from shuan.config import get_settings
from shuan.identity.roles import Role
from shuan.inventory.changes import list_notifications, on_new_scan
from shuan.inventory.persist import latest_inventory
from shuan.inventory.review import column_history, review_column
from shuan.platform import Platform, open_platform
from shuan.store.db import Store, alembic_config, open_store
from tests.conftest import pg_schema
from tests.identity.conftest import World, fast_argon2  # noqa: F401
from tests.inventory.reviewkit import companies, people, scan_source, source_id
from tests.schema_helpers import schema_diffs

TABLES = {"column_reviews", "notifications"}


def diffs(store: Store) -> list[object]:
    return schema_diffs(store.engine, TABLES)


def test_models_match_the_migration_and_it_goes_down_and_up(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        assert diffs(store) == []
        cfg = alembic_config(store.engine)
        command.downgrade(cfg, "0009")
        assert not TABLES & set(inspect(store.engine).get_table_names())
        command.upgrade(cfg, "head")
        assert TABLES <= set(inspect(store.engine).get_table_names())
    finally:
        store.close()


@pytest.fixture
def pg_platform(monkeypatch: pytest.MonkeyPatch, root_key: str) -> Iterator[Platform]:
    with pg_schema("shuan_review") as scoped:
        monkeypatch.setenv("SHUAN_DATABASE_URL", scoped)
        get_settings.cache_clear()
        try:
            platform = open_platform()
            try:
                yield platform
            finally:
                platform.close()
        finally:
            get_settings.cache_clear()


@pytest.mark.integration
def test_reviews_and_notifications_on_postgresql(pg_platform: Platform, tmp_path: Path) -> None:
    assert diffs(pg_platform.store) == []
    world = World(pg_platform)
    src = tmp_path / "src"
    people(src)
    companies(src)
    scan_source(src)
    sid = source_id(pg_platform, src)
    sec = world.officer(Role.SECADMIN)
    review_column(pg_platform, actor=sec.principal, source_record_id=sid, table="qyxx", column="编号",
                  decision="override", types=["medical_info"], level=2, reason="病历号", now=world.now)
    companies(src, contact="mobile")
    second = scan_source(src)
    rows, _ = latest_inventory(pg_platform.store)
    qy = next(r for r in rows if r.table.name == "qyxx")
    assert next(c for c in qy.table.columns if c.name == "编号").level == 2
    assert len(column_history(pg_platform, actor=sec.principal, source_record_id=sid)) == 1
    with pg_platform.store.transaction() as s:
        on_new_scan(pg_platform, s, source_record_id=sid, scan_id=second, recipients=[sec.principal.user_id or 0],
                    now=world.now)
    [note] = list_notifications(pg_platform, actor=sec.principal)
    assert note.body["counts"] == {"column_raised": 1, "table_raised": 1}
