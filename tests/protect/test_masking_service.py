"""The audited masking entry and `shuan mask`: the masking.run event, who may run it, the scenario keys
from the key ring, no output without an audit record; the standalone CLI with and without a key file."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from shuan.audit.models import AuditEventRow
from shuan.cli.main import main
from shuan.errors import AuditError, ConfigError, PermissionDenied
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.identity.tokens import create_token
from shuan.platform import Platform
from shuan.protect.service import MaskRequest, key_purpose, mask_audited, read_key_file
from tests.identity.conftest import World, fast_argon2, migrated_template, platform, world  # noqa: F401
from tests.protect.test_masking_job import originals, people, write_csv, write_sqlite

STEWARD = Principal(user_id=7, username="ga.steward", department_id=2, roles=frozenset({Role.STEWARD}), client="cli")
AUDITOR = Principal(user_id=8, username="root.auditor", department_id=1, roles=frozenset({Role.AUDITOR}))


def events(platform: Platform, action: str) -> list[AuditEventRow]:  # noqa: F811
    with platform.store.sessions() as s:
        return list(s.scalars(select(AuditEventRow).where(AuditEventRow.action == action).order_by(AuditEventRow.seq)))


def test_masking_run_is_audited(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    rows = people(60)
    src = write_sqlite(tmp_path / "src.db", rows)
    out = tmp_path / "out"
    outcome = mask_audited(platform, STEWARD, MaskRequest(str(src), str(out), "statistics", purpose="年度统计"))
    assert outcome.audited and outcome.key_id == "sys/masking-statistics" and outcome.key_fingerprint
    [event] = events(platform, "masking.run")
    details = json.loads(event.details)
    assert event.actor == "ga.steward" and event.outcome == "success" and event.purpose == "年度统计"
    assert event.resource == f"source:{src}"
    assert details["profile"] == "statistics" and details["rows"] == 90 and details["values"] == outcome.values > 0
    assert details["key"] == {"id": "sys/masking-statistics", "fingerprint": outcome.key_fingerprint}
    columns = {(t["name"], c["name"]): c for t in details["tables"] for c in t["columns"]}
    assert columns[("rkxx", "sfzh")]["operator"] == "pseudonym" and columns[("rkxx", "sfzh")]["values"] == 60
    assert columns[("sbxx", "sjhm")]["operator"] == "suppress" and columns[("sbxx", "sjhm")]["types"] == ["cn_mobile"]
    assert sorted(Path(t).name for t in details["targets"]) == ["rkxx.csv", "sbxx.csv"]
    assert not any(v in event.details for v in originals(rows))  # the record holds no value of the data
    # the scenario key was created once by the key ring (audited), and is the same on the next run
    assert [json.loads(e.details).get("purpose") for e in events(platform, "key.create")].count(
        "masking-statistics") == 1
    again = mask_audited(platform, STEWARD, MaskRequest(str(src), str(tmp_path / "again"), "statistics"))
    assert again.key_fingerprint == outcome.key_fingerprint
    first = pl.read_csv(out / "rkxx.csv", infer_schema=False)["sfzh"].to_list()
    assert pl.read_csv(tmp_path / "again" / "rkxx.csv", infer_schema=False)["sfzh"].to_list() == first
    # a key label gives another key: two recipients cannot link their extracts
    other = mask_audited(platform, STEWARD, MaskRequest(str(src), str(tmp_path / "dept9"), "statistics",
                                                        key_label="dept9"))
    assert other.key_id == "sys/masking-statistics-dept9" and other.key_fingerprint != outcome.key_fingerprint
    assert set(pl.read_csv(tmp_path / "dept9" / "rkxx.csv", infer_schema=False)["sfzh"].to_list()).isdisjoint(first)


def test_role_is_checked_and_refusal_recorded(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    src = write_csv(tmp_path / "rkxx.csv", people(10))
    with pytest.raises(PermissionDenied, match="无权执行数据脱敏"):
        mask_audited(platform, AUDITOR, MaskRequest(str(src), str(tmp_path / "o.csv"), "open_data"))
    [event] = events(platform, "masking.run")
    assert event.outcome == "denied" and event.actor == "root.auditor"
    assert not (tmp_path / "o.csv").exists()


def test_failure_is_recorded(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    src = write_csv(tmp_path / "rkxx.csv", people(10))
    with pytest.raises(ConfigError):
        mask_audited(platform, STEWARD, MaskRequest(str(src), str(tmp_path / "o.csv"), "nope"))
    [event] = events(platform, "masking.run")
    assert event.outcome == "failure" and json.loads(event.details)["reason"] == "masking.profile_unknown"


def test_no_audit_record_no_output(platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    src = write_csv(tmp_path / "rkxx.csv", people(10))
    original = platform.audit.record

    def failing(session: Any, event: Any, **kw: Any) -> int:
        if event.action == "masking.run":
            raise AuditError("audit.write_failed", reason="disk full")
        return original(session, event, **kw)

    monkeypatch.setattr(platform.audit, "record", failing)
    out = tmp_path / "o.csv"
    with pytest.raises(AuditError):
        mask_audited(platform, STEWARD, MaskRequest(str(src), str(out), "open_data"))
    assert not out.exists() and list(tmp_path.iterdir()) == [src]  # no output, no temporary file


def test_publish_failure_rolls_back_the_record(platform: Platform, tmp_path: Path,  # noqa: F811
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from shuan.protect import job

    src = write_csv(tmp_path / "rkxx.csv", people(10))

    def broken(self: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(job.FileOutput, "commit", broken)
    with pytest.raises(OSError):
        mask_audited(platform, STEWARD, MaskRequest(str(src), str(tmp_path / "o.csv"), "open_data"))
    assert [e.outcome for e in events(platform, "masking.run")] == []  # the success record was rolled back
    assert list(tmp_path.iterdir()) == [src]


def test_key_labels_and_key_files(tmp_path: Path) -> None:
    assert key_purpose("dev_test") == "masking-dev_test"
    with pytest.raises(ConfigError, match="密钥标签无效"):
        key_purpose("dev_test", "../x")
    path = tmp_path / "k"
    path.write_text("ab" * 32 + "\n", encoding="ascii")
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        read_key_file(path)
    path.chmod(0o600)
    assert read_key_file(path).fingerprint
    path.write_text("xyz", encoding="ascii")
    with pytest.raises(ConfigError, match="格式错误"):
        read_key_file(path)


# ---------------------------------------------------------------------------------------------- CLI


def run(*args: str, token: str | None = None) -> tuple[int, str, str]:
    env = {"SHUAN_TOKEN": token} if token else {}
    with CliRunner().isolation(env=env) as (out, err, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_cli_standalone(tmp_path: Path) -> None:
    rows = people(30)
    src = write_csv(tmp_path / "rkxx.csv", rows)
    code, out, err = run("mask", str(src), "--profile", "statistics", "--out", str(tmp_path / "o.csv"))
    assert code == 2 and "--key-file" in err and not (tmp_path / "o.csv").exists()
    key = tmp_path / "mask.key"
    key.write_text(os.urandom(32).hex(), encoding="ascii")
    key.chmod(0o600)
    code, out, err = run("mask", str(src), "--profile", "统计分析", "--out", str(tmp_path / "o.csv"), "--key-file", str(key))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["rows"] == 30 and doc["audited"] is False and "脱敏完成：1 张表，30 行" in err and "不记入审计" in err
    text = (tmp_path / "o.csv").read_text(encoding="utf-8")
    assert not any(v in text for v in originals(rows))
    code, out, err = run("mask", str(src), "--profile", "open_data", "--out", str(tmp_path / "p.csv"), "--plan")
    assert code == 0 and not (tmp_path / "p.csv").exists()
    plan = json.loads(out)
    assert {c["name"]: c["operator"] for c in plan["tables"][0]["columns"]}["身份证号"] == "suppress"
    rules = tmp_path / "r.yaml"
    rules.write_text("types:\n  cn_mobil: {operator: suppress}\n", encoding="utf-8")
    code, out, err = run("mask", str(src), "--profile", "open_data", "--rules", str(rules), "--out", str(tmp_path / "q.csv"))
    assert code == 2 and "未知的数据类型 cn_mobil" in err and err.count("\n") == 1


def test_cli_platform_mode(world: World, platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    world.now = datetime.now(UTC)
    world.bootstrap_admin()
    ga = world.department("公安局")
    steward = world.user("ga.steward", (Role.STEWARD,), department_id=ga)
    user = world.user("ga.user", department_id=ga)
    expires = world.now + timedelta(days=1)
    token = create_token(platform, actor=steward.principal, name="cli", scopes=["grant.manage_dept"],
                         expires_at=expires, now=world.now).token
    plain = create_token(platform, actor=user.principal, name="cli", scopes=["self.service"], expires_at=expires,
                         now=world.now).token
    src = write_csv(tmp_path / "rkxx.csv", people(20))
    out = tmp_path / "o.parquet"
    key = tmp_path / "k"
    key.write_text("ab" * 32, encoding="ascii")
    code, _, err = run("mask", str(src), "--profile", "dev_test", "--out", str(out), "--key-file", str(key), token=token)
    assert code == 2 and "不接受 --key-file" in err
    code, _, err = run("mask", str(src), "--profile", "dev_test", "--out", str(out), token=plain)
    assert code == 6 and "无权执行数据脱敏" in err and not out.exists()
    code, stdout, err = run("mask", str(src), "--profile", "dev_test", "--out", str(out), "--purpose", "联调", token=token)
    assert code == 0, err
    assert json.loads(stdout)["audited"] is True and "已记入审计日志" in err
    assert pl.read_parquet(out).height == 20
    [ok] = [e for e in events(platform, "masking.run") if e.outcome == "success"]
    assert ok.actor == "ga.steward" and ok.purpose == "联调"
