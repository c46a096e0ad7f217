"""The approval commands: `shuan grant approve` and `shuan key destroy-approve` ask for the signing
password on the terminal (hidden), `verify-approval` re-checks a stored signature, and `grant check`
decides for the ``business`` scenario unless told otherwise.

The commands run in-process with the acting principal handed in (token resolution has tests of its own
in tests/cli): the approver is a real account with its own signing key."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from shuan.access import Subject, create_grant, register_resource
from shuan.cli import grant as grant_cli
from shuan.cli import key as key_cli
from shuan.cli.main import main
from shuan.clock import utcnow
from shuan.crypto.keys import service as key_service
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Role
from shuan.platform import Platform
from tests.access.conftest import SECADMIN, STEWARD10, T0, USER30, Signer, Signers

RES = "src:公安/tbl:户籍"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def shell(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    acting: dict[str, Principal] = {}

    @contextmanager
    def authenticated() -> Iterator[tuple[Platform, Principal]]:
        yield platform, acting["who"]

    monkeypatch.setattr(grant_cli, "authenticated", authenticated)
    monkeypatch.setattr(key_cli, "authenticated", authenticated)

    def run(who: Principal, *args: str, input: str | None = None) -> Result:  # noqa: A002
        acting["who"] = who
        with CliRunner().isolation(input=input) as (out, err, _):
            code = main(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
        return Result(code, out.getvalue().decode(), err.getvalue().decode())

    return run


@pytest.fixture
def authority(signers: Signers) -> Signer:
    return signers("shen.pi")


def pending_grant(p: Platform) -> int:
    register_resource(p, SYSTEM, "src:公安", owner_department_id=10, level=1, now=T0)
    register_resource(p, SYSTEM, RES, level=3, now=T0)
    assert USER30.user_id is not None
    g = create_grant(p, STEWARD10, subject=Subject.user(USER30.user_id, USER30.department_path), resource=RES,
                     actions=["read"], purpose="跨部门核验", valid_until=T0.replace(year=2027), await_authority=True,
                     now=T0)
    return g.id


def test_grant_approve_prompts_for_the_signing_password(platform: Platform, shell: Callable[..., Result],
                                                        authority: Signer) -> None:
    gid = pending_grant(platform)
    r = shell(authority.principal, "grant", "approve", str(gid), input="Wrong-Passw0rd-1\n")
    assert r.code == 5 and r.out == "" and "Wrong-Passw0rd-1" not in r.err
    assert "审批签名密码" in r.err and "无法使用签名密钥" in r.err
    r = shell(authority.principal, "grant", "verify-approval", str(gid))
    assert r.code == 1 and r.json()["signed"] is False and "验证失败" in r.err
    r = shell(authority.principal, "grant", "approve", str(gid), input=authority.password + "\n")
    assert r.code == 0, r.err
    assert authority.password not in r.err + r.out and "active" in r.err
    r = shell(USER30, "grant", "verify-approval", str(gid))  # the grant's subject may check it
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["valid"] is True and doc["approver"] == "shen.pi" and len(doc["signature"]) == 128
    assert "签名有效" in r.err and doc["key_fingerprint"] in r.err
    with platform.store.engine.begin() as conn:
        conn.execute(text("UPDATE access_grants SET valid_until='2027-06-01 00:00:00.000000' WHERE id=:id"), {"id": gid})
    r = shell(SECADMIN, "grant", "verify-approval", str(gid))
    assert r.code == 1 and r.json()["valid"] is False


def test_grant_check_decides_for_business_unless_told(platform: Platform, shell: Callable[..., Result]) -> None:
    now = utcnow()  # the command decides at the real time
    register_resource(platform, SYSTEM, "src:测试库", owner_department_id=10, level=1, now=now)
    assert USER30.user_id is not None
    create_grant(platform, STEWARD10, subject=Subject.user(USER30.user_id, USER30.department_path),
                 resource="src:测试库", actions=["read"], purpose="联调", scenario="dev_test",
                 valid_until=now + timedelta(days=30), now=now)
    r = shell(USER30, "grant", "check", "--resource", "src:测试库", "--action", "read")
    assert r.code == 0 and r.json()["allowed"] is False and r.json()["rule"] == "deny_purpose"
    r = shell(USER30, "grant", "check", "--resource", "src:测试库", "--action", "read", "--scenario", "dev_test")
    assert r.json()["allowed"] is True
    assert "business" in shell(USER30, "grant", "check", "--help").out


def test_key_destroy_approve_and_verify(platform: Platform, shell: Callable[..., Result], signers: Signers) -> None:
    requester = signers("an.quan1", Role.SECADMIN).principal
    approver = signers("an.quan2", Role.SECADMIN)
    dept = signers.world.root_id
    key_service.create_data_key(platform, requester, "户籍库", dept)
    rid = key_service.request_destruction(platform, requester, "户籍库", "保存期限届满")
    r = shell(approver.principal, "key", "destroy-approve", str(rid), input="Wrong-Passw0rd-1\n")
    assert r.code == 5 and "审批签名密码" in r.err
    r = shell(approver.principal, "key", "destroy-approve", str(rid), input=approver.password + "\n")
    assert r.code == 0, r.err
    r = shell(requester, "key", "verify-approval", str(rid))
    assert r.code == 0, r.err
    assert r.json()["valid"] is True and r.json()["approver"] == "an.quan2"
    with platform.store.engine.begin() as conn:
        conn.execute(text("UPDATE key_destructions SET reason='改过的理由' WHERE id=:id"), {"id": rid})
    r = shell(requester, "key", "verify-approval", str(rid))
    assert r.code == 1 and r.json()["valid"] is False and "验证失败" in r.err
    r = shell(USER30, "key", "verify-approval", str(rid))
    assert r.code == 6 and r.out == ""
