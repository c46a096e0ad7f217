"""Fixtures of the sharing tests.

Share requests (H2): the access tests' small government (tests/access/conftest.py: departments 1 root,
10 公安局, 20 卫健委, 30 民政局, and their graded resources) plus catalogue entries inserted directly,
and real accounts with their own SM2 signing keys for the people who decide (`Signers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from shuan.identity.roles import Role
from shuan.platform import Platform
from shuan.sharing.models import CatalogEntry
from tests.access.conftest import BL, GG, HJ, T0, Signer, Signers, build_world, cheap_argon2

ITEMS_HJ = [
    {"name": "姓名", "type": "字符型", "column": "姓名"},
    {"name": "身份证号", "type": "字符型", "column": "身份证号"},
    {"name": "住址", "type": "字符型", "column": "住址"},
]


def add_entry(
    p: Platform,
    code: str,
    *,
    resource: str,
    provider: int,
    share_type: str = "conditional",
    open_type: str = "none",
    status: str = "published",
    published_on: date | None = date(2026, 1, 5),
    items: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> int:
    """A catalogue entry row (the catalogue's own service is not needed to test requests)."""
    values: dict[str, Any] = {
        "code": code,
        "name": f"资源{code}",
        "category": ["基础信息"],
        "provider_department_id": provider,
        "provider_code": f"P{provider}",
        "summary": "摘要",
        "format": "库表",
        "items": items or list(ITEMS_HJ),
        "resource_path": resource,
        "share_type": share_type,
        "share_condition": "仅限政务用途" if share_type == "conditional" else None,
        "share_method": "接口",
        "share_basis": "《济宁市政务数据安全管理办法》第三十三条" if share_type != "unconditional" else None,
        "open_type": open_type,
        "open_condition": "登记用途" if open_type == "conditional" else None,
        "open_basis": "涉及个人信息" if open_type != "unconditional" else None,
        "update_cycle": "每日",
        "published_on": published_on,
        "related_codes": [],
        "status": status,
        "created_at": T0,
        "created_by": None,
        "updated_at": T0,
        "updated_by": None,
    }
    values.update(extra)
    with p.store.transaction() as s:
        row = CatalogEntry(**values)
        s.add(row)
        s.flush()
        return int(row.id)


@dataclass
class ShareWorld:
    p: Platform
    authority: Signer  # the data authority: 安全管理员 of the root department
    officer10: Signer  # 公安局's data security officer (provider of 户籍, 公告)
    officer20: Signer  # 卫健委's data security officer (provider of 病历)
    entries: dict[str, int]
    signers: Signers  # its `world` holds the real accounts (root department, bootstrapped administrators)


def build_share_world(p: Platform, signers: Signers) -> ShareWorld:
    build_world(p)
    entries = {
        "hj": add_entry(p, "HJ-001", resource=HJ, provider=10),  # 二级, conditional
        "gg": add_entry(
            p,
            "GG-001",
            resource=GG,
            provider=10,
            share_type="unconditional",
            open_type="unconditional",
            items=[{"name": "标题", "type": "字符型", "column": "标题"}],
        ),
        "bl": add_entry(
            p,
            "BL-001",
            resource=BL,
            provider=20,  # 三级, not yet published on the catalogue date
            items=[{"name": "诊断", "type": "字符型", "column": "诊断"}],
            published_on=None,
        ),
        "none": add_entry(p, "HJ-NONE", resource=HJ, provider=10, share_type="none"),
        "draft": add_entry(p, "HJ-DRAFT", resource=HJ, provider=10, status="draft"),
        "withdrawn": add_entry(p, "HJ-OLD", resource=HJ, provider=10, status="withdrawn"),
        "bad": add_entry(
            p, "HJ-BAD", resource=HJ, provider=10, share_type="unconditional"
        ),  # 二级 unconditional
    }
    return ShareWorld(
        p,
        authority=signers("shen.pi", Role.SECADMIN, path=(1,)),
        officer10=signers("gong.an", Role.DEPT_SECURITY_OFFICER, path=(1, 10)),
        officer20=signers("wei.jian", Role.DEPT_SECURITY_OFFICER, path=(1, 20)),
        entries=entries,
        signers=signers,
    )


@pytest.fixture
def share_world(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> ShareWorld:
    cheap_argon2(monkeypatch)
    return build_share_world(platform, Signers(platform))
