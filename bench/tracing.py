"""Leak tracing (issue 5 item 6): is the right recipient named from a 10 % row sample of an extract with
shuffled rows and dropped columns, and is nobody ever wrongly named?

Set-up: a masked government extract (`--rows`, default 5,000 rows × 15 columns: masked names, IDs and
phones, full ID numbers and credit codes, an address, longitude/latitude, an amount, a device MAC,
remarks, dates, year-months, counts) classified by the discovery engine (as `shuan extract` does), and
`--recipients` fingerprinted copies (default 50), keys derived as the service derives them.

Trials (`--trials`, default 200), each through a real file read back by `shuan.sources`:

* identification: a random recipient's copy → a random `--share` of the rows (default 10 %), shuffled,
  each column dropped with probability `--drop` (default 0.4; at least one column kept), the columns
  reordered, re-encoded in turn as CSV, XLSX with text cells, and XLSX with numbers stored as numbers
  (as a spreadsheet program saves what it opened); `detect` against all recipients. Counted: right,
  wrong (a false attribution), none found.
* false attribution, two controls per trial: the same transformation of the *unmarked* extract scored
  against all recipients, and of recipient r's copy scored against the other recipients only. Every
  attribution there is false. The analytic bound is α = 1e-6 per file (one-sided binomial test,
  Bonferroni over the candidates): the expected number over the controls is ≤ controls × 1e-6.
* baseline, same samples: tracing by file digest (the SM3 of the file delivered), which is what a
  register without fingerprints can do — it recognises only byte-identical copies.
* sample-size sweep: how many rows are needed (`--sweep-trials` per size), and that a sample too small
  says "none found" rather than a wrong name.

    .venv/bin/python bench/tracing.py                       # 200 trials, 50 recipients, 5,000 rows
    .venv/bin/python bench/tracing.py --trials 40 --out /tmp/tracing.json
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))
sys.path.insert(0, str(BENCH_DIR))

import polars as pl  # noqa: E402
import pyarrow as pa  # noqa: E402

from benchlib import print_table, write_result  # noqa: E402
from shuan.crypto.sm3 import sm3_hex  # noqa: E402
from shuan.demo.fake import Fake  # noqa: E402
from shuan.discovery.engine import classify_frame  # noqa: E402
from shuan.discovery.registry import Registry  # noqa: E402
from shuan.protect.tracing import ALPHA, GAMMA, SCHEME, detect, embed  # noqa: E402
from shuan.protect.tracing_service import recipient_key  # noqa: E402
from shuan.sources import open_source  # noqa: E402

ENCODINGS = ("csv", "xlsx_text", "xlsx_numbers")


def masked_extract(rows: int, seed: int) -> pl.DataFrame:
    fake = Fake(seed)
    rng = random.Random(seed)
    cols: dict[str, list[str]] = {k: [] for k in (
        "序号", "姓名", "身份证号", "手机号", "证件号码", "统一社会信用代码", "居住地址", "经度", "纬度", "补贴金额",
        "设备MAC", "备注", "登记日期", "出生年月", "人数")}
    for i in range(rows):
        name, rid, mobile = fake.person_name(), fake.resident_id(), fake.mobile(formatted=False)
        lon, lat = fake.lon_lat()
        address = fake.address()
        if rng.random() < 0.5:
            address += rng.choice(("（东门）", "（北区）", "，近地铁站", "（临时住所）"))
        cols["序号"].append(str(i + 1))
        cols["姓名"].append(name[0] + "*" * (len(name) - 1))
        cols["身份证号"].append(rid[:6] + "*" * 8 + rid[-4:])
        cols["手机号"].append(mobile[:3] + "****" + mobile[-4:])
        cols["证件号码"].append(rid)
        cols["统一社会信用代码"].append(fake.uscc())
        cols["居住地址"].append(address)
        cols["经度"].append(f"{lon:.6f}")
        cols["纬度"].append(f"{lat:.6f}")
        cols["补贴金额"].append(fake.money())
        cols["设备MAC"].append(fake.mac_address())
        cols["备注"].append(fake.remark())
        cols["登记日期"].append(fake.event_date())
        cols["出生年月"].append(f"{rng.randrange(1950, 2010)}.{rng.randrange(1, 13):02d}")
        cols["人数"].append(str(rng.randrange(1, 9)))
    return pl.DataFrame(cols)


def cut(frame: pl.DataFrame, rng: random.Random, *, rows: int, drop: float) -> pl.DataFrame:
    """`rows` random rows, shuffled; each column dropped with probability `drop`; columns reordered."""
    part = frame.sample(n=min(rows, frame.height), shuffle=True, seed=rng.randrange(2**31))
    kept = [c for c in frame.columns if rng.random() >= drop] or [rng.choice(frame.columns)]
    rng.shuffle(kept)
    return part.select(kept)


def _number(value: object) -> object:
    if not isinstance(value, str):
        return value
    plain = value.replace(",", "")
    if plain.replace(".", "", 1).isdigit() and not (plain.isdigit() and len(plain) > 11):
        return float(plain) if "." in plain else int(plain)
    return value


def reencode(frame: pl.DataFrame, how: str, tmp: Path) -> tuple[pl.DataFrame, str]:
    """Write the frame as a leaker would and read it back the way `shuan trace` does; also the file's SM3."""
    if how == "csv":
        path = tmp / "leak.csv"
        frame.write_csv(path)
    else:
        from openpyxl import Workbook

        path = tmp / "leak.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Sheet1")
        ws.append(frame.columns)
        for row in frame.iter_rows():
            ws.append([_number(v) for v in row] if how == "xlsx_numbers" else list(row))
        wb.save(path)
    with open_source(str(path)) as source:
        (name,) = source.tables()
        batches = list(source.open_table(name, sample=None, batch_rows=100_000).batches())
    got = pl.from_arrow(pa.Table.from_batches(batches))
    assert isinstance(got, pl.DataFrame)
    return got, sm3_hex(path.read_bytes())


def outcome(found: str | None, truth: str) -> str:
    return "none" if found is None else "right" if found == truth else "wrong"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--recipients", type=int, default=50)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--share", type=float, default=0.10)
    ap.add_argument("--drop", type=float, default=0.4)
    ap.add_argument("--sweep-trials", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    extract = masked_extract(args.rows, args.seed)
    types = {r.name: [h.type for h in r.types] for r in classify_frame(extract, Registry.default()) if r.types}
    secret = rng.randbytes(32)
    labels = [f"department:{i + 1}" for i in range(args.recipients)]
    keys = {label: recipient_key(secret, "department", i + 1) for i, label in enumerate(labels)}
    t_embed = time.perf_counter()
    copies, digests, marked, changed, carriers = {}, {}, [], [], []
    for label in labels:
        done = embed(extract, keys[label], types)
        copies[label] = done.frame
        digests[sm3_hex(done.frame.write_csv().encode())] = label
        marked.append(done.marked)
        changed.append(done.changed)
        carriers.append(done.carriers)
    embed_s = (time.perf_counter() - t_embed) / len(labels)
    cells = extract.height * extract.width
    print(f"extract {extract.height}×{extract.width}, types {types}; embed {embed_s * 1000:.0f} ms per copy "
          f"({cells / embed_s:,.0f} cells/s); setup {time.perf_counter() - t0:.1f} s")

    rows = max(1, round(args.share * args.rows))
    results: Counter[str] = Counter()
    by_encoding: dict[str, Counter[str]] = {h: Counter() for h in ENCODINGS}
    digest_hits = 0
    true_log10_p: list[float] = []
    true_marks: list[int] = []
    detect_s: list[float] = []
    controls = 0
    false_attr = {"unmarked": 0, "other_recipient": 0}
    h0_log10_p: list[float] = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for t in range(args.trials):
            how = ENCODINGS[t % len(ENCODINGS)]
            truth = rng.choice(labels)
            leaked, digest = reencode(cut(copies[truth], rng, rows=rows, drop=args.drop), how, tmp)
            start = time.perf_counter()
            result = detect(leaked, keys)
            detect_s.append(time.perf_counter() - start)
            found = result.recipient
            kind = outcome(None if found is None else found.recipient, truth)
            results[kind] += 1
            by_encoding[how][kind] += 1
            digest_hits += digests.get(digest) == truth
            own = next(s for s in result.scores if s.recipient == truth)
            true_log10_p.append(own.log10_p)
            true_marks.append(own.marks)
            # controls: the unmarked extract against everyone; this copy against everyone but its recipient
            plain, _ = reencode(cut(extract, rng, rows=rows, drop=args.drop), how, tmp)
            unmarked = detect(plain, keys)
            false_attr["unmarked"] += len(unmarked.attributed)
            h0_log10_p.extend(s.log10_p for s in unmarked.scores if s.marks)
            others = detect(leaked, {k: v for k, v in keys.items() if k != truth})
            false_attr["other_recipient"] += len(others.attributed)
            h0_log10_p.extend(s.log10_p for s in others.scores if s.marks)
            controls += 2
            if (t + 1) % 20 == 0:
                print(f"  {t + 1}/{args.trials}: {dict(results)}, false attributions {false_attr}")

        sweep = []
        for size in (5, 10, 20, 30, 50, 100, 200):
            tally: Counter[str] = Counter()
            for _ in range(args.sweep_trials):
                truth = rng.choice(labels)
                leaked, _ = reencode(cut(copies[truth], rng, rows=size, drop=args.drop), "csv", tmp)
                found = detect(leaked, keys).recipient
                tally[outcome(None if found is None else found.recipient, truth)] += 1
            sweep.append({"rows": size, "trials": args.sweep_trials, "right": tally["right"],
                          "wrong": tally["wrong"], "none": tally["none"]})

    threshold = ALPHA / args.recipients
    h0 = {f"p<={a}": round(sum(p <= math.log10(a) for p in h0_log10_p) / max(1, len(h0_log10_p)), 5)
          for a in (0.001, 0.01, 0.05, 0.5)}
    data: dict[str, Any] = {
        "benchmark": "tracing",
        "scheme": SCHEME, "gamma": GAMMA, "alpha": ALPHA, "seed": args.seed,
        "extract_rows": args.rows, "extract_columns": extract.width, "recipients": args.recipients,
        "column_types": types,
        "sample_share": args.share, "sample_rows": rows, "column_drop_probability": args.drop,
        "encodings": list(ENCODINGS),
        "statistic": ("per candidate r: n = marks r's key selects among the file's distinct carriers, X = those "
                      "holding r's bit; under H0 (file not from r's copy) X ~ Binomial(n, 1/2) exactly; "
                      "attribute to argmin p iff p = P[Bin(n,1/2) >= X] <= alpha / recipients"),
        "threshold_p": threshold,
        "min_marks_needed": math.ceil(-math.log2(threshold)),
        "identification": {
            "trials": args.trials, "right": results["right"], "wrong": results["wrong"], "none": results["none"],
            "rate": round(results["right"] / args.trials, 4),
            "by_encoding": {h: dict(c) for h, c in by_encoding.items()},
            "true_recipient_marks_median": statistics.median(true_marks),
            "true_recipient_marks_min": min(true_marks),
            "true_recipient_log10_p_median": round(statistics.median(true_log10_p), 1),
            "true_recipient_log10_p_max": round(max(true_log10_p), 1),
            "detect_ms_median": round(statistics.median(detect_s) * 1000, 1),
        },
        "baseline_digest_identification": {"trials": args.trials, "right": digest_hits,
                                           "rate": round(digest_hits / args.trials, 4)},
        "false_attribution": {
            "control_files": controls, "attributions": sum(false_attr.values()), **false_attr,
            "analytic_bound_per_file": ALPHA,
            "analytic_expected_at_most": controls * ALPHA,
            "h0_p_values": len(h0_log10_p), "h0_share": h0,
            "h0_min_p": 10 ** min(h0_log10_p) if h0_log10_p else None,
        },
        "sample_size_sweep": sweep,
        "distortion": {
            "carrier_cells_share": round(statistics.mean(carriers) / cells, 4),
            "marked_cells_share": round(statistics.mean(marked) / cells, 4),
            "changed_cells_share": round(statistics.mean(changed) / cells, 4),
            "changed_per_carrier": round(statistics.mean(changed) / statistics.mean(carriers), 4),
            "tolerance": "numbers: ≤ 1 unit of the last decimal place; text: punctuation width only; hex: case only",
        },
        "embed_ms_per_copy": round(embed_s * 1000, 1),
        "embed_cells_per_s": round(cells / embed_s),
    }
    print_table(["", "right", "wrong", "none", "rate"], [
        ["fingerprint (10% rows, shuffled, columns dropped, CSV/XLSX)", str(results["right"]),
         str(results["wrong"]), str(results["none"]), f"{results['right'] / args.trials:.3f}"],
        ["baseline: file digest", str(digest_hits), "0", str(args.trials - digest_hits),
         f"{digest_hits / args.trials:.3f}"],
    ])
    print(f"false attributions: {sum(false_attr.values())} in {controls} control files "
          f"(analytic bound ≤ {ALPHA:g} per file, ≤ {controls * ALPHA:.1e} expected); H0 p-value shares {h0}")
    print_table(["rows", "right", "wrong", "none"],
                [[str(s["rows"]), str(s["right"]), str(s["wrong"]), str(s["none"])] for s in sweep])
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        import json

        args.out.write_text(json.dumps({"generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **data},
                                       ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(f"wrote {write_result('tracing.json', data)}")


if __name__ == "__main__":
    main()
