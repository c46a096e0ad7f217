"""Column and table grading with reasons that cite the scheme's articles.

Column level: the highest level the scheme gives any type the column holds.
Table level: at least its highest column; raised by combination, scale and sensitive-PI rules;
never lowered. Scale uses the table's exact row count, never the sample size, so sampling can
not lower a grade.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shuan.discovery.registry import Registry
from shuan.discovery.vocabulary import TYPES
from shuan.errors import UsageError
from shuan.grading.scheme import Rule, Scheme, builtin_ids, load_scheme
from shuan.messages import msg


@dataclass
class ColumnGrade:
    level: int
    reason: str


@dataclass
class TableGrade:
    level: int
    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


def type_level(scheme: Scheme, registry: Registry, type_id: str) -> tuple[int, str]:
    tl = scheme.type_levels.get(type_id)
    if tl is not None:
        return tl.level, tl.article
    custom = registry.custom(type_id)
    if custom is not None and custom.level is not None:
        return min(custom.level, scheme.max_level), msg("grade.custom")
    if custom is not None and (custom.pi_category or custom.sensitive):
        return min(2, scheme.max_level), msg("grade.custom_pi")
    return scheme.default_level, ""


def grade_column(scheme: Scheme, registry: Registry, types: Sequence[str]) -> ColumnGrade:
    if not types:
        return ColumnGrade(scheme.default_level, "")
    best = max(types, key=lambda t: type_level(scheme, registry, t)[0])
    level, article = type_level(scheme, registry, best)
    label = registry.type_label(best)
    cite = f"（{article}）" if article else ""
    return ColumnGrade(level, msg("grade.column", label=label, level=scheme.label(level), cite=cite))


def _facts(registry: Registry, types: set[str]) -> tuple[bool, list[str], bool]:
    personal = direct = False
    sensitive_names: list[str] = []
    for t in types:
        meta = TYPES.get(t)
        custom = registry.custom(t)
        if meta is not None:
            personal |= meta.pi_category is not None
            direct |= meta.direct_identifier
            if meta.sensitive and t != "geo_coordinate":
                sensitive_names.append(meta.sensitive)
        elif custom is not None:
            personal |= custom.pi_category is not None
            if custom.sensitive:
                sensitive_names.append(custom.sensitive)
    return personal, sorted(set(sensitive_names)), direct


def _rule_fires(rule: Rule, types: set[str], rows: int, personal: bool, sensitive: list[str], direct: bool) -> list[str] | None:
    w = rule.when
    if w.all_types and not set(w.all_types) <= types:
        return None
    matched = [t for t in w.any_types if t in types]
    if w.any_types and len(matched) < w.min_any:
        return None
    if w.personal is not None and w.personal != personal:
        return None
    if w.sensitive is not None and w.sensitive != bool(sensitive):
        return None
    if w.direct_identifier is not None and w.direct_identifier != direct:
        return None
    if w.min_rows is not None and rows < w.min_rows:
        return None
    return matched


def grade_table(
    scheme: Scheme,
    registry: Registry,
    column_types: dict[str, list[str]],
    rows: int,
    *,
    min_rows_override: dict[str, int] | None = None,
    column_grades: Mapping[str, ColumnGrade] | None = None,
) -> TableGrade:
    """`column_types`: column name → its detected types. `rows`: the table's exact row count.
    `column_grades`: column grades fixed by a person (a steward's review), used instead of the grades
    the types give; the table is still at least its highest column and the rules still only raise it."""
    types = {t for ts in column_types.values() for t in ts}
    fixed = column_grades or {}
    grade = TableGrade(scheme.default_level)
    top_col: tuple[int, str, str] | None = None
    for col in dict.fromkeys([*column_types, *fixed]):
        ts = column_types.get(col, [])
        cg_fixed = fixed.get(col)
        if cg_fixed is not None and (ts or cg_fixed.level > scheme.default_level):
            cg = cg_fixed
        elif not ts:
            continue
        else:
            cg = grade_column(scheme, registry, ts)
        if top_col is None or cg.level > top_col[0]:
            top_col = (cg.level, col, cg.reason)
    if top_col is not None:
        grade.level = top_col[0]
        labels = "、".join(sorted({registry.type_label(t) for t in types}))
        grade.reasons.append(msg("grade.table_column", column=top_col[1], reason=top_col[2], labels=labels or "-"))
    personal, sensitive, direct = _facts(registry, types)
    for rule in scheme.rules:
        if min_rows_override and rule.id in min_rows_override and rule.when.min_rows is not None:
            rule = rule.model_copy(update={"when": rule.when.model_copy(update={"min_rows": min_rows_override[rule.id]})})
        matched = _rule_fires(rule, types, rows, personal, sensitive, direct)
        if matched is None:
            continue
        grade.rules.append(rule.id)
        if rule.level >= grade.level:
            grade.level = max(grade.level, rule.level)
            grade.reasons.append(rule.reason.format(
                matched="、".join(registry.type_label(t) for t in matched) or "-",
                rows=rows, min_rows=rule.when.min_rows, sensitive="、".join(sensitive) or "-",
            ))
    if not grade.reasons:
        grade.reasons.append(scheme.default_reason)
    return grade


class Grader:
    """Grades columns and tables under one scheme (with optional row thresholds per rule), and the
    same tables under the other built-in schemes for comparison."""

    def __init__(self, scheme: Scheme, registry: Registry, min_rows: dict[str, int] | None = None) -> None:
        self.scheme = scheme
        self.registry = registry
        self.min_rows = dict(min_rows or {})
        scaled = {r.id for r in scheme.rules if r.when.min_rows is not None}
        unknown = sorted(set(self.min_rows) - scaled)
        if unknown:
            raise UsageError("scale.unknown_rule", rule="、".join(unknown), known="、".join(sorted(scaled)) or "-")

    def column(self, types: Sequence[str]) -> ColumnGrade:
        return grade_column(self.scheme, self.registry, types)

    def table(self, column_types: dict[str, list[str]], rows: int) -> TableGrade:
        return grade_table(self.scheme, self.registry, column_types, rows, min_rows_override=self.min_rows)

    def others(self, column_types: dict[str, list[str]], rows: int) -> list[tuple[Scheme, TableGrade]]:
        out = []
        for sid in builtin_ids():
            if sid != self.scheme.id:
                other = load_scheme(sid)
                out.append((other, grade_table(other, self.registry, column_types, rows)))
        return out
