"""Registered sources (issue 4): a source belongs to a department and has a responsible person
(谁主管谁负责); its location (a path, or a database URL with its password) is stored only as an
SM4 envelope under the department's data key for source secrets, next to a masked display. Copies of
a source's data held elsewhere are recorded with their own holder department and responsible person.

Departments and users are plain ids here, like the access register (no foreign keys into the
identity tables); the services check that they exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shuan.identity.models import UtcDateTime
from shuan.store.models import Base

__all__ = ["RegisteredSource", "SourceCopy", "TableSample"]


class RegisteredSource(Base):
    __tablename__ = "registered_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)  # the access path src:<name>
    department_id: Mapped[int] = mapped_column(Integer, index=True)
    responsible_user_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32))  # file, directory, sqlite, postgresql, mysql, …
    display: Mapped[str] = mapped_column(String(1000), unique=True)  # masked location: one registration per place
    location_envelope: Mapped[bytes] = mapped_column(LargeBinary)  # SM4-GCM envelope of the full location
    scheme: Mapped[str | None] = mapped_column(String(64))
    sample_rows: Mapped[int | None] = mapped_column(Integer)
    full_scan: Mapped[bool] = mapped_column(Boolean, default=False)
    schedule_hours: Mapped[int | None] = mapped_column(Integer)  # None: no scheduled rescans
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    last_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id", ondelete="SET NULL"))
    last_scan_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)  # one line, never a secret
    next_scan_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    scan_claim: Mapped[str | None] = mapped_column(String(64))  # the running scan's token (any process)
    scan_claim_until: Mapped[datetime | None] = mapped_column(UtcDateTime)  # lapses if its process died

    def __repr__(self) -> str:
        return f"RegisteredSource(id={self.id!r}, name={self.name!r}, display={self.display!r})"


class SourceCopy(Base):
    __tablename__ = "source_copies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("registered_sources.id", ondelete="CASCADE"), index=True)
    holder_department_id: Mapped[int] = mapped_column(Integer, index=True)
    responsible_user_id: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(500))
    location: Mapped[str] = mapped_column(String(1000))  # a description, masked when it is a URL
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(200))


class TableSample(Base):
    """A few raw values of every column of a scanned table of a registered source, kept so that a steward
    can check a classification against the data: the values only as an SM4 envelope under the owning
    department's source key (bound to the table's id), next to their masked forms shown by default."""

    __tablename__ = "table_samples"
    table_id: Mapped[int] = mapped_column(ForeignKey("table_assets.id", ondelete="CASCADE"), primary_key=True)
    masked: Mapped[dict[str, list[str]]] = mapped_column(JSON)  # column -> masked values
    envelope: Mapped[bytes] = mapped_column(LargeBinary)  # SM4-GCM envelope of {column: [values]} as JSON
    department_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
