"""`kill -9` during appends leaves a chain that verifies and loses no acknowledged event."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from shuan.audit import service
from shuan.identity.principal import Principal
from shuan.platform import open_platform

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("batch", "acks_before_kill"), [(1, 40), (200, 8), (997, 3)])
def test_kill_9_during_appends(root_key: str, isolated_home: Path, auditor: Principal, batch: int,
                               acks_before_kill: int) -> None:
    import shuan

    src = Path(shuan.__file__).resolve().parents[1]  # the child runs the same code as this test
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT)])}
    open_platform().close()  # migrate first, so the child only appends
    child = subprocess.Popen([sys.executable, "-m", "tests.audit.appender", str(batch)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    acked = 0
    try:
        for _ in range(acks_before_kill):
            line = child.stdout.readline()
            assert line.startswith("ack "), line
            acked = int(line.split()[1])
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    platform = open_platform()
    try:
        report = service.verify(platform, auditor)
        assert report.ok, report.first_problem
        assert report.last_seq is not None and report.last_seq >= acked
        rows = service.query(platform, auditor, service.AuditQuery(action="crash.append", limit=1))
        assert rows and rows[0]["seq"] >= acked
    finally:
        platform.close()
