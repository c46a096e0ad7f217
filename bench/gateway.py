"""Data-service gateway overhead: p50/p95/p99 of a masked, filtered service call against a bare FastAPI
endpoint returning the same rows, same run, same machine, over loopback.

Set-up (through the real REST API, in-process): a platform on a fresh SQLite store, 公安局 registers a
SQLite source (table ``rk``, `--rows` people), publishes ``rk-lookup`` (typed parameters, row limits) and
grants 卫健委's user a read grant with a row filter (``qx in (历下区, 市中区)``) and the 部门共享 masking
profile (name, phone, resident id masked); the user gets an API token.

Two uvicorn servers, one process each, one worker each:

* gateway — the real application (``shuan.web.app:create_app``): the token is resolved, the service
  definition and the decision engine answer from memory, the parameters are checked, the statement is
  built with SQLAlchemy Core and bound, the rows are masked (Polars, per column), the ``service.call``
  event is committed to the audit chain (group commit) before the answer is sent;
* bare — a FastAPI endpoint (this module's `bare_app`) running the same SELECT (same columns, same WHERE
  with the same values, same LIMIT) on the same SQLite file and returning the same JSON shape: no
  authentication, no masking, no log.

The load generator (asyncio + httpx) keeps `--concurrency` requests in flight against one server at a
time for `--seconds` after a warm-up, alternating servers for `--rounds` rounds; latencies of all rounds
are pooled per server. Result: p50/p95/p99 of each and the ratio gateway/bare (target: p99 ≤ 1.5×),
written to bench/results/gateway.json.

    .venv/bin/python bench/gateway.py
    .venv/bin/python bench/gateway.py --concurrency 8 --seconds 5 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform as host
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

QUERY = {"min_age": "30", "_limit": "20"}
COLUMNS = ["id", "xm", "sfzh", "sjhm", "qx", "nl"]
FILTER = ["历下区", "市中区"]


# -- the bare endpoint ---------------------------------------------------------------------------------


def bare_app() -> Any:
    """The baseline: the same SELECT on the same file, the same JSON, nothing else (uvicorn --factory)."""
    import sqlalchemy as sa
    from fastapi import FastAPI, Query

    db = os.environ["BENCH_DB"]
    engine = sa.create_engine(f"sqlite:///file:{db}?mode=ro&uri=true", poolclass=sa.pool.NullPool)
    rk = sa.table("rk", *(sa.column(c) for c in COLUMNS), sa.column("nl", sa.BigInteger()))
    app = FastAPI()

    @app.get("/bare")
    def bare(min_age: int = Query(...), limit: int = Query(20, alias="_limit")) -> Any:
        from fastapi.responses import JSONResponse

        stmt = (sa.select(*(rk.c[c] for c in COLUMNS)).where(sa.and_(rk.c.nl >= min_age, rk.c.qx.in_(FILTER)))
                .limit(limit))
        with engine.connect() as conn:
            rows = [list(r) for r in conn.execute(stmt)]
        return JSONResponse({"service": "bare", "columns": COLUMNS, "rows": rows, "row_count": len(rows),
                             "omitted": [], "masked": {}, "limit": limit, "scenario": "business"})

    return app


# -- set-up ------------------------------------------------------------------------------------------------


def setup(home: Path, rows: int, masking: str | None = "department_sharing") -> tuple[str, Path]:
    """A platform under `home` with the published service and a consumer token; returns (token, db)."""
    os.environ["SHUAN_HOME"] = str(home)
    os.environ["SHUAN_ROOT_KEY"] = ROOT_KEY
    from tests.gateway.apikit import ApiGov
    from tests.gateway.conftest import people_db
    from tests.web.conftest import Api, Clock

    from shuan.config import get_settings
    from shuan.identity import common, passwords
    from shuan.platform import open_platform

    get_settings.cache_clear()
    passwords.TIME_COST, passwords.MEMORY_COST_KIB, passwords.PARALLELISM = 1, 64, 1  # set-up only
    platform = open_platform()
    try:
        clock = Clock()
        common.utcnow = clock.now  # type: ignore[assignment] - TOTP steps of the set-up logins, as the tests do
        api = Api(platform, clock)
        gov = ApiGov(api, home, masking=masking, row_filter=[{"column": "qx", "op": "in", "value": FILTER}],
                     rate=100_000)
        db = home / "people.db"
        if rows != 100:
            db.unlink()
            people_db(db, rows)
        api.client.close()
        return gov.token, db
    finally:
        platform.close()


ROOT_KEY = "3f1c9a0b7d2e4f6a8b1c3d5e7f90a2b4"


def breakdown(token: str, db: Path, n: int = 200) -> dict[str, float]:
    """Where a call's time goes, one thread, no HTTP: mean ms of the token's resolution (a write
    transaction: its last use is stamped), of `call_service` (definition, parameters, decisions, query,
    masking, the committed audit event) and of the bare query alone."""
    import sqlalchemy as sa

    from shuan.config import get_settings
    from shuan.gateway.service import call_service
    from shuan.identity.tokens import resolve_token
    from shuan.platform import open_platform

    get_settings.cache_clear()
    platform = open_platform()
    try:
        principal = resolve_token(platform, token)
        call_service(platform, principal, "rk-lookup", {"min_age": ["30"]}, limit="20")

        def mean(fn: Any) -> float:
            t = time.perf_counter()
            for _ in range(n):
                fn()
            return round((time.perf_counter() - t) / n * 1000, 3)

        engine = sa.create_engine(f"sqlite:///file:{db}?mode=ro&uri=true", poolclass=sa.pool.NullPool)
        rk = sa.table("rk", *(sa.column(c) for c in COLUMNS), sa.column("nl", sa.BigInteger()))
        stmt = sa.select(*(rk.c[c] for c in COLUMNS)).where(rk.c.nl >= 30, rk.c.qx.in_(FILTER)).limit(20)

        def bare() -> None:
            with engine.connect() as conn:
                conn.execute(stmt).fetchall()

        return {"token_resolution_ms": mean(lambda: resolve_token(platform, token)),
                "call_service_ms": mean(lambda: call_service(platform, principal, "rk-lookup", {"min_age": ["30"]},
                                                             limit="20")),
                "bare_query_ms": mean(bare)}
    finally:
        platform.close()


@contextmanager
def scratch_store(url: str | None) -> Iterator[str | None]:
    """A PostgreSQL schema for the store (search_path), dropped afterwards; None: the default SQLite."""
    if url is None:
        yield None
        return
    import sqlalchemy as sa

    from shuan.urls import with_default_driver

    schema = f"shuan_gwbench_{os.getpid()}"
    admin = sa.create_engine(with_default_driver(url), poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(app: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "uvicorn", "--factory", app, "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--no-access-log", "--app-dir", str(REPO / "bench")],
        env=env, cwd=str(REPO))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{app} did not start")


async def load(url: str, headers: dict[str, str], concurrency: int, seconds: float, warmup: float) -> list[float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    first_error = ""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        start_at = time.perf_counter()
        stop_at = start_at + warmup + seconds

        async def worker() -> None:
            nonlocal errors, first_error
            while (now := time.perf_counter()) < stop_at:
                r = await client.get(url, params=QUERY, headers=headers)
                took = time.perf_counter() - now
                if r.status_code != 200 or r.json()["row_count"] != 20:
                    errors += 1
                    first_error = first_error or f"{r.status_code} {r.text[:300]}"
                elif now >= start_at + warmup:
                    latencies.append(took * 1000)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    if errors:
        raise SystemExit(f"{errors} failed requests against {url}: {first_error}")
    return latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(values: list[float]) -> dict[str, float]:
    return {"requests": len(values), "p50_ms": round(pct(values, 0.50), 3), "p95_ms": round(pct(values, 0.95), 3),
            "p99_ms": round(pct(values, 0.99), 3), "mean_ms": round(statistics.fmean(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--masking", default="department_sharing",
                        help="the grant's masking profile ('none': no masking, to see its share)")
    parser.add_argument("--store-url", default=None,
                        help="run the platform's store on this PostgreSQL database (a scratch schema, dropped "
                             "afterwards) instead of SQLite, e.g. postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "gateway.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="shuan-gw-bench-") as tmp, scratch_store(args.store_url) as store:
        home = Path(tmp)
        if store is not None:
            os.environ["SHUAN_DATABASE_URL"] = store
        token, db = setup(home, args.rows, None if args.masking == "none" else args.masking)
        parts = breakdown(token, db)
        env = {**os.environ, "SHUAN_HOME": str(home), "SHUAN_ROOT_KEY": ROOT_KEY, "BENCH_DB": str(db),
               "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "bench")])}
        gw, gw_port = start("shuan.web.app:create_app", env)
        bare, bare_port = start("gateway:bare_app", env)
        try:
            targets = {
                "gateway": (f"http://127.0.0.1:{gw_port}/api/v1/services/rk-lookup/call",
                            {"Authorization": f"Bearer {token}"}),
                "bare": (f"http://127.0.0.1:{bare_port}/bare", {}),
            }
            pooled: dict[str, list[float]] = {"gateway": [], "bare": []}
            for _ in range(args.rounds):
                for name in ("bare", "gateway"):
                    url, headers = targets[name]
                    pooled[name] += asyncio.run(load(url, headers, args.concurrency, args.seconds, args.warmup))
        finally:
            for proc in (gw, bare):
                proc.terminate()
                proc.wait(timeout=10)
    result = {
        "benchmark": "data-service gateway: masked, filtered call vs bare FastAPI endpoint (same rows)",
        "query": QUERY, "masking_profile": args.masking, "store": "postgresql" if args.store_url else "sqlite", "rows_in_table": args.rows, "rows_returned": 20, "concurrency": args.concurrency,
        "seconds_per_round": args.seconds, "rounds": args.rounds,
        "gateway": summary(pooled["gateway"]), "bare": summary(pooled["bare"]), "one_thread_breakdown": parts,
        "host": {"python": host.python_version(), "machine": host.machine(), "cpus": os.cpu_count()},
    }
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        result[f"ratio_{key.removesuffix('_ms')}"] = round(result["gateway"][key] / result["bare"][key], 3)
    result["target_p99_ratio"] = 1.5
    result["meets_target"] = result["ratio_p99"] <= 1.5
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))  # noqa: T201 - the benchmark's report


if __name__ == "__main__":
    main()
