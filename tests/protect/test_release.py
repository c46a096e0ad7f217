"""The release check's measures and verdicts (shuan.protect.release), on small hand-computed frames."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from shuan.catalogue.release import MESSAGES
from shuan.errors import ConfigError, TableError, UsageError
from shuan.protect import release as rel
from shuan.protect.release import Grade, assess, load_policy

POLICY = load_policy()
ONE = Grade("jining-2020", 1, "一级", 1)
LABELS = {1: "一级", 2: "二级", 3: "三级"}


def grade(level: int, declared: int | None = None) -> Grade:
    return Grade("jining-2020", level, LABELS[level], level if declared is None else 1, declared)


# six people: (30,M) ×3 with flu, flu, cold; (31,F) ×2 with flu, flu; (null,M) ×1 with asthma
SIX = pl.DataFrame({
    "age": ["30", "30", "30", "31", "31", None],
    "sex": ["M", "M", "M", "F", "F", "M"],
    "dx": ["flu", "flu", "cold", "flu", "flu", "asthma"],
})


def measure(frame: pl.DataFrame, qi: list[str], target: int, count: str | None = None) -> rel.KAnonymity:
    return rel.k_anonymity(rel.prepared(frame, qi, count_column=count), qi, target)


@pytest.mark.parametrize(("frame", "qi", "target", "expected"), [
    # (k, classes, classes_below, records, records_below)
    (SIX, ["age", "sex"], 2, (1, 3, 1, 6, 1)),
    (SIX, ["age", "sex"], 3, (1, 3, 2, 6, 3)),
    (SIX, ["age", "sex"], 4, (1, 3, 3, 6, 6)),
    (SIX, ["sex"], 3, (2, 2, 1, 6, 2)),
    (SIX, ["age"], 2, (1, 3, 1, 6, 1)),
    (SIX, [], 5, (6, 1, 0, 6, 0)),  # no quasi-identifier: the whole table is one class
    # nulls in a quasi-identifier are one value of their own; empty and blank text count as null
    (pl.DataFrame({"q": [None, "", "  ", "a", " a", "a "]}), ["q"], 3, (3, 2, 0, 6, 0)),
    (pl.DataFrame({"q": [None, None, "x"]}), ["q"], 2, (1, 2, 1, 3, 1)),
    # numbers and dates group as they are
    (pl.DataFrame({"n": [1, 1, 2, None]}), ["n"], 2, (1, 3, 2, 4, 2)),
])
def test_k_anonymity(frame: pl.DataFrame, qi: list[str], target: int, expected: tuple[int, ...]) -> None:
    k = measure(frame, qi, target)
    assert (k.k, k.classes, k.classes_below, k.records, k.records_below) == expected


def test_distribution_buckets() -> None:
    frame = pl.DataFrame({"q": ["a"] + ["b"] * 2 + ["c"] * 4 + ["d"] * 5 + ["e"] * 12})
    dist = {d["sizes"]: (d["classes"], d["records"]) for d in measure(frame, ["q"], 5).distribution}
    assert dist == {"1": (1, 1), "2": (1, 2), "3-4": (1, 4), "5-9": (1, 5), "10+": (1, 12)}


def test_count_column_weighs_rows() -> None:
    # a statistics result: each line stands for `人数` persons; a zero cell is no class at all
    frame = pl.DataFrame({"区县": ["A", "B", "C", "D"], "人数": ["3", "10", "0", ""]})
    k = measure(frame, ["区县"], 5, count="人数")
    assert (k.k, k.classes, k.records, k.classes_below, k.records_below) == (3, 2, 13, 1, 3)


@pytest.mark.parametrize(("counts", "key"), [(["1", "x"], "release.count_invalid"), ([1, -2], "release.count_invalid")])
def test_bad_count_column(counts: list[Any], key: str) -> None:
    with pytest.raises(UsageError) as exc:
        rel.prepared(pl.DataFrame({"q": ["a", "b"], "n": counts}), ["q"], count_column="n")
    assert exc.value.key == key


WHOLE_H = -(4 / 6 * math.log(4 / 6) + 2 * (1 / 6 * math.log(1 / 6)))  # flu ×4, cold, asthma


@pytest.mark.parametrize(("qi", "l", "entropy_l", "below"), [
    # (30,M) {flu, flu, cold}; (31,F) {flu, flu}; (null,M) {asthma}
    (["age", "sex"], 1, 1.0, 2),
    # M {flu, flu, cold, asthma}; F {flu, flu}
    (["sex"], 1, 1.0, 1),
    # one class: the whole table
    ([], 3, math.exp(WHOLE_H), 0),
])
def test_l_diversity(qi: list[str], l: int, entropy_l: float, below: int) -> None:  # noqa: E741
    got = rel.l_diversity(rel.prepared(SIX, qi, ["dx"]), qi, "dx", 2)
    assert (got.l, got.classes_below) == (l, below)
    assert got.entropy_l == pytest.approx(entropy_l)


def test_entropy_l_of_a_skewed_class() -> None:
    # one class: flu ×2, cold ×1 → H = -(2/3 ln 2/3 + 1/3 ln 1/3), entropy l = e^H ≈ 1.8899 < distinct l = 2
    frame = pl.DataFrame({"q": ["a"] * 3, "dx": ["flu", "flu", "cold"]})
    got = rel.l_diversity(rel.prepared(frame, ["q"], ["dx"]), ["q"], "dx", 2)
    h = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3))
    assert got.l == 2 and got.entropy_l == pytest.approx(math.exp(h)) and got.classes_below == 0


def test_null_sensitive_value_counts_as_a_value() -> None:
    frame = pl.DataFrame({"q": ["a", "a"], "dx": ["flu", None]})
    assert rel.l_diversity(rel.prepared(frame, ["q"], ["dx"]), ["q"], "dx", 2).l == 2


def test_risk_models() -> None:
    k = measure(SIX, ["age", "sex"], 3)
    risk = rel.risk(k)
    assert risk.prosecutor_max == 1.0  # 1/k
    assert risk.prosecutor_avg == pytest.approx(3 / 6)  # classes / records
    assert risk.journalist_max == risk.prosecutor_max  # upper bound without a population table
    assert risk.marketer == pytest.approx(0.5)
    assert risk.records_at_risk == pytest.approx(3 / 6)


# --- verdicts --------------------------------------------------------------------------------------------

# 40 rows: 区县 × 性别 → four classes of 10; 收入 three values in every class
SAFE = pl.DataFrame({
    "区县": ["任城区", "兖州区"] * 20,
    "性别": (["男"] * 2 + ["女"] * 2) * 10,
    "收入": ["低", "中", "高", "中", "高"] * 8,
})


def check(frame: pl.DataFrame = SAFE, g: Grade = ONE, target: str = "open", **kw: Any) -> rel.ReleaseReport:
    return assess(frame, kw.pop("types", {}), g, target=target, policy=POLICY, **kw)


@pytest.mark.parametrize(("target", "level", "action"), [
    ("open", 1, "pass"), ("open", 2, "refuse"), ("open", 3, "refuse"),
    ("share", 1, "pass"), ("share", 2, "warn"), ("share", 3, "warn"),
    ("stats", 1, "pass"), ("stats", 2, "warn"), ("stats", 3, "refuse"),
])
def test_grade_per_target(target: str, level: int, action: str) -> None:
    report = check(g=grade(level), target=target)
    [finding] = [f for f in report.findings if f.check == "grade"]
    assert finding.action == action and finding.rule == "jining-33"
    assert "第三十三条" in finding.reason and LABELS[level] in finding.reason
    assert report.verdict == action  # everything else passes on SAFE


def test_level_three_is_never_opened() -> None:
    report = check(g=grade(3))
    assert report.verdict == "refuse"
    reason = report.findings[0].reason
    assert "三级" in reason and "不对社会开放" in reason and "《济宁市政务数据安全管理办法》第三十三条" in reason


def test_declared_level_is_said() -> None:
    report = check(g=grade(3, declared=3))
    assert "声明" in report.findings[0].reason


def test_safe_open_release_passes_everything() -> None:
    report = check()
    assert report.verdict == "pass"
    assert report.quasi_identifiers == ["区县", "性别"] and report.qi_inferred
    assert report.sensitive_attributes == ["收入"]
    assert report.k.k == 10 and report.l[0].l == 3
    assert report.suggestion.suppress_rows == 0 and report.suggestion.generalise == []


DIRECT = {"身份证号": [("cn_resident_id", "100.0% 的非空值符合居民身份证号（例 370*****01）")],
          "姓名": [("person_name", "姓名证据")]}


@pytest.mark.parametrize(("target", "action", "rule"), [
    ("open", "refuse", "gbt37964-direct"), ("share", "warn", "jining-22"), ("stats", "refuse", "jining-24"),
])
def test_direct_identifiers(target: str, action: str, rule: str) -> None:
    frame = SAFE.with_columns(pl.lit("x").alias("身份证号"), pl.lit("y").alias("姓名"))
    report = check(frame, target=target, types=DIRECT)
    assert [(d.column, d.type) for d in report.direct_identifiers] == [("身份证号", "cn_resident_id"), ("姓名", "person_name")]
    assert report.direct_identifiers[0].evidence.startswith("100.0%")
    [finding] = [f for f in report.findings if f.check == "direct_identifiers"]
    assert (finding.action, finding.rule) == (action, rule)
    assert "身份证号" in finding.reason
    assert "身份证号" not in report.quasi_identifiers  # never a quasi-identifier


@pytest.mark.parametrize(("target", "k", "action"), [
    ("open", None, "refuse"),  # k = 1 < 5
    ("share", None, "warn"),  # k = 1 < 2
    ("stats", None, "refuse"),
    ("open", 1, "pass"),  # --k 1
])
def test_k_verdicts(target: str, k: int | None, action: str) -> None:
    frame = SAFE.with_columns(pl.Series("年龄", [str(20 + i) for i in range(40)]))  # every row unique
    report = check(frame, target=target, k=k)
    [finding] = [f for f in report.findings if f.check == "k"]
    assert finding.action == action
    assert report.k.k == 1 and report.k.target == (k or POLICY.targets[target].k.min)  # type: ignore[index]
    if action != "pass":
        assert "GB/T 37964" in finding.reason or "第二十四条" in finding.reason


def test_l_verdicts_and_override() -> None:
    frame = SAFE.with_columns(pl.Series("收入", ["低"] * 40))
    assert [f.action for f in check(frame).findings if f.check == "l"] == ["refuse"]
    assert [f.action for f in check(frame, l=1).findings if f.check == "l"] == ["pass"]
    assert not [f for f in check(frame, target="share").findings if f.check == "l"]  # sharing sets no l
    # --l on a target without an l rule adds one (a warning)
    assert [f.action for f in check(frame, target="share", l=2).findings if f.check == "l"] == ["warn"]


def test_declared_roles_override_inference() -> None:
    report = check(qi=["区县"], sensitive=["性别"])
    assert report.quasi_identifiers == ["区县"] and not report.qi_inferred
    assert report.sensitive_attributes == ["性别"] and report.k.k == 20


def test_no_qi_declared() -> None:
    report = check(pl.DataFrame({"名称": ["公园"] * 6}), no_qi=True)
    assert report.quasi_identifiers == [] and report.k.k == 6 and report.verdict == "pass"
    assert any("l-多样性" in w for w in report.warnings)


@pytest.mark.parametrize(("kw", "error", "key"), [
    ({"qi": ["年龄"]}, UsageError, "release.unknown_column"),
    ({"sensitive": ["nope"]}, UsageError, "release.unknown_column"),
    ({"qi": ["区县"], "sensitive": ["区县"]}, UsageError, "release.column_roles"),
    ({"frame": pl.DataFrame({"名称": ["a"]})}, UsageError, "release.no_qi"),
    ({"frame": SAFE.head(0)}, TableError, "release.empty"),
    ({"target": "public"}, UsageError, "release.target_unknown"),
])
def test_bad_input(kw: dict[str, Any], error: type[Exception], key: str) -> None:
    with pytest.raises(error) as exc:
        check(**kw)
    assert getattr(exc.value, "key", None) == key
    assert "\n" not in str(exc.value)


# --- inference and suggestion -----------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [
    ("年龄", True), ("户籍所在区县", True), ("age", True), ("Age_Group", True), ("birthdate", True),
    ("page", False), ("stage", False), ("名称", False), ("postcode", True),
])
def test_quasi_headers(header: str, expected: bool) -> None:
    assert rel.header_matches(header, POLICY.quasi_headers) is expected


def test_types_make_quasi_identifiers() -> None:
    frame = pl.DataFrame({"a": ["x"] * 5, "b": ["1990-01-01"] * 5, "c": ["y"] * 5})
    report = check(frame, types={"b": [("birth_date", "e")], "a": [("gender", "e")]})
    assert report.quasi_identifiers == ["a", "b"]


def test_suppression_alone_when_few_rows_are_at_risk() -> None:
    # 100 rows in class A, 2 rows in their own classes: suppress 2 (≤ 5 % of the rows)
    frame = pl.DataFrame({"q": ["A"] * 100 + ["B", "C"]})
    s = rel.suggest(rel.prepared(frame, ["q"]), ["q"], 5, POLICY.max_suppression)
    assert (s.suppress_rows, s.generalise, s.then_suppress_rows, s.reachable) == (2, [], 2, True)


def test_generalisation_before_suppression() -> None:
    # ages 20–59, one person each, 10 per decade: banding by 10 reaches k = 10 with nothing left to suppress
    frame = pl.DataFrame({"年龄": [str(a) for a in range(20, 60)]})
    s = rel.suggest(rel.prepared(frame, ["年龄"]), ["年龄"], 5, 0.05)
    assert s.suppress_rows == 40 and s.reachable
    assert s.generalise and s.generalise[-1].records_below == 0 and s.then_suppress_rows == 0
    assert s.generalise[-1].column == "年龄" and "分段" in s.generalise[-1].to
    # dates coarsen to month, then year
    days = pl.DataFrame({"出生日期": [f"1990-{m:02d}-{d:02d}" for m in (1, 2) for d in range(1, 11)]})
    s = rel.suggest(rel.prepared(days, ["出生日期"]), ["出生日期"], 5, 0.0)
    assert [g.to for g in s.generalise] == ["日期精确到月"] and s.generalise[0].k == 10
    # digit codes keep shorter prefixes
    codes = pl.DataFrame({"邮编": [f"2721{i:02d}" for i in range(10)]})
    s = rel.suggest(rel.prepared(codes, ["邮编"]), ["邮编"], 5, 0.0)
    assert s.generalise[0].to == "只保留前 4 位" and s.generalise[0].k == 10


def test_unreachable_when_too_few_records() -> None:
    frame = pl.DataFrame({"q": ["a", "b", "c"]})
    s = rel.suggest(rel.prepared(frame, ["q"]), ["q"], 5, 0.05)
    assert not s.reachable


# --- policy ----------------------------------------------------------------------------------------------


def test_policy_file(tmp_path: Path) -> None:
    text = (Path(rel.__file__).parent / "data" / "release.yaml").read_text(encoding="utf-8")
    custom = tmp_path / "strict.yaml"
    custom.write_text(text.replace("k: {min: 5, action: refuse, rule: gbt37964-k}",
                                   "k: {min: 11, action: refuse, rule: gbt37964-k}"), encoding="utf-8")
    assert load_policy(custom).targets["open"].k.min == 11
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("rule: jining-24", "rule: nowhere"), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_policy(bad)
    assert exc.value.key == "release.policy_invalid" and "nowhere" in str(exc.value)
    with pytest.raises(ConfigError):
        load_policy(tmp_path / "missing.yaml")


def test_every_release_message_has_both_languages() -> None:
    for key, (zh, en) in MESSAGES.items():
        assert key.startswith("release.") and zh and en
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{key}: Chinese first"
    used = {f"release.{a}" for a in ("pass", "warn", "refuse")} | {
        f"release.check_{c}" for c in ("grade", "direct_identifiers", "k", "l", "entropy_l")}
    assert used <= set(MESSAGES)
