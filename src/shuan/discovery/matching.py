"""The one test of "is this value an instance of the recognizer": pattern or dictionary, then validator.

Used for column values, for free-text candidates in column scans, and for `shuan detect` spans.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from shuan.discovery import normalize
from shuan.discovery.recognizer import Recognizer
from shuan.discovery.validators import VALIDATORS


def valid_mask(rec: Recognizer, v: pl.Series, *, bounded: bool = True) -> np.ndarray:
    """Which (already normalized) values match the recognizer's dictionary or full pattern and pass its
    validator. `bounded`: also apply the recognizer's max_length (column values, not text spans)."""
    if rec.dictionary:
        shape = v.is_in(rec.dictionary)
    else:
        assert rec.full_pattern is not None  # a recognizer has patterns or a dictionary
        shape = v.str.contains(rec.full_pattern)
        if bounded and rec.max_length < normalize.MAX_CELL:
            shape = shape & (v.str.len_bytes() <= 4 * rec.max_length)  # cheap bound: ≤ 4 UTF-8 bytes a char
    idx = shape.fill_null(False).arg_true()
    out = np.zeros(v.len(), dtype=bool)
    if idx.len() == 0:
        return out
    positions = idx.to_numpy()
    if rec.validator:
        positions = positions[VALIDATORS[rec.validator](v.gather(idx)).to_numpy()]
    out[positions] = True
    return out
