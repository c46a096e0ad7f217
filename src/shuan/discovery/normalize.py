"""Vectorized value normalization: the same for every recognizer, plus per-recognizer ops."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import polars as pl
import pyarrow as pa

from shuan.discovery.bytefacts import ByteFacts

# full-width ASCII (U+FF01–U+FF5E) → ASCII, ideographic space → space
_FULL = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HALF = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]
NULL_TOKENS = ["", "null", "NULL", "Null", "None", "none", "nan", "NaN", "N/A", "n/a", "NA", "-", "--", "—", "/", "无", "空", "暂无", "不详", "\\N"]
MAX_CELL = 65_536  # characters of one cell that are searched (free text longer than this is rare)
MAX_TOKEN_BYTES = max(len(t.encode()) for t in NULL_TOKENS)


def to_text(series: pl.Series) -> pl.Series | None:
    """A column as Utf8 strings, or None when it holds bytes (binary columns are not inspected)."""
    dtype = series.dtype
    if dtype in (pl.Binary,) or isinstance(dtype, pl.Object):
        return None
    if dtype == pl.Utf8:
        return series
    if dtype.is_float():
        ints = series.drop_nulls()
        if ints.len() and (ints == ints.round(0)).all() and ints.abs().max() < 1e19:  # type: ignore[operator]
            return series.cast(pl.Int64, strict=False).cast(pl.Utf8)
        return series.cast(pl.Utf8)
    if dtype == pl.Date:
        return series.dt.strftime("%Y-%m-%d")
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return series.dt.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(dtype, (pl.List, pl.Struct, pl.Array)):
        return None
    try:
        return series.cast(pl.Utf8)
    except pl.exceptions.PolarsError:
        return None


#: a column's values, or how to get them (a column still in Arrow form is converted only when needed)
Values = pl.Series | Callable[[], pl.Series]


def _values(values: Values) -> pl.Series:
    return values if isinstance(values, pl.Series) else values()


def truncated(values: Values, facts: ByteFacts | None = None) -> int:
    """How many cells are longer than MAX_CELL (byte length is a cheap upper bound, checked first)."""
    if facts is not None and facts.max_bytes <= MAX_CELL:
        return 0
    series = _values(values)
    long = series.str.len_bytes() > MAX_CELL
    if not long.any():
        return 0
    return int((series.filter(long).str.len_chars() > MAX_CELL).sum())


def base(series: pl.Series, facts: ByteFacts | None = None) -> pl.Series:
    """Trim, map full-width characters to ASCII, drop null tokens; returns only the non-null values.

    `facts` (the column's bytes, see bytefacts) skip the cut to MAX_CELL when no value is that long
    and the full-width mapping when no value holds a full-width form. The mapping comes after the trim
    and needs no second one: Polars trims Unicode White_Space (U+3000 included), so a trimmed value
    starts and ends with a character that maps to a non-space."""
    if facts is not None and facts.max_bytes <= MAX_CELL and not facts.fullwidth and not facts.edge_space:
        # no value is too long, starts or ends with a space, or holds a full-width form: nothing to change
        if facts.min_bytes > MAX_TOKEN_BYTES:  # and none is short enough to be a null token
            return series if facts.null_count == 0 else series.filter(series.is_not_null())
        return series.filter(series.is_not_null() & ~series.is_in(_null_tokens()))
    if facts is None or facts.max_bytes > MAX_CELL:
        series = series.str.slice(0, MAX_CELL)
    s = series.str.strip_chars()
    if facts is None or facts.fullwidth:
        s = halfwidth(s, check=facts is None)
    return s.filter(s.is_not_null() & ~s.is_in(_null_tokens()))


def kept_count(values: Values, facts: ByteFacts | None, *, non_null: int | None = None) -> int | None:
    """How many values `base(values, facts)` keeps, without normalizing them all (None: not known
    cheaply). With no value starting or ending with a space, a value is dropped only when null or when
    it maps to a null token, and mapping (full-width forms to ASCII) at most divides its length by 3:
    only values of at most 3 × MAX_TOKEN_BYTES bytes can be dropped. `non_null`, when the caller knows
    it, says that `facts` describe exactly these values: they are then counted in Arrow, never
    converted (otherwise the facts only bound them, e.g. for a subset of the rows they describe)."""
    if facts is None or facts.edge_space:
        return None
    short_bytes = 3 * MAX_TOKEN_BYTES
    if non_null is not None:
        if facts.min_bytes > short_bytes:
            return non_null
        if not facts.fullwidth:
            # nothing to map: a value is dropped exactly when it is a null token as it stands (a value
            # cut to MAX_CELL is far longer than any token)
            return non_null - facts.count_in(_null_tokens_arrow())
        # full-width forms (Chinese prose is full of full-width punctuation) may map a short value to a
        # token: only the short values are picked (in Arrow), converted and normalized
        short = pl.Series(facts.values_up_to(short_bytes))
        return non_null - (short.len() - base(short, facts).len())
    series = _values(values)
    non_null = series.len() - series.null_count()
    if facts.min_bytes > short_bytes:
        return non_null
    short = series.filter((series.str.len_bytes() <= short_bytes).fill_null(False))
    return non_null - (short.len() - base(short, facts).len())


def halfwidth(s: pl.Series, *, check: bool = True) -> pl.Series:
    """Full-width ASCII forms and the ideographic space as plain ASCII (checked first: it is rare;
    `check=False` when the caller knows the column holds some)."""
    if check and not s.str.contains_any(_FULL).any():
        return s
    return s.str.replace_many(_FULL, _HALF)


@cache
def _null_tokens_arrow() -> pa.Array:
    return pa.array(NULL_TOKENS, type=pa.string())


@cache
def _null_tokens() -> pl.Series:
    return pl.Series(NULL_TOKENS, dtype=pl.Utf8).implode()


def apply_ops(s: pl.Series, ops: Sequence[str], facts: ByteFacts | None = None) -> pl.Series:
    """The recognizer's normalization ops in order. `facts` (about the bytes of the values `s` was
    normalized from) let an op that cannot change any value be skipped without a pass over them."""
    for op in ops:
        if op == "strip_country_code":
            # the pattern needs at least 13 characters (86 + 11 digits) and a value starting with +86,
            # 0086 or 86: cheaper checks first
            if facts is not None and not facts.may_start_86:
                continue
            if (s.str.len_bytes() >= 13).any() and s.str.contains_any(["+86", "0086", "86"]).any():
                s = s.str.replace(r"^(?:\+86|0086|86)[\s\-]?(1[3-9][0-9]{9})$", "${1}")
        elif op == "strip_separators":
            if (facts is None or facts.separators) and s.str.contains_any([" ", "-", "\t"]).any():
                s = s.str.replace_all(r"[\s\-]", "")
        elif op == "strip_parens":
            if facts is None or (facts.whitespace and s.str.contains(r"\s").any()):
                s = s.str.replace_all(r"\s", "")
        elif op == "upper":
            if (facts is None or facts.ascii_lower) and s.str.contains(r"[a-z]").any():
                s = s.str.to_uppercase()
        elif op == "lower":
            s = s.str.to_lowercase()
    return s


def base_keep(series: pl.Series) -> pl.Series:
    """Like `base`, but keeps every position (null tokens become empty strings) for span checks."""
    return halfwidth(series.str.strip_chars()).fill_null("")
