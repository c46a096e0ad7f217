"""`shuan source …` in-process: register, list, scan, history, copies and `run-due` with a token in
SHUAN_TOKEN; a URL's password never reaches the output."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from shuan.cli.main import main
from shuan.identity.roles import Role
from shuan.identity.tokens import create_token
from shuan.platform import Platform
from tests.identity.conftest import World, fast_argon2, migrated_template, platform, world  # noqa: F401
from tests.inventory.test_registered_sources import people_csv


def run(token: str | None, *args: str) -> tuple[int, str, str]:
    env = {"SHUAN_TOKEN": token}
    with CliRunner().isolation(env=env) as (out, err, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_source_commands(world: World, platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    world.now = datetime.now(UTC)
    world.bootstrap_admin()
    ga = world.department("公安局")
    wj = world.department("卫健委")
    steward = world.user("ga.steward", (Role.STEWARD,), department_id=ga)
    world.user("ga.user", department_id=ga)
    outsider = world.user("wj.steward", (Role.STEWARD,), department_id=wj)
    world.user("wj.user", department_id=wj)
    token = create_token(platform, actor=steward.principal, name="cli", scopes=["grant.manage_dept", "self.service"],
                         expires_at=world.now + timedelta(days=1), now=world.now).token
    other = create_token(platform, actor=outsider.principal, name="cli", scopes=["grant.manage_dept"],
                         expires_at=world.now + timedelta(days=1), now=world.now).token

    f = people_csv(tmp_path / "rk.csv")
    code, out, err = run(token, "source", "register", "户籍", "--location", str(f), "--department", str(ga),
                         "--responsible", "ga.user", "--every", "24")
    assert code == 0, err
    view = json.loads(out)
    assert view["display"] == str(f) and view["responsible_username"] == "ga.user" and "已登记数据源" in err
    sid = str(view["id"])

    code, out, err = run(other, "source", "scan", sid)
    assert code == 6 and "无权管理部门" in err and out == ""

    code, out, err = run(token, "source", "scan", sid)
    assert code == 0, err
    scanned = json.loads(out)
    assert scanned["status"] == "completed" and "已扫描数据源 户籍" in err

    code, out, _ = run(token, "source", "history", sid)
    assert [json.loads(line)["scan_id"] for line in out.splitlines()] == [scanned["scan_id"]]
    code, out, _ = run(token, "source", "list")
    assert [json.loads(line)["name"] for line in out.splitlines()] == ["户籍"]

    code, out, err = run(token, "source", "copy-add", sid, "--holder", str(wj), "--responsible", "wj.user",
                         "--purpose", "共享", "--location", "mysql://u:TopSecret77@10.1.1.1/db")
    assert code == 0, err
    copy = json.loads(out)
    assert "TopSecret77" not in out and copy["holder_department_id"] == wj
    code, out, _ = run(token, "source", "copies", sid)
    assert len(out.splitlines()) == 1
    code, out, err = run(token, "source", "copy-end", str(copy["id"]))
    assert code == 0 and "已结束" in err

    code, out, err = run(token, "source", "register", "库", "--location",
                         "postgresql://u:Pw-Never-Shown@127.0.0.1:1/x", "--department", str(ga),
                         "--responsible", "ga.user", "--every", "1")
    assert code == 0 and "Pw-Never-Shown" not in out + err
    code, out, err = run(None, "source", "run-due")  # cron: the platform, no token
    assert code == 0, err
    assert "Pw-Never-Shown" not in out + err
    assert "数据源 库 扫描失败" in err and "1 个失败" in err
    assert {json.loads(line)["source_name"] for line in out.splitlines()} == {"库"}  # 户籍 is not due yet
    code, out, err = run(None, "source", "run-due")
    assert code == 0 and "没有到期" in err
