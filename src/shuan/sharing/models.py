"""ORM models of the sharing part (issue 5 items 3-4): the 政务信息资源目录 and the request workflow.

* `CatalogEntry` — one catalogue resource with the core metadata of the 政务信息资源目录编制指南
  (DOMAIN.md §4): classification (类/项/目/细目), name, code, provider and provider code, summary,
  format, 信息项 (name, type, and the column it maps to), 共享属性 (type, condition, method, basis),
  开放属性 (type, condition, basis), update cycle, publication date, related resource codes. It
  describes one registered access resource (``resource_path``, a source or table): the grade the
  share and open types are checked against is that resource's, as the access register folds it.
* `ShareRequest` — a department's request for a catalogue resource: purpose, usage scenario,
  columns, period, legal basis; its state, the deadline of the stage it is in (working days on the
  holiday calendar), and, once approved, the masking profile, row filter, expiry and the grants made.
* `ShareDecision` — every decision taken on a request (the data authority's compliance check, the
  provider's review, a revocation), each SM2-signed by the person who took it over a canonical
  document (shuan.sharing.documents), kept with the signing key's id and fingerprint so the
  signature can be checked again at any time.

Share/open types are stable ids; their Chinese labels live in the message catalogue.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shuan.identity.models import UtcDateTime
from shuan.store.models import Base

#: 共享类型: 无条件共享 / 有条件共享 / 不予共享
SHARE_TYPES: tuple[str, ...] = ("unconditional", "conditional", "none")
#: 开放类型: 无条件开放 / 有条件开放 / 不予开放
OPEN_TYPES: tuple[str, ...] = ("unconditional", "conditional", "none")
ENTRY_STATUSES: tuple[str, ...] = ("draft", "published", "withdrawn")

#: request states: the data authority's compliance check, then the provider's review, then a result
REQUEST_STATUSES: tuple[str, ...] = (
    "authority_review",  # 合规审核 by the data authority
    "provider_review",  # 提供方审核
    "approved",  # grants made (a 三级 grant may still await the authority's signed grant approval)
    "refused",  # refused with reasons, at either stage
    "withdrawn",  # by the requester before a decision
    "revoked",  # an approved request whose grants were revoked
)
DECISION_STAGES: tuple[str, ...] = ("authority", "provider", "revocation")
DECISION_OUTCOMES: tuple[str, ...] = ("pass", "refuse", "approve", "revoke")


class CatalogEntry(Base):
    __tablename__ = "catalog_entries"
    __table_args__ = (
        UniqueConstraint("code", name="uq_catalog_entries_code"),
        CheckConstraint(
            "share_type IN ('unconditional', 'conditional', 'none')", name="ck_catalog_entries_share"
        ),
        CheckConstraint(
            "open_type IN ('unconditional', 'conditional', 'none')", name="ck_catalog_entries_open"
        ),
        CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name="ck_catalog_entries_status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64))  # 资源代码
    name: Mapped[str] = mapped_column(String(200))  # 资源名称
    category: Mapped[list[str]] = mapped_column(JSON)  # 类/项/目/细目, 1-4 levels
    provider_department_id: Mapped[int] = mapped_column(Integer, index=True)  # 提供方
    provider_code: Mapped[str] = mapped_column(String(64))  # 提供方代码
    summary: Mapped[str] = mapped_column(Text)  # 摘要
    format: Mapped[str] = mapped_column(String(32))  # 格式 (资源格式分类)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # 信息项 [{name, type, column}]
    resource_path: Mapped[str] = mapped_column(String(512), index=True)  # the access resource described
    share_type: Mapped[str] = mapped_column(String(16))
    share_condition: Mapped[str | None] = mapped_column(Text)  # 共享条件
    share_method: Mapped[str | None] = mapped_column(String(32))  # 共享方式 (接口/文件/库表…)
    share_basis: Mapped[str | None] = mapped_column(Text)  # legal/policy basis for conditional/none
    open_type: Mapped[str] = mapped_column(String(16))
    open_condition: Mapped[str | None] = mapped_column(Text)
    open_basis: Mapped[str | None] = mapped_column(Text)
    update_cycle: Mapped[str] = mapped_column(String(16))  # 更新周期
    published_on: Mapped[date | None] = mapped_column(Date)  # 发布日期
    related_codes: Mapped[list[str]] = mapped_column(JSON)  # 关联资源代码
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(Integer)


class ShareRequest(Base):
    __tablename__ = "share_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('authority_review', 'provider_review', 'approved', 'refused', 'withdrawn', 'revoked')",
            name="ck_share_requests_status",
        ),
        CheckConstraint("valid_until > valid_from", name="ck_share_requests_period"),
        Index("ix_share_requests_status_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("catalog_entries.id", ondelete="RESTRICT"), index=True)
    requester_department_id: Mapped[int] = mapped_column(Integer, index=True)
    # the requesting department's path (root first) when the request was made: the grants' subject
    requester_department_path: Mapped[list[int]] = mapped_column(JSON)
    requester_user_id: Mapped[int | None] = mapped_column(Integer)
    requester_name: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(Text)  # 用途
    scenario: Mapped[str] = mapped_column(String(32))  # 使用场景 (shuan.access.rules.SCENARIOS)
    columns: Mapped[list[str]] = mapped_column(JSON)  # requested 信息项 (column names)
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)  # requested period
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime)
    legal_basis: Mapped[str] = mapped_column(Text)  # 依据
    status: Mapped[str] = mapped_column(String(24))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stage_started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # deadline of the current stage
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # last overdue reminder
    # set by the provider's approval
    masking_profile: Mapped[str | None] = mapped_column(String(64))
    row_filter: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    grant_ids: Mapped[list[int]] = mapped_column(JSON)
    refusal_reasons: Mapped[str | None] = mapped_column(Text)
    renews_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_requests.id", ondelete="SET NULL")
    )
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ShareDecision(Base):
    __tablename__ = "share_decisions"
    __table_args__ = (
        CheckConstraint("stage IN ('authority', 'provider', 'revocation')", name="ck_share_decisions_stage"),
        CheckConstraint(
            "outcome IN ('pass', 'refuse', 'approve', 'revoke')", name="ck_share_decisions_outcome"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("share_requests.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[int] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)  # decided after the stage's deadline
    # the signer's SM2 signature (r ‖ s, hex) over the canonical decision document
    document_version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))  # SM3 of the document, hex
    key_id: Mapped[int] = mapped_column(Integer)
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(256))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)  # what was decided (profile, filter, expiry …)


__all__ = [
    "DECISION_OUTCOMES",
    "DECISION_STAGES",
    "ENTRY_STATUSES",
    "OPEN_TYPES",
    "REQUEST_STATUSES",
    "SHARE_TYPES",
    "CatalogEntry",
    "ShareDecision",
    "ShareRequest",
]
