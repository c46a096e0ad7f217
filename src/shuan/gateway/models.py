"""ORM model of the data-service gateway: one row per published data service (数据服务).

A service reads one table of one registered source (shuan.inventory: the location stays an SM4
envelope, opened in memory only). Its definition is data: the output columns (a whitelist), the typed
parameters (shuan.gateway.params), the row limits, the rate limit per consumer and the usage scenario
its calls are decided for. Calls are not stored here: each one is a ``service.call`` event in the audit
chain (consumer, parameters as HMAC pseudonyms, rows, latency, outcome), and the periodic report
(shuan.gateway.report) reads them from there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shuan.identity.models import UtcDateTime
from shuan.store.models import Base

SERVICE_STATUSES: tuple[str, ...] = ("active", "retired")


class DataService(Base):
    __tablename__ = "data_services"
    __table_args__ = (
        UniqueConstraint("name", name="uq_data_services_name"),
        CheckConstraint("status IN ('active', 'retired')", name="ck_data_services_status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))  # slug, used in URLs
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int] = mapped_column(ForeignKey("registered_sources.id", ondelete="RESTRICT"), index=True)
    table_name: Mapped[str] = mapped_column(String(500))  # as the inventory names it (schema.table off default)
    columns: Mapped[list[str]] = mapped_column(JSON)  # output columns, in order
    column_types: Mapped[dict[str, Any]] = mapped_column(JSON)  # column -> detected type ids (masking rules)
    table_columns: Mapped[list[str]] = mapped_column(JSON)  # every column of the table at publication
    params: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # parameter specs (shuan.gateway.params)
    scenario: Mapped[str] = mapped_column(String(16))  # usage scenario decisions are made for
    default_limit: Mapped[int] = mapped_column(Integer)
    max_limit: Mapped[int] = mapped_column(Integer)
    rate_per_minute: Mapped[int] = mapped_column(Integer)
    department_id: Mapped[int] = mapped_column(Integer, index=True)  # owning department (the source's)
    status: Mapped[str] = mapped_column(String(16))
    catalog_entry_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer)  # bumped by every change (definition caches compare it)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retired_by: Mapped[int | None] = mapped_column(Integer)
    retire_reason: Mapped[str | None] = mapped_column(Text)


__all__ = ["SERVICE_STATUSES", "DataService"]
