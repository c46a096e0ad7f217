"""The release check (issue 5 item 7): re-identification risk of a data set before it is opened to society,
shared with a department, or published as a statistics result, and the verdict the grade and the policy give.

Pure and vectorized: every measure is a Polars `group_by` over the whole frame (no loop over rows). The
caller (`release_service`) reads the data, detects column types and grades the table; this module only
measures and decides.

Roles of columns (GB/T 37964-2019 §3):

- **direct identifiers** (直接标识符) identify a person alone: the columns whose detected types are in the
  policy's `direct_types` (by default the vocabulary's own direct identifiers — resident ID, mobile, email,
  bank card, passport, HK/Macau permit — plus name, landline, detailed address, licence plate, VIN, IP and MAC
  address, the standard's further examples). Their presence is a finding of its own; they are never part of
  the quasi-identifiers (k is measured as if they were removed).
- **quasi-identifiers** (准标识符) identify only in combination. Declared with `--qi`; otherwise inferred: the
  columns holding a type of `quasi_types` (birth date, gender, ethnicity, coordinates) or whose header holds
  a `quasi_headers` word (年龄, 区县, 职业, 邮编, …; ASCII words match whole tokens). `--no-qi` declares that
  there are none: the whole table is then one equivalence class (k = number of rows).
- **sensitive attributes** (l-diversity): declared with `--sensitive`; otherwise the columns holding a
  `sensitive_types` type (PIPL 第二十八条, e.g. a diagnosis) or whose header holds a `sensitive_headers` word.

Values are compared as read, except that text is trimmed and an empty text is a null. **A null is a value
of its own**: every null of a quasi-identifier falls into one class with the other nulls (an attacker sees
"missing" as plainly as any value), and a null sensitive value is one more distinct value for l.

Measures:

- k-anonymity: k = the size of the smallest equivalence class (rows sharing all quasi-identifier values);
  the classes and rows below the target k; a size distribution (1, 2, 3–4, 5–9, 10+).
- l-diversity per sensitive attribute: distinct l (fewest distinct sensitive values in a class) and entropy
  l (exp of the smallest per-class entropy of the sensitive values, natural log).
- risk (the prosecutor / journalist / marketer models of El Emam, as ARX reports them; GB/T 37964 asks the
  risk to be measured but names no model): prosecutor maximum 1/k and average classes/rows; journalist
  maximum ≤ the prosecutor maximum (without a population table the prosecutor value is the upper bound, and
  that is what is reported); marketer risk classes/rows (the expected share of records re-identified);
  records at risk = share of rows whose risk exceeds 1/target k.
- a frequency table (`count_column`, e.g. a statistics result with a 人数 column) weighs each row by its
  count: class sizes and rows are then persons, not lines.

The verdict per target (open 社会开放 / share 部门共享 / stats 统计分析结果) is the worst action of its findings
(grade, direct identifiers, k, l, entropy l), each configured in `protect/data/release.yaml`
(`load_policy`) with the rule it cites. The suggestion says how many rows record suppression must drop to
reach the target k, or — when that is more than `max_suppression` of the rows — which quasi-identifiers to
generalise first (greedy: at each step the one generalisation that leaves the fewest rows below k; dates to
month then year, numbers to wider bands, digit codes to shorter prefixes, finally the whole column hidden),
and how many rows are left to suppress after that.

JSON contract (`ReleaseReport.as_json`, `shuan release-check --format json`)::

    {
      "source": str, "table": str, "target": "open" | "share" | "stats", "target_label": str,
      "verdict": "pass" | "warn" | "refuse", "verdict_label": str,
      "rows": int,                       # rows read (lines of the file)
      "records": int,                    # persons: rows, or the sum of count_column
      "count_column": str | null,
      "grade": {"scheme": str, "level": int, "label": str, "detected": int, "declared": int | null,
                "reasons": [str]},
      "quasi_identifiers": [str], "qi_inferred": bool, "sensitive_attributes": [str],
      "direct_identifiers": [{"column": str, "type": str, "label": str, "evidence": str}],
      "k_anonymity": {"k": int, "target": int, "classes": int, "classes_below": int, "records_below": int,
                      "records_below_ratio": float,
                      "distribution": [{"sizes": "1" | "2" | "3-4" | "5-9" | "10+", "classes": int,
                                        "records": int}]},
      "l_diversity": [{"column": str, "l": int, "entropy_l": float, "target": int | null,
                       "classes_below": int}],
      "risk": {"prosecutor_max": float, "prosecutor_avg": float, "journalist_max": float,
               "marketer": float, "records_at_risk": float},
      "checks": [{"check": "grade" | "direct_identifiers" | "k" | "l" | "entropy_l",
                  "action": "pass" | "warn" | "refuse", "rule": str, "basis": str, "reason": str}],
      "suggestion": {"target_k": int, "suppress_rows": int, "suppress_ratio": float,
                     "generalise": [{"column": str, "to": str, "k": int, "records_below": int}],
                     "then_suppress_rows": int, "reachable": bool},
      "warnings": [str]
    }

Evidence strings come from discovery and show masked examples only; no other value of the data appears.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shuan import yamlsafe
from shuan.discovery.vocabulary import label as type_label
from shuan.errors import ConfigError, TableError, UsageError
from shuan.messages import msg, validation_reason
from shuan.smallfile import read_small

Action = Literal["pass", "warn", "refuse"]
TARGETS = ("open", "share", "stats")
SEVERITY: dict[str, int] = {"pass": 0, "warn": 1, "refuse": 2}
#: size buckets of the class-size distribution: (label, smallest, largest or None)
BUCKETS: tuple[tuple[str, int, int | None], ...] = (("1", 1, 1), ("2", 2, 2), ("3-4", 3, 4), ("5-9", 5, 9),
                                                     ("10+", 10, None))
_SIZE = "__shuan_size"
_ROWS = "__shuan_rows"
_WEIGHT = "__shuan_weight"
_ONE = "__shuan_one"


# --- policy (YAML) -------------------------------------------------------------------------------------


class _Cited(BaseModel):
    """A policy entry: what it demands and the rule (a key of `rules`) it cites."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rule: str


class ActionRule(_Cited):
    action: Action


class IntThreshold(_Cited):
    min: int = Field(ge=1)
    action: Literal["warn", "refuse"]


class FloatThreshold(_Cited):
    min: float = Field(ge=1.0)
    action: Literal["warn", "refuse"]


class TargetPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    grade: dict[int, ActionRule] = Field(min_length=1)
    direct_identifiers: ActionRule
    k: IntThreshold
    l: IntThreshold | None  # noqa: E741 - the model's own name
    entropy_l: FloatThreshold | None


class ReleasePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    scheme: str
    direct_types: list[str]
    quasi_types: list[str]
    quasi_headers: list[str]
    sensitive_types: list[str]
    sensitive_headers: list[str]
    max_suppression: float = Field(ge=0.0, le=1.0)
    rules: dict[str, str]
    targets: dict[Literal["open", "share", "stats"], TargetPolicy]

    @model_validator(mode="after")
    def _consistent(self) -> ReleasePolicy:
        missing = [t for t in TARGETS if t not in self.targets]
        if missing:
            raise ValueError(f"targets missing: {', '.join(missing)}")
        cited = set()
        for tp in self.targets.values():
            cited |= {r.rule for r in tp.grade.values()} | {tp.direct_identifiers.rule, tp.k.rule}
            cited |= {t.rule for t in (tp.l, tp.entropy_l) if t is not None}
        unknown = sorted(cited - set(self.rules))
        if unknown:
            raise ValueError(f"rules not defined: {', '.join(unknown)}")
        return self

    def basis(self, rule: str) -> str:
        return self.rules.get(rule, rule)


@cache
def _builtin_policy() -> ReleasePolicy:
    text = resources.files("shuan.protect").joinpath("data", "release.yaml").read_text(encoding="utf-8")
    return _parse_policy(text, "release.yaml")


def _parse_policy(text: str, name: str) -> ReleasePolicy:
    data = yamlsafe.load(text, name, "release.policy_invalid", name=name)
    try:
        return ReleasePolicy.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "-"
        raise ConfigError("release.policy_invalid", name=name, reason=f"{where}: {validation_reason(err)}") from exc


def load_policy(path: Path | None = None) -> ReleasePolicy:
    """The built-in policy (`protect/data/release.yaml`), or a policy file of the same shape."""
    if path is None:
        return _builtin_policy()
    try:
        text = yamlsafe.decode(read_small(path), str(path))  # a regular file: never /dev/zero or a FIFO
    except OSError as exc:
        raise ConfigError("release.policy_invalid", name=str(path), reason=exc.strerror or str(exc)) from exc
    return _parse_policy(text, str(path))


# --- results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectIdentifier:
    column: str
    type: str
    label: str
    evidence: str


@dataclass(frozen=True)
class Grade:
    """The table's grade as the release check uses it: the higher of the detected and the declared level."""

    scheme: str
    level: int
    label: str
    detected: int
    declared: int | None = None
    reasons: tuple[str, ...] = ()


@dataclass
class KAnonymity:
    k: int
    target: int
    classes: int
    classes_below: int
    records: int
    records_below: int
    distribution: list[dict[str, Any]]

    @property
    def records_below_ratio(self) -> float:
        return self.records_below / self.records if self.records else 0.0


@dataclass(frozen=True)
class LDiversity:
    column: str
    l: int  # noqa: E741 - the model's own name
    entropy_l: float
    target: int | None
    classes_below: int


@dataclass(frozen=True)
class Risk:
    prosecutor_max: float
    prosecutor_avg: float
    journalist_max: float  # upper bound: no population table
    marketer: float
    records_at_risk: float


@dataclass(frozen=True)
class Step:
    column: str
    to: str
    k: int
    records_below: int


@dataclass
class Suggestion:
    target_k: int
    suppress_rows: int
    suppress_ratio: float
    generalise: list[Step] = field(default_factory=list)
    then_suppress_rows: int = 0
    reachable: bool = True


@dataclass(frozen=True)
class Finding:
    check: str  # grade | direct_identifiers | k | l | entropy_l
    action: str  # pass | warn | refuse
    rule: str
    basis: str
    reason: str


@dataclass
class ReleaseReport:
    source: str
    table: str
    target: str
    target_label: str
    rows: int
    grade: Grade
    quasi_identifiers: list[str]
    qi_inferred: bool
    sensitive_attributes: list[str]
    count_column: str | None
    direct_identifiers: list[DirectIdentifier]
    k: KAnonymity
    l: list[LDiversity]  # noqa: E741
    risk: Risk
    findings: list[Finding]
    suggestion: Suggestion
    warnings: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return max((f.action for f in self.findings), key=SEVERITY.__getitem__, default="pass")

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of the module docstring."""
        s = self.suggestion
        return {
            "source": self.source,
            "table": self.table,
            "target": self.target,
            "target_label": self.target_label,
            "verdict": self.verdict,
            "verdict_label": action_label(self.verdict),
            "rows": self.rows,
            "records": self.k.records,
            "count_column": self.count_column,
            "grade": {"scheme": self.grade.scheme, "level": self.grade.level, "label": self.grade.label,
                      "detected": self.grade.detected, "declared": self.grade.declared,
                      "reasons": list(self.grade.reasons)},
            "quasi_identifiers": self.quasi_identifiers,
            "qi_inferred": self.qi_inferred,
            "sensitive_attributes": self.sensitive_attributes,
            "direct_identifiers": [{"column": d.column, "type": d.type, "label": d.label, "evidence": d.evidence}
                                   for d in self.direct_identifiers],
            "k_anonymity": {"k": self.k.k, "target": self.k.target, "classes": self.k.classes,
                            "classes_below": self.k.classes_below, "records_below": self.k.records_below,
                            "records_below_ratio": round(self.k.records_below_ratio, 6),
                            "distribution": self.k.distribution},
            "l_diversity": [{"column": x.column, "l": x.l, "entropy_l": round(x.entropy_l, 4), "target": x.target,
                             "classes_below": x.classes_below} for x in self.l],
            "risk": {"prosecutor_max": round(self.risk.prosecutor_max, 6),
                     "prosecutor_avg": round(self.risk.prosecutor_avg, 6),
                     "journalist_max": round(self.risk.journalist_max, 6),
                     "marketer": round(self.risk.marketer, 6),
                     "records_at_risk": round(self.risk.records_at_risk, 6)},
            "checks": [{"check": f.check, "action": f.action, "rule": f.rule, "basis": f.basis, "reason": f.reason}
                       for f in self.findings],
            "suggestion": {"target_k": s.target_k, "suppress_rows": s.suppress_rows,
                           "suppress_ratio": round(s.suppress_ratio, 6),
                           "generalise": [{"column": g.column, "to": g.to, "k": g.k, "records_below": g.records_below}
                                          for g in s.generalise],
                           "then_suppress_rows": s.then_suppress_rows, "reachable": s.reachable},
            "warnings": self.warnings,
        }

    def audit_details(self) -> dict[str, Any]:
        """What the audit event keeps: verdict, grade, measures, counts and column names — never a value."""
        return {
            "target": self.target, "verdict": self.verdict, "table": self.table, "rows": self.rows,
            "records": self.k.records, "level": self.grade.level, "level_detected": self.grade.detected,
            "level_declared": self.grade.declared, "scheme": self.grade.scheme,
            "k": self.k.k, "k_target": self.k.target, "classes": self.k.classes,
            "classes_below": self.k.classes_below, "records_below": self.k.records_below,
            "l": {x.column: x.l for x in self.l}, "entropy_l": {x.column: round(x.entropy_l, 4) for x in self.l},
            "quasi_identifiers": self.quasi_identifiers, "qi_inferred": self.qi_inferred,
            "sensitive_attributes": self.sensitive_attributes,
            "direct_identifiers": [{"column": d.column, "type": d.type} for d in self.direct_identifiers],
            "checks": [{"check": f.check, "action": f.action, "rule": f.rule} for f in self.findings],
            "suppress_rows": self.suggestion.suppress_rows,
        }


def action_label(action: str) -> str:
    return msg(f"release.{action}")


def suggestion_text(report: ReleaseReport) -> str:
    """The report's suggestion in one sentence (the CLI and the console show the same)."""
    s = report.suggestion
    rows = report.rows
    if not s.reachable:
        return msg("release.suggest_unreachable", k=s.target_k)
    if s.suppress_rows == 0:
        return msg("release.suggest_none", k=s.target_k)
    if not s.generalise:
        return msg("release.suggest_suppress", rows=s.suppress_rows, ratio=f"{s.suppress_ratio:.1%}", k=s.target_k)
    steps = "，".join(msg("release.suggest_step", column=g.column, to=g.to, k=g.k) for g in s.generalise)
    left = s.then_suppress_rows
    return msg("release.suggest_generalise", steps=steps, rows=left, ratio=f"{(left / rows if rows else 0.0):.1%}",
               k=s.target_k)


# --- column roles ----------------------------------------------------------------------------------------

#: detected types of one column: (type id, evidence), best first
ColumnTypes = Mapping[str, Sequence[tuple[str, str]]]

_TOKEN = re.compile(r"[^a-z0-9]+")


def header_matches(name: str, words: Sequence[str]) -> bool:
    """A header holds one of `words`: Chinese words as substrings; ASCII words as whole tokens (or, for
    words of four letters or more, token prefixes: ``birthdate`` holds ``birth``, ``page`` does not hold
    ``age``)."""
    lower = name.lower()
    tokens = [t for t in _TOKEN.split(lower) if t]
    for word in words:
        w = word.lower()
        if w.isascii():
            if any(t == w or (len(w) >= 4 and t.startswith(w)) for t in tokens):
                return True
        elif w in lower:
            return True
    return False


def direct_identifiers(columns: Sequence[str], types: ColumnTypes, policy: ReleasePolicy) -> list[DirectIdentifier]:
    """Columns holding a direct identifier type, each with its best such type and the evidence for it."""
    found = []
    wanted = set(policy.direct_types)
    for column in columns:
        hit = next(((t, ev) for t, ev in types.get(column, ()) if t in wanted), None)
        if hit is not None:
            found.append(DirectIdentifier(column, hit[0], type_label(hit[0]), hit[1]))
    return found


def infer_quasi_identifiers(columns: Sequence[str], types: ColumnTypes, policy: ReleasePolicy,
                            exclude: set[str]) -> list[str]:
    wanted = set(policy.quasi_types)
    return [c for c in columns if c not in exclude
            and ({t for t, _ in types.get(c, ())} & wanted or header_matches(c, policy.quasi_headers))]


def infer_sensitive(columns: Sequence[str], types: ColumnTypes, policy: ReleasePolicy,
                    exclude: set[str]) -> list[str]:
    wanted = set(policy.sensitive_types)
    return [c for c in columns if c not in exclude
            and ({t for t, _ in types.get(c, ())} & wanted or header_matches(c, policy.sensitive_headers))]


def _known(frame: pl.DataFrame, names: Sequence[str]) -> None:
    for name in names:
        if name not in frame.columns:
            raise UsageError("release.unknown_column", column=name, known="、".join(frame.columns))


# --- measures -------------------------------------------------------------------------------------------


def _key(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A column as a grouping key: text trimmed and empty text as null; other types as they are."""
    col = pl.col(column)
    if frame.schema[column] == pl.Utf8:
        text = col.str.strip_chars()
        return pl.when(text.str.len_chars() == 0).then(None).otherwise(text).alias(column)
    return col.alias(column)


def _counts(frame: pl.DataFrame, column: str) -> pl.Series:
    """The count column as non-negative integers (null counts as 0); UsageError naming what is wrong."""
    raw = frame.get_column(column)
    filled = raw.is_not_null()
    if raw.dtype == pl.Utf8:
        raw = raw.str.strip_chars()
        filled = raw.str.len_chars() > 0
    counts = raw.cast(pl.Int64, strict=False)
    bad = int((counts.is_null() & filled.fill_null(False)).sum())
    if bad:
        raise UsageError("release.count_invalid", column=column, reason=msg("release.count_not_int", count=bad))
    if int((counts.fill_null(0) < 0).sum()):
        raise UsageError("release.count_invalid", column=column, reason=msg("release.count_negative"))
    return counts.fill_null(0)


def prepared(frame: pl.DataFrame, qi: Sequence[str], sensitive: Sequence[str] = (),
             count_column: str | None = None) -> pl.DataFrame:
    """The columns the measures need, as keys (trimmed text, nulls as values), plus the row weight."""
    _known(frame, [*qi, *sensitive, *([count_column] if count_column else [])])
    weight = _counts(frame, count_column) if count_column else pl.repeat(1, frame.height, dtype=pl.Int64, eager=True)
    return frame.with_columns(weight.alias(_WEIGHT)).select(
        *(_key(frame, c) for c in dict.fromkeys([*qi, *sensitive])), pl.col(_WEIGHT))


def _groups(keys: Sequence[str]) -> list[pl.Expr]:
    # no quasi-identifier at all: the whole table is one class
    return [pl.col(k) for k in keys] or [pl.lit(0).alias(_ONE)]


def class_sizes(data: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """One row per equivalence class: its size (records, weighted) and its rows (lines)."""
    return data.group_by(_groups(keys)).agg(pl.col(_WEIGHT).sum().alias(_SIZE), pl.len().alias(_ROWS))


def k_anonymity(data: pl.DataFrame, keys: Sequence[str], target: int) -> KAnonymity:
    sizes = class_sizes(data, keys).filter(pl.col(_SIZE) > 0)
    if sizes.height == 0:
        return KAnonymity(0, target, 0, 0, 0, 0, [])
    below = pl.col(_SIZE) < target
    stats = sizes.select(
        pl.col(_SIZE).min().alias("k"), pl.len().alias("classes"), below.sum().alias("classes_below"),
        pl.col(_SIZE).sum().alias("records"), pl.col(_SIZE).filter(below).sum().alias("records_below"),
        *(_bucket(lo, hi).sum().alias(f"c{i}") for i, (_, lo, hi) in enumerate(BUCKETS)),
        *(pl.col(_SIZE).filter(_bucket(lo, hi)).sum().alias(f"r{i}") for i, (_, lo, hi) in enumerate(BUCKETS)),
    ).row(0, named=True)
    distribution = [{"sizes": name, "classes": int(stats[f"c{i}"]), "records": int(stats[f"r{i}"] or 0)}
                    for i, (name, _, _) in enumerate(BUCKETS)]
    return KAnonymity(int(stats["k"]), target, int(stats["classes"]), int(stats["classes_below"]),
                      int(stats["records"]), int(stats["records_below"] or 0), distribution)


def _bucket(lo: int, hi: int | None) -> pl.Expr:
    size = pl.col(_SIZE)
    return (size >= lo) if hi is None else size.is_between(lo, hi)


def l_diversity(data: pl.DataFrame, keys: Sequence[str], column: str, target: int | None) -> LDiversity:
    """Distinct l and entropy l of one sensitive attribute over the classes of `keys`."""
    groups = _groups(keys)
    names = [g.meta.output_name() for g in groups]
    per_value = data.group_by([*groups, pl.col(column)]).agg(pl.col(_WEIGHT).sum().alias(_SIZE))
    per_value = per_value.filter(pl.col(_SIZE) > 0)
    if per_value.height == 0:
        return LDiversity(column, 0, 0.0, target, 0)
    p = pl.col(_SIZE) / pl.col(_SIZE).sum().over(names)
    per_class = per_value.with_columns((-(p * p.log())).alias("h")).group_by(names).agg(
        pl.len().alias("distinct"), pl.col("h").sum())
    stats = per_class.select(
        pl.col("distinct").min().alias("l"), pl.col("h").min().alias("h"),
        (pl.col("distinct") < (target or 0)).sum().alias("below"),
    ).row(0, named=True)
    return LDiversity(column, int(stats["l"]), math.exp(max(0.0, float(stats["h"]))), target, int(stats["below"]))


def risk(k: KAnonymity) -> Risk:
    if not k.records:
        return Risk(0.0, 0.0, 0.0, 0.0, 0.0)
    prosecutor_max = 1.0 / k.k
    average = k.classes / k.records
    return Risk(prosecutor_max, average, prosecutor_max, average, k.records_below_ratio)


# --- suggestion --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rung:
    label: str
    expr: pl.Expr | None  # None: the column hidden


def _nice(step: float) -> float:
    """A round band width at or above `step`: 1, 2 or 5 × 10^n."""
    if step <= 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(step))
    return float(next(m * base for m in (1, 2, 5, 10) if m * base >= step))


def _ladder(data: pl.DataFrame, column: str) -> list[_Rung]:
    """Ways to coarsen one quasi-identifier, finest first; the last one hides the column."""
    series = data.get_column(column)
    col = pl.col(column)
    text = col.cast(pl.Utf8)
    rungs: list[_Rung] = []
    present = series.drop_nulls()
    if series.dtype.is_temporal() or (series.dtype == pl.Utf8 and _mostly(present, "date")):
        day = col if series.dtype.is_temporal() else col.str.to_date(strict=False)
        rungs += [_Rung(msg("release.gen_month"), pl.coalesce(day.dt.strftime("%Y-%m"), text)),
                  _Rung(msg("release.gen_year"), pl.coalesce(day.dt.strftime("%Y"), text))]
    elif series.dtype == pl.Utf8 and _code_length(present) >= 4:
        length = _code_length(present)
        rungs += [_Rung(msg("release.gen_prefix", n=n), col.str.slice(0, n)) for n in range(length - 2, 1, -2)]
    elif series.dtype.is_numeric() or (series.dtype == pl.Utf8 and _mostly(present, "number")):
        number = col.cast(pl.Float64, strict=False) if series.dtype.is_numeric() else \
            col.str.strip_chars().cast(pl.Float64, strict=False)
        numbers = present.str.strip_chars() if present.dtype == pl.Utf8 else present
        values = numbers.cast(pl.Float64, strict=False).drop_nulls()
        values = values.filter(values.is_finite())  # "inf" and "NaN" parse as numbers but have no band
        span = float(cast(float, values.max())) - float(cast(float, values.min())) if values.len() else 0.0
        whole = bool((values == values.floor()).all())
        widths = sorted({_nice(span / n) for n in (20, 10, 5, 2)} if span > 0 else set())
        for width in (w for w in widths if not (whole and w <= 1)):  # width 1 over whole numbers changes nothing
            band = ((number / width).floor() * width)
            rungs.append(_Rung(msg("release.gen_band", width=f"{width:g}"),
                               pl.coalesce(band.cast(pl.Utf8), text)))
    rungs.append(_Rung(msg("release.gen_hide"), None))
    return rungs


def _mostly(values: pl.Series, kind: str, share: float = 0.95) -> bool:
    """At least `share` of the non-null text values parse as dates (or numbers)."""
    if values.len() == 0:
        return False
    try:
        text = values.str.strip_chars()
        parsed = text.str.to_date(strict=False) if kind == "date" else text.cast(pl.Float64, strict=False)
    except pl.exceptions.PolarsError:
        return False
    return parsed.drop_nulls().len() >= share * values.len()


def _code_length(values: pl.Series) -> int:
    """The common length of digit codes (postcodes, region codes), or 0 when the values are not such codes."""
    if values.len() == 0 or not bool(values.str.contains(r"^\d+$").all()):
        return 0
    lengths = values.str.len_chars()
    return int(lengths.min()) if lengths.min() == lengths.max() else 0  # type: ignore[arg-type]


def _below(data: pl.DataFrame, keys: list[str], target: int) -> tuple[int, int, int, int]:
    """(k, records below target, rows below target, classes below target) for the classes of `keys`."""
    sizes = class_sizes(data, keys).filter(pl.col(_SIZE) > 0)
    if sizes.height == 0:
        return 0, 0, 0, 0
    below = pl.col(_SIZE) < target
    row = sizes.select(pl.col(_SIZE).min(), pl.col(_SIZE).filter(below).sum().alias("r"),
                       pl.col(_ROWS).filter(below).sum().alias("n"), below.sum().alias("c")).row(0)
    return int(row[0]), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)


def suggest(data: pl.DataFrame, qi: Sequence[str], target: int, max_suppression: float) -> Suggestion:
    """Record suppression alone when it drops at most `max_suppression` of the rows; otherwise greedy
    generalisation of quasi-identifiers first (module docstring), then suppression of what is left."""
    rows = data.height
    _, _, now, _ = _below(data, list(qi), target)
    first = Suggestion(target, now, now / rows if rows else 0.0, [], now, True)
    budget = math.floor(max_suppression * rows)
    if now <= budget or not qi:
        first.reachable = now < rows
        return first
    ladders = {c: _ladder(data, c) for c in qi}
    rungs = [rung.expr.alias(f"{c}\x00{i}") for c in qi for i, rung in enumerate(ladders[c]) if rung.expr is not None]
    work = data.with_columns(rungs)
    # every key as a dense integer code (nulls stay null, so they still form their own class): the many
    # group_bys below hash integers instead of text
    coded = [*qi, *(f"{c}\x00{i}" for c in qi for i, rung in enumerate(ladders[c]) if rung.expr is not None)]
    work = work.select(*(pl.col(c).rank("dense").alias(c) for c in coded), pl.col(_WEIGHT))
    state = dict.fromkeys(qi, -1)  # -1: the column as it is

    def keys(st: Mapping[str, int]) -> list[str]:
        return [c if i < 0 else f"{c}\x00{i}" for c, i in st.items() if i < 0 or ladders[c][i].expr is not None]

    steps: list[Step] = []
    left = now
    while left > budget:
        # every coarser rung of every column is a candidate: the fewest rows left below k wins; among equals
        # the fewest classes below k (small classes merged: progress even when no row is safe yet), then a
        # rung that keeps the column, then the smallest jump, then the column declared first
        options = []
        for order, c in enumerate(qi):
            for nxt in range(state[c] + 1, len(ladders[c])):
                k, rec, n, small = _below(work, keys({**state, c: nxt}), target)
                options.append((n, small, ladders[c][nxt].expr is None, nxt - state[c], order, c, nxt, k, rec))
        if not options:
            break
        n, _, _, _, _, c, nxt, k, rec = min(options)
        state[c] = nxt
        steps.append(Step(c, ladders[c][nxt].label, k, rec))
        left = n
    return Suggestion(target, now, now / rows, steps, left, left < rows)


# --- verdict ---------------------------------------------------------------------------------------------


def _grade_finding(tp: TargetPolicy, policy: ReleasePolicy, grade: Grade) -> Finding:
    # a level the policy does not name is treated like the nearest named level below it (or the lowest)
    named = [lv for lv in sorted(tp.grade) if lv <= grade.level] or [min(tp.grade)]
    rule = tp.grade[named[-1]]
    basis = policy.basis(rule.rule)
    key = {1: "release.grade_one", 2: "release.grade_two", 3: "release.grade_three"}.get(grade.level)
    if policy.scheme != "jining-2020" or key is None:
        key = "release.grade_other"
    reason = msg(key, level=grade.label, basis=basis)
    if grade.declared is not None and grade.declared > grade.detected:
        reason += msg("release.grade_declared", declared=grade.label, detected=grade.detected)
    return Finding("grade", rule.action, rule.rule, basis, reason)


def evaluate(tp: TargetPolicy, policy: ReleasePolicy, grade: Grade, direct: Sequence[DirectIdentifier],
             qi: Sequence[str], k: KAnonymity, ls: Sequence[LDiversity]) -> list[Finding]:
    """One finding per check, each with its action and the rule it cites."""
    findings = [_grade_finding(tp, policy, grade)]
    d = tp.direct_identifiers
    if direct:
        columns = "、".join(f"{x.column}（{x.label}）" for x in direct)
        findings.append(Finding("direct_identifiers", d.action, d.rule, policy.basis(d.rule),
                                msg("release.direct_found", columns=columns, basis=policy.basis(d.rule))))
    else:
        findings.append(Finding("direct_identifiers", "pass", d.rule, policy.basis(d.rule), msg("release.direct_none")))
    qi_text = "、".join(qi) or msg("release.no_qi_label")
    basis = policy.basis(tp.k.rule)
    if k.k < tp.k.min:
        findings.append(Finding("k", tp.k.action, tp.k.rule, basis, msg(
            "release.k_below", qi=qi_text, k=k.k, target=tp.k.min, classes=k.classes_below, records=k.records_below,
            ratio=f"{k.records_below_ratio:.1%}", basis=basis)))
    else:
        findings.append(Finding("k", "pass", tp.k.rule, basis,
                                msg("release.k_ok", qi=qi_text, k=k.k, target=tp.k.min, basis=basis)))
    for x in ls:
        if tp.l is not None:
            basis = policy.basis(tp.l.rule)
            if x.l < tp.l.min:
                findings.append(Finding("l", tp.l.action, tp.l.rule, basis, msg(
                    "release.l_below", column=x.column, l=x.l, target=tp.l.min, classes=x.classes_below, basis=basis)))
            else:
                findings.append(Finding("l", "pass", tp.l.rule, basis, msg(
                    "release.l_ok", column=x.column, l=x.l, target=tp.l.min, basis=basis)))
        if tp.entropy_l is not None:
            basis = policy.basis(tp.entropy_l.rule)
            ok = x.entropy_l + 1e-9 >= tp.entropy_l.min
            findings.append(Finding("entropy_l", "pass" if ok else tp.entropy_l.action, tp.entropy_l.rule, basis, msg(
                "release.entropy_ok" if ok else "release.entropy_below", column=x.column, l=f"{x.entropy_l:.2f}",
                target=f"{tp.entropy_l.min:g}", basis=basis)))
    return findings


def assess(frame: pl.DataFrame, types: ColumnTypes, grade: Grade, *, target: str, policy: ReleasePolicy,
           qi: Sequence[str] | None = None, sensitive: Sequence[str] | None = None, k: int | None = None,
           l: int | None = None, count_column: str | None = None, no_qi: bool = False,  # noqa: E741
           source: str = "", table: str = "", warnings: Sequence[str] = ()) -> ReleaseReport:
    """Measure `frame` and decide for `target`. `types` are the detected types per column (best first, with
    evidence); `k` and `l` override the target's thresholds. Raises UsageError for an unknown target or
    column, a column given two roles or no quasi-identifier to measure, TableError for an empty frame."""
    if target not in policy.targets:
        raise UsageError("release.target_unknown", target=target, known="、".join(TARGETS))
    tp = policy.targets[target]
    if k is not None:
        tp = tp.model_copy(update={"k": tp.k.model_copy(update={"min": k})})
    if l is not None:
        rule = "gbt37964-l" if "gbt37964-l" in policy.rules else tp.k.rule
        base = tp.l or IntThreshold(min=l, action="warn", rule=rule)
        tp = tp.model_copy(update={"l": base.model_copy(update={"min": l})})
    if frame.height == 0:
        raise TableError("release.empty", table=table or source or "-")
    declared_qi, declared_s = list(qi or []), list(sensitive or [])
    _known(frame, [*declared_qi, *declared_s, *([count_column] if count_column else [])])
    roles = [*declared_qi, *declared_s, *([count_column] if count_column else [])]
    twice = next((c for c in roles if roles.count(c) > 1), None)
    if twice is not None:
        raise UsageError("release.column_roles", column=twice)
    columns = list(frame.columns)
    direct = direct_identifiers(columns, types, policy)
    direct_cols = {d.column for d in direct}
    inferred = not declared_qi and not no_qi
    taken = direct_cols | set(declared_s) | ({count_column} if count_column else set())
    chosen_qi = [] if no_qi else declared_qi or infer_quasi_identifiers(columns, types, policy, taken)
    if not chosen_qi and not no_qi:
        raise UsageError("release.no_qi")
    chosen_s = declared_s or infer_sensitive(columns, types, policy, direct_cols | set(chosen_qi) | (
        {count_column} if count_column else set()))
    data = prepared(frame, chosen_qi, chosen_s, count_column)
    kstats = k_anonymity(data, chosen_qi, tp.k.min)
    lstats = [l_diversity(data, chosen_qi, s, tp.l.min if tp.l else None) for s in chosen_s]
    findings = evaluate(tp, policy, grade, direct, chosen_qi, kstats, lstats)
    suggestion = suggest(data, chosen_qi, tp.k.min, policy.max_suppression)
    notes = list(warnings)
    if not chosen_s:
        notes.append(msg("release.l_none"))
    return ReleaseReport(source, table, target, tp.label, frame.height, grade, chosen_qi, inferred, chosen_s,
                         count_column, direct, kstats, lstats, risk(kstats), findings, suggestion, notes)
