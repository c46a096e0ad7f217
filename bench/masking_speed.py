"""Masking throughput per core: our operators against Presidio's anonymizer on the same values, same run.

    python bench/masking_speed.py                      # 1,000,000 values, best of 3 rounds
    python bench/masking_speed.py --values 200000 --rounds 1 --out /tmp/masking.json

Targets (issue 5): ≥ 1,000,000 values/s per core for the keep/mask operators and ≥ 200,000 values/s per
core for SM3-HMAC pseudonyms, with Presidio's anonymizer as the reference measured in the same run.

Method. Polars runs on one thread (POLARS_MAX_THREADS=1 is set before it is imported), so every figure
is one core's. Each contender masks the whole column once per round; rates are values per second of
this process's CPU time (user + system, as `resource.getrusage` counts it), the wall-clock rate is
recorded beside it, and each contender's best round counts (load from other processes on a shared
machine only slows a round down). Data: 11-digit mobile numbers, 18-digit ID numbers and e-mail
addresses with repetition (the column draws uniformly from a fifth as many people: about 20% of the
values are distinct, each person appearing about five times, as in a table of events or visits) and,
for pseudonyms, an all-distinct column too — the honest worst case, where hashing each distinct value
once saves nothing.

Presidio (presidio_anonymizer, in the dev dependencies) masks one string at a time: through its
`AnonymizerEngine.anonymize` (the documented API: the value with one RecognizerResult spanning it) and,
as its fastest path, the bare operators (`Mask().operate`, `Hash().operate`) called in a loop. Both run
on a subset (--presidio-values) and are scaled to values/s. Presidio's `hash` is SHA-256 with a salt,
not a keyed HMAC-SM3; it is the nearest operator it has. Writes bench/results/masking.json (or --out).
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"  # one core: before polars is imported anywhere

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from benchlib import fmt, print_table, write_result  # noqa: E402
from shuan.protect.operators import MaskingKey, Operator, create  # noqa: E402

KEEP_TARGET = 1_000_000.0
HMAC_TARGET = 200_000.0


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(fn: Callable[[], Any], n: int, rounds: int) -> dict[str, float]:
    best_cpu, best_wall = float("inf"), float("inf")
    for _ in range(rounds):
        c0, w0 = cpu(), time.perf_counter()
        fn()
        best_cpu = min(best_cpu, max(cpu() - c0, 1e-9))
        best_wall = min(best_wall, time.perf_counter() - w0)
    return {"values_per_cpu_s": n / best_cpu, "values_per_wall_s": n / best_wall, "cpu_s": best_cpu,
            "wall_s": best_wall, "values": n}


def digit_strings(rng: np.random.Generator, n: int, prefix: str, width: int) -> list[str]:
    tails = rng.integers(0, 10 ** (width - len(prefix)), n, dtype=np.int64)
    return [prefix + str(t).zfill(width - len(prefix)) for t in tails]


def data(n: int, seed: int) -> dict[str, pl.Series]:
    """Columns of n values: repeated (about n/5 distinct) and all distinct."""
    rng = np.random.default_rng(seed)
    people = max(1, n // 5)
    mobiles = digit_strings(rng, people, "13", 11)
    ids = [f"{370811 + i % 97:06d}{b}" for i, b in enumerate(digit_strings(rng, people, "19", 12))]
    emails = [f"user{i}.{rng.integers(0, 10**6)}@{('qq.com', '163.com', 'example.cn')[i % 3]}" for i in range(people)]
    draw = rng.integers(0, people, n)  # each person about five times, in random order
    distinct = digit_strings(rng, n, "1", 11)
    return {
        "mobile": pl.Series("m", np.array(mobiles, dtype=object)[draw].tolist(), dtype=pl.String),
        "resident_id": pl.Series("i", np.array(ids, dtype=object)[draw].tolist(), dtype=pl.String),
        "email": pl.Series("e", np.array(emails, dtype=object)[draw].tolist(), dtype=pl.String),
        "mobile_distinct": pl.Series("d", distinct, dtype=pl.String),
    }


def presidio_contenders(sample: dict[str, list[str]]) -> dict[str, Callable[[], Any]]:
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult
    from presidio_anonymizer.operators import Hash, Mask

    engine = AnonymizerEngine()
    mask_cfg = {"PHONE": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 4, "from_end": True})}
    hash_cfg = {"PHONE": OperatorConfig("hash", {"hash_type": "sha256"})}
    mask_op, hash_op = Mask(), Hash()
    mask_params = {"masking_char": "*", "chars_to_mask": 4, "from_end": True}
    hash_params = {"hash_type": "sha256", "salt": b"0123456789abcdef"}

    def engine_run(values: list[str], cfg: dict[str, Any]) -> list[str]:
        return [engine.anonymize(text=v, analyzer_results=[RecognizerResult("PHONE", 0, len(v), 1.0)],
                                 operators=cfg).text for v in values]

    return {
        "presidio_engine_mask": lambda: engine_run(sample["mobile"], mask_cfg),
        "presidio_operator_mask": lambda: [mask_op.operate(v, mask_params) for v in sample["mobile"]],
        "presidio_engine_hash": lambda: engine_run(sample["mobile"], hash_cfg),
        "presidio_operator_hash": lambda: [hash_op.operate(v, hash_params) for v in sample["mobile"]],
        "presidio_operator_hash_distinct": lambda: [hash_op.operate(v, hash_params) for v in sample["mobile_distinct"]],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--values", type=int, default=1_000_000)
    ap.add_argument("--presidio-values", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    cols = data(args.values, args.seed)
    key = MaskingKey(os.urandom(32), label="bench")

    def op(name: str, params: dict[str, Any] | None = None) -> Operator:
        built = create(name, params or {})
        return built.bind(key, "bench.c") if built.keyed else built

    ours: dict[str, tuple[Operator, str]] = {
        "keep_first_last 3/4 (mobile)": (op("keep_first_last", {"first": 3, "last": 4}), "mobile"),
        "keep_first_last 3/4 (ID number)": (op("keep_first_last", {"first": 3, "last": 4}), "resident_id"),
        "mask_range 6..14 (ID number)": (op("mask_range", {"start": 6, "end": 14}), "resident_id"),
        "mask_around @ keep 1 (e-mail)": (op("mask_around", {"keep_first": 1}), "email"),
        "pseudonym HMAC-SM3 (mobile, repeated)": (op("pseudonym"), "mobile"),
        "pseudonym HMAC-SM3 (ID number, repeated)": (op("pseudonym"), "resident_id"),
        "pseudonym HMAC-SM3 (mobile, all distinct)": (op("pseudonym"), "mobile_distinct"),
    }
    results: dict[str, Any] = {}
    for label, (operator, column) in ours.items():
        series = cols[column]
        operator.apply(series.head(1000))  # warm caches (regex compilation, lexicons)
        results[label] = measure(lambda o=operator, s=series: o.apply(s), series.len(), args.rounds)
        results[label]["distinct"] = series.n_unique()
        print(f"  {label}: {results[label]['values_per_cpu_s']:,.0f} values/s", file=sys.stderr)

    sample = {k: v.head(args.presidio_values).to_list() for k, v in cols.items()}
    reference: dict[str, Any] = {}
    for label, fn in presidio_contenders(sample).items():
        reference[label] = measure(fn, args.presidio_values, max(1, min(args.rounds, 2)))
        print(f"  {label}: {reference[label]['values_per_cpu_s']:,.0f} values/s", file=sys.stderr)

    keep_labels = [k for k in ours if not k.startswith("pseudonym")]
    keep_min = min(results[k]["values_per_cpu_s"] for k in keep_labels)
    hmac_rep = min(results[k]["values_per_cpu_s"] for k in ours if k.startswith("pseudonym") and "repeated" in k)
    hmac_distinct = results["pseudonym HMAC-SM3 (mobile, all distinct)"]["values_per_cpu_s"]
    presidio_mask = reference["presidio_operator_mask"]["values_per_cpu_s"]
    presidio_hash = reference["presidio_operator_hash"]["values_per_cpu_s"]
    rows = [[k, f"{v['values_per_cpu_s']:,.0f}", f"{v['values_per_wall_s']:,.0f}", str(v.get("distinct", "-"))]
            for k, v in {**results, **reference}.items()]
    print_table(["contender", "values/CPU-s", "values/wall-s", "distinct"], rows)
    summary = {
        "keep_mask_min_values_per_s": keep_min,
        "keep_mask_target": KEEP_TARGET,
        "keep_mask_pass": keep_min >= KEEP_TARGET,
        "keep_mask_vs_presidio_operator": keep_min / presidio_mask,
        "pseudonym_repeated_values_per_s": hmac_rep,
        "pseudonym_all_distinct_values_per_s": hmac_distinct,
        "pseudonym_target": HMAC_TARGET,
        "pseudonym_pass": hmac_rep >= HMAC_TARGET,
        "pseudonym_all_distinct_pass": hmac_distinct >= HMAC_TARGET,
        "pseudonym_vs_presidio_hash": hmac_rep / presidio_hash,
    }
    print(f"keep/mask: {fmt(keep_min / 1e6, 2)} M values/s per core (target 1.0) — "
          f"{fmt(summary['keep_mask_vs_presidio_operator'], 1)} × Presidio's Mask operator")
    print(f"pseudonyms: {hmac_rep:,.0f}/s repeated, {hmac_distinct:,.0f}/s all distinct (target 200,000) — "
          f"{fmt(summary['pseudonym_vs_presidio_hash'], 1)} × Presidio's Hash operator")
    doc = {
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average": list(os.getloadavg()), "polars_threads": os.environ["POLARS_MAX_THREADS"],
                    "polars": pl.__version__},
        "params": {"values": args.values, "presidio_values": args.presidio_values, "rounds": args.rounds,
                   "seed": args.seed},
        "ours": results, "presidio": reference, "summary": summary,
    }
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"written: {args.out}")
    else:
        print(f"written: {write_result('masking.json', doc)}")
    return 0 if summary["keep_mask_pass"] and summary["pseudonym_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
