"""The sharing tables: the migration creates exactly what the models declare (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shuan.config import Settings
from shuan.platform import Platform, open_platform
from tests.conftest import TEST_ROOT_KEY, pg_schema
from tests.schema_helpers import schema_diffs

TABLES = {"catalog_entries", "share_requests", "share_decisions"}


def test_migration_matches_the_models_on_sqlite(platform: Platform) -> None:
    assert schema_diffs(platform.store.engine, TABLES) == []


@pytest.fixture
def pg_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    with pg_schema("sharing") as url:
        p = open_platform(
            Settings(home=tmp_path_factory.mktemp("pg"), root_key=TEST_ROOT_KEY, database_url=url)
        )
        yield p
        p.close()


def test_migration_matches_the_models_on_postgresql(pg_platform: Platform) -> None:
    assert schema_diffs(pg_platform.store.engine, TABLES) == []
