"""ORM models of steward reviews (confirm/override a column, history kept) and console notifications.

A review is keyed by names (source record + table + column), not by the scan's row ids, so it
survives rescans: every later scan of the same source shows the override until a new review of the
same column supersedes it (the old row stays, with `superseded_at` set).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shuan.identity.models import UtcDateTime
from shuan.store.models import Base

DECISIONS: tuple[str, ...] = ("confirm", "override")


class ColumnReview(Base):
    __tablename__ = "column_reviews"
    __table_args__ = (Index("ix_column_reviews_column", "source_record_id", "table_name", "column_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    table_name: Mapped[str] = mapped_column(String(500))
    column_name: Mapped[str] = mapped_column(String(500))
    decision: Mapped[str] = mapped_column(String(16))
    scheme: Mapped[str] = mapped_column(String(64))  # the scheme the level is expressed in
    types: Mapped[list[str] | None] = mapped_column(JSON)  # override: the column's types (vocabulary ids)
    level: Mapped[int | None] = mapped_column(Integer)  # override: the column's level in `scheme`
    reason: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_name: Mapped[str] = mapped_column(String(64))
    department_id: Mapped[int | None] = mapped_column(Integer)  # the source's owner at review time
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Notification(Base):
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
