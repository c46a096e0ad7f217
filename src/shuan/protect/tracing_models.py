"""ORM model of the register of delivered extracts (leak tracing, issue 5 item 6).

One row per fingerprinted copy handed to a recipient (a department or a user): who received it, why,
from what, its shape, how many cells carry marks, and the SM3 digest of the file written. The
recipient's tracing key is never stored: it is derived again from the platform's ``sys/trace`` key and
the recipient's kind and id (`shuan.protect.tracing_service.recipient_key`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shuan.identity.models import UtcDateTime
from shuan.store.models import Base

RECIPIENT_KINDS: tuple[str, ...] = ("department", "user")


class Extract(Base):
    __tablename__ = "extracts"
    __table_args__ = (Index("ix_extracts_recipient", "recipient_kind", "recipient_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))  # "department" | "user"
    recipient_id: Mapped[int] = mapped_column(Integer)
    recipient_name: Mapped[str] = mapped_column(String(100))  # department name or username at delivery
    recipient_department_id: Mapped[int | None] = mapped_column(Integer)  # a user's department at delivery
    provider_department_id: Mapped[int | None] = mapped_column(Integer)  # the deliverer's department
    purpose: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(1000))  # what the copy was made from (file and table)
    output_name: Mapped[str] = mapped_column(String(1000))  # the file written (name only)
    output_format: Mapped[str] = mapped_column(String(16))
    output_digest: Mapped[str] = mapped_column(String(64), index=True)  # SM3 of the file written, hex
    row_count: Mapped[int] = mapped_column(Integer)
    columns: Mapped[list[str]] = mapped_column(JSON)
    marks: Mapped[dict[str, Any]] = mapped_column(JSON)  # scheme, γ, carriers/marked/changed per column
    marked_cells: Mapped[int] = mapped_column(Integer)
    scheme: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(64))
