"""Vectorized value normalization: the same for every recognizer, plus per-recognizer ops."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import polars as pl

# full-width ASCII (U+FF01–U+FF5E) → ASCII, ideographic space → space
_FULL = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HALF = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]
NULL_TOKENS = ["", "null", "NULL", "Null", "None", "none", "nan", "NaN", "N/A", "n/a", "NA", "-", "--", "—", "/", "无", "空", "暂无", "不详", "\\N"]
MAX_CELL = 65_536  # characters of one cell that are searched (free text longer than this is rare)


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


def truncated(series: pl.Series) -> int:
    """How many cells are longer than MAX_CELL (byte length is a cheap upper bound, checked first)."""
    long = series.str.len_bytes() > MAX_CELL
    if not long.any():
        return 0
    return int((series.filter(long).str.len_chars() > MAX_CELL).sum())


def base(series: pl.Series) -> pl.Series:
    """Trim, map full-width characters to ASCII, drop null tokens; returns only the non-null values."""
    s = halfwidth(series.str.slice(0, MAX_CELL).str.strip_chars()).str.strip_chars()
    return s.filter(s.is_not_null() & ~s.is_in(_null_tokens()))


def halfwidth(s: pl.Series) -> pl.Series:
    """Full-width ASCII forms and the ideographic space as plain ASCII (checked first: it is rare)."""
    return s.str.replace_many(_FULL, _HALF) if s.str.contains_any(_FULL).any() else s


@cache
def _null_tokens() -> pl.Series:
    return pl.Series(NULL_TOKENS, dtype=pl.Utf8).implode()


def apply_ops(s: pl.Series, ops: Sequence[str]) -> pl.Series:
    for op in ops:
        if op == "strip_country_code":
            if s.str.contains_any(["+86", "0086", "86"]).any():
                s = s.str.replace(r"^(?:\+86|0086|86)[\s\-]?(1[3-9][0-9]{9})$", "${1}")
        elif op == "strip_separators":
            if s.str.contains_any([" ", "-", "\t"]).any():
                s = s.str.replace_all(r"[\s\-]", "")
        elif op == "strip_parens":
            s = s.str.replace_all(r"\s", "")
        elif op == "upper":
            if s.str.contains(r"[a-z]").any():
                s = s.str.to_uppercase()
        elif op == "lower":
            s = s.str.to_lowercase()
    return s


def base_keep(series: pl.Series) -> pl.Series:
    """Like `base`, but keeps every position (null tokens become empty strings) for span checks."""
    return halfwidth(series.str.strip_chars()).fill_null("")
