"""ORM models of the inventory: sources, scan runs, tables, columns, detections, grades, errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class SourceRecord(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display: Mapped[str] = mapped_column(String(1000), unique=True)  # path or URL with password masked
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scans: Mapped[list[ScanRun]] = relationship(back_populates="source")


class ScanRun(Base):
    __tablename__ = "scan_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(64))
    scheme_doc: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the scheme as used (custom files too)
    mode: Mapped[str] = mapped_column(String(16))
    sample_rows: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    table_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[SourceRecord] = relationship(back_populates="scans")
    tables: Mapped[list[TableAsset]] = relationship(back_populates="scan", cascade="all, delete-orphan")
    errors: Mapped[list[ScanError]] = relationship(back_populates="scan", cascade="all, delete-orphan")


class TableAsset(Base):
    __tablename__ = "table_assets"
    __table_args__ = (UniqueConstraint("scan_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    rows: Mapped[int] = mapped_column(Integer)
    sampled_rows: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(200))
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    scan: Mapped[ScanRun] = relationship(back_populates="tables")
    columns: Mapped[list[ColumnAsset]] = relationship(back_populates="table", cascade="all, delete-orphan",
                                                      order_by="ColumnAsset.ordinal")
    grades: Mapped[list[Grade]] = relationship(back_populates="table", cascade="all, delete-orphan")


class ColumnAsset(Base):
    __tablename__ = "column_assets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("table_assets.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str | None] = mapped_column(Text)
    table: Mapped[TableAsset] = relationship(back_populates="columns")
    detections: Mapped[list[Detection]] = relationship(back_populates="column", cascade="all, delete-orphan")


class Detection(Base):
    __tablename__ = "detections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    column_id: Mapped[int] = mapped_column(ForeignKey("column_assets.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[float] = mapped_column(Float)
    ratio: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)
    column: Mapped[ColumnAsset] = relationship(back_populates="detections")


class Grade(Base):
    __tablename__ = "grades"
    __table_args__ = (UniqueConstraint("table_id", "scheme"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("table_assets.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(64))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    derived: Mapped[bool] = mapped_column(default=False)  # graded under a scheme other than the scan's, for comparison
    table: Mapped[TableAsset] = relationship(back_populates="grades")


class ScanError(Base):
    __tablename__ = "scan_errors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    table: Mapped[str] = mapped_column(String(500))
    error: Mapped[str] = mapped_column(Text)
    scan: Mapped[ScanRun] = relationship(back_populates="errors")


def as_dict(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}
