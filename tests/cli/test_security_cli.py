"""The administration commands, in-process: `shuan init`, the interactive first login that yields a
token, then users, departments, tokens, resources and grants with SHUAN_TOKEN — and their refusals."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from shuan.audit.models import AuditEventRow
from shuan.cli.main import main
from shuan.identity import common, passwords, totp
from shuan.platform import open_platform
from tests.web.conftest import Clock

UNTIL = (datetime.now(UTC) + timedelta(days=90)).isoformat()
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ADMIN_PASSWORD = "Strong-Passw0rd!9"
USER_PASSWORD = "Correct-Horse-42"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def rows(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


class Shell:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.token: str | None = None
        self.secrets: dict[str, str] = {}  # the bootstrapped administrators' one-time secrets

    def run(self, *args: str, input: str | None = None, token: str | None = None) -> Result:  # noqa: A002
        env = {"SHUAN_TOKEN": token if token is not None else self.token}
        with CliRunner().isolation(input=input, env=env) as (out, err, _):
            code = main(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
        return Result(code, out.getvalue().decode(), err.getvalue().decode())

    def first_token(self, username: str, secret: str, password: str, *, enrol: bool) -> str:
        """`shuan token bootstrap`: one-time secret, new password twice, then a TOTP code if enrolling."""
        answers = [secret, password, password]
        if enrol:
            answers.append(self.clock.fresh_code(TOTP_SECRET))
        r = self.run("token", "bootstrap", "--username", username, input="\n".join(answers) + "\n")
        assert r.code == 0, r.err
        token = r.out.strip()
        assert token.startswith("shuan_") and "\n" not in token
        return token

    def login_token(self, username: str, password: str, *, totp: bool, scopes: tuple[str, ...] = ()) -> str:
        answers = [password] + ([self.clock.fresh_code(TOTP_SECRET)] if totp else [])
        args = ["token", "create", "--username", username, "--hours", "7"]
        for scope in scopes:
            args += ["--scope", scope]
        r = self.run(*args, input="\n".join(answers) + "\n")
        assert r.code == 0, r.err
        return r.out.strip()


@pytest.fixture
def shell(root_key: str, monkeypatch: pytest.MonkeyPatch) -> Shell:
    monkeypatch.setattr(passwords, "TIME_COST", 1)
    monkeypatch.setattr(passwords, "MEMORY_COST_KIB", 64)
    monkeypatch.setattr(passwords, "PARALLELISM", 1)
    monkeypatch.setattr(totp.pyotp, "random_base32", lambda length=32: TOTP_SECRET)
    clock = Clock()
    monkeypatch.setattr(common, "utcnow", clock.now)
    return Shell(clock)


def events(action: str) -> list[AuditEventRow]:
    platform = open_platform()
    try:
        with platform.store.sessions() as s:
            return list(s.scalars(select(AuditEventRow).where(AuditEventRow.action == action)
                                  .order_by(AuditEventRow.seq)))
    finally:
        platform.close()


INIT = ("init", "--department", "大数据局", "--admin", "admin", "--security-admin", "anquan", "--auditor", "shenji")


def bootstrap(shell: Shell) -> str:
    r = shell.run(*INIT)
    assert r.code == 0, r.err
    rows = [line.split("\t") for line in r.out.splitlines()]
    # the three administrators' secrets, each once, labelled with its role and account
    assert [row[:2] for row in rows] == [["sysadmin", "admin"], ["secadmin", "anquan"], ["auditor", "shenji"]]
    shell.secrets = {row[1]: row[2] for row in rows}
    assert len(set(shell.secrets.values())) == 3 and all(len(s) >= 16 for s in shell.secrets.values())
    assert "大数据局" in r.err and not any(s in r.err for s in shell.secrets.values())
    shell.token = shell.first_token("admin", shell.secrets["admin"], ADMIN_PASSWORD, enrol=True)
    return shell.secrets["admin"]


def test_init_once_and_first_token(shell: Shell) -> None:
    secret = bootstrap(shell)
    again = shell.run("init", "--department", "大数据局", "--admin", "other", "--security-admin", "other2",
                      "--auditor", "other3")
    assert again.code == 8 and "已初始化" in again.err and again.out == ""
    # the one-time secret is spent
    r = shell.run("token", "create", "--username", "admin", input=secret + "\n")
    assert r.code == 5 and r.out == ""
    me = shell.run("token", "list").rows()
    assert len(me) == 1 and me[0]["name"] == "cli" and "token" not in me[0]
    # the CLI's login sessions end with the command
    assert len(events("auth.logout")) == 1


def test_init_refuses_bad_input(shell: Shell) -> None:
    three = ("--security-admin", "anquan", "--auditor", "shenji")
    r = shell.run("init", "--department", "大数据局", "--admin", "bad name; DROP", *three)
    assert r.code == 2 and "用户名无效" in r.err and r.out == ""
    r = shell.run("init", "--department", "\x1b[2J", "--admin", "admin", *three)
    assert r.code == 2 and r.out == ""
    r = shell.run("init", "--department", "大数据局", "--admin", "admin", "--security-admin", "admin",
                  "--auditor", "shenji")
    assert r.code == 2 and "三个不同" in r.err and r.out == ""
    r = shell.run("init", "--department", "大数据局", "--admin", "admin")  # all three are required
    assert r.code == 2 and r.out == ""


def test_administration_with_a_token(shell: Shell) -> None:
    bootstrap(shell)
    dept = shell.run("dept", "create", "公安局", "--parent", "1")
    assert dept.code == 0, dept.err
    police = dept.json()["id"]
    assert [d["name"] for d in shell.run("dept", "list").rows()] == ["大数据局", "公安局"]
    assert shell.run("dept", "rename", str(police), "市公安局").json()["name"] == "市公安局"
    assert shell.run("dept", "show", str(police)).json()["path"] == [1, police]

    created = shell.run("user", "create", "zhang.san", "--name", "张三", "--department", str(police),
                        "--role", "data_user")
    assert created.code == 0, created.err
    user_secret = created.out.strip()
    assert "\n" not in user_secret and "zhang.san" in created.err
    # a security administrator is a request: the auditor approves it and receives the secret
    sec = shell.run("user", "create", "an.quan", "--name", "安全员", "--department", "1", "--role", "secadmin")
    assert sec.code == 0 and sec.json()["status"] == "pending" and "批准" in sec.err
    rid = sec.json()["request_id"]
    aud_token = shell.first_token("shenji", shell.secrets["shenji"], USER_PASSWORD, enrol=True)
    assert [r["id"] for r in shell.run("user", "requests", "--status", "pending", token=aud_token).rows()] == [rid]
    refused = shell.run("user", "approve", str(rid))  # the requester cannot approve
    assert refused.code == 6 and refused.out == ""
    approved = shell.run("user", "approve", str(rid), token=aud_token)
    assert approved.code == 0, approved.err
    sec_secret = approved.out.strip()
    assert "\n" not in sec_secret and len(sec_secret) >= 16 and "an.quan" in approved.err
    assert [u["username"] for u in shell.run("user", "list").rows()] == [
        "admin", "an.quan", "anquan", "shenji", "zhang.san"]
    shown = shell.run("user", "show", "zhang.san").json()
    assert shown["roles"] == ["data_user"] and shown["must_change_password"] is True
    assert "one_time_secret" not in shown
    assert shell.run("user", "role-add", "zhang.san", "steward").json()["roles"] == ["data_user", "steward"]
    assert shell.run("user", "role-remove", "zhang.san", "steward").json()["roles"] == ["data_user"]
    reset = shell.run("user", "reset-password", "zhang.san")
    assert reset.code == 0 and reset.out.strip() != user_secret
    user_secret = reset.out.strip()

    # the security administrator's first login, then resources and grants
    sec_token = shell.first_token("an.quan", sec_secret, USER_PASSWORD, enrol=True)
    user_token = shell.first_token("zhang.san", user_secret, USER_PASSWORD, enrol=False)
    shell.token = sec_token
    r = shell.run("resource", "register", "src:公安", "--owner", str(police), "--level", "1")
    assert r.code == 0 and r.json()["effective_level"] == 1
    uid = shell.run("user", "show", "zhang.san", token=user_token).json()["id"]
    grant = shell.run("grant", "create", "--user", str(uid), "--resource", "src:公安", "--action", "read",
                      "--purpose", "户籍核验", "--until", UNTIL,
                      "--row-filter", '[{"column": "区县", "op": "=", "value": "任城区"}]')
    assert grant.code == 0, grant.err
    gid = grant.json()["id"]
    assert grant.json()["row_filter"] == [{"column": "区县", "op": "=", "value": "任城区"}]
    check = shell.run("grant", "check", "--resource", "src:公安/tbl:户籍", "--action", "read", token=user_token)
    assert check.json()["allowed"] is True and check.json()["grant_id"] == gid
    assert [g["id"] for g in shell.run("grant", "list").rows()] == [gid]
    assert shell.run("grant", "revoke", str(gid), "--reason", "项目结束").code == 0
    check = shell.run("grant", "check", "--resource", "src:公安", "--action", "read", "--user", str(uid))
    assert check.json()["allowed"] is False


def test_refusals(shell: Shell) -> None:
    bootstrap(shell)
    admin_token = shell.token
    r = shell.run("user", "list", token="")
    assert r.code == 5 and "SHUAN_TOKEN" in r.err
    r = shell.run("user", "list", token="shuan_000000000000_" + "A" * 43)
    assert r.code == 5 and "令牌无效" in r.err
    created = shell.run("user", "create", "zhang.san", "--name", "张三", "--department", "1")
    user_token = shell.first_token("zhang.san", created.out.strip(), USER_PASSWORD, enrol=False)
    # a data user: no administration, no self-grant; every refusal audited
    r = shell.run("user", "create", "evil", "--name", "x", "--department", "1", "--role", "sysadmin",
                  token=user_token)
    assert r.code == 6 and r.out == ""
    assert events("user.create")[-1].outcome == "denied"
    r = shell.run("grant", "create", "--user", "2", "--resource", "src:x", "--action", "read", "--purpose", "x",
                  "--until", "2030-01-01T00:00:00+08:00", token=user_token)
    assert r.code == 6
    assert events("grant.create")[-1].outcome == "denied"
    r = shell.run("audit", "query", token=admin_token)  # 三员分立: the system administrator reads no audit log
    assert r.code == 6 and events("audit.read")[-1].outcome == "denied"
    # bad options are usage errors, not crashes
    assert shell.run("grant", "create", "--resource", "src:x", "--action", "read", "--purpose", "x",
                     "--until", "2030-01-01T00:00:00+08:00").code == 2
    assert shell.run("grant", "create", "--user", "2", "--resource", "src:x", "--action", "read", "--purpose", "x",
                     "--until", "2030-01-01").code == 2
    assert shell.run("dept", "show", "99999999999").code == 2
    # a wrong password at the interactive login: refused, nothing printed on stdout
    r = shell.run("token", "create", "--username", "zhang.san", input="wrong-password\n")
    assert r.code == 5 and r.out == "" and "密码错误" in r.err
    # a revoked token stops working at once
    token_id = user_token.split("_")[1]
    assert shell.run("token", "revoke", token_id, token=user_token).code == 0
    r = shell.run("token", "list", token=user_token)
    assert r.code == 5 and "撤销" in r.err
    assert events("auth.token_failed")[-1].outcome == "denied"


def test_sanyuan_requests_and_admin_token_lifetime(shell: Shell) -> None:
    bootstrap(shell)
    # the administrator's token from `token bootstrap` lives as long as a login session
    [listed] = shell.run("token", "list").rows()
    created, expires = datetime.fromisoformat(listed["created_at"]), datetime.fromisoformat(listed["expires_at"])
    assert expires - created == timedelta(hours=8)
    r = shell.run("token", "create", "--username", "admin", "--days", "30",
                  input="\n".join([ADMIN_PASSWORD, shell.clock.fresh_code(TOTP_SECRET)]) + "\n")
    assert r.code == 2 and "8 小时" in r.err and r.out == ""
    # resetting the auditor's password is a request; the security administrator refuses it
    r = shell.run("user", "reset-password", "shenji")
    assert r.code == 0 and r.json()["kind"] == "password.reset" and "批准" in r.err
    rid = r.json()["request_id"]
    sec_token = shell.first_token("anquan", shell.secrets["anquan"], USER_PASSWORD, enrol=True)
    r = shell.run("user", "refuse", str(rid), "--reason", "未经本人申请", token=sec_token)
    assert r.code == 0 and r.json()["status"] == "refused"
    assert shell.run("user", "approve", str(rid), token=sec_token).code == 8  # decided: a conflict
    assert events("admin_request.refuse")[-1].actor == "anquan"
    # the auditor's one-time secret still works: nothing was reset
    shell.first_token("shenji", shell.secrets["shenji"], USER_PASSWORD, enrol=True)


def test_serve_binds_localhost_by_default(shell: Shell, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from fastapi import FastAPI

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    r = shell.run("serve")
    assert r.code == 0, r.err
    [call] = calls
    assert isinstance(call["app"], FastAPI) and call["host"] == "127.0.0.1" and call["port"] == 8000
    assert call["app"].state.platform is not None and "/docs" in r.err
    r = shell.run("serve", "--host", "0.0.0.0", "--port", "9000")  # noqa: S104 - what the test is about
    assert r.code == 0 and "TLS" in r.err and calls[-1]["port"] == 9000
    assert shell.run("serve", "--port", "70000").code == 2


def test_serve_refuses_without_root_key(monkeypatch: pytest.MonkeyPatch, isolated_home: object) -> None:
    monkeypatch.delenv("SHUAN_ROOT_KEY", raising=False)
    r = Shell(Clock()).run("serve")
    assert r.code == 2 and "根密钥" in r.err


def test_help_lists_the_commands(shell: Shell) -> None:
    r = shell.run("--help")
    for name in ("init", "serve", "user", "dept", "token", "grant", "resource"):
        assert name in r.out
    assert "bootstrap" in shell.run("token", "--help").out
    assert pyotp.TOTP(TOTP_SECRET).now().isdigit()
