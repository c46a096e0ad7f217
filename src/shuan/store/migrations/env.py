"""Alembic environment: runs against the engine the Store hands over (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context

from shuan.store.registry import load_all_models

Base = load_all_models()

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
