"""ORM models (filled in by the owner of this package)."""

from __future__ import annotations

from shuan.store.models import Base

__all__ = ["Base"]
