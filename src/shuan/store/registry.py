"""Imports every model module so that Base.metadata knows all tables (Alembic and tests use it)."""

from __future__ import annotations

from shuan.store.models import Base


def load_all_models() -> type[Base]:
    import shuan.access.models
    import shuan.audit.models
    import shuan.crypto.keys.models
    import shuan.gateway.models
    import shuan.identity.models
    import shuan.inventory.models
    import shuan.inventory.review_models
    import shuan.protect.tracing_models
    import shuan.sharing.models  # noqa: F401

    return Base
