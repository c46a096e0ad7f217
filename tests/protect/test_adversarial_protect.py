"""Adversarial bad input for the data-protection commands (issue 5): `shuan mask`, `shuan release-check`,
`shuan extract` and `shuan trace`.

The project rule: bad input gets one clear stderr line that names what was wrong and a non-zero exit
(`release-check`: 1–9; 10 and 11 are verdicts), no traceback, and loses nothing — no output file left
behind, an existing output left byte for byte as it was, and never the source replaced by its copy (not
even with ``--overwrite`` and a path that reaches the source through ``..``, ``.`` or a link). `mask` and
`release-check` run in standalone mode (no root key); `extract` and `trace` need the platform and a token.
"""

# ruff: noqa: F811 - the fixtures imported from test_registered_sources are parameters here
from __future__ import annotations

import os
import sqlite3
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from shuan.cli.main import main
from shuan.config import get_settings
from shuan.identity.tokens import create_token
from shuan.protect.tracing_models import Extract
from tests.inventory.test_registered_sources import (  # noqa: F401 - fixtures
    City,
    World,
    events,
    fast_argon2,
    migrated_template,
    platform,
    world,
)
from tests.protect.test_tracing import masked_extract

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
KEY_HEX = "ab" * 32

# ----------------------------------------------------------------------------------------------- helpers


@dataclass
class Result:
    code: int | None
    out: str
    err: str
    crash: str | None  # an exception that escaped main()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    get_settings.cache_clear()
    try:
        code: int | None = main(list(args))
        crash = None
    except (pytest.fail.Exception, pytest.skip.Exception, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - an escaped exception is the failure looked for
        code, crash = None, traceback.format_exception_only(exc)[-1].strip()[:300]
    out, err = capsys.readouterr()
    return Result(code, out, err, crash)


def assert_one_line_error(res: Result, *needles: str, codes: range = range(1, 10)) -> str:
    assert res.crash is None, f"uncaught exception escaped main(): {res.crash}\nstderr: {res.err[:500]}"
    assert "Traceback" not in res.out + res.err, res.err[:2000]
    assert res.code in codes, f"expected an error exit, got {res.code}; stderr={res.err[:500]!r}"
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, f"error is not one line: {res.err[:1000]!r}"
    assert lines[0].startswith("错误："), lines[0]
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not named in {lines[0]!r}"
    return lines[0]


def snapshot(d: Path) -> dict[str, bytes | str]:
    """Every entry under `d`: file bytes, directories and links by kind (what a failed command must keep)."""
    out: dict[str, bytes | str] = {}
    for p in sorted(d.rglob("*")):
        rel = str(p.relative_to(d))
        if p.is_symlink():
            out[rel] = f"-> {os.readlink(p)}"
        elif p.is_dir():
            out[rel] = "<dir>"
        elif p.is_file():
            try:
                out[rel] = p.read_bytes()
            except OSError:
                out[rel] = "<unreadable>"
        else:
            out[rel] = "<special>"
    return out


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def people_text(n: int = 30) -> str:
    rows = ["姓名,手机号,性别"] + [f"张{i},138{i:08d},{'男女'[i % 2]}" for i in range(n)]
    return "\n".join(rows) + "\n"


def region_text(n: int = 40) -> str:
    """一级 data (district, sex, income band), four classes of 10: passes every target."""
    rows = ["区县,性别,收入"] + [f"{['任城区', '兖州区'][i % 2]},{'男女'[(i // 2) % 2]},{['低', '中', '高'][i % 3]}"
                               for i in range(n)]
    return "\n".join(rows) + "\n"


def key_file(d: Path, text: str = KEY_HEX, mode: int = 0o600, name: str = "mask.key") -> Path:
    path = write(d / name, text)
    path.chmod(mode)
    return path


Setup = Callable[[Path], object]


@dataclass
class Case:
    id: str
    args: list[str]  # "{d}" is the case's directory
    needles: list[str] = field(default_factory=list)
    setup: Setup | None = None
    root_ok: bool = True  # False: meaningless as root (root reads a mode-000 file)


def _all(*steps: Setup) -> Setup:
    def go(d: Path) -> None:
        for step in steps:
            step(d)
    return go


def _file(name: str, data: bytes | str) -> Setup:
    return lambda d: write(d / name, data)


def _dir(name: str) -> Setup:
    return lambda d: (d / name).mkdir(parents=True, exist_ok=True)


def _link(name: str, target: str) -> Setup:
    return lambda d: (d / name).symlink_to(d / target)


def _hardlink(name: str, target: str) -> Setup:
    return lambda d: os.link(d / target, d / name)


def _fifo(name: str) -> Setup:
    return lambda d: os.mkfifo(d / name)


def _mode(name: str, mode: int) -> Setup:
    return lambda d: (d / name).chmod(mode)


def _key(text: str = KEY_HEX, mode: int = 0o600, name: str = "mask.key") -> Setup:
    return lambda d: key_file(d, text, mode, name)


def _sqlite(name: str) -> Setup:
    def go(d: Path) -> None:
        con = sqlite3.connect(d / name)
        con.execute("CREATE TABLE rk (姓名 TEXT, 手机号 TEXT)")
        con.executemany("INSERT INTO rk VALUES (?, ?)", [(f"张{i}", f"138{i:08d}") for i in range(20)])
        con.commit()
        con.close()
    return go


def _late_bad_encoding(d: Path) -> None:
    """Valid UTF-8 for the sampled rows, a GBK line at the end: fails while the output is being written."""
    body = "姓名,手机号\n" + "".join(f"张{i},138{i:08d}\n" for i in range(200_000))
    write(d / "late.csv", body.encode() + "李四,13800000000\n".encode("gbk"))


PEOPLE = _file("in.csv", people_text())
KEY = _key()
MIXED = people_text().encode("utf-8") + "李四,13800000000,女\n".encode("gbk")  # UTF-8, then a GBK row
YAML_BOMB = "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
YAML_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + YAML_BOMB


def M(*extra: str, out: str = "{d}/out.csv", src: str = "{d}/in.csv", key: bool = True) -> list[str]:
    args = ["mask", src, "--profile", "dev_test", "--out", out]
    if key:
        args += ["--key-file", "{d}/mask.key"]
    return args + list(extra)


def rules(text: str) -> Setup:
    return _file("rules.yaml", text)


MASK_CASES = [
    # the source
    Case("missing-source", M(src="{d}/nope.csv"), ["nope.csv"], KEY),
    Case("empty-source", M(src="{d}/empty.csv"), ["empty"], _all(KEY, _file("empty.csv", b""))),
    Case("empty-directory", M(src="{d}/adir"), ["adir"], _all(KEY, _dir("adir"))),
    Case("unreadable-source", M(src="{d}/secret.csv"), ["secret"],
         _all(KEY, _file("secret.csv", people_text()), _mode("secret.csv", 0)), root_ok=False),
    Case("mixed-encoding", M(src="{d}/mixed.csv"), ["mixed", "编码"], _all(KEY, _file("mixed.csv", MIXED))),
    Case("mixed-encoding-after-sample-into-new-dirs", M("--sample", "10", src="{d}/late.csv", out="{d}/new/sub/o.csv"),
         ["late"], _all(KEY, _late_bad_encoding)),
    Case("mixed-encoding-after-sample-parquet", M("--sample", "10", src="{d}/late.csv", out="{d}/o.parquet"),
         ["late"], _all(KEY, _late_bad_encoding)),
    Case("mixed-encoding-after-sample-sqlite", M("--sample", "10", src="{d}/late.csv", out="{d}/o.db"),
         ["late"], _all(KEY, _late_bad_encoding)),
    Case("binary-csv", M(src="{d}/bin.csv"), ["bin"], _all(KEY, _file("bin.csv", b"a,b\n\x00\xff\xfe,1\n\x89PNG\r\n,2\n"))),
    Case("oversize-cell", M(src="{d}/huge.csv"), ["huge"],
         _all(KEY, _file("huge.csv", "姓名,手机号\n" + "x" * (9 * 1024 * 1024) + ",13800000000\n"))),
    Case("xlsx-not-a-zip", M(src="{d}/fake.xlsx"), ["fake"], _all(KEY, _file("fake.xlsx", b"not a zip at all" * 8))),
    # the destination
    Case("out-is-source", M("--overwrite", out="{d}/in.csv"), ["in.csv"], _all(KEY, PEOPLE)),
    Case("out-is-source-via-dotdot", M("--overwrite", out="{d}/adir/../in.csv"), ["in.csv"], _all(KEY, PEOPLE, _dir("adir"))),
    Case("out-is-source-dir", M("--overwrite", out="{d}"), ["in.csv"], _all(KEY, PEOPLE)),
    Case("out-is-link-to-source", M("--overwrite", out="{d}/ln.csv"), ["ln.csv"], _all(KEY, PEOPLE, _link("ln.csv", "in.csv"))),
    Case("out-is-hardlink-to-source", M("--overwrite", out="{d}/hard.csv"), ["hard.csv"],
         _all(KEY, PEOPLE, _hardlink("hard.csv", "in.csv"))),
    Case("out-is-sqlite-source-as-url", M("--overwrite", src="{d}/a.db", out="sqlite:///{d}/a.db"), ["a.db"],
         _all(KEY, _sqlite("a.db"))),
    Case("out-exists", M(out="{d}/keep.csv"), ["keep.csv", "--overwrite"], _all(KEY, PEOPLE, _file("keep.csv", "keep me"))),
    Case("out-no-extension", M(out=""), ["输出格式"], _all(KEY, PEOPLE)),
    Case("out-format-unknown", M("--format", "xlsx", out="{d}/outdir"), ["--format"], _all(KEY, PEOPLE)),
    # rules files
    Case("rules-unknown-operator", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "frobnicate"],
         _all(KEY, PEOPLE, rules("types:\n  cn_mobile: {operator: frobnicate}\n"))),
    Case("rules-bad-parameter", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "keep_first_last", "first"],
         _all(KEY, PEOPLE, rules("types:\n  cn_mobile: {operator: keep_first_last, first: -3}\n"))),
    Case("rules-parameter-not-a-number", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "round", "base"],
         _all(KEY, PEOPLE, rules("untyped: {operator: round, base: .nan}\n"))),
    Case("rules-extra-parameter", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "wat"],
         _all(KEY, PEOPLE, rules("types:\n  cn_mobile: {operator: suppress, wat: 1}\n"))),
    Case("rules-unknown-type", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "cn_mobil"],
         _all(KEY, PEOPLE, rules("types:\n  cn_mobil: {operator: suppress}\n"))),
    Case("rules-unknown-field", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "typez"],
         _all(KEY, PEOPLE, rules("typez: {}\n"))),
    Case("rules-not-a-mapping", M("--rules", "{d}/rules.yaml"), ["rules.yaml"], _all(KEY, PEOPLE, rules("- a\n- b\n"))),
    Case("rules-syntax", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "YAML"], _all(KEY, PEOPLE, rules("types: [\n  : :"))),
    Case("rules-yaml-bomb", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "锚点"], _all(KEY, PEOPLE, rules(YAML_BOMB))),
    Case("rules-small-anchor", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "锚点"],
         _all(KEY, PEOPLE, rules("x: &r {operator: suppress}\ntypes:\n  cn_mobile: *r\n"))),
    Case("rules-python-tag", M("--rules", "{d}/rules.yaml"), ["rules.yaml"],
         _all(KEY, PEOPLE, rules("types: !!python/object/apply:os.system ['echo pwned']\n"))),
    Case("rules-deep-nesting", M("--rules", "{d}/rules.yaml"), ["rules.yaml"],
         _all(KEY, PEOPLE, rules("types: " + "[" * 5000 + "]" * 5000 + "\n"))),
    Case("rules-gbk", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "UTF-8"],
         _all(KEY, PEOPLE, _file("rules.yaml", "types:\n  cn_mobile: {operator: suppress}  # 注释\n".encode("gbk")))),
    Case("rules-missing", M("--rules", "{d}/nope.yaml"), ["nope.yaml"], _all(KEY, PEOPLE)),
    Case("rules-directory", M("--rules", "{d}"), ["--rules"], _all(KEY, PEOPLE)),
    Case("rules-dev-zero", M("--rules", "/dev/zero"), ["/dev/zero", "普通文件"], _all(KEY, PEOPLE)),
    Case("rules-fifo", M("--rules", "{d}/fifo.yaml"), ["fifo.yaml", "普通文件"], _all(KEY, PEOPLE, _fifo("fifo.yaml"))),
    Case("rules-too-large", M("--rules", "{d}/rules.yaml"), ["rules.yaml", "过大"],
         _all(KEY, PEOPLE, rules("#" + "x" * (9 * 1024 * 1024) + "\n"))),
    Case("profile-unknown", ["mask", "{d}/in.csv", "--profile", "nope", "--out", "{d}/o.csv"], ["nope"], PEOPLE),
    Case("profile-missing", ["mask", "{d}/in.csv", "--out", "{d}/o.csv"], ["--profile"], PEOPLE),
    # key files
    Case("key-needed", M(key=False), ["--key-file"], PEOPLE),
    Case("key-mode-644", M(), ["mask.key", "chmod 600"], _all(PEOPLE, _key(mode=0o644))),
    Case("key-too-short", M(), ["mask.key", "十六进制"], _all(PEOPLE, _key("ab" * 8))),
    Case("key-not-hex", M(), ["mask.key", "十六进制"], _all(PEOPLE, _key("zz" * 32))),
    Case("key-odd-length", M(), ["mask.key", "十六进制"], _all(PEOPLE, _key("a" * 33))),
    Case("key-empty", M(), ["mask.key"], _all(PEOPLE, _key(""))),
    Case("key-too-long", M(), ["mask.key"], _all(PEOPLE, _key("ab" * 100_000))),
    Case("key-all-zero", M(), ["全为零"], _all(PEOPLE, _key("00" * 32))),
    Case("key-binary", M(), ["mask.key"], _all(PEOPLE, _file("mask.key", os.urandom(32) + b"\xff"), _mode("mask.key", 0o600))),
    Case("key-chinese", M(), ["mask.key"], _all(PEOPLE, _key("密钥" * 20))),
    Case("key-missing", M("--key-file", "{d}/nokey"), ["nokey"], PEOPLE),
    Case("key-directory", M("--key-file", "{d}/kdir"), ["--key-file"], _all(PEOPLE, _dir("kdir"))),
    Case("key-dev-zero", ["mask", "{d}/in.csv", "--profile", "dev_test", "--out", "{d}/o.csv", "--key-file", "/dev/zero"],
         ["/dev/zero", "普通文件"], PEOPLE),
    Case("key-fifo", ["mask", "{d}/in.csv", "--profile", "dev_test", "--out", "{d}/o.csv", "--key-file", "{d}/kfifo"],
         ["kfifo", "普通文件"], _all(PEOPLE, _fifo("kfifo"))),
    Case("sample-zero", M("--sample", "0"), ["--sample"], _all(KEY, PEOPLE)),
    Case("recognizers-missing", M("--recognizers", "{d}/nope.yaml"), ["nope.yaml"], _all(KEY, PEOPLE)),
]


def _case_ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def _fill(args: list[str], d: Path) -> list[str]:
    return [a.replace("{d}", str(d)) for a in args]


@pytest.fixture()
def standalone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHUAN_ROOT_KEY", raising=False)
    monkeypatch.delenv("SHUAN_TOKEN", raising=False)
    monkeypatch.delenv("SHUAN_BATCH_ROWS", raising=False)
    get_settings.cache_clear()


@pytest.mark.usefixtures("standalone")
@pytest.mark.parametrize("case", MASK_CASES, ids=_case_ids(MASK_CASES))
def test_mask_bad_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if IS_ROOT and not case.root_ok:
        pytest.skip("root reads any file")
    d = tmp_path / "case"
    d.mkdir()
    if case.setup is not None:
        case.setup(d)
    before = snapshot(d)
    res = run(capsys, *_fill(case.args, d))
    assert_one_line_error(res, *case.needles)
    assert res.out == "", res.out[:500]
    assert snapshot(d) == before, "a failed mask changed, added or removed a file"


# ------------------------------------------------------------------------------------ mask: accepted input


@pytest.mark.usefixtures("standalone")
def test_mask_gbk_source_and_awkward_columns_are_masked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file(tmp_path)
    write(tmp_path / "gbk.csv", people_text().encode("gbk"))
    res = run(capsys, "mask", str(tmp_path / "gbk.csv"), "--profile", "dev_test", "--out", str(tmp_path / "g.csv"),
              "--key-file", str(tmp_path / "mask.key"))
    assert res.code == 0 and res.crash is None, res.err
    masked = pl.read_csv(tmp_path / "g.csv", infer_schema=False)
    assert masked.height == 30 and "13800000000" not in (tmp_path / "g.csv").read_text(encoding="utf-8")
    # duplicate and empty column names, a 1 MB cell: masked, not a crash
    write(tmp_path / "odd.csv", "手机号,手机号,,备注\n" + "13800000001,13800000002,x," + "y" * 1_000_000 + "\n")
    res = run(capsys, "mask", str(tmp_path / "odd.csv"), "--profile", "dev_test", "--out", str(tmp_path / "odd_o.csv"),
              "--key-file", str(tmp_path / "mask.key"))
    assert res.code == 0 and res.crash is None, res.err
    text = (tmp_path / "odd_o.csv").read_text(encoding="utf-8")
    assert "13800000001" not in text and "13800000002" not in text


@pytest.mark.usefixtures("standalone")
def test_mask_says_which_rows_it_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Malformed rows are not in the copy: the run says so (stderr and JSON) instead of passing it off as whole."""
    import json

    key_file(tmp_path)
    write(tmp_path / "ragged.csv", "姓名,手机号\n张三,13800000000,extra\n李四\n王五,13900000000\n")
    res = run(capsys, "mask", str(tmp_path / "ragged.csv"), "--profile", "dev_test", "--out", str(tmp_path / "r.csv"),
              "--key-file", str(tmp_path / "mask.key"))
    assert res.code == 0, res.err
    assert "2 行的字段数与表头不符，已跳过" in res.err
    [table] = json.loads(res.out)["tables"]
    assert table["rows"] == 1 and len(table["warnings"]) == 1


@pytest.mark.usefixtures("standalone")
def test_mask_overwrite_replaces_an_unrelated_output_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file(tmp_path)
    write(tmp_path / "in.csv", people_text())
    write(tmp_path / "keep.csv", "old")
    res = run(capsys, "mask", str(tmp_path / "in.csv"), "--profile", "dev_test", "--out", str(tmp_path / "keep.csv"),
              "--key-file", str(tmp_path / "mask.key"), "--overwrite")
    assert res.code == 0, res.err
    assert pl.read_csv(tmp_path / "keep.csv").height == 30
    assert (tmp_path / "in.csv").read_text(encoding="utf-8") == people_text()


# ------------------------------------------------------------------------------------------ release-check


def RC(*extra: str, src: str = "{d}/kf.csv", target: str = "open") -> list[str]:
    return ["release-check", src, "--target", target, *extra]


REGION = _file("kf.csv", region_text())

RELEASE_CASES = [
    Case("missing-source", RC(src="{d}/nope.csv"), ["nope.csv"]),
    Case("empty-file", RC(src="{d}/empty.csv"), ["empty"], _file("empty.csv", b"")),
    Case("blank-lines", RC(src="{d}/blank.csv"), ["blank"], _file("blank.csv", "\n\n\n")),
    Case("header-only", RC(src="{d}/hdr.csv"), ["hdr"], _file("hdr.csv", "区县,性别\n")),
    Case("unreadable", RC(src="{d}/secret.csv"), ["secret"],
         _all(_file("secret.csv", region_text()), _mode("secret.csv", 0)), root_ok=False),
    Case("empty-directory", RC(src="{d}/adir"), ["adir"], _dir("adir")),
    Case("directory-of-two-tables", RC(src="{d}/two"), ["--table"],
         _all(_file("two/a.csv", "x\n1\n"), _file("two/b.csv", "x\n1\n"))),
    Case("unknown-table", RC("--table", "zz", src="{d}/two"), ["zz"],
         _all(_file("two/a.csv", "x\n1\n"), _file("two/b.csv", "x\n1\n"))),
    Case("mixed-encoding", RC(src="{d}/mixed.csv"), ["mixed"],
         _file("mixed.csv", region_text().encode() + "任城区,男,低\n".encode("gbk"))),
    Case("binary", RC(src="{d}/bin.csv"), ["bin"], _file("bin.csv", b"a,b\n\x00\xff\xfe,1\n\x89PNG\r\n,2\n")),
    Case("oversize-cell", RC(src="{d}/huge.csv"), ["huge"],
         _file("huge.csv", "区县,性别\n" + "x" * (9 * 1024 * 1024) + ",男\n")),
    Case("xlsx-not-a-zip", RC(src="{d}/fake.xlsx"), ["fake"], _file("fake.xlsx", b"not a zip" * 10)),
    Case("qi-unknown-column", RC("--qi", "区县,nope"), ["nope"], REGION),
    Case("qi-empty", RC("--qi", ""), ["--qi"], REGION),
    Case("qi-only-commas", RC("--qi", " ，, "), ["--qi"], REGION),
    Case("sensitive-empty", RC("--sensitive", ","), ["--sensitive"], REGION),
    Case("count-empty", RC("--count", " ", target="stats"), ["--count"], REGION),
    Case("qi-twice", RC("--qi", "区县,区县"), ["区县"], REGION),
    Case("qi-and-sensitive-overlap", RC("--qi", "区县", "--sensitive", "区县"), ["区县"], REGION),
    Case("qi-and-no-qi", RC("--qi", "区县", "--no-qi"), ["--no-qi"], REGION),
    Case("sensitive-unknown", RC("--sensitive", "nope"), ["nope"], REGION),
    Case("count-unknown", RC("--count", "nope", target="stats"), ["nope"], REGION),
    Case("count-not-integers", RC("--count", "人数", "--qi", "区县", src="{d}/cnt.csv", target="stats"), ["人数"],
         _file("cnt.csv", "区县,人数\n任城区,-5\n兖州区,abc\n任城区,3.7\n兖州区,99999999999999999999999\n")),
    Case("no-qi-inferable", RC(src="{d}/one.csv"), ["--qi"], _file("one.csv", "x\n1\n2\n")),
    Case("k-zero", RC("--k", "0"), ["--k"], REGION),
    Case("k-negative", RC("--k", "-1"), ["--k"], REGION),
    Case("k-huge", RC("--k", "999999999999"), ["--k"], REGION),
    Case("l-zero", RC("--l", "0"), ["--l"], REGION),
    Case("level-above-scheme", RC("--level", "5"), ["--level"], REGION),
    Case("target-unknown", RC(target="nope"), ["--target"], REGION),
    Case("policy-missing", RC("--policy", "{d}/nope.yaml"), ["nope.yaml"], REGION),
    Case("policy-directory", RC("--policy", "{d}/adir"), ["adir"], _all(REGION, _dir("adir"))),
    Case("policy-dev-zero", RC("--policy", "/dev/zero"), ["/dev/zero", "普通文件"], REGION),
    Case("policy-fifo", RC("--policy", "{d}/p.fifo"), ["p.fifo", "普通文件"], _all(REGION, _fifo("p.fifo"))),
    Case("policy-alias", RC("--policy", "{d}/p.yaml"), ["p.yaml", "锚点"], _all(REGION, _file("p.yaml", YAML_BOMB))),
    Case("policy-invalid", RC("--policy", "{d}/p.yaml"), ["p.yaml"],
         _all(REGION, _file("p.yaml", "targets: {open: {k: -1}}\n"))),
    Case("policy-empty", RC("--policy", "{d}/p.yaml"), ["p.yaml"], _all(REGION, _file("p.yaml", ""))),
    Case("policy-gbk", RC("--policy", "{d}/p.yaml"), ["p.yaml", "UTF-8"],
         _all(REGION, _file("p.yaml", "规则: 1\n".encode("gbk")))),
    Case("recognizers-missing", RC("--recognizers", "{d}/nope.yaml"), ["nope.yaml"], REGION),
    Case("json-format-still-one-line", RC("--format", "json", src="{d}/nope.csv"), ["nope.csv"]),
]


@pytest.mark.usefixtures("standalone")
@pytest.mark.parametrize("case", RELEASE_CASES, ids=_case_ids(RELEASE_CASES))
def test_release_check_bad_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if IS_ROOT and not case.root_ok:
        pytest.skip("root reads any file")
    d = tmp_path / "case"
    d.mkdir()
    if case.setup is not None:
        case.setup(d)
    before = snapshot(d)
    res = run(capsys, *_fill(case.args, d))
    assert_one_line_error(res, *case.needles, codes=range(1, 10))  # 10 and 11 are verdicts, not errors
    assert res.out == "", res.out[:500]
    assert snapshot(d) == before


@pytest.mark.usefixtures("standalone")
def test_release_check_accepts_gbk_a_big_cell_and_warns_of_skipped_rows(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "gbk.csv", region_text().encode("gbk"))
    res = run(capsys, "release-check", str(tmp_path / "gbk.csv"), "--target", "open")
    assert res.code == 0 and "结论：通过" in res.out, res.err
    write(tmp_path / "big.csv", region_text() + "任城区,男," + "x" * 1_000_000 + "\n")
    res = run(capsys, "release-check", str(tmp_path / "big.csv"), "--target", "open", "--qi", "区县,性别")
    assert res.code in (0, 10, 11) and res.crash is None and "Traceback" not in res.err
    write(tmp_path / "ragged.csv", region_text() + "任城区,男\n任城区,男,低,多\n")
    res = run(capsys, "release-check", str(tmp_path / "ragged.csv"), "--target", "open")
    assert res.code == 0 and "2 行的字段数与表头不符，已跳过" in res.err


# ----------------------------------------------------------------------------------- extract and trace


@dataclass
class Tokens:
    city: City
    secadmin: str
    auditor: str


@pytest.fixture()
def tokens(world: World, monkeypatch: pytest.MonkeyPatch) -> Tokens:
    now = world.now = datetime.now(UTC)  # the command resolves its token at the real time
    city = City(world)
    expires = now + timedelta(hours=1)
    sec = create_token(city.p, actor=city.secadmin.principal, name="cli", scopes=["grant.manage"],
                       expires_at=expires, now=now).token
    aud = create_token(city.p, actor=city.auditor.principal, name="cli", scopes=["audit.read"],
                       expires_at=expires, now=now).token
    return Tokens(city, sec, aud)


def _extract_source(d: Path) -> None:
    masked_extract(rows=200, seed=4).write_csv(d / "rk.csv")


def _binary_parquet(d: Path) -> None:
    pq.write_table(pa.table({"blob": pa.array([os.urandom(8) for _ in range(50)], type=pa.binary()),
                             "金额": [f"{i}.25" for i in range(50)]}), d / "blob.parquet")


def _nested_parquet(d: Path) -> None:
    pq.write_table(pa.table({"s": [{"x": i} for i in range(50)], "金额": [f"{i}.25" for i in range(50)]}),
                   d / "nest.parquet")


def X(*extra: str, src: str = "{d}/rk.csv", out: str = "{d}/copy.csv") -> list[str]:
    return ["extract", src, "--recipient", "{recipient}", "--purpose", "共享", "--out", out, *extra]


SRC = _extract_source

EXTRACT_CASES = [
    Case("missing-source", X(src="{d}/nope.csv"), ["nope.csv"]),
    Case("empty-file", X(src="{d}/empty.csv"), ["empty"], _file("empty.csv", b"")),
    Case("header-only", X(src="{d}/hdr.csv"), ["hdr.csv"], _file("hdr.csv", "a,b\n")),
    Case("directory-source", X(src="{d}/adir"), ["adir"], _dir("adir")),
    Case("sqlite-source", X(src="{d}/a.db"), ["a.db"], _sqlite("a.db")),
    Case("mixed-encoding", X(src="{d}/mixed.csv"), ["mixed"], _file("mixed.csv", MIXED)),
    Case("binary-csv", X(src="{d}/bin.csv"), ["bin"], _file("bin.csv", b"a,b\n\x00\xff\xfe,1\n\x89PNG\r\n,2\n")),
    Case("oversize-cell", X(src="{d}/huge.csv"), ["huge"],
         _file("huge.csv", "a,b\n" + "x" * (9 * 1024 * 1024) + ",1.25\n")),
    Case("xlsx-not-a-zip", X(src="{d}/fake.xlsx"), ["fake"], _file("fake.xlsx", b"not a zip" * 10)),
    Case("binary-column-to-csv", X(src="{d}/blob.parquet"), ["blob", "CSV"], _binary_parquet),
    Case("binary-column-to-xlsx", X(src="{d}/blob.parquet", out="{d}/copy.xlsx"), ["blob", "XLSX"], _binary_parquet),
    Case("nested-column-to-csv", X(src="{d}/nest.parquet"), ["s", "CSV"], _nested_parquet),
    Case("nested-column-to-xlsx", X(src="{d}/nest.parquet", out="{d}/copy.xlsx"), ["s", "XLSX"], _nested_parquet),
    Case("out-is-source", X(out="{d}/rk.csv"), ["rk.csv"], SRC),
    Case("out-is-source-via-dotdot", X(out="{d}/adir/../rk.csv"), ["rk.csv"], _all(SRC, _dir("adir"))),
    Case("out-is-link-to-source", X(out="{d}/ln.csv"), ["ln.csv"], _all(SRC, _link("ln.csv", "rk.csv"))),
    Case("out-is-directory", X(out="{d}/odir.csv"), ["odir.csv"], _all(SRC, _dir("odir.csv"))),
    Case("out-exists", X(out="{d}/keep.csv"), ["keep.csv", "--overwrite"], _all(SRC, _file("keep.csv", "keep me"))),
    Case("out-missing-directory", X(out="{d}/nodir/copy.csv"), ["copy.csv"], SRC),
    Case("out-unsupported-format", X(out="{d}/copy.txt"), ["copy.txt"], SRC),
    Case("keep-unknown-column", X("--keep", "不存在"), ["不存在"], SRC),
    Case("table-unknown", X("--table", "zz"), ["zz"], SRC),
    Case("recipient-unknown", ["extract", "{d}/rk.csv", "--recipient", "department:999", "--purpose", "共享",
                               "--out", "{d}/copy.csv"], ["999"], SRC),
    Case("purpose-blank", ["extract", "{d}/rk.csv", "--recipient", "{recipient}", "--purpose", " ",
                           "--out", "{d}/copy.csv"], [], SRC),
]


@pytest.mark.parametrize("case", EXTRACT_CASES, ids=_case_ids(EXTRACT_CASES))
def test_extract_bad_input(case: Case, tokens: Tokens, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "case"
    d.mkdir()
    if case.setup is not None:
        case.setup(d)
    before = snapshot(d)
    monkeypatch.setenv("SHUAN_TOKEN", tokens.secadmin)
    args = [a.replace("{recipient}", f"department:{tokens.city.wj}") for a in _fill(case.args, d)]
    res = run(capsys, *args)
    assert_one_line_error(res, *case.needles)
    assert snapshot(d) == before, "a failed extract changed, added or removed a file"
    with tokens.city.p.store.sessions() as s:
        assert s.scalars(select(Extract)).first() is None, "a failed extract was registered"
    assert [e["outcome"] for e in events(tokens.city.p, "extract.deliver")] == ["failure"]


def test_extract_overwrite_replaces_an_existing_copy_only(tokens: Tokens, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _extract_source(tmp_path)
    _binary_parquet(tmp_path)
    write(tmp_path / "copy.csv", "old")
    monkeypatch.setenv("SHUAN_TOKEN", tokens.secadmin)
    base = ["extract", str(tmp_path / "rk.csv"), "--recipient", f"department:{tokens.city.wj}", "--purpose", "共享"]
    res = run(capsys, *base, "--out", str(tmp_path / "copy.csv"), "--overwrite")
    assert res.code == 0, res.err
    assert pl.read_csv(tmp_path / "copy.csv", infer_schema=False).height == 200
    # a binary column goes to Parquet as it is
    res = run(capsys, "extract", str(tmp_path / "blob.parquet"), "--recipient", f"department:{tokens.city.wj}",
              "--purpose", "共享", "--out", str(tmp_path / "blob_copy.parquet"))
    assert res.code == 0, res.err
    assert pl.read_parquet(tmp_path / "blob_copy.parquet").schema["blob"] == pl.Binary


TRACE_ERRORS = [
    Case("missing", ["trace", "{d}/nope.csv"], ["nope.csv"]),
    Case("empty-file", ["trace", "{d}/empty.csv"], ["empty"], _file("empty.csv", b"")),
    Case("directory", ["trace", "{d}/adir"], ["adir"], _dir("adir")),
    Case("binary", ["trace", "{d}/bin.csv"], ["bin"], _file("bin.csv", b"a,b\n\x00\xff\xfe,1\n\x89PNG\r\n,2\n")),
    Case("mixed-encoding", ["trace", "{d}/mixed.csv"], ["mixed"], _file("mixed.csv", MIXED)),
    Case("xlsx-not-a-zip", ["trace", "{d}/fake.xlsx"], ["fake"], _file("fake.xlsx", b"not a zip" * 10)),
    Case("oversize-cell", ["trace", "{d}/huge.csv"], ["huge"],
         _file("huge.csv", "a,b\n" + "x" * (9 * 1024 * 1024) + ",1.25\n")),
    Case("sqlite", ["trace", "{d}/a.db"], ["a.db"], _sqlite("a.db")),
    Case("dev-null", ["trace", "/dev/null"], ["/dev/null"]),
]


@pytest.mark.parametrize("case", TRACE_ERRORS, ids=_case_ids(TRACE_ERRORS))
def test_trace_bad_input(case: Case, tokens: Tokens, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "case"
    d.mkdir()
    if case.setup is not None:
        case.setup(d)
    before = snapshot(d)
    monkeypatch.setenv("SHUAN_TOKEN", tokens.auditor)
    res = run(capsys, *_fill(case.args, d))
    assert_one_line_error(res, *case.needles)
    assert snapshot(d) == before


@pytest.mark.parametrize("name", ["hdr.csv", "rk.csv", "gbk.csv", "blob.parquet", "nest.parquet"])
def test_trace_of_an_unmarked_file_finds_nobody(name: str, tokens: Tokens, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with no fingerprint (header only, never delivered, GBK, binary or nested columns) is a finding
    of "none", not an error and not a crash."""
    import json

    _extract_source(tmp_path)
    write(tmp_path / "hdr.csv", "a,b\n")
    write(tmp_path / "gbk.csv", (tmp_path / "rk.csv").read_text(encoding="utf-8").encode("gbk", "replace"))
    _binary_parquet(tmp_path)
    _nested_parquet(tmp_path)
    monkeypatch.setenv("SHUAN_TOKEN", tokens.secadmin)
    res = run(capsys, "extract", str(tmp_path / "rk.csv"), "--recipient", f"department:{tokens.city.wj}",
              "--purpose", "共享", "--out", str(tmp_path / "delivered.csv"))
    assert res.code == 0, res.err
    monkeypatch.setenv("SHUAN_TOKEN", tokens.auditor)
    res = run(capsys, "trace", str(tmp_path / name), "--format", "json")
    assert res.code == 0 and res.crash is None, res.err
    assert json.loads(res.out)["found"] is False
