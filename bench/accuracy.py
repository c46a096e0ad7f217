"""Accuracy of `shuan scan` (column level) and `shuan detect` (free-text spans) against corpus truth.

    python bench/accuracy.py --corpus DIR [--scan-json FILE] [--detect-jsonl FILE]

Runs ``shuan scan DIR/tables --format json --full`` and ``shuan detect DIR/text.txt --format jsonl``
(the text field of DIR/text.jsonl, one record per line), unless precomputed outputs are given.
A column counts as predicted type T when T appears in its ``types`` list. Spans are scored exactly
(type, start, end) and relaxed (same type, overlapping, one-to-one). Prints a table, writes
bench/results/accuracy.json, lists the targets missed, and exits 0 whether targets are met or not.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchlib import (
    COLUMN_TARGET,
    SPAN_FUZZY_TYPES,
    SPAN_STRICT_TYPES,
    SPAN_TARGET_FUZZY,
    SPAN_TARGET_STRICT,
    fmt,
    print_table,
    run_timed,
    scan_extra_args,
    shuan_command,
    write_result,
)
from shuan.demo.fake import TYPE_IDS


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision, "recall": self.recall,
                "f1": self.f1}  # fmt: skip


def _norm(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def _table_key(name: str) -> str:
    """Scan output may name a table by stem, file name or path; reduce to the stem."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-4] if base.lower().endswith(".csv") else base


# -- column level -----------------------------------------------------------------------------------


def score_columns(truth: dict[str, Any], scan: dict[str, Any]) -> dict[str, Any]:
    """Per-type column-level counts, plus diagnostics (confusions, missing tables/columns)."""
    predicted: dict[str, dict[str, set[str]]] = {}
    for table in scan.get("tables", []):
        cols: dict[str, set[str]] = {}
        for col in table.get("columns", []):
            cols[_norm(str(col.get("name", "")))] = {str(t.get("type")) for t in col.get("types", [])}
        predicted[_table_key(str(table.get("name", "")))] = cols
    per_type: dict[str, PRF] = {t: PRF() for t in TYPE_IDS}
    missing_tables: list[str] = []
    missing_columns: list[str] = []
    false_pos: Counter[str] = Counter()  # "kind -> type"
    false_neg: Counter[str] = Counter()  # "kind -> type"
    examples: dict[str, list[str]] = defaultdict(list)
    for tname, entry in truth["tables"].items():
        pcols = predicted.get(tname)
        if pcols is None:
            missing_tables.append(tname)
            pcols = {}
        for col, types in entry["columns"].items():
            true = set(types)
            kind = entry.get("kinds", {}).get(col, "?")
            if pcols and _norm(col) not in pcols:
                missing_columns.append(f"{tname}.{col}")
            pred = pcols.get(_norm(col), set())
            for t in TYPE_IDS:
                if t in true and t in pred:
                    per_type[t].tp += 1
                elif t in pred:
                    per_type[t].fp += 1
                    false_pos[f"{kind} -> {t}"] += 1
                    if len(examples[t]) < 5:
                        examples[t].append(f"FP {tname}.{col} ({kind})")
                elif t in true:
                    per_type[t].fn += 1
                    false_neg[f"{kind} -> {t}"] += 1
                    if len(examples[t]) < 5:
                        examples[t].append(f"FN {tname}.{col} ({kind})")
    return {
        "per_type": per_type,
        "missing_tables": missing_tables,
        "missing_columns": missing_columns,
        "false_positives": dict(false_pos.most_common()),
        "false_negatives": dict(false_neg.most_common()),
        "examples": dict(examples),
        "scan_errors": scan.get("errors", []),
    }


# -- spans ------------------------------------------------------------------------------------------

Span = tuple[str, int, int]


def _overlap_matches(true: list[Span], pred: list[Span]) -> int:
    """One-to-one matches of same-type overlapping spans (greedy by overlap length)."""
    pairs = []
    for i, (tt, ts, te) in enumerate(true):
        for j, (pt, ps, pe) in enumerate(pred):
            if tt == pt and ps < te and ts < pe:
                pairs.append((min(te, pe) - max(ts, ps), i, j))
    pairs.sort(reverse=True)
    used_t: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in pairs:
        if i not in used_t and j not in used_p:
            used_t.add(i)
            used_p.add(j)
    return len(used_t)


def score_spans(truth_lines: list[list[Span]], pred_lines: list[list[Span]]) -> dict[str, dict[str, PRF]]:
    exact: dict[str, PRF] = {t: PRF() for t in TYPE_IDS}
    relaxed: dict[str, PRF] = {t: PRF() for t in TYPE_IDS}
    for i, true in enumerate(truth_lines):
        pred = pred_lines[i] if i < len(pred_lines) else []
        for t in TYPE_IDS:
            ts = [s for s in true if s[0] == t]
            ps = [s for s in pred if s[0] == t]
            if not ts and not ps:
                continue
            hit = len(set(ts) & set(ps))
            exact[t].tp += hit
            exact[t].fp += len(ps) - hit
            exact[t].fn += len(ts) - hit
            m = _overlap_matches(ts, ps)
            relaxed[t].tp += m
            relaxed[t].fp += len(ps) - m
            relaxed[t].fn += len(ts) - m
    return {"exact": exact, "relaxed": relaxed}


def load_truth_spans(path: Path) -> list[list[Span]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        out.append([(s["type"], int(s["start"]), int(s["end"])) for s in rec["spans"]])
    return out


def parse_detect_output(text: str) -> list[list[Span]]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        out.append([(str(e["type"]), int(e["start"]), int(e["end"])) for e in rec.get("entities", [])])
    return out


def micro(per_type: dict[str, PRF]) -> PRF:
    total = PRF()
    for v in per_type.values():
        total.tp += v.tp
        total.fp += v.fp
        total.fn += v.fn
    return total


def check_targets(columns: dict[str, PRF] | None, spans: dict[str, PRF] | None) -> list[str]:
    failed = []
    for t, v in (columns or {}).items():
        if v.tp + v.fn == 0 and v.fp == 0:
            continue
        for label, value in (("precision", v.precision), ("recall", v.recall)):
            if value is None or value < COLUMN_TARGET:
                failed.append(f"column {label} {t}: {fmt(value)} < {COLUMN_TARGET}")
    for t, v in (spans or {}).items():
        target = (
            SPAN_TARGET_STRICT
            if t in SPAN_STRICT_TYPES
            else SPAN_TARGET_FUZZY
            if t in SPAN_FUZZY_TYPES
            else None
        )
        if target is None or v.tp + v.fn == 0:
            continue
        if v.f1 is None or v.f1 < target:
            failed.append(f"span F1 {t}: {fmt(v.f1)} < {target}")
    return failed


def _text_file(corpus: Path) -> Path:
    txt = corpus / "text.txt"
    lines = [
        json.loads(line)["text"] for line in (corpus / "text.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    txt.write_text("".join(t + "\n" for t in lines), encoding="utf-8")
    return txt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--scan-json", type=Path, help="use this scan output instead of running shuan scan")
    ap.add_argument(
        "--detect-jsonl", type=Path, help="use this detect output instead of running shuan detect"
    )
    ap.add_argument("--skip-text", action="store_true", help="column level only")
    ap.add_argument("--out", default="accuracy.json", help="file name under bench/results/")
    ap.add_argument("--timeout", type=float, default=1800.0, help="kill a CLI run after N seconds")
    args = ap.parse_args(argv)
    corpus: Path = args.corpus
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    shuan = shuan_command()
    result: dict[str, Any] = {"corpus": str(corpus), "meta": truth.get("meta", {})}
    problems: list[str] = []

    # -- column level ---------------------------------------------------------------------------------
    col_scores: dict[str, PRF] | None = None
    if args.scan_json:
        scan_text = args.scan_json.read_text(encoding="utf-8")
        scan_wall = None
    else:
        cmd = [*shuan, "scan", str(corpus / "tables"), "--format", "json", "--full", *scan_extra_args()]
        print("$ " + " ".join(cmd))
        run = run_timed(cmd, measure_rss=False, timeout=args.timeout)
        scan_text, scan_wall = run.stdout.decode("utf-8", "replace"), run.wall_s
        if run.returncode != 0:
            problems.append(f"shuan scan exited {run.returncode}: {run.stderr.strip()[-500:]}")
    try:
        scan = json.loads(scan_text)
    except json.JSONDecodeError as exc:
        scan = None
        problems.append(f"scan output is not JSON ({exc}); first bytes: {scan_text[:200]!r}")
    if scan is not None:
        cs = score_columns(truth, scan)
        col_scores = cs["per_type"]
        rows = []
        for t in TYPE_IDS:
            v = col_scores[t]
            rows.append([t, str(v.tp + v.fn), str(v.tp), str(v.fp), str(v.fn), fmt(v.precision), fmt(v.recall),
                         fmt(v.f1)])  # fmt: skip
        m = micro(col_scores)
        rows.append(["(micro)", str(m.tp + m.fn), str(m.tp), str(m.fp), str(m.fn), fmt(m.precision), fmt(m.recall),
                     fmt(m.f1)])  # fmt: skip
        print("\nColumn level (a column predicts T when T is in its types)")
        print_table(["type", "columns", "TP", "FP", "FN", "precision", "recall", "F1"], rows)
        if cs["missing_tables"]:
            print(f"\ntables missing from the scan output ({len(cs['missing_tables'])}): "
                  + ", ".join(cs["missing_tables"][:10]))  # fmt: skip
        if cs["missing_columns"]:
            print(f"columns missing from the scan output ({len(cs['missing_columns'])}): "
                  + ", ".join(cs["missing_columns"][:10]))  # fmt: skip
        if cs["false_positives"]:
            print("most frequent false positives (column kind -> predicted type): "
                  + "; ".join(f"{k} ×{n}" for k, n in list(cs["false_positives"].items())[:8]))  # fmt: skip
        if cs["false_negatives"]:
            print("most frequent misses (column kind -> type): "
                  + "; ".join(f"{k} ×{n}" for k, n in list(cs["false_negatives"].items())[:8]))  # fmt: skip
        result["columns"] = {
            "per_type": {t: v.as_dict() for t, v in col_scores.items()},
            "micro": m.as_dict(),
            "scan_wall_s": scan_wall,
            **{k: v for k, v in cs.items() if k != "per_type"},
        }

    # -- spans ----------------------------------------------------------------------------------------
    span_scores: dict[str, PRF] | None = None
    if not args.skip_text:
        truth_spans = load_truth_spans(corpus / "text_truth.jsonl")
        detect_text: str | None
        if args.detect_jsonl:
            detect_text = args.detect_jsonl.read_text(encoding="utf-8")
        else:
            txt = _text_file(corpus)
            cmd = [*shuan, "detect", str(txt), "--format", "jsonl"]
            print("\n$ " + " ".join(cmd))
            run = run_timed(cmd, measure_rss=False, timeout=args.timeout)
            detect_text = run.stdout.decode("utf-8", "replace")
            if run.returncode != 0:
                problems.append(f"shuan detect exited {run.returncode}: {run.stderr.strip()[-500:]}")
        try:
            pred = parse_detect_output(detect_text)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            pred = None
            problems.append(f"detect output is not the jsonl contract ({exc})")
        if pred is not None:
            if len(pred) != len(truth_spans):
                problems.append(f"detect wrote {len(pred)} lines for {len(truth_spans)} input lines")
            ss = score_spans(truth_spans, pred)
            span_scores = ss["exact"]
            rows = []
            for t in TYPE_IDS:
                e, r = ss["exact"][t], ss["relaxed"][t]
                target = (
                    SPAN_TARGET_STRICT
                    if t in SPAN_STRICT_TYPES
                    else SPAN_TARGET_FUZZY
                    if t in SPAN_FUZZY_TYPES
                    else None
                )
                rows.append([t, str(e.tp + e.fn), fmt(e.precision), fmt(e.recall), fmt(e.f1), fmt(r.f1),
                             fmt(target, 2) if target else "-"])  # fmt: skip
            me, mr = micro(ss["exact"]), micro(ss["relaxed"])
            rows.append(
                [
                    "(micro)",
                    str(me.tp + me.fn),
                    fmt(me.precision),
                    fmt(me.recall),
                    fmt(me.f1),
                    fmt(mr.f1),
                    "-",
                ]
            )
            print("\nFree-text spans (exact = type+start+end; relaxed = same type, overlapping)")
            print_table(["type", "spans", "precision", "recall", "F1 exact", "F1 relaxed", "target"], rows)
            result["spans"] = {
                "exact": {t: v.as_dict() for t, v in ss["exact"].items()},
                "relaxed": {t: v.as_dict() for t, v in ss["relaxed"].items()},
                "micro_exact": me.as_dict(),
                "micro_relaxed": mr.as_dict(),
            }

    failed = check_targets(col_scores, span_scores)
    result["targets_failed"] = failed
    result["problems"] = problems
    path = write_result(args.out, result)
    print()
    for p in problems:
        print(f"PROBLEM: {p}")
    if failed:
        print(f"TARGETS MISSED ({len(failed)}):")
        for f in failed:
            print(f"  - {f}")
    elif col_scores is not None and (span_scores is not None or args.skip_text):
        print("all accuracy targets met")
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
