"""The benchmark corpus generator and the accuracy scoring (against crafted scan/detect outputs)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from shuan.demo.fake import TYPE_IDS

from .test_fake import gb11643_ok, luhn

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench_modules() -> Iterator[dict[str, ModuleType]]:
    sys.path.insert(0, str(BENCH))
    try:
        import accuracy
        import corpus

        yield {"corpus": corpus, "accuracy": accuracy}
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def small_corpus(bench_modules: dict[str, ModuleType], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    rc = bench_modules["corpus"].main(
        ["--out", str(out), "--seed", "3", "--rows", "30", "--text-lines", "300"]
    )
    assert rc == 0
    return out


def _truth(corpus: Path) -> dict[str, Any]:
    return json.loads((corpus / "truth.json").read_text(encoding="utf-8"))


def test_corpus_tables_and_coverage(small_corpus: Path) -> None:
    truth = _truth(small_corpus)
    tables = truth["tables"]
    assert len(tables) >= 60
    assert len(list((small_corpus / "tables").glob("*.csv"))) == len(tables)
    per_type = truth["meta"]["columns_per_type"]
    assert all(per_type.get(t, 0) >= 6 for t in TYPE_IDS)
    styles = {e["header_style"] for e in tables.values()}
    assert styles == {"zh", "py", "en", "obf"}
    headers = {c for e in tables.values() for c in e["columns"]}
    assert {"XM", "SFZH", "LXDH", "CSRQ", "XB", "MZ", "YHKH", "CPHM", "CJH"} <= headers
    assert headers & {"c01", "f2", "col_7"}
    kinds = truth["meta"]["columns_per_negative_kind"]
    for k in (
        "bad_id",
        "non_luhn",
        "uscc_like",
        "non_mobile",
        "district",
        "company",
        "event_dt",
        "event_date",
    ):
        assert kinds.get(k, 0) >= 4, k
    assert {e["encoding"] for e in tables.values()} >= {"utf-8"}


def test_corpus_files_match_truth(small_corpus: Path) -> None:
    import csv
    import io

    for name, entry in _truth(small_corpus)["tables"].items():
        raw = (small_corpus / entry["file"]).read_bytes()
        text = raw.decode(entry["encoding"])
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows[0] == list(entry["columns"]), name
        assert len(rows) - 1 == entry["rows"]
        for col, types in entry["columns"].items():
            values = [r[rows[0].index(col)].strip() for r in rows[1:]]
            if types == ["cn_resident_id"]:
                good = [v for v in values if len(v) == 18]
                assert sum(gb11643_ok(v) for v in good) >= 0.8 * len(good)
            if entry["kinds"][col] == "bad_id":
                assert not any(gb11643_ok(v) for v in values)
            if entry["kinds"][col] == "non_luhn":
                assert not any(v.isdigit() and luhn(v) for v in values)


def test_text_spans_are_exact(small_corpus: Path) -> None:
    texts = [json.loads(x) for x in (small_corpus / "text.jsonl").read_text(encoding="utf-8").splitlines()]
    truths = [
        json.loads(x) for x in (small_corpus / "text_truth.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(texts) == len(truths) == 300
    seen = set()
    for t, s in zip(texts, truths, strict=True):
        assert t["id"] == s["id"] and "\n" not in t["text"]
        for span in s["spans"]:
            assert t["text"][span["start"] : span["end"]] == span["text"]
            seen.add(span["type"])
            if span["type"] == "person_name":
                assert not span["text"].endswith(("先生", "女士"))
            if span["type"] == "cn_resident_id":
                assert gb11643_ok(span["text"])
    assert seen == set(TYPE_IDS)


def _perfect_scan(truth: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": "x",
        "scheme": "jining-2020",
        "tables": [
            {
                "name": name,
                "rows": e["rows"],
                "level": 2,
                "columns": [
                    {"name": c, "level": 1, "types": [{"type": t, "score": 0.9, "ratio": 0.9} for t in types]}
                    for c, types in e["columns"].items()
                ],
            }
            for name, e in truth["tables"].items()
        ],
        "errors": [],
    }


def test_accuracy_scores(bench_modules: dict[str, ModuleType], small_corpus: Path) -> None:
    acc = bench_modules["accuracy"]
    truth = _truth(small_corpus)
    scan = _perfect_scan(truth)
    perfect = acc.score_columns(truth, scan)["per_type"]
    assert all(v.fn == 0 and v.fp == 0 for v in perfect.values())
    assert acc.check_targets(perfect, None) == []
    # drop the first table (all its positives become misses) and predict person_name on a company column
    first = scan["tables"].pop(0)
    for table in scan["tables"]:
        for col in table["columns"]:
            if col["name"] in ("企业名称", "QYMC", "company"):
                col["types"] = [{"type": "person_name"}]
    res = acc.score_columns(truth, scan)
    assert res["missing_tables"] == [first["name"]]
    lost = sum(len(c["types"]) for c in first["columns"])
    assert sum(v.fn for v in res["per_type"].values()) == lost
    assert res["per_type"]["person_name"].fp >= 1
    assert any("company -> person_name" in k for k in res["false_positives"])
    assert any("person_name" in f for f in acc.check_targets(res["per_type"], None))


def test_span_scoring(bench_modules: dict[str, ModuleType]) -> None:
    acc = bench_modules["accuracy"]
    truth = [[("cn_mobile", 5, 16), ("person_name", 0, 3)], [("address", 2, 20)]]
    pred = [[("cn_mobile", 5, 16), ("person_name", 0, 4)], [("address", 2, 18), ("address", 30, 35)]]
    res = acc.score_spans(truth, pred)
    assert res["exact"]["cn_mobile"].f1 == 1.0
    assert res["exact"]["person_name"].tp == 0
    assert res["relaxed"]["person_name"].tp == 1
    assert (res["relaxed"]["address"].tp, res["relaxed"]["address"].fp) == (1, 1)
    lines = acc.parse_detect_output(
        '{"entities": [{"type": "email", "start": 1, "end": 5, "text": "a@b."}]}\n'
    )
    assert lines == [[("email", 1, 5)]]


def test_accuracy_main_with_crafted_outputs(
    bench_modules: dict[str, ModuleType], small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    acc = bench_modules["accuracy"]
    truth = _truth(small_corpus)
    scan_file = tmp_path / "scan.json"
    scan_file.write_text(json.dumps(_perfect_scan(truth), ensure_ascii=False), encoding="utf-8")
    detect_file = tmp_path / "detect.jsonl"
    with detect_file.open("w", encoding="utf-8") as fh:
        for line in (small_corpus / "text_truth.jsonl").read_text(encoding="utf-8").splitlines():
            spans = json.loads(line)["spans"]
            fh.write(
                json.dumps({"entities": [{**s, "score": 0.9} for s in spans]}, ensure_ascii=False) + "\n"
            )
    monkeypatch.setenv("SHUAN_BENCH_RESULTS", str(tmp_path / "results"))
    rc = acc.main(
        ["--corpus", str(small_corpus), "--scan-json", str(scan_file), "--detect-jsonl", str(detect_file)]
    )
    assert rc == 0
    result = json.loads((tmp_path / "results" / "accuracy.json").read_text(encoding="utf-8"))
    assert result["targets_failed"] == [] and result["problems"] == []
    assert result["spans"]["micro_exact"]["f1"] == 1.0
    assert result["columns"]["micro"]["f1"] == 1.0
