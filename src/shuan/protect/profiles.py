"""Masking rules: a default rule per data type, four scenario profiles, and custom rules in YAML.

The built-in rules are data (``protect/data/masking_profiles.yaml``): a rule per vocabulary type, a rule
for other (custom) types, for free-text columns and for columns where nothing sensitive was found, and per
scenario — 开发测试 ``dev_test``, 统计分析 ``statistics``, 部门共享 ``department_sharing``, 社会开放
``open_data`` — the rules it changes. A custom rules file (``shuan mask --rules FILE``) changes them
again, per type or per column::

    profile: statistics            # optional: the scenario it starts from (else --profile)
    types:
      cn_mobile: {operator: mask_range, start: 3, end: 7}
    columns:
      hj_rkxx.备注: {operator: redact_text, style: mask}   # TABLE.COLUMN
      lxdh: {operator: pseudonym, length: 16}             # COLUMN, in any table
    free_text: {operator: suppress}
    untyped: {operator: retain}

Every rule is checked when it is loaded (unknown type, unknown operator, bad parameter: one line naming
the file and the place). `Profile.rules_for_table` gives the rule of each column of a table from the
types the discovery engine found in it, with the reason it was chosen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shuan.errors import ConfigError
from shuan.messages import msg
from shuan.protect.operators import FAKE_KINDS, OPERATORS, Operator, create
from shuan.smallfile import read_small
from shuan.yamlsafe import decode, load

if TYPE_CHECKING:
    from shuan.discovery.engine import ColumnResult

SCENARIOS = ("dev_test", "statistics", "department_sharing", "open_data")
FREE_TEXT = "free_text"
UNTYPED = "untyped"
OTHER = "*"
_SPECIAL = (OTHER, FREE_TEXT, UNTYPED)
_BUILTIN = "masking_profiles.yaml"
_CUSTOM_FIELDS = ("profile", "types", "columns", "free_text", "untyped")
# the evidence of a free-text hit (discovery's "ev.text" message) in both languages
_TEXT_EVIDENCE = ("自由文本", "free text")


@dataclass(frozen=True)
class Rule:
    """An operator name and its parameters (already validated by building the operator once)."""

    operator: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def build(self) -> Operator:
        return create(self.operator, self.params)

    @property
    def keyed(self) -> bool:
        return OPERATORS[self.operator].keyed

    def as_dict(self) -> dict[str, Any]:
        return self.build().describe()


@dataclass(frozen=True)
class DetectedColumn:
    """What discovery found in one column: types by decreasing score, and whether they were found inside
    free text (prose) rather than as whole values."""

    name: str
    types: tuple[str, ...] = ()
    free_text: bool = False
    header_only: bool = False  # no value matched: the type comes from the column's name alone

    @classmethod
    def from_result(cls, result: ColumnResult) -> DetectedColumn:
        return cls(result.name, tuple(h.type for h in result.types), any(h.mode == "text" for h in result.types))

    @classmethod
    def from_json(cls, column: Mapping[str, Any]) -> DetectedColumn:
        """From a column of the `shuan scan --format json` contract (free text: the hit's evidence says so)."""
        hits = [h for h in column.get("types", []) if isinstance(h, Mapping) and isinstance(h.get("type"), str)]
        text = any(str(h.get("evidence", "")).startswith(_TEXT_EVIDENCE) for h in hits)
        return cls(str(column.get("name", "")), tuple(str(h["type"]) for h in hits), text)


@dataclass(frozen=True)
class ColumnRule:
    """The rule chosen for one column, and why (Chinese first, for the plan and the audit record)."""

    column: str
    rule: Rule
    reason: str
    types: tuple[str, ...] = ()

    @property
    def masks(self) -> bool:
        return self.rule.operator != "retain"


@dataclass(frozen=True)
class Profile:
    """The effective rules of one scenario (and of a custom file on top of it)."""

    id: str
    label: str
    description: str
    types: Mapping[str, Rule]  # type id (and "*", "free_text", "untyped") -> rule
    origins: Mapping[str, str]  # same keys -> "default" | "scenario" | "custom"
    columns: Mapping[str, Rule] = field(default_factory=dict)  # "TABLE.COLUMN" or "COLUMN" -> rule
    rules_file: str | None = None

    def _origin(self, key: str) -> str:
        origin = self.origins.get(key, "default")
        if origin == "custom":
            return msg("masking.origin_custom")
        if origin == "scenario":
            return msg("masking.origin_scenario", label=self.label)
        return msg("masking.origin_default")

    def rule_for(self, table: str, column: DetectedColumn) -> ColumnRule:
        from shuan.discovery.vocabulary import label

        for key in (f"{table}.{column.name}", column.name):
            if key in self.columns:
                return ColumnRule(column.name, self.columns[key], msg("masking.rule_column", key=key), column.types)
        if not column.types:
            return ColumnRule(column.name, self.types[UNTYPED], msg("masking.rule_untyped", origin=self._origin(UNTYPED)))
        if column.free_text:
            return ColumnRule(column.name, self.types[FREE_TEXT],
                              msg("masking.rule_free_text", labels="、".join(label(t) for t in column.types),
                                  origin=self._origin(FREE_TEXT)), column.types)
        first = column.types[0]
        key = first if first in self.types else OTHER
        rule = _with_kind(self.types[key], first)
        reason = msg("masking.rule_type", label=label(first), type=first, origin=self._origin(key))
        if column.header_only:
            reason += msg("masking.rule_header_only")
        return ColumnRule(column.name, rule, reason, column.types)

    def rules_for_table(self, table: str, columns: Iterable[DetectedColumn]) -> list[ColumnRule]:
        """The rule of every column of `table`, in the order given."""
        return [self.rule_for(table, c) for c in columns]

    def summary(self) -> dict[str, Any]:
        return {"profile": self.id, "label": self.label, "rules_file": self.rules_file,
                "types": {k: r.as_dict() for k, r in self.types.items()},
                "columns": {k: r.as_dict() for k, r in self.columns.items()}}


def _with_kind(rule: Rule, type_id: str) -> Rule:
    """`fake` without a kind takes the column's type (when it is one it can fake)."""
    if rule.operator == "fake" and "kind" not in rule.params and type_id in FAKE_KINDS:
        return replace(rule, params={**rule.params, "kind": type_id})
    return rule


# ----------------------------------------------------------------------------------------- loading


def _known_types(extra: Iterable[str] = ()) -> frozenset[str]:
    from shuan.discovery.vocabulary import TYPES

    return frozenset(TYPES) | frozenset(extra)


def _parse_rule(value: Any, *, origin: str, where: str, type_id: str | None = None) -> Rule:
    if not isinstance(value, Mapping) or not isinstance(value.get("operator"), str):
        raise ConfigError("masking.rules_field", path=origin, where=where, reason=msg("masking.reason_rule_shape"))
    params = {str(k): v for k, v in value.items() if k != "operator"}
    rule = Rule(str(value["operator"]), params)
    if type_id is not None:
        rule = _with_kind(rule, type_id)
    try:
        rule.build()
        if rule.operator == "fake" and rule.params.get("kind") is None:
            raise ConfigError("masking.fake_kind", kind=type_id or "-", known="、".join(FAKE_KINDS))
    except ConfigError as exc:
        raise ConfigError("masking.rules_field", path=origin, where=where, reason=exc.user_message) from None
    return rule


def _parse_types(value: Any, *, origin: str, where: str, known: frozenset[str],
                 special: Sequence[str] = _SPECIAL) -> dict[str, Rule]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError("masking.rules_field", path=origin, where=where, reason=msg("masking.reason_rule_shape"))
    out: dict[str, Rule] = {}
    for type_id, rule in value.items():
        name = str(type_id)
        if name not in known and name not in special:
            raise ConfigError("masking.rules_field", path=origin, where=f"{where}.{name}",
                              reason=msg("masking.reason_unknown_type", type=name,
                                         known="、".join(sorted(known | set(special)))))
        out[name] = _parse_rule(rule, origin=origin, where=f"{where}.{name}",
                                type_id=name if name not in _SPECIAL else None)
    return out


@dataclass(frozen=True)
class _Builtin:
    defaults: Mapping[str, Rule]
    scenarios: Mapping[str, tuple[str, str, Mapping[str, Rule]]]


@cache
def _builtin() -> _Builtin:
    origin = f"shuan/protect/data/{_BUILTIN}"
    text = resources.files("shuan.protect").joinpath("data", _BUILTIN).read_text(encoding="utf-8")
    data = load(text, origin, "masking.rules_file", path=origin)
    known = _known_types()
    defaults = _parse_types(data.get("defaults"), origin=origin, where="defaults", known=known)
    missing = sorted((known | set(_SPECIAL)) - set(defaults))
    if missing:
        raise ConfigError("masking.rules_field", path=origin, where="defaults",
                          reason=msg("masking.reason_unknown_type", type=",".join(missing), known="-"))
    scenarios: dict[str, tuple[str, str, Mapping[str, Rule]]] = {}
    for sid, body in (data.get("scenarios") or {}).items():
        scenarios[str(sid)] = (str(body.get("label", sid)), " ".join(str(body.get("description", "")).split()),
                               _parse_types(body.get("rules"), origin=origin, where=f"scenarios.{sid}", known=known))
    return _Builtin(defaults, scenarios)


def scenario_ids() -> list[str]:
    return list(_builtin().scenarios)


def _resolve_id(name: str) -> str:
    b = _builtin()
    if name in b.scenarios:
        return name
    for sid, (label, _d, _r) in b.scenarios.items():
        if name == label:
            return sid
    known = "、".join(f"{sid}（{lab}）" for sid, (lab, _d, _r) in b.scenarios.items())
    raise ConfigError("masking.profile_unknown", profile=name, known=known)


def load_profile(name: str) -> Profile:
    """A built-in scenario by id (``dev_test``) or label (``开发测试``)."""
    sid = _resolve_id(name)
    b = _builtin()
    label, description, rules = b.scenarios[sid]
    types = {**b.defaults, **rules}
    origins = {k: ("scenario" if k in rules else "default") for k in types}
    return Profile(sid, label, description, types, origins)


def load_rules(path: Path, *, profile: str | None = None, extra_types: Iterable[str] = ()) -> Profile:
    """The scenario `profile` (or the file's own ``profile:``) with the custom rules of `path` on top.

    `extra_types` are type ids of custom recognizers the file may name besides the vocabulary."""
    origin = str(path)
    try:
        raw = read_small(path)  # a regular file of bounded size: never /dev/zero or a FIFO
    except OSError as exc:
        raise ConfigError("masking.rules_file", path=origin, reason=exc.strerror or type(exc).__name__) from None
    data = load(decode(raw, origin), origin, "masking.rules_file", path=origin)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError("masking.rules_file", path=origin, reason=msg("masking.reason_top"))
    for key in data:
        if key not in _CUSTOM_FIELDS:
            raise ConfigError("masking.rules_field", path=origin, where=str(key),
                              reason=msg("masking.reason_unknown_field", field=key, known="、".join(_CUSTOM_FIELDS)))
    base_name = profile or data.get("profile")
    if not isinstance(base_name, str) or not base_name:
        raise ConfigError("masking.profile_missing", path=origin, known="、".join(scenario_ids()))
    base = load_profile(base_name)
    known = _known_types(extra_types)
    types = _parse_types(data.get("types"), origin=origin, where="types", known=known, special=(OTHER,))
    for special in (FREE_TEXT, UNTYPED):
        if data.get(special) is not None:
            types[special] = _parse_rule(data[special], origin=origin, where=special)
    columns_raw = data.get("columns") or {}
    if not isinstance(columns_raw, Mapping):
        raise ConfigError("masking.rules_field", path=origin, where="columns", reason=msg("masking.reason_rule_shape"))
    columns: dict[str, Rule] = {}
    for key, rule in columns_raw.items():
        name = str(key)
        if not name.strip() or name.startswith(".") or name.endswith("."):
            raise ConfigError("masking.rules_field", path=origin, where=f"columns.{name}",
                              reason=msg("masking.reason_column_key"))
        columns[name] = _parse_rule(rule, origin=origin, where=f"columns.{name}")
    merged = {**base.types, **types}
    origins = {**base.origins, **{k: "custom" for k in types}}
    return Profile(base.id, base.label, base.description, merged, origins, columns, rules_file=origin)
