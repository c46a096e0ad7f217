"""`shuan service …` with a token in SHUAN_TOKEN: publish from YAML, list, show, call, retire, report."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from click.testing import CliRunner

from shuan.cli.main import main
from shuan.identity.tokens import create_token
from tests.gateway.conftest import BASE_SPEC, Gov
from tests.identity.conftest import World


def run(*args: str, token: str | None = None) -> tuple[int, str, str]:
    env = {"SHUAN_TOKEN": token} if token else {}
    with CliRunner().isolation(env=env) as (out, err, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_cli_round_trip(world: World, tmp_path: Path) -> None:
    world.now = datetime.now(UTC)
    gov = Gov(world, tmp_path)
    expires = world.now + timedelta(hours=4)
    steward = create_token(gov.p, actor=gov.steward.principal, name="cli", scopes=["*"], expires_at=expires,
                           now=world.now).token
    consumer = create_token(gov.p, actor=gov.consumer.principal, name="cli", scopes=["*"], expires_at=expires,
                            now=world.now).token
    auditor = create_token(gov.p, actor=gov.auditor.principal, name="cli", scopes=["*"], expires_at=expires,
                           now=world.now).token
    spec = tmp_path / "svc.yaml"
    spec.write_text(yaml.safe_dump(BASE_SPEC, allow_unicode=True), encoding="utf-8")
    code, out, err = run("service", "publish", str(spec), token=consumer)
    assert code == 6 and out == "" and err.count("\n") == 1
    code, out, err = run("service", "publish", str(spec), token=steward)
    assert code == 0, err
    assert json.loads(out)["name"] == "rk-lookup" and "已发布数据服务 rk-lookup" in err
    world.now = datetime.now(UTC) - timedelta(minutes=1)  # the logins moved the test clock ahead of the CLI's
    gov.grant()
    code, out, _ = run("service", "list", token=consumer)
    assert code == 0 and json.loads(out.splitlines()[0])["name"] == "rk-lookup"
    code, out, err = run("service", "call", "rk-lookup", "-p", "min_age=60", "-p", "qx=历下区", "--limit", "5",
                         token=consumer)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["row_count"] == 5 and all(r[4] == "历下区" and r[5] >= 60 for r in doc["rows"])
    code, out, err = run("service", "call", "rk-lookup", "-p", "min_age=' OR 1=1 --", token=consumer)
    assert code == 2 and "min_age" in err and err.count("\n") == 1
    code, out, err = run("service", "call", "rk-lookup", "-p", "oops", token=consumer)
    assert code == 2 and "名称=取值" in err
    code, out, err = run("service", "show", "rk-lookup", "--calls", "5", token=steward)
    assert code == 0 and len(out.splitlines()) >= 3
    report = tmp_path / "r.xlsx"
    code, out, err = run("service", "report", "--from", (world.now - timedelta(days=1)).isoformat(), "--to",
                         (world.now + timedelta(days=1)).isoformat(), "--out", str(report), token=auditor)
    assert code == 0 and report.read_bytes()[:2] == b"PK", err
    code, out, err = run("service", "retire", "rk-lookup", "--reason", "停止", token=steward)
    assert code == 0 and "已停用数据服务 rk-lookup" in err
    code, out, err = run("service", "call", "rk-lookup", token=consumer)
    assert code == 7 and err.count("\n") == 1
