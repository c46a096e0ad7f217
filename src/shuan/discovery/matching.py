"""The one test of "is this value an instance of the recognizer": pattern or dictionary, then validator.

Used for column values, for free-text candidates in column scans, and for `shuan detect` spans.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from shuan.discovery import normalize
from shuan.discovery.bytefacts import ByteFacts
from shuan.discovery.recognizer import Recognizer
from shuan.discovery.shapes import FixedShape, char_columns, text_bytes
from shuan.discovery.validators import VALIDATORS, matrix_validator


def valid_mask(rec: Recognizer, v: pl.Series, *, bounded: bool = True, facts: ByteFacts | None = None) -> np.ndarray:
    """Which (already normalized) values match the recognizer's dictionary or full pattern and pass its
    validator. `bounded`: also apply the recognizer's max_length (column values, not text spans).
    `facts`: about the bytes the values were normalized from (see bytefacts), when known."""
    if not rec.dictionary and rec.fixed_shape is not None:
        return _fixed_mask(rec, rec.fixed_shape, v, bounded)
    shape = v.to_frame("v").select(shape_expr(rec, "v", bounded=bounded, facts=facts)).to_series()
    return validated(rec, v, shape.to_numpy())


def shape_expr(rec: Recognizer, column: str, *, bounded: bool = True, facts: ByteFacts | None = None) -> pl.Expr:
    """The dictionary or full-pattern test of `valid_mask` as an expression on `column` (so that a frame
    holding several normalizations can test many recognizers in one query); never null."""
    col = pl.col(column)
    if rec.dictionary:
        return col.is_in(rec.dictionary).fill_null(False)
    assert rec.full_pattern is not None  # a recognizer has patterns or a dictionary
    if rec.nonspace_shape and facts is not None and not facts.whitespace:
        shape = col.str.len_bytes() > 0  # ^\S+$ on values without a White_Space character
    else:
        shape = col.str.contains(rec.full_pattern)
    if bounded and rec.max_length < normalize.MAX_CELL:
        shape = shape & (col.str.len_bytes() <= 4 * rec.max_length)  # cheap bound: ≤ 4 UTF-8 bytes a char
    return shape.fill_null(False)


def validated(rec: Recognizer, v: pl.Series, shape: np.ndarray) -> np.ndarray:
    """The values of `v` that have the recognizer's shape (`shape`, a boolean per value) and pass its
    validator."""
    positions = np.flatnonzero(shape)
    out = np.zeros(v.len(), dtype=bool)
    if positions.size == 0:
        return out
    if rec.validator:
        sub = v if positions.size == out.size else v.gather(positions)  # every value passed: no copy
        positions = positions[VALIDATORS[rec.validator](sub).to_numpy()]
    out[positions] = True
    return out


def _fixed_mask(rec: Recognizer, shape: FixedShape, v: pl.Series, bounded: bool) -> np.ndarray:
    """`valid_mask` for a fixed-width ASCII shape: values grouped by length in bytes, each group checked
    position by position on its character matrix, then validated (on the same matrix when the validator
    has a matrix form, else as strings, once for all groups, as with a regex)."""
    n = v.len()
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    lengths = v.str.len_bytes().fill_null(-1).to_numpy()
    widths = [w for w in shape.widths() if not bounded or rec.max_length >= normalize.MAX_CELL or w <= 4 * rec.max_length]
    matrix = matrix_validator(rec.validator) if rec.validator else None
    offsets, data = None, None
    for width in widths:
        rows = np.flatnonzero(lengths == width)
        if rows.size == 0:
            continue
        if offsets is None or data is None:
            offsets, data = text_bytes(v)
        cols = char_columns(offsets, data, None if rows.size == n else rows, width)
        ok = shape.check(width, cols)
        if matrix is not None:
            hit = np.flatnonzero(ok)
            if hit.size:
                ok[hit] = matrix(cols if hit.size == ok.size else cols[:, hit])
        out[rows] = ok
    if rec.validator and matrix is None:
        positions = np.flatnonzero(out)
        if positions.size:
            sub = v if positions.size == n else v.gather(positions)
            out[positions] = VALIDATORS[rec.validator](sub).to_numpy()
    return out


_SHRINKING = frozenset({"strip_separators", "strip_country_code", "strip_parens"})


def rules_out(rec: Recognizer, facts: ByteFacts | None) -> bool:
    """Whether no value of a column can have the recognizer's shape, judged from the column's bytes
    (see bytefacts) and what the pattern can match (shapes.Bounds): every value is shorter than a match,
    or longer, or ASCII while a match needs another character. Exact: normalization keeps ASCII text
    ASCII and never lengthens a value, except Unicode case mapping of other text (then lengths are not
    used) and trimming / mapping / shortening ops (then only "shorter" is)."""
    bounds = rec.bounds
    if facts is None or bounds is None:
        return False
    if bounds.needs_non_ascii and not facts.non_ascii:
        return True
    if facts.non_ascii and ({"upper", "lower"} & set(rec.normalize)):
        return False
    if facts.max_bytes < bounds.min_bytes:
        return True
    unchanged = facts.max_bytes <= normalize.MAX_CELL and not facts.fullwidth and not facts.edge_space
    if bounds.max_bytes is None or not unchanged or _SHRINKING & set(rec.normalize):
        return False
    return facts.min_bytes > bounds.max_bytes
