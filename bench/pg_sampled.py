"""Sampled scan of a PostgreSQL database with 100 tables × 100k rows (target: under 30 s).

    SHUAN_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python bench/pg_sampled.py

Creates the schema ``shuan_bench`` (once; reused when it already holds the expected tables) with
mixed personal data generated in SQL (valid GB 11643 check characters and Luhn digits included),
then times ``shuan scan URL --format json`` (default sampled mode) where URL selects the schema with
``options=-csearch_path=shuan_bench``; override the scanned URL with SHUAN_BENCH_SCAN_URL.
Writes bench/results/pg_sampled.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any
from urllib.parse import quote

from benchlib import PG_TARGET_S, fmt, run_timed, scan_extra_args, shuan_command, write_result

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
SCHEMA = "shuan_bench"
VERSION = 1

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉萍红鹏辉建国文斌宇浩凯健俊帆帅旭宁欣佳雪婷倩琳晨"
_CODES = ["370811", "370812", "370826", "370827", "370828", "370829", "370830", "370831", "370832", "370881",
          "370883", "370802", "110105", "310104", "440305", "510107", "420111", "330106", "320102", "610113"]  # fmt: skip
_COUNTIES = [
    "任城区",
    "兖州区",
    "微山县",
    "鱼台县",
    "金乡县",
    "嘉祥县",
    "汶上县",
    "泗水县",
    "梁山县",
    "曲阜市",
    "邹城市",
]
_ROADS = [
    "古槐路",
    "建设北路",
    "太白楼中路",
    "琵琶山路",
    "红星中路",
    "共青团路",
    "洸河路",
    "运河路",
    "车站西路",
    "仙营路",
]
_SEGMENTS = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159",
             "166", "176", "177", "180", "181", "183", "185", "186", "187", "188", "189", "191", "199"]  # fmt: skip
_BINS = ["622202", "621700", "622848", "621226", "622700", "623058"]
_DX = [
    "2型糖尿病",
    "高血压病3级",
    "肺炎",
    "脑梗死",
    "慢性胃炎",
    "冠状动脉粥样硬化性心脏病",
    "支气管哮喘",
    "腰痛",
]
_ICD = ["E11.900", "I10.x00x002", "J18.900", "I63.900", "K29.700", "I25.100", "J45.900", "M54.500"]


def _arr(values: list[str] | str) -> str:
    items = list(values)
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in items) + "]"


def _pick(values: list[str] | str) -> str:
    n = len(list(values))
    return f"({_arr(values)})[1 + floor(random() * {n})::int]"


FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION {SCHEMA}.id_check(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr('10X98765432', (sum(substr(s, k::int, 1)::int * w) % 11)::int + 1, 1)
  FROM unnest(ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]) WITH ORDINALITY AS t(w, k) $$;
CREATE OR REPLACE FUNCTION {SCHEMA}.luhn_digit(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT ((10 - sum(CASE WHEN k % 2 = 1 THEN (d * 2) - CASE WHEN d * 2 > 9 THEN 9 ELSE 0 END ELSE d END) % 10)
          % 10)::text
  FROM (SELECT substr(reverse(s), k, 1)::int AS d, k FROM generate_series(1, length(s)) AS k) AS x $$;
"""

BASE = f"""
CREATE TEMP TABLE base AS
WITH g AS (
  SELECT i,
    {_pick(_SURNAMES)} || {_pick(_GIVEN)} || CASE WHEN random() < 0.7 THEN {_pick(_GIVEN)} ELSE '' END AS name,
    {_pick(_CODES)} AS code,
    date '1935-01-01' + floor(random() * 32000)::int AS birth,
    lpad((1 + floor(random() * 998))::int::text, 3, '0') AS seq,
    {_pick(_SEGMENTS)} || lpad(floor(random() * 1e8)::bigint::text, 8, '0') AS mobile,
    {_pick(_BINS)} || lpad(floor(random() * 1e12)::bigint::text, 12, '0') AS card18,
    '山东省济宁市' || {_pick(_COUNTIES)} || {_pick(_ROADS)} || (1 + floor(random() * 300))::int || '号'
      || (1 + floor(random() * 20))::int || '号楼' || (1 + floor(random() * 6))::int || '单元'
      || (101 + floor(random() * 1500))::int || '室' AS address,
    floor(random() * 8)::int AS dx,
    timestamp '2021-01-01' + random() * interval '1500 days' AS created,
    round((random() * 20000)::numeric, 2) AS amount,
    '鲁H' || lpad(floor(random() * 1e5)::int::text, 5, '0') AS plate,
    (ARRAY[10, 58, 112, 117, 183, 192])[1 + floor(random() * 6)::int] || '.' || floor(random() * 256)::int || '.'
      || floor(random() * 256)::int || '.' || (1 + floor(random() * 254))::int AS ip
  FROM generate_series(1, %(rows)s) AS i)
SELECT i AS id, name,
  code || to_char(birth, 'YYYYMMDD') || seq || {SCHEMA}.id_check(code || to_char(birth, 'YYYYMMDD') || seq) AS id_no,
  CASE WHEN seq::int % 2 = 1 THEN '男' ELSE '女' END AS gender,
  birth, mobile,
  card18 || {SCHEMA}.luhn_digit(card18) AS card,
  address, ({_arr(_DX)})[dx + 1] AS diagnosis, ({_arr(_ICD)})[dx + 1] AS icd, created, amount, plate, ip,
  'u' || i || '@163.com' AS email,
  CASE WHEN random() < 0.5 THEN '已办结' ELSE '办理中' END AS status
FROM g;
"""

# (column expression, column name) per template; every table has an id column too
TEMPLATES: list[list[tuple[str, str]]] = [
    [("name", "xm"), ("id_no", "sfzh"), ("gender", "xb"), ("birth", "csrq"), ("mobile", "lxdh"), ("address", "zz"),
     ("created", "djsj")],
    [("name", "姓名"), ("id_no", "身份证号"), ("card", "银行卡号"), ("amount", "金额"), ("status", "状态")],
    [("name", "hzxm"), ("id_no", "sfzh"), ("icd", "zdbm"), ("diagnosis", "zdmc"), ("amount", "ylzfy"),
     ("created", "jssj")],
    [("plate", "cphm"), ("name", "cz"), ("mobile", "lxdh"), ("created", "djsj")],
    [("name", "c01"), ("mobile", "c02"), ("email", "c03"), ("ip", "c04"), ("created", "c05"), ("status", "c06")],
]  # fmt: skip


def _connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def ensure_schema(url: str, tables: int, rows: int) -> dict[str, Any]:
    stamp = f"shuan-bench v{VERSION} tables={tables} rows={rows}"
    with _connect(url) as con:
        cur = con.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s", (SCHEMA,)
        )
        row = cur.fetchone()
        if row is not None and row[0] == stamp:
            n = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
                (SCHEMA,),
            ).fetchone()[0]
            if n == tables:
                return {"created": False, "seconds": 0.0}
        t0 = time.perf_counter()
        print(f"creating schema {SCHEMA}: {tables} tables × {rows} rows …")
        con.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        con.execute(f"CREATE SCHEMA {SCHEMA}")
        con.execute(FUNCTIONS)
        con.execute("SELECT setseed(0.42)")
        con.execute(BASE.replace("%(rows)s", str(int(rows))))
        prime = 100003 if rows < 100003 else 1000003
        for i in range(1, tables + 1):
            cols = TEMPLATES[(i - 1) % len(TEMPLATES)]
            select = ", ".join(f'{expr} AS "{name}"' for expr, name in cols)
            mult = 7919 + 104 * i
            con.execute(
                f'CREATE TABLE {SCHEMA}."t{i:03d}" AS SELECT id, {select} FROM base ORDER BY (id * {mult}) % {prime}'
            )
            con.execute(f'ANALYZE {SCHEMA}."t{i:03d}"')
            if i % 10 == 0:
                print(f"  {i} tables", file=sys.stderr)
        con.execute(f"COMMENT ON SCHEMA {SCHEMA} IS '{stamp}'")
        # drop the helper functions so the scanned schema holds only the tables
        con.execute(f"DROP FUNCTION {SCHEMA}.id_check(text), {SCHEMA}.luhn_digit(text)")
        return {"created": True, "seconds": time.perf_counter() - t0}


def scan_url(url: str) -> str:
    explicit = os.environ.get("SHUAN_BENCH_SCAN_URL")
    if explicit:
        return explicit
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={SCHEMA}')}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=100)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument(
        "--timeout", type=float, default=300.0, help="kill the scan after N seconds (10× the target)"
    )
    args = ap.parse_args(argv)
    url = os.environ.get("SHUAN_BENCH_POSTGRES_URL", DEFAULT_URL)
    try:
        setup = ensure_schema(url, args.tables, args.rows)
    except Exception as exc:  # report any connection/SQL failure and stop
        print(f"cannot prepare PostgreSQL at {url}: {exc}")
        write_result("pg_sampled.json", {"url": url, "error": str(exc)})
        return 0
    if setup["created"]:
        print(f"schema ready in {setup['seconds']:.1f} s")
    target = scan_url(url)
    cmd = [*shuan_command(), "scan", target, "--format", "json", *scan_extra_args()]
    print("$ " + " ".join(cmd))
    run = run_timed(cmd, timeout=args.timeout)
    result: dict[str, Any] = {"url": target, "tables": args.tables, "rows_per_table": args.rows, "setup": setup,
                              "returncode": run.returncode, "wall_s": run.wall_s, "peak_rss_mb": run.max_rss_mb,
                              "target_s": PG_TARGET_S, "ratio_to_target": run.wall_s / PG_TARGET_S}  # fmt: skip
    failed = []
    if run.returncode != 0:
        result["error"] = run.stderr.strip()[-800:]
        failed.append("shuan scan did not run")
        print(f"PROBLEM: shuan scan exited {run.returncode}: {result['error']}")
    else:
        try:
            doc = json.loads(run.stdout)
            names = [t.get("name", "") for t in doc.get("tables", [])]
            bench_tables = [n for n in names if n.rsplit(".", 1)[-1].startswith("t")]
            result["tables_scanned"] = len(names)
            result["scan_errors"] = doc.get("errors", [])[:20]
            if len(bench_tables) < args.tables:
                failed.append(
                    f"only {len(bench_tables)} of {args.tables} benchmark tables in the scan output"
                )
        except json.JSONDecodeError as exc:
            failed.append(f"scan output is not JSON: {exc}")
    if run.wall_s > PG_TARGET_S:
        failed.append(f"sampled scan took {run.wall_s:.1f} s > {PG_TARGET_S} s")
    result["targets_failed"] = failed
    print(f"\nsampled scan of {args.tables} tables × {args.rows} rows: {fmt(run.wall_s, 1)} s "
          f"({run.wall_s / PG_TARGET_S:.2f} × the {PG_TARGET_S:.0f} s target), "
          f"peak RSS {fmt(run.max_rss_mb, 0)} MB")  # fmt: skip
    for f in failed:
        print(f"TARGET MISSED: {f}")
    print(f"results: {write_result('pg_sampled.json', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
