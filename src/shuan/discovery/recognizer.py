"""The declarative recognizer: what a type looks like, how to check it, where it is named.

Built-in recognizers live in `builtin.yaml` and are loaded exactly like a user's YAML file, so the
same validation (pydantic, compiled regexes, known validators) guards both. The engine never
interprets a recognizer with Python per value: patterns become Polars (Rust regex) expressions,
validators are vectorized functions, dictionaries become `is_in` / Aho–Corasick lookups.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from shuan.discovery.shapes import Bounds, FixedShape, compile_shape, is_nonspace_run, pattern_bounds
from shuan.discovery.validators import VALIDATORS

Boundary = Literal["digit", "alnum", "token", "none"]
NormalizeOp = Literal["strip_separators", "strip_country_code", "upper", "lower", "strip_parens"]

_BOUNDARY_CLASS = {"digit": "0-9", "alnum": "0-9A-Za-z", "token": "0-9A-Za-z/._\\-", "none": ""}


def ascii_digits(pattern: str) -> str:
    """`\\d` means any Unicode digit in both engines; identifiers only use 0-9."""
    if "\\d" not in pattern:
        return pattern  # nothing to rewrite (the dictionary patterns are long: skip the walk)
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "d":
                out.append("0-9" if in_class else "[0-9]")
            else:
                out.append(ch + nxt)
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class and out and out[-1] != "[" and out[-1] != "[^":
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


_GROUP_SYNTAX = re.compile(r"[\\\[(]")


def named_groups(pattern: str) -> dict[str, int]:
    """Name → index of the named groups of a valid pattern, numbered as Python's `re` numbers groups,
    read from the pattern text: compiling the address pattern (thousands of place names) just for this
    would cost a quarter of a second. Verbose patterns, where whitespace and # comments change the
    reading, are compiled."""
    if re.search(r"\(\?[aiLmsux-]*x", pattern):
        return dict(re.compile(pattern).groupindex)
    names: dict[str, int] = {}
    index, i, n = 0, 0, len(pattern)
    while i < n:
        found = _GROUP_SYNTAX.search(pattern, i)  # jump to the next character that matters
        if found is None:
            break
        i = found.start()
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class: no groups inside; "]" right after "[" or "[^" is a literal
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
            continue
        if ch == "(":
            if pattern.startswith("(?P<", i):
                index += 1
                end = pattern.index(">", i)
                names[pattern[i + 4 : end]] = index
                i = end + 1
                continue
            if pattern.startswith("(?#", i):
                i = pattern.index(")", i) + 1
                continue
            if not pattern.startswith("(?", i):
                index += 1
        i += 1
    return names


def _check_regex(pattern: str, *, rust: bool = True) -> str:
    """The pattern must compile in both engines: Python's (spans) and Rust's (column scans). The Rust
    compile is skipped for the built-ins (a test compiles them all), which keeps start-up fast."""
    if not rust:
        return pattern
    re.compile(pattern)
    if re.search(r"\(\?<?[=!]", pattern) or re.search(r"\\[1-9]", pattern):
        raise ValueError("look-around and back-references are not supported (patterns run on Rust regex)")
    try:
        pl.Series("probe", [""], dtype=pl.Utf8).str.contains(pattern)
    except pl.exceptions.PolarsError as exc:
        first = str(exc).strip().splitlines()
        reason = next((line.strip() for line in first if line.strip().startswith("error:")), first[0] if first else "")
        raise ValueError(f"not supported by the Rust regex engine: {reason}") from None
    return pattern


def _trusted(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("builtin"))


class Recognizer(BaseModel):
    """One way of recognising one type. Several recognizers may share a type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$", description="stable type id")
    name: str = Field(min_length=1, description="readable name (Chinese)")
    label: str | None = Field(default=None, description="label of a custom type (built-ins use the vocabulary)")
    pi_category: str | None = Field(default=None, description="personal-information category of a custom type")
    sensitive: str | None = Field(default=None, description="PIPL Art. 28 category of a custom type")
    level: int | None = Field(default=None, ge=1, le=6, description="column level a custom type implies")
    patterns: list[str] = Field(default_factory=list, description="full-value regexes after normalization")
    text_pattern: str | None = Field(default=None, description="regex for free text; a group named v is the span")
    text_probe: str | None = Field(
        default=None,
        description="cheaper regex (group v) deciding whether a free-text value holds this type in column "
        "scans, where the exact span does not matter; spans for detect still use text_pattern",
    )
    text_prefilter: list[str] = Field(
        default_factory=list,
        description="literals one of which a free-text value must contain before the text regex runs on it "
        "(Aho–Corasick, much cheaper than a large regex); empty: no prefilter",
    )
    boundary: Boundary = "alnum"
    normalize: list[NormalizeOp] = Field(default_factory=list)
    validator: str | None = None
    dictionary: list[str] = Field(default_factory=list, description="values that match exactly")
    score: float = Field(default=0.9, gt=0, le=1)
    min_ratio: float = Field(default=0.6, gt=0, le=1, description="share of values needed from content alone")
    hint_ratio: float = Field(default=0.3, gt=0, le=1, description="share needed when the column name agrees")
    requires_hint: bool = Field(default=False, description="only counts when the column name agrees")
    column_hints: list[str] = Field(default_factory=list, description="regexes searched in the column name")
    column_codes: list[str] = Field(default_factory=list, description="pinyin initials / short codes (XM, SFZH)")
    column_negative: list[str] = Field(default_factory=list, description="column-name regexes that argue against")
    context: list[str] = Field(default_factory=list, description="words near a span that raise confidence")
    text: bool = Field(default=True, description="search free text for this type")
    value: bool = Field(default=True, description="match whole column values (false: a free-text-only recognizer)")
    shadowed_by: list[str] = Field(
        default_factory=list,
        description="types whose valid values this type's free-text candidates may not be (an 18-digit "
        "ID number that passes Luhn is not a bank card)",
    )
    span_start_after: list[str] = Field(
        default_factory=list,
        description="cue words that may be swallowed by a loose span start: a span containing one starts after it",
    )
    span_keep_before: list[str] = Field(
        default_factory=list,
        description="when the text right after a stop word starts with one of these, the span is not shortened",
    )
    span_stop_words: list[str] = Field(
        default_factory=list,
        description="words that may not start inside a span: a span whose last character begins one of "
        "them in the text ends one character earlier (张伟来电 → 张伟)",
    )
    max_length: int = Field(default=64, gt=0, description="longest value considered")

    @field_validator("patterns", "column_hints", "column_negative")
    @classmethod
    def _regexes(cls, values: list[str], info: ValidationInfo) -> list[str]:
        for v in values:
            try:
                _check_regex(v, rust=not _trusted(info))
            except (re.error, ValueError) as exc:
                raise ValueError(f"invalid regular expression {v!r}: {exc}") from exc
        return values

    @field_validator("text_pattern", "text_probe")
    @classmethod
    def _text_regex(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            try:
                _check_regex(value, rust=not _trusted(info))
            except (re.error, ValueError) as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
        return value

    @field_validator("validator")
    @classmethod
    def _known_validator(cls, value: str | None) -> str | None:
        if value is not None and value not in VALIDATORS:
            raise ValueError(f"unknown validator {value!r} (known: {', '.join(sorted(VALIDATORS))})")
        return value

    @field_validator("column_codes")
    @classmethod
    def _codes(cls, values: list[str]) -> list[str]:
        return [v.lower() for v in values]

    @model_validator(mode="after")
    def _something_to_match(self) -> Recognizer:
        if not self.patterns and not self.dictionary:
            raise ValueError("a recognizer needs patterns or a dictionary")
        return self

    # --- derived, compiled once ------------------------------------------------------------------

    @cached_property
    def full_pattern(self) -> str | None:
        """One anchored alternation of the value patterns, for Polars `str.contains`."""
        if not self.patterns:
            return None
        return ascii_digits("^(?:" + "|".join(f"(?:{p})" for p in self.patterns) + ")$")

    @cached_property
    def bounds(self) -> Bounds | None:
        """Length in bytes and ASCII-ness of what the full pattern or dictionary can match."""
        return pattern_bounds(self.full_pattern, self.dictionary)

    @cached_property
    def nonspace_shape(self) -> bool:
        """`full_pattern` is ``^\\S+$``: any value without a White_Space character (addresses)."""
        return self.full_pattern is not None and is_nonspace_run(self.full_pattern)

    @cached_property
    def fixed_shape(self) -> FixedShape | None:
        """`full_pattern` as fixed-width ASCII classes when it is one (checked without a regex)."""
        return compile_shape(self.full_pattern) if self.full_pattern else None

    @cached_property
    def core_text_pattern(self) -> str | None:
        if not self.text:
            return None
        if self.text_pattern:
            return ascii_digits(self.text_pattern)
        if not self.patterns:
            return None
        return ascii_digits("(?P<v>" + "|".join(f"(?:{p})" for p in self.patterns) + ")")

    @cached_property
    def polars_probe_pattern(self) -> str | None:
        """What the column engine searches free text with: the probe when given, else the text pattern."""
        if not self.text:
            return None
        if self.text_probe:
            return ascii_digits(self.text_probe)
        return self.polars_text_pattern

    @cached_property
    def python_text_regex(self) -> re.Pattern[str] | None:
        """Span finder for `shuan detect`: boundaries as look-around (Python's engine allows it)."""
        core = self.core_text_pattern
        if core is None:
            return None
        cls = _BOUNDARY_CLASS[self.boundary]
        if cls:
            core = f"(?<![{cls}])(?:{core})(?![{cls}])"
        return re.compile(core)

    @cached_property
    def polars_text_pattern(self) -> str | None:
        """The same for Polars `str.extract_all` (no look-around: boundaries are consumed)."""
        core = self.core_text_pattern
        if core is None:
            return None
        cls = _BOUNDARY_CLASS[self.boundary]
        if cls:
            core = f"(?:^|[^{cls}])(?:{core})(?:$|[^{cls}])"
        return core

    @cached_property
    def span_groups(self) -> tuple[int, ...]:
        """Indices of the capture groups that delimit a span (named v, v2, …); alternatives may use
        different ones. Empty: the whole match is the span."""
        pattern = self.core_text_pattern
        if pattern is None:
            return ()
        groups = named_groups(pattern)
        return tuple(sorted(i for name, i in groups.items() if re.fullmatch(r"v\d*", name)))

    @cached_property
    def hint_regex(self) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{h})" for h in self.column_hints), re.I) if self.column_hints else None

    @cached_property
    def negative_regex(self) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{h})" for h in self.column_negative), re.I) if self.column_negative else None


class RecognizerFile(BaseModel):
    """The shape of a recognizer YAML file."""

    model_config = ConfigDict(extra="forbid")

    recognizers: list[Recognizer]
    macros: dict[str, str] = Field(default_factory=dict, description="file-level regex macros ({{name}})")
