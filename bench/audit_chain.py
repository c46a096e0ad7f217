"""Audit chain benchmark: sustained batched appends on SQLite, and verification speed.

Targets (issue 3): append >= 20k events/s sustained with the chain (batched); verify >= 200k events/s.
Baseline in the same run: the same rows inserted into the same kind of SQLite table without the chain
(no hashing, no head lock), so the ratio shows what the chain costs.

    .venv/bin/python bench/audit_chain.py --events 200000 --batch 1000
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from shuan.audit.events import Event
from shuan.audit.log import FIELDS
from shuan.audit.verify import verify_store
from shuan.config import get_settings
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.platform import open_platform

RESULTS = Path(__file__).resolve().parent / "results"


def events(n: int, offset: int) -> list[Event]:
    actor = Principal(user_id=42, username="zhangsan", department_id=3, department_path=(1, 3),
                      roles=frozenset({Role.DATA_USER}), client="10.0.0.8", session_id="s-1")
    return [Event("access.read", actor, resource=f"src:hj/tbl:rkxx/col:c{(offset + i) % 40}", purpose="统计分析",
                  details={"rows": (offset + i) % 997, "grant": 17}, sensitive={"filter": f"区划={i % 12}"})
            for i in range(n)]


def bench_append(n: int, batch: int) -> tuple[float, float, Path]:
    home = Path(tempfile.mkdtemp(prefix="shuan-bench-audit-"))
    os.environ["SHUAN_HOME"] = str(home)
    os.environ.setdefault("SHUAN_ROOT_KEY", os.urandom(16).hex())
    get_settings.cache_clear()
    platform = open_platform()
    prepared = [events(batch, i) for i in range(0, n, batch)]
    t0 = time.perf_counter()
    for chunk in prepared:
        with platform.store.transaction() as session:
            platform.audit.record_many(session, chunk)
    append_s = time.perf_counter() - t0
    with platform.store.transaction() as session:
        keys = platform.keyring.audit_verifiers(session)
        platform.audit.seal(session)
    t0 = time.perf_counter()
    report = verify_store(platform.store, keys, interval=platform.audit.checkpoint_every)
    verify_s = time.perf_counter() - t0
    assert report.ok, report.first_problem
    platform.close()
    return append_s, verify_s, home


def bench_plain_insert(n: int, batch: int, home: Path) -> float:
    """Baseline: the same row shape inserted with executemany, no chain."""
    path = home / "plain.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    cols = [*FIELDS, "prev_hash", "hash"]
    conn.execute(f"CREATE TABLE ev ({', '.join(c + ' TEXT' for c in cols)})")
    row = ("1", "2026-11-21T00:00:00.000000Z", "zhangsan", "42", "3", "data_user", "access.read",
           "src:hj/tbl:rkxx/col:c1", "统计分析", "success", "10.0.0.8", "s-1", '{"grant":17,"rows":5}', "0" * 64, "0" * 64)
    rows = [row] * batch
    t0 = time.perf_counter()
    for _ in range(0, n, batch):
        with conn:
            conn.executemany(f"INSERT INTO ev VALUES ({', '.join('?' * len(cols))})", rows)
    took = time.perf_counter() - t0
    conn.close()
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=RESULTS / "audit.json")
    args = ap.parse_args()
    append_s, verify_s, home = bench_append(args.events, args.batch)
    plain_s = bench_plain_insert(args.events, args.batch, home)
    n = args.events
    doc = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cores": os.cpu_count(),
        "events": n,
        "batch": args.batch,
        "append_events_per_s": n / append_s,
        "verify_events_per_s": n / verify_s,
        "plain_insert_rows_per_s": n / plain_s,
        "append_vs_plain_insert": (n / append_s) / (n / plain_s),
        "targets": {"append_events_per_s": 20_000, "verify_events_per_s": 200_000},
    }
    print(f"审计链追加（SQLite，每批 {args.batch} 条）：{doc['append_events_per_s']:,.0f} 条/秒（目标 ≥ 20,000）")
    print(f"审计链校验：{doc['verify_events_per_s']:,.0f} 条/秒（目标 ≥ 200,000）")
    print(f"基线：同样的行直接插入 SQLite（无哈希链）：{doc['plain_insert_rows_per_s']:,.0f} 行/秒；"
          f"比值 {doc['append_vs_plain_insert']:.2f}×")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
