"""Shared check that a migration creates exactly what the ORM models describe."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from shuan.store.registry import load_all_models


def schema_diffs(engine: sa.Engine, tables: Collection[str]) -> list[object]:
    """Alembic's differences between the migrated database and the models, limited to `tables`."""
    with engine.connect() as conn:
        found = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                 load_all_models().metadata)
    out = []
    for diff in found:
        flat = diff if isinstance(diff, tuple) else diff[0]
        names = {getattr(part, "name", None) for part in flat} | {
            getattr(getattr(part, "table", None), "name", None) for part in flat}
        if names & set(tables):
            out.append(diff)
    return out
