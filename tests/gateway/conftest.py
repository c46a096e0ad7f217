"""A small government with a registered SQLite source and a published data service.

公安局 (owner) registers ``公安人口`` (a SQLite file with table ``rk``: 100 people), registered in the
access register at 一级 (so grants to another department need no authority approval); 卫健委's user is
the consumer. `Gov.grant` gives the consumer (or anyone) a grant on the table or on some columns.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from shuan.access.service import Subject, create_grant, register_resource
from shuan.audit.models import AuditEventRow
from shuan.gateway.service import gateway_for, publish_service
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Role
from shuan.inventory.sources import register_source
from shuan.platform import Platform
from tests.identity.conftest import Actor, World, fast_argon2, migrated_template, platform  # noqa: F401

SOURCE = "公安人口"
TABLE = "rk"
DISTRICTS = ["历下区", "市中区", "槐荫区", "天桥区"]


def people_db(path: Path, rows: int = 100) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE rk (id INTEGER, xm TEXT, sfzh TEXT, sjhm TEXT, csrq TEXT, qx TEXT, nl INTEGER,"
                " \"备 注\" TEXT)")
    data = []
    for i in range(rows):
        data.append((i + 1, f"张{i:03d}", f"37010219{80 + i % 20:02d}0101{i:03d}X", f"138{i:08d}",
                     f"19{80 + i % 20:02d}-01-{1 + i % 28:02d}", DISTRICTS[i % 4], 20 + i % 50, f"备注{i}"))
    con.executemany("INSERT INTO rk VALUES (?, ?, ?, ?, ?, ?, ?, ?)", data)
    con.commit()
    con.close()
    return path


BASE_SPEC: dict[str, Any] = {
    "name": "rk-lookup",
    "title": "人口信息查询",
    "description": "按区县、年龄、身份证号查询人口信息",
    "source": SOURCE,
    "table": TABLE,
    "columns": ["id", "xm", "sfzh", "sjhm", "qx", "nl"],
    "column_types": {"xm": ["person_name"], "sfzh": ["cn_resident_id"], "sjhm": ["cn_mobile"]},
    "params": [
        {"name": "qx", "type": "enum", "column": "qx", "op": "=", "choices": DISTRICTS},
        {"name": "min_age", "type": "integer", "column": "nl", "op": ">=", "min": 0, "max": 150},
        {"name": "max_age", "type": "integer", "column": "nl", "op": "<=", "min": 0, "max": 150},
        {"name": "sfzh", "type": "string", "column": "sfzh", "op": "=", "max_length": 18,
         "pattern": "[0-9]{17}[0-9Xx]"},
        {"name": "xm", "type": "string", "column": "xm", "op": "prefix", "max_length": 10},
        {"name": "ids", "type": "integer", "column": "id", "op": "in", "max_items": 5},
        {"name": "born_after", "type": "date", "column": "csrq", "op": ">=", "min": "1900-01-01"},
    ],
    "default_limit": 10,
    "max_limit": 50,
    "rate_per_minute": 1000,
}


class Gov:
    def __init__(self, world: World, tmp: Path) -> None:
        self.world = world
        world.bootstrap_admin()
        self.ga = world.department("公安局")
        self.wj = world.department("卫健委")
        self.steward = world.user("ga.steward", (Role.STEWARD,), department_id=self.ga)
        self.steward_wj = world.user("wj.steward", (Role.STEWARD,), department_id=self.wj)
        self.consumer = world.user("wj.user", department_id=self.wj)
        self.other = world.user("wj.other", department_id=self.wj)
        self.secadmin = world.officer(Role.SECADMIN)
        self.auditor = world.officer(Role.AUDITOR)
        self.db = people_db(tmp / "people.db")
        register_source(self.p, actor=self.steward.principal, name=SOURCE, location=str(self.db),
                        department_id=self.ga, responsible_username="ga.steward", now=world.now)
        register_resource(self.p, SYSTEM, f"src:{SOURCE}", owner_department_id=self.ga, level=1, now=world.now)
        register_resource(self.p, SYSTEM, f"src:{SOURCE}/tbl:{TABLE}", level=1, now=world.now)

    @property
    def p(self) -> Platform:
        return self.world.platform

    @property
    def now(self) -> Any:
        return self.world.now

    def publish(self, **changes: Any) -> Any:
        spec = {**BASE_SPEC, **changes}
        return publish_service(self.p, self.steward.principal, spec, now=self.now)

    def grant(self, who: Actor | None = None, resource: str | None = None, *, days: int = 30,
              scenario: str = "business", row_filter: list[dict[str, Any]] | None = None,
              masking: str | None = None) -> int:
        principal = (who or self.consumer).principal
        assert principal.user_id is not None
        view = create_grant(self.p, self.steward.principal,
                            subject=Subject.user(principal.user_id, principal.department_path),
                            resource=resource or f"src:{SOURCE}/tbl:{TABLE}", actions=["read"],
                            purpose="卫生健康统计", valid_until=self.now + timedelta(days=days), scenario=scenario,
                            row_filter=row_filter, masking_profile=masking, now=self.now)
        return view.id

    def events(self, action: str = "service.call") -> list[dict[str, Any]]:
        with self.p.store.sessions() as s:
            rows = s.scalars(select(AuditEventRow).where(AuditEventRow.action == action).order_by(AuditEventRow.seq))
            return [{"outcome": r.outcome, "actor": r.actor, "resource": r.resource, "purpose": r.purpose,
                     "details": json.loads(r.details), "ts": r.ts} for r in rows]


@pytest.fixture
def world(platform: Platform) -> Iterator[World]:  # noqa: F811 - the identity conftest's platform
    yield World(platform)
    gateway_for(platform).close()


@pytest.fixture
def gov(world: World, tmp_path: Path) -> Gov:
    return Gov(world, tmp_path)


def consumer_principal(gov: Gov) -> Principal:
    return gov.consumer.principal
