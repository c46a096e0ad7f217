"""Cheap facts about a text column, read from its Arrow value bytes (numpy, whole buffers at once).

The engine asks "could any value of this column hold a lower-case letter / a separator / a full-width
form / space at either end?" before running a per-value Polars operation whose only purpose is to
change such values. A question about every value costs one pass over the column's bytes (about a tenth
of a millisecond per megabyte) instead of a call per value (about 25 ns each, whatever its length).

Every answer is a superset: "no" is exact, "yes" only means the usual (exact) operation must run. The
bytes are those of the raw values, before `normalize.base`; trimming and dropping null tokens only
remove characters, so an answer about the raw bytes holds for the normalized values, except that
`halfwidth` turns full-width forms into ASCII: when a column may hold any (`fullwidth`), the answers
about ASCII characters are "yes".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_TEXT_TYPES = (pa.string(), pa.large_string())

# Unicode White_Space (what Rust's str::trim and regex \s use) in UTF-8, beyond ASCII 09–0D and 20
_SPACE2 = (b"\xc2\x85", b"\xc2\xa0")
_SPACE3 = tuple(
    [b"\xe1\x9a\x80", b"\xe2\x81\x9f", b"\xe3\x80\x80", b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"\xe2\x80\xaf"]
    + [b"\xe2\x80" + bytes([c]) for c in range(0x80, 0x8B)]
)
_SPACE_LEADS = np.array(sorted({seq[0] for seq in _SPACE2 + _SPACE3}), dtype=np.uint8)
_SPACE_LASTS = np.array(sorted({seq[-1] for seq in _SPACE2 + _SPACE3}), dtype=np.uint8)
# first bytes of a White_Space character (ASCII 09–0D, 20; C2, E1, E2, E3 lead the others)
_SPACE_FIRST = np.array([9, 10, 11, 12, 13, 32, 0xC2, 0xE1, 0xE2, 0xE3])
# first bytes after which a value may, once normalized, start with +86 / 0086 / 86
_MAY_LEAD_86 = np.array([ord("+"), ord("0"), ord("8"), ord("-"), 9, 10, 11, 12, 13, 32, 0xC2, 0xE1, 0xE2, 0xE3, 0xEF])


@dataclass
class _Chunk:
    offsets: np.ndarray  # n + 1, relative to the first value
    data: np.ndarray  # the value bytes (zero-copy view)
    valid: np.ndarray | None  # None: no nulls
    _raw: bytes | None = None

    def raw(self) -> bytes:
        """The value bytes as one `bytes` (copied once, for substring searches: `in` and `find` on bytes
        are memchr / two-way searches, far faster than a numpy pass)."""
        if self._raw is None:
            self._raw = self.data.tobytes()
        return self._raw


def _chunk(arr: pa.Array) -> _Chunk:
    n = len(arr)
    buffers = arr.buffers()
    if n == 0 or buffers[1] is None:
        return _Chunk(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8), None)
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=width)[arr.offset : arr.offset + n + 1].astype(np.int64)
    lo, hi = int(offsets[0]), int(offsets[-1])
    data = np.frombuffer(buffers[2], dtype=np.uint8)[lo:hi] if buffers[2] is not None else np.zeros(0, np.uint8)
    valid = None
    if arr.null_count:
        bits = np.unpackbits(np.frombuffer(buffers[0], dtype=np.uint8), bitorder="little")
        valid = bits[arr.offset : arr.offset + n].astype(bool)
    return _Chunk(offsets - lo, data, valid)


def _codes(data: np.ndarray, pos: np.ndarray, width: int) -> np.ndarray:
    """The `width` bytes at each position as one integer (big-endian); -1 where they run past the end."""
    ok = (pos >= 0) & (pos + width <= data.size)
    code = np.zeros(pos.shape, dtype=np.int64)
    at = pos[ok]
    inner = np.zeros(at.shape, dtype=np.int64)
    for k in range(width):
        inner = (inner << 8) | data[at + k]
    code[ok] = inner
    code[~ok] = -1
    return code


def _code_set(seqs: tuple[bytes, ...]) -> np.ndarray:
    return np.array(sorted(int.from_bytes(seq, "big") for seq in seqs), dtype=np.int64)


_SPACE2_CODES = _code_set(_SPACE2)
_SPACE3_CODES = _code_set(_SPACE3)


class ByteFacts:
    """Facts about the values of one Arrow string column, each computed when first asked.

    A column may come in several chunks; every question is answered chunk by chunk on views of Arrow's
    own buffers, and the substring questions share one `bytes` copy per chunk (see `_Chunk.raw`)."""

    def __init__(self, column: pa.Array | pa.ChunkedArray) -> None:
        self._column = column

    @classmethod
    def of(cls, column: pa.Array | pa.ChunkedArray) -> ByteFacts | None:
        """Facts of a string/large_string column; None for other types (callers then ask Polars)."""
        if column.type not in _TEXT_TYPES:
            return None
        return cls(column)

    @cached_property
    def _parts(self) -> list[_Chunk]:
        column = self._column
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        return [_chunk(chunk) for chunk in chunks if len(chunk)]

    def _holds(self, *needles: bytes) -> bool:
        """Whether one of the byte strings occurs (values never span chunks, so each chunk is searched
        on its own, in a `bytes` copy of its values made once for every question, see `_Chunk.raw`)."""
        return any(_part_holds(part, needles) for part in self._parts if part.data.size)

    @cached_property
    def _extremes(self) -> tuple[int, int]:
        """(longest value, shortest value that is not null) in bytes (a null slot has length 0)."""
        longest, shortest = 0, 1 << 62
        for part in self._parts:
            lengths = np.diff(part.offsets)
            longest = max(longest, int(lengths.max(initial=0)))
            valid = lengths if part.valid is None else lengths[part.valid]
            shortest = min(shortest, int(valid.min(initial=1 << 62)))
        return longest, shortest

    @cached_property
    def max_bytes(self) -> int:
        return self._extremes[0]

    @cached_property
    def null_count(self) -> int:
        return int(self._column.null_count)

    @cached_property
    def min_bytes(self) -> int:
        """The shortest value that is not null (a null slot has length 0 in Arrow)."""
        return self._extremes[1]

    @cached_property
    def non_ascii(self) -> bool:
        return any(part.data.size and part.data.max() >= 0x80 for part in self._parts)

    @cached_property
    def fullwidth(self) -> bool:
        """May hold full-width ASCII forms (U+FF01–U+FF5E: EF BC xx, EF BD xx) or U+3000 (E3 80 80)."""
        return self.non_ascii and self._holds(b"\xef\xbc", b"\xef\xbd", b"\xe3\x80\x80")

    @cached_property
    def ascii_lower(self) -> bool:
        """May hold a-z (after normalization)."""
        return self.fullwidth or any(
            part.data.size and bool(((part.data - np.uint8(97)) < 26).any()) for part in self._parts
        )

    @cached_property
    def separators(self) -> bool:
        """May hold a space, a hyphen or a tab (what `strip_separators` looks for)."""
        return self.fullwidth or self._holds(b" ", b"-", b"\t")

    @cached_property
    def whitespace(self) -> bool:
        """May hold a character of Unicode White_Space (what `\\s` matches in Rust's regex)."""
        if self.fullwidth:
            return True
        # ASCII 09–0D and 20; U+0085, U+00A0 (C2 85/A0); U+1680 (E1 9A 80); U+2000–U+200A, U+2028/9,
        # U+202F (E2 80 xx); U+205F (E2 81 9F); U+3000 (E3 80 80, covered by fullwidth). One search:
        # each chunk's bytes are read once
        wide = (b"\xc2\x85", b"\xc2\xa0", b"\xe1\x9a\x80", b"\xe2\x80", b"\xe2\x81\x9f") if self.non_ascii else ()
        return self._holds(b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", *wide)

    def values_up_to(self, max_bytes: int) -> pa.ChunkedArray:
        """The values (not null) of at most `max_bytes` bytes, picked in Arrow (nothing else is copied)."""
        column = self._column if isinstance(self._column, pa.ChunkedArray) else pa.chunked_array([self._column])
        return column.filter(pc.less_equal(pc.binary_length(column), max_bytes), null_selection_behavior="drop")

    def count_in(self, words: pa.Array) -> int:
        """How many values equal one of `words` (raw bytes, no normalization; Arrow's hash lookup, so a
        column is counted without being converted)."""
        return int(pc.sum(pc.is_in(self._column, value_set=words.cast(self._column.type))).as_py() or 0)

    @cached_property
    def first_bytes(self) -> np.ndarray:
        """Which bytes (0–255) start a value (a boolean per byte value)."""
        present = np.zeros(256, dtype=bool)
        for part in self._parts:
            starts, ends = part.offsets[:-1], part.offsets[1:]
            present[part.data[starts[ends > starts]]] = True
        return present

    @cached_property
    def may_start_digit(self) -> bool:
        """Whether a value may start with an ASCII digit once trimmed (it starts with one, or with a space)."""
        return bool(self.first_bytes[48:58].any() or self.first_bytes[_SPACE_FIRST].any())

    @cached_property
    def may_start_86(self) -> bool:
        """Whether a value may start with +86, 0086 or 86 once trimmed and stripped of separators: it
        starts with "+", "0" or "8", or with something normalization can remove or map (space,
        hyphen, a multi-byte space or full-width form)."""
        return bool(self.first_bytes[_MAY_LEAD_86].any())

    @cached_property
    def edge_space(self) -> bool:
        """Whether a value starts or ends with a White_Space character (what `strip_chars` removes)."""
        if not self.whitespace:
            return False
        return any(_part_edge_space(part, non_ascii=self.non_ascii) for part in self._parts)


def _part_holds(part: _Chunk, needles: tuple[bytes, ...]) -> bool:
    """`ByteFacts._holds` on one chunk's bytes. Single bytes go to memchr; a multi-byte UTF-8 sequence
    is found from its lead byte (memchr first: usually absent), then its other bytes (numpy), since a
    plain substring search is slow on Chinese text full of the same continuation bytes."""
    d, data = part.data, part.raw()
    by_lead: dict[int, list[bytes]] = {}
    for needle in needles:
        if len(needle) == 1:
            if needle in data:
                return True
        else:
            by_lead.setdefault(needle[0], []).append(needle)
    for lead, seqs in by_lead.items():
        pos = data.find(bytes((lead,)))
        for _ in range(8):  # the first few occurrences, one memchr each: a hit there is common
            if pos < 0 or any(data.startswith(seq, pos) for seq in seqs):
                break
            pos = data.find(bytes((lead,)), pos + 1)
        if pos < 0:
            continue
        if any(data.startswith(seq, pos) for seq in seqs):
            return True
        at = np.flatnonzero(d == lead)
        for width in sorted({len(seq) for seq in seqs}):
            codes = _code_set(tuple(seq for seq in seqs if len(seq) == width))
            if np.isin(_codes(d, at, width), codes).any():
                return True
    return False


def _part_edge_space(part: _Chunk, *, non_ascii: bool) -> bool:
    """`ByteFacts.edge_space` on one chunk."""
    d = part.data
    if d.size == 0:
        return False
    starts, ends = part.offsets[:-1], part.offsets[1:]
    keep = ends > starts  # empty values and null slots have no edge
    starts, ends = starts[keep], ends[keep]
    first, last = d[starts], d[ends - 1]
    if ((((first - np.uint8(9)) < 5) | (first == 32)) | (((last - np.uint8(9)) < 5) | (last == 32))).any():
        return True
    if not non_ascii:
        return False
    # multi-byte spaces: only values whose first byte may lead one, or whose last byte may end one
    head = starts[np.isin(first, _SPACE_LEADS)]
    if head.size and (np.isin(_codes(d, head, 2), _SPACE2_CODES) | np.isin(_codes(d, head, 3), _SPACE3_CODES)).any():
        return True
    at = np.flatnonzero(np.isin(last, _SPACE_LASTS))
    if at.size:
        begin, end = starts[at], ends[at]
        two = np.isin(_codes(d, end - 2, 2), _SPACE2_CODES) & (end - 2 >= begin)
        three = np.isin(_codes(d, end - 3, 3), _SPACE3_CODES) & (end - 3 >= begin)
        if (two | three).any():
            return True
    return False
