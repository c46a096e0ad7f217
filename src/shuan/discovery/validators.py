"""Validators: pure, vectorized checks of values that already match a recognizer's pattern.

A validator takes a Utf8 `polars.Series` of normalized candidate values (each one already a full
match of the recognizer's regex, so its shape is known) and returns a Boolean Series of the same
length. Checksums run on a numpy character matrix built from the whole batch at once: no Python
loop per value. The rules follow DOMAIN.md §8 (GB 11643, GB 32100, Luhn, VIN, mobile segments,
landline area codes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

import numpy as np
import polars as pl
import pyarrow as pa

from shuan.discovery import lexicon
from shuan.discovery.trie import trie_regex

Validator = Callable[[pl.Series], pl.Series]


def char_matrix(values: pl.Series, width: int) -> np.ndarray:
    """The values as a (n, width) uint8 matrix, read straight from the Arrow value buffer. Every value
    must be exactly `width` characters; a value that is not `width` bytes (non-ASCII) is replaced by
    "?"s of that width, which fails every check."""
    n = values.len()
    if n == 0:
        return np.zeros((0, width), dtype=np.uint8)
    arr = values.to_arrow(compat_level=pl.CompatLevel.oldest())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    if offsets[-1] - offsets[0] == n * width and np.all(np.diff(offsets) == width):
        data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        return data.reshape(n, width)
    fixed = values.str.replace_all(r"[^\x00-\x7f]", "?")
    fixed = pl.select(pl.when(fixed.str.len_bytes() == width).then(fixed).otherwise(pl.lit("?" * width))).to_series()
    return char_matrix(fixed, width)


def _digits_value(m: np.ndarray) -> np.ndarray:
    """Integer value of a matrix of ASCII digits, row-wise."""
    weights = 10 ** np.arange(m.shape[1] - 1, -1, -1, dtype=np.int64)
    value: np.ndarray = (m.astype(np.int64) - 48) @ weights
    return value


def _mask(values: pl.Series, ok: np.ndarray) -> pl.Series:
    return pl.Series(values.name, ok, dtype=pl.Boolean)


# Validators also exist in a matrix form (see MATRIX_VALIDATORS) taking "columns": a (width, n) uint8
# matrix whose column j holds the bytes of value j (one row per character position, so each position is
# a contiguous vector). Both forms compute with the same functions below, so they agree exactly.


def _columns(m: np.ndarray) -> np.ndarray:
    """A (n, width) character matrix as (width, n) columns."""
    return np.ascontiguousarray(m.T)


def _cols_value(cols: np.ndarray) -> np.ndarray:
    """Integer value of the digits in `cols` ((k, n) uint8, k ≤ 18), per value (as `_digits_value`)."""
    value = np.zeros(cols.shape[1], dtype=np.int64)
    for row in cols:
        value *= 10
        value += row
        value -= 48
    return value


def _cols_weighted(cols: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ weights[i] · (byte[i] − 48) per value (a weighted digit sum; as `digits @ weights`). Bytes are
    below 256 and weights small, so 32-bit sums are exact."""
    total = np.zeros(cols.shape[1], dtype=np.int32)
    for row, w in zip(cols, weights, strict=False):
        total += row.astype(np.int32) * int(w)
    total -= 48 * int(np.sum(weights[: cols.shape[0]]))
    return total.astype(np.int64)


def _cols_digits(cols: np.ndarray) -> np.ndarray:
    """Which values have only ASCII digits in `cols`."""
    return np.asarray(((cols - np.uint8(48)) <= 9).all(axis=0), dtype=bool)


def _cols_upper(cols: np.ndarray) -> np.ndarray:
    """ASCII a–z as A–Z (what str.to_uppercase does to ASCII text)."""
    lower = (cols - np.uint8(97)) < 26
    if not lower.any():
        return cols
    out: np.ndarray = np.where(lower, cols - np.uint8(32), cols).astype(np.uint8)
    return out


def _cols_ascii(cols: np.ndarray) -> bool:
    return bool(cols.size == 0 or cols.max() < 0x80)


def valid_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray, earliest: int = 1880) -> np.ndarray:
    """Vectorized calendar check (Gregorian leap years), not in the future."""
    today = dt.date.today()
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    month_ok = (month >= 1) & (month <= 12)
    dim = days[np.clip(month, 0, 12)] + ((month == 2) & leap)
    ordinal = year * 10000 + month * 100 + day
    not_future = ordinal <= today.year * 10000 + today.month * 100 + today.day
    ok: np.ndarray = month_ok & (day >= 1) & (day <= dim) & (year >= earliest) & not_future
    return ok


# --- 居民身份证号 GB 11643 -------------------------------------------------------------------

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


@cache
def _region_table() -> np.ndarray:
    """A boolean per 6-digit number: did it ever exist as a GB/T 2260 code (O(1) lookups)."""
    table = np.zeros(1_000_000, dtype=bool)
    table[lexicon.admin_codes()] = True
    return table


def _known_region(code: np.ndarray) -> np.ndarray:
    known: np.ndarray = _region_table()[np.clip(code, 0, 999_999)]
    return known


def _resident_id_18(cols: np.ndarray) -> np.ndarray:
    check_ok = _ID_CHECK[_cols_weighted(cols[:17], _ID_WEIGHTS) % 11] == cols[17]
    region_ok = _known_region(_cols_value(cols[:6]))
    date_ok = valid_dates(_cols_value(cols[6:10]), _cols_value(cols[10:12]), _cols_value(cols[12:14]))
    ok: np.ndarray = check_ok & region_ok & date_ok
    return ok


def _resident_id_15(cols: np.ndarray) -> np.ndarray:
    region_ok = _known_region(_cols_value(cols[:6]))
    date_ok = valid_dates(1900 + _cols_value(cols[6:8]), _cols_value(cols[8:10]), _cols_value(cols[10:12]))
    ok: np.ndarray = region_ok & date_ok
    return ok


def _upper_first_x(cols: np.ndarray) -> np.ndarray:
    """The first "x" of each value as "X" (str.replace, not replace_all)."""
    is_x = cols == 120
    if not is_x.any():
        return cols
    has = np.flatnonzero(is_x.any(axis=0))
    out = cols.copy()
    out[is_x.argmax(axis=0)[has], has] = 88
    return out


def resident_id(values: pl.Series) -> pl.Series:
    """18-digit numbers: region code that existed at some time, real birth date, check character.

    15-digit legacy numbers (YYMMDD birth date in the 1900s, no check character) are accepted when
    region and date are valid. The region is deliberately not tied to the birth year.
    """
    upper = values.str.replace("x", "X", literal=True)
    lengths = upper.str.len_bytes().to_numpy()
    ok = np.zeros(len(values), dtype=bool)
    long_idx = np.flatnonzero(lengths == 18)
    if long_idx.size:
        m = char_matrix(upper if long_idx.size == len(values) else upper.gather(long_idx), 18)
        ok[long_idx] = _resident_id_18(_columns(m))
    short_idx = np.flatnonzero(lengths == 15)
    if short_idx.size:
        ok[short_idx] = _resident_id_15(_columns(char_matrix(upper.gather(short_idx), 15)))
    return _mask(values, ok)


def _resident_id_cols(cols: np.ndarray) -> np.ndarray:
    width = cols.shape[0]
    if width == 18:
        return _resident_id_18(_upper_first_x(cols))
    if width == 15:
        return _resident_id_15(_upper_first_x(cols))
    return np.zeros(cols.shape[1], dtype=bool)


def resident_id_embedded(values: pl.Series) -> pl.Series:
    """Identifiers that carry an ID number inside them: 残疾人证号 (the ID plus one or two digits) and
    全国学籍号 (a letter plus the ID)."""
    inner = values.str.extract(r"^[A-Z]?([0-9]{17}[0-9X])", 1).fill_null("")
    return resident_id(inner).alias(values.name)


def resident_id_birth(values: pl.Series) -> pl.Series:
    """The birth date (YYYYMMDD int) inside valid 18-digit ID numbers; 0 elsewhere."""
    upper = values.str.to_uppercase()
    out = np.zeros(len(values), dtype=np.int64)
    idx = np.flatnonzero(upper.str.contains(r"^\d{17}[\dX]$").fill_null(False).to_numpy())
    if idx.size:
        out[idx] = _digits_value(char_matrix(upper.gather(idx), 18)[:, 6:14])
    return pl.Series(values.name, out)


# --- 统一社会信用代码 GB 32100 ---------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(USCC_ALPHABET):
    _USCC_VALUE[ord(_c)] = _i
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
# GB 32100 table 1: registration authority (position 1) -> allowed entity categories (position 2)
USCC_CATEGORIES: dict[str, str] = {
    "1": "1239", "2": "19", "3": "1234569", "4": "19", "5": "1239", "6": "129",
    "7": "129", "8": "19", "9": "123", "A": "19", "N": "1239", "Y": "1",
}
_USCC_PAIR_OK = np.zeros((256, 256), dtype=bool)
for _a, _bs in USCC_CATEGORIES.items():
    for _b in _bs:
        _USCC_PAIR_OK[ord(_a), ord(_b)] = True
_ORG_VALUE = np.full(256, -1, dtype=np.int64)
for _c in "0123456789":
    _ORG_VALUE[ord(_c)] = ord(_c) - 48
for _c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _ORG_VALUE[ord(_c)] = ord(_c) - 55


def _uscc_cols(cols: np.ndarray) -> np.ndarray:
    """GB 32100 on (18, n) upper-case columns."""
    vals = np.take(_USCC_VALUE.astype(np.int8), cols)  # small tables: 1 byte a character, not 8
    pair_ok = _USCC_PAIR_OK[cols[0], cols[1]]
    region_digits = _cols_digits(cols[2:8])
    check = (31 - _weighted_values(vals[:17], _USCC_WEIGHTS) % 31) % 31
    check_ok = np.all(vals >= 0, axis=0) & (check == vals[17])
    org = np.take(_ORG_VALUE.astype(np.int8), cols[8:16])
    org_sum = 11 - _weighted_values(org, _ORG_WEIGHTS) % 11
    expected = np.where(org_sum == 10, ord("X"), np.where(org_sum == 11, ord("0"), org_sum + 48))
    org_ok = np.all(org >= 0, axis=0) & (expected == cols[16])
    ok: np.ndarray = pair_ok & region_digits & check_ok & org_ok
    return ok


def _weighted_values(vals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ weights[i] · vals[i] per value, `vals` already small numbers ((k, n); exact in 32 bits)."""
    total = np.zeros(vals.shape[1], dtype=np.int32)
    for row, w in zip(vals, weights, strict=False):
        total += row.astype(np.int32) * int(w)
    return total.astype(np.int64)


def uscc(values: pl.Series) -> pl.Series:
    """Both check characters, position 1/2 combination, digits in the region code."""
    return _mask(values, _uscc_cols(_columns(char_matrix(values.str.to_uppercase(), 18))))


def _uscc_matrix(cols: np.ndarray) -> np.ndarray:
    if cols.shape[0] != 18:
        return np.zeros(cols.shape[1], dtype=bool)
    return _uscc_cols(_cols_upper(cols))


# --- bank cards (Luhn + issuer) ------------------------------------------------------------------


_LUHN_DOUBLE = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)


def _luhn_cols(cols: np.ndarray) -> np.ndarray:
    width = cols.shape[0]
    total = np.zeros(cols.shape[1], dtype=np.int64)
    for i, row in enumerate(cols):
        d = row.astype(np.int64) - 48
        d = np.where((d < 0) | (d > 9), 0, d)
        # from the right: positions 1, 3, 5, … (0-based) are doubled
        total += _LUHN_DOUBLE[d] if (width - 1 - i) % 2 == 1 else d
    ok: np.ndarray = total % 10 == 0
    return ok


def luhn(values: pl.Series) -> pl.Series:
    """Luhn check over digit strings of any length up to 19, grouped by length (no padding copies)."""
    ok = np.zeros(len(values), dtype=bool)
    lengths = values.str.len_bytes().to_numpy()
    for width in np.unique(lengths):
        idx = np.flatnonzero(lengths == width)
        sub = values if idx.size == len(values) else values.gather(idx)
        ok[idx] = _luhn_cols(_columns(char_matrix(sub, int(width))))
    return _mask(values, ok)


@cache
def _bins_by_width() -> tuple[tuple[int, pl.Series], ...]:
    bins = lexicon.bank_bins()
    return tuple((w, pl.Series([b for b in bins if len(b) == w], dtype=pl.Utf8)) for w in sorted({len(b) for b in bins}))


@cache
def _bin_numbers() -> tuple[tuple[int, np.ndarray], ...] | None:
    """The BINs as numbers per length (None if one is not all ASCII digits: then strings are compared)."""
    bins = lexicon.bank_bins()
    if not all(b.isascii() and b.isdigit() for b in bins):
        return None
    return tuple((w, np.array(sorted({int(b) for b in bins if len(b) == w}), dtype=np.int64))
                 for w in sorted({len(b) for b in bins}))


def bank_card_known_issuer(values: pl.Series) -> pl.Series:
    known = pl.Series(values.name, np.zeros(len(values), dtype=bool))
    for width, bins in _bins_by_width():
        known = known | values.str.slice(0, width).is_in(bins.implode())
    return known


def bank_card(values: pl.Series) -> pl.Series:
    """Luhn-valid card numbers whose issuer is plausible: a known BIN, UnionPay (62), or an
    international scheme prefix (3/4/5/6/9) at the usual lengths."""
    ok = luhn(values)
    scheme = values.str.contains(r"^(?:62|60|9|4|5[1-5]|3[57])")
    if scheme.all():
        return (ok & scheme).alias(values.name)
    return (ok & (scheme | bank_card_known_issuer(values))).alias(values.name)


def _bank_card_matrix(cols: np.ndarray) -> np.ndarray:
    width, n = cols.shape
    numbers = _bin_numbers()
    if numbers is None or width == 0:
        return bank_card(strings(cols)).to_numpy()
    ok = _luhn_cols(cols)
    c0 = cols[0]
    c1 = cols[1] if width >= 2 else np.zeros(n, dtype=np.uint8)
    # ^(?:62|60|9|4|5[1-5]|3[57])
    scheme = (c0 == 57) | (c0 == 52) | ((c0 == 54) & ((c1 == 50) | (c1 == 48)))
    scheme |= ((c0 == 53) & (c1 >= 49) & (c1 <= 53)) | ((c0 == 51) & ((c1 == 53) | (c1 == 55)))
    if scheme.all():
        out: np.ndarray = ok & scheme
        return out
    known = np.zeros(n, dtype=bool)
    for w, bins in numbers:
        if width >= w:
            known |= _cols_digits(cols[:w]) & np.isin(_cols_value(cols[:w]), bins)
    out = ok & (scheme | known)
    return out


# --- VIN (ISO 3779 / GB 16735 check digit) ------------------------------------------------------

_VIN_VALUE = np.full(256, -1, dtype=np.int64)
for _c in "0123456789":
    _VIN_VALUE[ord(_c)] = ord(_c) - 48
for _c, _v in zip("ABCDEFGHJKLMNPRSTUVWXYZ", [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9], strict=True):
    _VIN_VALUE[ord(_c)] = _v
_VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)


def _vin_cols(cols: np.ndarray) -> np.ndarray:
    vals = np.take(_VIN_VALUE.astype(np.int8), cols)  # small table: 1 byte a character, not 8
    rem = _weighted_values(vals, _VIN_WEIGHTS) % 11
    expected = np.where(rem == 10, ord("X"), rem + 48)
    has_letter = np.any(cols >= 65, axis=0)  # a 17-digit number is an order number, not a VIN
    ok: np.ndarray = np.all(vals >= 0, axis=0) & (expected == cols[8]) & has_letter
    return ok


def vin(values: pl.Series) -> pl.Series:
    return _mask(values, _vin_cols(_columns(char_matrix(values.str.to_uppercase(), 17))))


def _vin_matrix(cols: np.ndarray) -> np.ndarray:
    if cols.shape[0] != 17:
        return np.zeros(cols.shape[1], dtype=bool)
    return _vin_cols(_cols_upper(cols))


# --- phones -----------------------------------------------------------------------------------


@cache
def _series(name: str) -> pl.Series:
    """Reference sets as Polars Series, built once (is_in on a list converts the list every call)."""
    three, four = lexicon.mobile_prefixes()
    full, short = lexicon.ethnicities()
    data = {
        "mobile3": three, "mobile4": four, "ethnicity": full | short,
    }[name]
    return pl.Series(sorted(data), dtype=pl.Utf8)


def mobile(values: pl.Series) -> pl.Series:
    ok = values.str.slice(0, 3).is_in(_series("mobile3").implode())
    if not ok.all():
        ok = ok | values.str.slice(0, 4).is_in(_series("mobile4").implode())
    return ok.alias(values.name)


@cache
def _mobile_tables() -> tuple[np.ndarray, np.ndarray] | None:
    """The allocated 3- and 4-digit prefixes as lookup tables (None if one is not ASCII digits)."""
    three, four = lexicon.mobile_prefixes()
    if not all(p.isascii() and p.isdigit() for p in three | four):
        return None
    t3, t4 = np.zeros(1000, dtype=bool), np.zeros(10_000, dtype=bool)
    t3[[int(p) for p in three]] = True
    t4[[int(p) for p in four]] = True
    return t3, t4


def _mobile_matrix(cols: np.ndarray) -> np.ndarray:
    width, n = cols.shape
    tables = _mobile_tables()
    if tables is None:
        return mobile(strings(cols)).to_numpy()
    ok = np.zeros(n, dtype=bool)
    if width >= 3:
        ok = _cols_digits(cols[:3]) & tables[0][np.clip(_cols_value(cols[:3]), 0, 999)]
    if not ok.all() and width >= 4:
        ok |= _cols_digits(cols[:4]) & tables[1][np.clip(_cols_value(cols[:4]), 0, 9999)]
    return ok


@cache
def _landline_pattern() -> str:
    """The area codes that exist, as one alternation: three digits after 01/02, four after 03–09."""
    codes = lexicon.area_codes()
    three = [c for c in codes if len(c) == 3 and c[1] in "12"]
    four = [c for c in codes if len(c) == 4 and c[1] in "3456789"]
    return rf"^\(?(?:{trie_regex(three)}|{trie_regex(four)})\)?[\s-]?[2-9]"


def landline(values: pl.Series) -> pl.Series:
    """Area code must exist (010, 02x, 0xxx); the local number must start with 2–9 (one regex pass over
    the codes that exist: no capture to extract and look up)."""
    return values.str.contains(_landline_pattern()).fill_null(False).alias(values.name)


# --- network ------------------------------------------------------------------------------------


_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"^{_OCTET}(?:\.{_OCTET}){{3}}$"


def ipv4(values: pl.Series) -> pl.Series:
    """Octets 0–255 without leading zeros (one regex pass); 0.0.0.0 is not an address, and 255.… values
    are subnet masks or broadcast addresses, which identify no one."""
    unspecified = values == "0.0.0.0"  # noqa: S104 - a value, not a bind address
    mask = values.str.starts_with("255.")
    return (values.str.contains(_IPV4) & ~unspecified & ~mask).fill_null(False).alias(values.name)


_NULL_MAC = r"^(?:0{2}[:\-.]?){5}0{2}$"


def mac(values: pl.Series) -> pl.Series:
    """Separated forms are accepted as is; a bare 12-hex-digit string must contain a letter a–f."""
    bare = ~values.str.contains(r"[:\-.]")
    has_letter = values.str.contains(r"(?i)[a-f]")
    not_null_mac = ~values.str.contains(_NULL_MAC)
    return ((~bare | has_letter) & not_null_mac).alias(values.name)


def _mac_matrix(cols: np.ndarray) -> np.ndarray:
    sep = (cols == 58) | (cols == 45) | (cols == 46)  # : - .
    bare = ~sep.any(axis=0)
    has_letter = (((cols | np.uint8(0x20)) - np.uint8(97)) <= 5).any(axis=0)  # a–f, A–F (ASCII columns)
    ok: np.ndarray = ~bare | has_letter
    # the null address (all zeros) is rare: only values of zeros and separators go to the regex
    zeros_only = ((cols == 48) | sep).all(axis=0) & ok
    if zeros_only.any():
        at = np.flatnonzero(zeros_only)
        ok[at] = ~strings(cols[:, at]).str.contains(_NULL_MAC).to_numpy()
    return ok


# --- coordinates -------------------------------------------------------------------------------


def coordinate_pair(values: pl.Series) -> pl.Series:
    """"lon,lat" or "lat,lon" with both inside China's bounding box."""
    # the shape is two numbers around a separator: both read in one regex pass, each parsed once (an
    # expression used twice in one eager query would be evaluated twice)
    parts = values.str.extract_groups(r"^(-?[0-9]+\.[0-9]+)[^0-9.\-]+(-?[0-9]+\.[0-9]+)$")
    numbers = pl.DataFrame({"a": parts.struct.field("1"), "b": parts.struct.field("2")}).select(
        pl.all().cast(pl.Float64, strict=False)
    )
    a, b = pl.col("a"), pl.col("b")
    lon_lat = a.is_between(73.4, 135.1) & b.is_between(3.5, 53.6)
    lat_lon = b.is_between(73.4, 135.1) & a.is_between(3.5, 53.6)
    return numbers.select((lon_lat | lat_lon).fill_null(False)).to_series().alias(values.name)


def coordinate_axis(values: pl.Series) -> pl.Series:
    """A single longitude or latitude inside China's bounds (only meaningful with a header hint)."""
    x = values.cast(pl.Float64, strict=False)
    return (x.is_between(3.5, 53.6) | x.is_between(73.4, 135.1)).fill_null(False).alias(values.name)


# --- dates ---------------------------------------------------------------------------------------


def date_ints(values: pl.Series) -> np.ndarray:
    """Each value as a YYYYMMDD integer when it is a real date between 1880 and today, else 0.

    Fixed-width ASCII shapes are read straight from the buffer (YYYYMMDD, YYYY-MM-DD with any separator,
    with or without a time); others (1985/3/12, 1985年3月12日 …) through one regex.
    """
    out = np.zeros(len(values), dtype=np.int64)
    lengths = values.str.len_bytes().fill_null(0).to_numpy()
    rest = np.ones(len(values), dtype=bool)
    for width, (ys, ms, ds) in ((8, (0, 4, 6)), (10, (0, 5, 8)), (19, (0, 5, 8))):
        idx = np.flatnonzero(lengths == width)
        if not idx.size:
            continue
        cols = _columns(char_matrix(values if idx.size == len(values) else values.gather(idx), width))
        digits_ok = _cols_digits(cols[[ys, ys + 1, ys + 2, ys + 3, ms, ms + 1, ds, ds + 1]])
        y, mo, d = _cols_value(cols[ys : ys + 4]), _cols_value(cols[ms : ms + 2]), _cols_value(cols[ds : ds + 2])
        out[idx] = np.where(digits_ok & valid_dates(y, mo, d), y * 10000 + mo * 100 + d, 0)
        rest[idx] = False
    idx = np.flatnonzero(rest)
    if idx.size:
        sub = values if idx.size == len(values) else values.gather(idx)
        parts = sub.str.extract_groups(r"^([0-9]{4})[^0-9]?([0-9]{1,2})[^0-9]?([0-9]{1,2})")
        y, mo, d = (parts.struct.field(str(i)).cast(pl.Int64, strict=False).fill_null(0).to_numpy() for i in (1, 2, 3))
        out[idx] = np.where(valid_dates(y, mo, d), y * 10000 + mo * 100 + d, 0)
    return out


def birth_date(values: pl.Series) -> pl.Series:
    """A real calendar date between 1880 and today (shape already checked by the pattern)."""
    return _mask(values, date_ints(values) > 0)


def year_month(values: pl.Series) -> pl.Series:
    """A year and month (出生年月 such as 1982-01, 1981.12, 198201), year 1880 to now."""
    parts = values.str.extract_groups(r"^([0-9]{4})[^0-9]?([0-9]{1,2})")
    y = parts.struct.field("1").cast(pl.Int64, strict=False).fill_null(0).to_numpy()
    m = parts.struct.field("2").cast(pl.Int64, strict=False).fill_null(0).to_numpy()
    return _mask(values, valid_dates(y, m, np.ones_like(m)))


# --- dictionaries --------------------------------------------------------------------------------


def ethnicity(values: pl.Series) -> pl.Series:
    return values.is_in(_series("ethnicity").implode()).alias(values.name)


def icd10(values: pl.Series) -> pl.Series:
    """ICD-10 category letters with the chapter ranges in use (U only for the U00–U85 block)."""
    letter = values.str.slice(0, 1).str.to_uppercase()
    num = values.str.slice(1, 2).cast(pl.Int64, strict=False)
    ok = (letter != "U") | (num <= 85)
    # D49, H96-99, K94-99 are unused blocks; P97-99 too
    gaps = ((letter == "D") & (num == 49)) | ((letter == "H") & (num >= 96)) | ((letter == "K") & (num >= 94))
    gaps = gaps | ((letter == "P") & (num >= 97))
    return (ok & ~gaps).fill_null(False).alias(values.name)


def diagnosis(values: pl.Series) -> pl.Series:
    """Values that name a disease from the bundled dictionary. One regex of the dictionary's words (a
    trie; Polars keeps it compiled between calls) rather than `contains_any`, which builds its
    Aho–Corasick automaton of some 600 words again at every call (about a millisecond each)."""
    return values.str.contains(_disease_regex()).fill_null(False).alias(values.name)


@cache
def _disease_list() -> list[str]:
    return list(lexicon.diseases())


@cache
def _disease_regex() -> str:
    from shuan.discovery.trie import trie_regex

    return trie_regex(_disease_list())


def ip(values: pl.Series) -> pl.Series:
    """IPv4 octet check; IPv6 shapes are fully checked by the pattern."""
    v6 = values.str.contains(":")
    return (v6 | ipv4(values)).alias(values.name)


VALIDATORS: dict[str, Validator] = {
    "gb11643": resident_id,
    "gb11643_embedded": resident_id_embedded,
    "gb32100": uscc,
    "luhn": luhn,
    "bank_card": bank_card,
    "vin": vin,
    "mobile_segment": mobile,
    "landline_area_code": landline,
    "ipv4": ipv4,
    "ip": ip,
    "mac": mac,
    "coordinate_pair": coordinate_pair,
    "coordinate_axis": coordinate_axis,
    "date": birth_date,
    "year_month": year_month,
    "ethnicity": ethnicity,
    "icd10": icd10,
    "diagnosis": diagnosis,
}


def _late_validators() -> None:
    from shuan.discovery.address import address
    from shuan.discovery.names import person_name

    VALIDATORS["person_name"] = person_name
    VALIDATORS["address"] = address


_late_validators()


def register(name: str, fn: Validator) -> None:
    """Extension hook: make a validator available to YAML recognizers by name."""
    VALIDATORS[name] = fn


# --- matrix forms -------------------------------------------------------------------------------

MatrixValidator = Callable[[np.ndarray], np.ndarray]

#: validator name -> (its Series form, its matrix form). A matrix form takes the (width, n) columns of
#: values that all have `width` bytes and match a fixed ASCII shape (see shapes.py), and returns what
#: the Series form returns for them. It is used only while VALIDATORS still holds that Series form (a
#: validator replaced through `register` loses its matrix form).
MATRIX_VALIDATORS: dict[str, tuple[Validator, MatrixValidator]] = {
    "gb11643": (resident_id, _resident_id_cols),
    "gb32100": (uscc, _uscc_matrix),
    "luhn": (luhn, _luhn_cols),
    "bank_card": (bank_card, _bank_card_matrix),
    "vin": (vin, _vin_matrix),
    "mobile_segment": (mobile, _mobile_matrix),
    "mac": (mac, _mac_matrix),
}


def matrix_validator(name: str) -> MatrixValidator | None:
    entry = MATRIX_VALIDATORS.get(name)
    if entry is None or VALIDATORS.get(name) is not entry[0]:
        return None
    return entry[1]


def strings(cols: np.ndarray) -> pl.Series:
    """The values of (width, n) columns as a Utf8 series (the columns must be whole UTF-8 values)."""
    width, n = cols.shape
    data = np.ascontiguousarray(cols.T).reshape(-1)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64) if width else np.zeros(n + 1, np.int64)
    arr = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    return pl.Series("v", arr, dtype=pl.Utf8)
