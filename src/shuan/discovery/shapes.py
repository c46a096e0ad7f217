"""Fixed-width ASCII shapes: full-value patterns checked on a character matrix instead of a regex.

Most identifier patterns are a fixed sequence of ASCII character classes (`[0-9]{17}[0-9Xx]`,
`1[3-9][0-9]{9}`, `[0-9]{16,19}`). A value matches such a pattern exactly when its UTF-8 length is one
of the pattern's widths and each byte lies in the class of its position, which numpy checks for a whole
column at once, position by position (a value with a non-ASCII character fails, since every class is
ASCII). This is the same decision as Rust's regex on ``^(?:…)$``, without a call per value; validators
that also read the characters (checksums) get the same matrix (see `validators.MATRIX_VALIDATORS`).

`compile_shape` accepts only what it can decide exactly: literals and classes of ASCII characters,
groups without flags, alternation, and bounded repeats, as long as the expansion stays small; anything
else (Unicode or negated classes, `\\s`, `.`, unbounded repeats, look-around, flags) returns None and the
regex is used.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

# Python's own regex parser (re._parser; sre_parse is its deprecated alias): patterns are parsed, not run
_p: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

MAX_ALTERNATIVES = 8  # fixed sequences a pattern may expand to
MAX_WIDTH = 64

Slot = frozenset[int]
Seq = tuple[Slot, ...]


class _NotFixedError(Exception):
    pass


def _charset(items: list[tuple[object, object]]) -> Slot:
    out: set[int] = set()
    for op, av in items:
        if op is _c.LITERAL and isinstance(av, int) and av < 128:
            out.add(av)
        elif op is _c.RANGE and isinstance(av, tuple) and av[1] < 128:
            out.update(range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY (\d \w \s: Unicode), non-ASCII
            raise _NotFixedError
    if not out:
        raise _NotFixedError
    return frozenset(out)


def _limit(seqs: list[Seq]) -> list[Seq]:
    if len(seqs) > MAX_ALTERNATIVES or any(len(s) > MAX_WIDTH for s in seqs):
        raise _NotFixedError
    return seqs


def _sequence(items: list[tuple[object, object]]) -> list[Seq]:
    seqs: list[Seq] = [()]
    for op, av in items:
        part = _item(op, av)
        seqs = _limit([a + b for a in seqs for b in part])
    return seqs


def _item(op: object, av: object) -> list[Seq]:
    if op is _c.LITERAL:
        if isinstance(av, int) and av < 128:
            return [(frozenset((av,)),)]
        raise _NotFixedError
    if op is _c.IN:
        assert isinstance(av, list)
        return [(_charset(av),)]
    if op is _c.MAX_REPEAT or op is _c.MIN_REPEAT:
        assert isinstance(av, tuple)
        lo, hi, sub = av
        if hi > MAX_WIDTH:  # MAXREPEAT (unbounded) included
            raise _NotFixedError
        inner = _sequence(list(sub))
        out: list[Seq] = []
        for count in range(lo, hi + 1):
            for combo in product(inner, repeat=count):
                out.append(tuple(slot for seq in combo for slot in seq))
                _limit(out)
        return out
    if op is _c.SUBPATTERN:
        assert isinstance(av, tuple)
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _NotFixedError
        return _sequence(list(sub))
    if op is _c.BRANCH:
        assert isinstance(av, tuple)
        out = []
        for branch in av[1]:
            out.extend(_sequence(list(branch)))
            _limit(out)
        return out
    raise _NotFixedError  # ANY, AT inside, categories, assertions, backreferences …


def _runs(seq: Seq) -> list[tuple[int, int, Slot]]:
    """Consecutive positions with the same class, as (start, end, class)."""
    runs: list[tuple[int, int, Slot]] = []
    for i, slot in enumerate(seq):
        if runs and runs[-1][2] == slot and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1, slot)
        else:
            runs.append((i, i + 1, slot))
    return runs


@dataclass(frozen=True, eq=False)
class _Test:
    """One class as a byte test: a range comparison when it is one range, else a lookup table."""

    lo: int
    span: int
    table: np.ndarray | None

    @classmethod
    def of(cls, slot: Slot) -> _Test:
        lo, hi = min(slot), max(slot)
        if len(slot) == hi - lo + 1:
            return cls(lo, hi - lo, None)
        table = np.zeros(256, dtype=bool)
        table[sorted(slot)] = True
        return cls(lo, hi - lo, table)

    def __call__(self, block: np.ndarray) -> np.ndarray:
        """`block`: (positions, rows) uint8; True for the rows whose every position passes."""
        if self.table is None:
            if block.size and block.min() >= self.lo and block.max() <= self.lo + self.span:
                return np.ones(block.shape[-1], dtype=bool)  # every byte in range (the usual case)
            ok: np.ndarray = (block - np.uint8(self.lo)) <= self.span
        else:
            ok = np.take(self.table, block)  # (take is about twice as fast as fancy indexing here)
        return np.asarray(ok.all(axis=0) if ok.ndim == 2 else ok, dtype=bool)


@dataclass(frozen=True, eq=False)
class FixedShape:
    """A full-value pattern as fixed sequences of ASCII classes, grouped by width in bytes."""

    pattern: str
    by_width: dict[int, list[list[tuple[int, int, _Test]]]] = field(default_factory=dict)

    def widths(self) -> list[int]:
        return sorted(self.by_width)

    def check(self, width: int, cols: np.ndarray) -> np.ndarray:
        """Which columns of `cols` ((width, rows) uint8, every value `width` bytes) match."""
        ok = np.zeros(cols.shape[1], dtype=bool)
        for runs in self.by_width.get(width, ()):
            alt = np.ones(cols.shape[1], dtype=bool)
            for start, end, test in runs:
                alt &= test(cols[start:end])
                if not alt.any():
                    break
            ok |= alt
        return ok


def compile_shape(pattern: str) -> FixedShape | None:
    """The fixed shape of an anchored full-value pattern (``^(?:…)$``), or None."""
    try:
        parsed = _p.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & ~_c.SRE_FLAG_UNICODE:
        return None  # (?i), (?x), (?s), (?m)… change what classes or anchors mean
    items = list(parsed)
    begin = (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING)
    end = (_c.AT_END, _c.AT_END_STRING)
    if len(items) < 2 or items[0][0] is not _c.AT or items[0][1] not in begin:
        return None
    if items[-1][0] is not _c.AT or items[-1][1] not in end:
        return None
    try:
        seqs = _sequence(items[1:-1])
    except (_NotFixedError, RecursionError):
        return None
    if not seqs or any(len(s) == 0 for s in seqs):
        return None
    tests: dict[Slot, _Test] = {}
    by_width: dict[int, list[list[tuple[int, int, _Test]]]] = {}
    for seq in dict.fromkeys(seqs):  # distinct, in order
        runs = [(a, b, tests.setdefault(slot, _Test.of(slot))) for a, b, slot in _runs(seq)]
        by_width.setdefault(len(seq), []).append(runs)
    return FixedShape(pattern, by_width)


def is_nonspace_run(pattern: str) -> bool:
    """Whether an anchored full-value pattern is exactly one or more non-space characters (``^\\S+$``),
    which a value without White_Space matches whenever it is not empty."""
    try:
        parsed = _p.parse(pattern)
    except re.error:
        return False
    if parsed.state.flags & ~_c.SRE_FLAG_UNICODE:
        return False
    items = list(parsed)
    if len(items) != 3 or items[0][0] is not _c.AT or items[-1][0] is not _c.AT:
        return False
    if items[0][1] not in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING) or items[2][1] not in (_c.AT_END, _c.AT_END_STRING):
        return False
    op, av = items[1]
    if op is not _c.MAX_REPEAT and op is not _c.MIN_REPEAT:
        return False
    lo, hi, sub = av
    return bool(lo == 1 and hi == _c.MAXREPEAT and list(sub) == [(_c.IN, [(_c.CATEGORY, _c.CATEGORY_NOT_SPACE)])])


def text_bytes(values: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(offsets relative to the first value, value bytes) of a Utf8 series without nulls."""
    arr = values.to_arrow(compat_level=pl.CompatLevel.oldest())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    n = len(arr)
    buffers = arr.buffers()
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=width)[arr.offset : arr.offset + n + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    return offsets - offsets[0], data[int(offsets[0]) : int(offsets[-1])]


def char_columns(offsets: np.ndarray, data: np.ndarray, rows: np.ndarray | None, width: int) -> np.ndarray:
    """The bytes of the values at `rows` (all `width` bytes long; None: every value) as a contiguous
    (width, rows) matrix: one position per row of the result, so position tests are contiguous."""
    if rows is None:
        n = offsets.size - 1
        return np.ascontiguousarray(data[: n * width].reshape(n, width).T)
    starts = offsets[rows]
    cols: np.ndarray = data[starts[np.newaxis, :] + np.arange(width, dtype=np.int64)[:, np.newaxis]]
    return cols


@dataclass(frozen=True)
class Bounds:
    """What a full-value pattern can match, for ruling a recognizer out of a column without a regex:
    its length in bytes (`max_bytes` None: unbounded) and whether every match holds a non-ASCII
    character."""

    min_bytes: int
    max_bytes: int | None
    needs_non_ascii: bool


def _ascii_only(items: list[tuple[object, object]]) -> bool:
    """Whether every character the pattern can match is ASCII (then bytes = characters)."""
    for op, av in items:
        if op is _c.LITERAL:
            if not (isinstance(av, int) and av < 128):
                return False
        elif op is _c.IN:
            try:
                _charset(list(av))  # type: ignore[call-overload]
            except _NotFixedError:
                return False
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            if not _ascii_only(list(av[2])):  # type: ignore[index]
                return False
        elif op is _c.SUBPATTERN:
            if not _ascii_only(list(av[3])):  # type: ignore[index]
                return False
        elif op is _c.BRANCH:
            if not all(_ascii_only(list(b)) for b in av[1]):  # type: ignore[index]
                return False
        elif op is _c.AT:
            continue
        else:
            return False
    return True


def _needs_non_ascii(items: list[tuple[object, object]]) -> bool:
    """Whether every match holds a character that is not ASCII (a mandatory literal or class of them)."""
    for op, av in items:
        if op is _c.LITERAL and isinstance(av, int) and av >= 128:
            return True
        if op is _c.IN and _non_ascii_class(list(av)):  # type: ignore[call-overload]
            return True
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1 and _needs_non_ascii(list(av[2])):  # type: ignore[index]
            return True
        if op is _c.SUBPATTERN and _needs_non_ascii(list(av[3])):  # type: ignore[index]
            return True
        if op is _c.BRANCH and all(_needs_non_ascii(list(b)) for b in av[1]):  # type: ignore[index]
            return True
    return False


def _non_ascii_class(items: list[tuple[object, object]]) -> bool:
    for op, av in items:
        if op is _c.LITERAL and isinstance(av, int) and av >= 128:
            continue
        if op is _c.RANGE and isinstance(av, tuple) and av[0] >= 128:
            continue
        return False  # an ASCII member, a negation or a category
    return bool(items)


def pattern_bounds(pattern: str | None, dictionary: list[str]) -> Bounds | None:
    """The `Bounds` of a recognizer's full pattern or dictionary (None: nothing known)."""
    if dictionary:
        sizes = [len(word.encode()) for word in dictionary]
        return Bounds(min(sizes), max(sizes), all(not word.isascii() for word in dictionary))
    if not pattern:
        return None
    try:
        parsed = _p.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & ~_c.SRE_FLAG_UNICODE:
        return None
    items = list(parsed)
    lo, hi = parsed.getwidth()
    ascii_only = _ascii_only(items)
    unbounded = hi >= _c.MAXREPEAT - 1
    max_bytes = None if unbounded else (hi if ascii_only else 4 * hi)
    return Bounds(lo, max_bytes, _needs_non_ascii(items))
