"""Access decision latency: 数安's in-memory engine against pycasbin RBAC-with-domains, same grants, same run.

A synthetic government (≈200 departments in a three-level tree, 20,000 users, 500 sources × 5
tables × 8 columns registered with grades, owners and authorised departments) gets `--grants`
grants (default 100,000: users, departments, departments with their sub-departments; sources,
tables, columns; mixed actions, scenarios, validity, revocations and authority approvals),
loaded into a fresh SQLite store by bulk insert (the audited service path is exercised by the
tests; 100,000 audited transactions would only time SQLite). Then `--queries` random decisions
(about half aimed at an existing grant: the grant's resource or a child of it, one of its actions
or another; half random user × resource × action) are timed one by one.

Baseline, same grants and queries: pycasbin with an RBAC-with-domains model (`g = _, _, _`).
The domain is the user's department: each user holds its department's role in that domain;
a policy is per user or department role, in the department's domain, with the resource as a
keyMatch prefix (``path/*`` against the request ``path/``); a grant that covers sub-departments
becomes one department policy per department of the subtree. Only grants in force at the start
are loaded (casbin has no validity periods), and casbin knows nothing of level guardrails. Timed:
`FastEnforcer` filtering policies by domain (the fastest stock pycasbin set-up for this model) on
every query (`--baseline-queries` to time fewer); the plain `Enforcer`, which evaluates every
policy (about 200 s per decision at 100,000 grants on our machine), only on request
(`--linear-queries N`).

Agreement: on the queries where the two models mean the same thing (no level guardrail can
apply: an effectively 一级, non-public resource, or a principal inside the owning department),
both engines must answer the same; disagreements are counted and reported.

    .venv/bin/python bench/access_decision.py                       # 100k grants, 20k queries
    .venv/bin/python bench/access_decision.py --grants 10000 --queries 2000 --out /tmp/a.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from sqlalchemy import insert, update  # noqa: E402

from shuan.access.engine import DecisionEngine  # noqa: E402
from shuan.access.models import AccessGrant, AccessResource, AccessResourceDepartment, AccessVersion  # noqa: E402
from shuan.access.paths import resource_path  # noqa: E402
from shuan.access.rules import ACTIONS, inside_owner  # noqa: E402
from shuan.clock import utcnow  # noqa: E402
from shuan.config import Settings  # noqa: E402
from shuan.identity.principal import Principal  # noqa: E402
from shuan.identity.roles import Role  # noqa: E402
from shuan.platform import open_platform  # noqa: E402

TARGET_MEDIAN_US = 50.0

CASBIN_MODEL = """
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && keyMatch(r.obj, p.obj) && r.act == p.act
"""


@dataclass
class World:
    dept_path: dict[int, tuple[int, ...]] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)
    users: dict[int, int] = field(default_factory=dict)  # user -> department
    users_in: dict[int, list[int]] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    owner: dict[str, int] = field(default_factory=dict)
    level: dict[str, int | None] = field(default_factory=dict)
    kids: dict[str, list[str]] = field(default_factory=dict)
    authorised: dict[str, list[int]] = field(default_factory=dict)
    subtrees: dict[int, list[int]] = field(default_factory=dict)
    users_under: dict[int, list[int]] = field(default_factory=dict)


def build_departments(w: World, rng: random.Random, bureaus: int, subs: int) -> None:
    w.dept_path[1] = (1,)
    next_id = 2
    for _ in range(bureaus):
        b = next_id
        next_id += 1
        w.dept_path[b] = (1, b)
        w.children.setdefault(1, []).append(b)
        for _ in range(subs):
            s = next_id
            next_id += 1
            w.dept_path[s] = (1, b, s)
            w.children.setdefault(b, []).append(s)


def subtree(w: World, dept: int) -> list[int]:
    found = w.subtrees.get(dept)
    if found is None:
        found = [dept]
        for c in w.children.get(dept, []):
            found.extend(subtree(w, c))
        w.subtrees[dept] = found
    return found


def users_under(w: World, dept: int) -> list[int]:
    found = w.users_under.get(dept)
    if found is None:
        found = [u for d in subtree(w, dept) for u in w.users_in.get(d, [])]
        w.users_under[dept] = found
    return found


def build_users(w: World, rng: random.Random, count: int) -> None:
    depts = [d for d in w.dept_path if d != 1]
    for uid in range(1, count + 1):
        d = rng.choice(depts)
        w.users[uid] = d
        w.users_in.setdefault(d, []).append(uid)


def build_resources(w: World, rng: random.Random, sources: int, tables: int, columns: int) -> list[dict[str, Any]]:
    depts = [d for d in w.dept_path if d != 1]
    rows: list[dict[str, Any]] = []
    now = utcnow()

    def add(path: str, kind: str, owner: int, level: int | None) -> None:
        w.paths.append(path)
        w.owner[path] = owner
        w.level[path] = level
        rows.append(
            {"path": path, "kind": kind, "owner_department_id": owner, "level": level, "public": False,
             "created_at": now, "created_by": None, "updated_at": now, "change_seq": 1}
        )

    for s in range(sources):
        owner = rng.choice(depts)
        src = resource_path(f"业务库{s:03d}")
        add(src, "source", owner, rng.choices([1, 2, 3], [60, 30, 10])[0])
        for t in range(tables):
            tbl = resource_path(f"业务库{s:03d}", f"表_{t}")
            add(tbl, "table", owner, rng.choices([None, 1, 2, 3], [70, 10, 15, 5])[0])
            w.kids.setdefault(src, []).append(tbl)
            for c in range(columns):
                col = resource_path(f"业务库{s:03d}", f"表_{t}", f"字段{c}")
                add(col, "column", owner, rng.choices([None, 2, 3], [85, 10, 5])[0])
                w.kids.setdefault(tbl, []).append(col)
    return rows


def effective_level(w: World, path: str) -> int:
    """Highest grade on the path's ancestors and descendants (what the engine folds)."""
    parts = path.split("/")
    level = max((w.level[p] or 0) for p in ("/".join(parts[: i + 1]) for i in range(len(parts))))
    stack = list(w.kids.get(path, []))
    while stack:
        p = stack.pop()
        level = max(level, w.level[p] or 0)
        stack.extend(w.kids.get(p, []))
    return level or 3


@dataclass
class GrantSpec:
    kind: str  # user | department | tree
    subject: int
    path: str
    actions: tuple[str, ...]
    scenario: str
    status: str
    approved: bool
    in_force: bool


def build_grants(w: World, rng: random.Random, count: int) -> tuple[list[dict[str, Any]], list[GrantSpec]]:
    now = utcnow()
    depts = [d for d in w.dept_path if d != 1]
    sources = [p for p in w.paths if "/" not in p]
    tables = [p for p in w.paths if p.count("/") == 1]
    columns = [p for p in w.paths if p.count("/") == 2]
    levels: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    specs: list[GrantSpec] = []
    while len(rows) < count:
        path = rng.choice(rng.choices([sources, tables, columns], [10, 40, 50])[0])
        owner = w.owner[path]
        level = levels.get(path) or levels.setdefault(path, effective_level(w, path))
        kind = rng.choices(["user", "department", "tree"], [60, 30, 10])[0]
        # most grants stay near the owner (its bureau), the rest go anywhere
        near = rng.random() < 0.6
        if kind == "user":
            pool = users_under(w, w.dept_path[owner][1]) if near else []
            subject = rng.choice(pool) if pool else rng.randint(1, len(w.users))
            spath = w.dept_path[w.users[subject]]
        else:
            subject = rng.choice(subtree(w, w.dept_path[owner][1])) if near else rng.choice(depts)
            spath = w.dept_path[subject]
        inside = inside_owner(owner, spath, subtree=kind == "tree")
        status, approved = "active", False
        if not inside and level == 2:
            allowed = w.authorised.get(path.split("/")[0], [])
            if not set(allowed) & set(spath):
                continue  # the service refuses it
        if not inside and level == 3:
            approved = rng.random() < 0.7
            status = "active" if approved else "pending_authority"
        actions = tuple(sorted(rng.sample(ACTIONS, rng.choices([1, 2, 3], [60, 30, 10])[0])))
        # one scenario for all: casbin's model has no scenarios, and decisions here ask for "business"
        scenario = "business"
        roll = rng.random()
        if roll < 0.08:
            start, end = now - timedelta(days=200), now - timedelta(days=10)  # expired
        elif roll < 0.12:
            start, end = now + timedelta(days=10), now + timedelta(days=100)  # not yet valid
        else:
            start, end = now - timedelta(days=rng.randint(1, 100)), now + timedelta(days=rng.randint(5, 200))
        revoked = rng.random() < 0.06
        if revoked:
            status = "revoked"
        rows.append(
            {"subject_kind": "user" if kind == "user" else "department", "subject_id": subject,
             "include_subdepartments": kind == "tree", "subject_department_path": list(spath),
             "resource_path": path, "actions": ",".join(actions), "purpose": "基准测试授权", "scenario": scenario,
             "row_filter": None, "masking_profile": None, "valid_from": start, "valid_until": end,
             "status": status, "created_at": now, "created_by": 1,
             "authority_approved_by": 2 if approved else None, "authority_approved_at": now if approved else None,
             # the engine honours only signed approvals; the bulk loader stands in a placeholder signature
             "approval_version": 1 if approved else None, "approval_signer": "bench" if approved else None,
             "approval_key_id": 1 if approved else None, "approval_key_fingerprint": "bench" if approved else None,
             "approval_signature": "00" * 64 if approved else None,
             "revoked_at": now if revoked else None, "revoked_by": 1 if revoked else None, "revoke_reason": None,
             "change_seq": 1}
        )
        in_force = status == "active" and start <= now < end
        specs.append(GrantSpec(kind, subject, path, actions, scenario, status, approved, in_force))
    return rows, specs


def principal_for(w: World, uid: int) -> Principal:
    d = w.users[uid]
    return Principal(user_id=uid, username=f"u{uid}", department_id=d, department_path=w.dept_path[d],
                     roles=frozenset({Role.DATA_USER}))


def build_queries(w: World, rng: random.Random, specs: list[GrantSpec], count: int) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    while len(out) < count:
        if rng.random() < 0.5:
            g = rng.choice(specs)
            if g.kind == "user":
                uid = g.subject
            else:
                pool = users_under(w, g.subject) if g.kind == "tree" else w.users_in.get(g.subject, [])
                if not pool:
                    continue
                uid = rng.choice(pool)
            path = g.path
            while w.kids.get(path) and rng.random() < 0.5:
                path = rng.choice(w.kids[path])
            action = rng.choice(g.actions) if rng.random() < 0.7 else rng.choice(ACTIONS)
        else:
            uid = rng.randint(1, len(w.users))
            path = rng.choice(w.paths)
            action = rng.choice(ACTIONS)
        out.append((uid, path, action))
    return out


def casbin_policies(w: World, specs: list[GrantSpec]) -> tuple[list[list[str]], list[list[str]]]:
    """Policies per (user | department role, domain = department); a grant covering sub-departments
    becomes one department policy per department of the subtree."""
    policies: list[list[str]] = []
    for g in specs:
        if not g.in_force:
            continue
        obj = g.path + "/*"
        if g.kind == "user":
            rules = [[f"u:{g.subject}", f"D{w.users[g.subject]}"]]
        elif g.kind == "department":
            rules = [[f"d:{g.subject}", f"D{g.subject}"]]
        else:
            rules = [[f"d:{d}", f"D{d}"] for d in subtree(w, g.subject)]
        for sub, dom in rules:
            for a in g.actions:
                policies.append([sub, dom, obj, a])
    links = [[f"u:{uid}", f"d:{d}", f"D{d}"] for uid, d in w.users.items()]
    return policies, links


def make_casbin(fast: bool, policies: list[list[str]], links: list[list[str]]) -> Any:
    import casbin
    from casbin.model import FastModel, Model

    model: Any = FastModel([1]) if fast else Model()
    model.load_model_from_text(CASBIN_MODEL)
    enforcer = casbin.FastEnforcer(model, cache_key_order=[1]) if fast else casbin.Enforcer(model)
    # bulk load straight into the model (add_policy checks for duplicates in O(n) per rule)
    p = enforcer.model.model["p"]["p"].policy
    for rule in policies:
        p.append(rule)
    enforcer.model.model["g"]["g"].policy.extend(links)
    enforcer.build_role_links()
    return enforcer


def casbin_request(w: World, uid: int, path: str, action: str) -> tuple[str, str, str, str]:
    return f"u:{uid}", f"D{w.users[uid]}", path + "/", action


def stats(samples_ns: list[int]) -> dict[str, float]:
    us = sorted(s / 1000 for s in samples_ns)

    def pct(q: float) -> float:
        return us[min(len(us) - 1, int(q * len(us)))]

    return {
        "count": len(us),
        "median_us": round(statistics.median(us), 2),
        "mean_us": round(statistics.fmean(us), 2),
        "p95_us": round(pct(0.95), 2),
        "p99_us": round(pct(0.99), 2),
        "max_us": round(us[-1], 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grants", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--baseline-queries", type=int, default=0,
                    help="time casbin's FastEnforcer on the first N queries only (default: all)")
    ap.add_argument("--linear-queries", type=int, default=0,
                    help="also time casbin's plain Enforcer (every policy evaluated: minutes per query) on N queries")
    ap.add_argument("--users", type=int, default=20_000)
    ap.add_argument("--sources", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "access.json")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    w = World()
    build_departments(w, rng, bureaus=10, subs=19)
    build_users(w, rng, args.users)
    res_rows = build_resources(w, rng, args.sources, tables=5, columns=8)
    for src in (p for p in w.paths if "/" not in p):
        if w.level[src] == 2:
            w.authorised[src] = rng.sample([d for d in w.dept_path if d != 1], 3)

    with tempfile.TemporaryDirectory(prefix="shuan-access-bench-") as tmp:
        settings = Settings(home=Path(tmp), root_key=os.urandom(16).hex())
        platform = open_platform(settings)
        t = time.perf_counter()
        grant_rows, specs = build_grants(w, rng, args.grants)
        with platform.store.transaction() as s:
            s.execute(insert(AccessResource), res_rows)
            ids = {p: i + 1 for i, p in enumerate(w.paths)}
            dept_rows = [{"resource_id": ids[p], "department_id": d} for p, ds in w.authorised.items() for d in ds]
            if dept_rows:
                s.execute(insert(AccessResourceDepartment), dept_rows)
            for i in range(0, len(grant_rows), 10_000):
                s.execute(insert(AccessGrant), grant_rows[i : i + 10_000])
            s.execute(update(AccessVersion).where(AccessVersion.id == 1).values(version=1))
        generate_s = time.perf_counter() - t

        engine = DecisionEngine(platform.store)
        t = time.perf_counter()
        engine.refresh()
        load_s = time.perf_counter() - t

        queries = build_queries(w, rng, specs, args.queries)
        principals = {uid: principal_for(w, uid) for uid in {q[0] for q in queries}}
        decide = engine.decide
        clock = time.perf_counter_ns
        ours_ns: list[int] = []
        answers: list[bool] = []
        rules: dict[str, int] = {}
        for uid, path, action in queries:
            p = principals[uid]
            t0 = clock()
            d = decide(p, path, action)
            t1 = clock()
            ours_ns.append(t1 - t0)
            answers.append(d.allowed)
            rules[d.rule] = rules.get(d.rule, 0) + 1
        ours = stats(ours_ns)

        policies, links = casbin_policies(w, specs)
        t = time.perf_counter()
        fast = make_casbin(True, policies, links)
        casbin_load_s = time.perf_counter() - t
        fast_ns: list[int] = []
        fast_answers: list[bool] = []
        for uid, path, action in queries[: args.baseline_queries or len(queries)]:
            request = casbin_request(w, uid, path, action)
            t0 = clock()
            ok = fast.enforce(*request)
            t1 = clock()
            fast_ns.append(t1 - t0)
            fast_answers.append(bool(ok))
        fast_stats = stats(fast_ns)

        linear = make_casbin(False, policies, links)
        linear_ns: list[int] = []
        linear_agree = 0
        for i, (uid, path, action) in enumerate(queries[: args.linear_queries]):
            request = casbin_request(w, uid, path, action)
            t0 = clock()
            ok = linear.enforce(*request)
            t1 = clock()
            linear_ns.append(t1 - t0)
            linear_agree += bool(ok) == fast_answers[i]
        linear_stats = stats(linear_ns) if linear_ns else {}

        # agreement where the models coincide (no guardrail can apply)
        compared = disagreements = 0
        examples: list[dict[str, Any]] = []
        for i, (uid, path, action) in enumerate(queries[: len(fast_answers)]):
            info = engine.resource_info(path)
            if info is None:
                continue
            p = principals[uid]
            inside = inside_owner(info.owner_department_id, p.department_path)
            if not ((info.level == 1 and not info.public) or inside):
                continue
            compared += 1
            if answers[i] != fast_answers[i]:
                disagreements += 1
                if len(examples) < 5:
                    examples.append({"user": uid, "resource": path, "action": action, "shuan": answers[i],
                                     "casbin": fast_answers[i], "rule": decide(p, path, action).rule})
        platform.close()

    ratio_fast = fast_stats["median_us"] / ours["median_us"]
    ratio_linear = (linear_stats["median_us"] / ours["median_us"]) if linear_stats else None
    allowed_share = sum(answers) / len(answers)
    result = {
        "benchmark": "access_decision",
        "grants": args.grants,
        "queries": args.queries,
        "users": args.users,
        "departments": len(w.dept_path),
        "resources": len(w.paths),
        "casbin_policies": len(policies),
        "casbin_role_links": len(links),
        "seed": args.seed,
        "load": "bulk insert into a fresh SQLite store (the audited service path is covered by tests/access)",
        "generate_and_insert_s": round(generate_s, 2),
        "engine_load_s": round(load_s, 2),
        "casbin_fast_load_s": round(casbin_load_s, 2),
        "shuan": ours,
        "casbin_fast_enforcer": fast_stats,
        "casbin_enforcer_linear": linear_stats,
        "ratio_casbin_fast_over_shuan": round(ratio_fast, 1),
        "ratio_casbin_linear_over_shuan": None if ratio_linear is None else round(ratio_linear, 1),
        "allowed_share": round(allowed_share, 3),
        "rules": dict(sorted(rules.items(), key=lambda kv: -kv[1])),
        "agreement": {"compared": compared, "disagreements": disagreements, "examples": examples,
                      "linear_vs_fast_agree": f"{linear_agree}/{len(linear_ns)}"},
        "target_median_us": TARGET_MEDIAN_US,
        "target_met": ours["median_us"] < TARGET_MEDIAN_US,
        "environment": {"python": sys.version.split()[0], "machine": host.machine(), "cpus": os.cpu_count(),
                        "casbin": _casbin_version()},
    }

    print(f"访问决策基准 / access decision benchmark: {args.grants:,} 条授权 grants, {args.queries:,} 次决策 queries")
    print(f"加载 load: 数安索引 shuan index {load_s:.2f} s; pycasbin {casbin_load_s:.2f} s")
    def row(label: str, st: dict[str, float], ratio: float) -> str:
        return f"{label:<44}{st['median_us']:>16.2f} {st['p95_us']:>14.2f} {st['p99_us']:>14.2f} {ratio:>12.1f}"

    header = f"{'引擎 engine':<44}{'中位数 median µs':>16} {'p95 µs':>14} {'p99 µs':>14} {'倍数 ratio':>12}"
    print(header)
    print("-" * (len(header) + 6))
    print(row("数安 shuan (内存索引 in-memory index)", ours, 1.0))
    print(row("pycasbin FastEnforcer (按域过滤 by domain)", fast_stats, ratio_fast))
    if linear_stats and ratio_linear is not None:
        print(row(f"pycasbin Enforcer (线性 linear, {len(linear_ns)} 次)", linear_stats, ratio_linear))
    print(f"允许比例 allowed share: {allowed_share:.1%}; 一致性 agreement: {compared - disagreements}/{compared} "
          f"（不一致 disagreements: {disagreements}）")
    met = "达到 met" if result["target_met"] else "未达到 MISSED"
    print(f"目标 target: 中位数 median < {TARGET_MEDIAN_US:.0f} µs — {met}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"结果 results: {args.out}")
    return 0


def _casbin_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    for name in ("pycasbin", "casbin"):
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "?"


if __name__ == "__main__":
    raise SystemExit(main())
