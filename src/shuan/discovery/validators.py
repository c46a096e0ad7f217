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
        digits = m[:, :17].astype(np.int64) - 48
        check_ok = _ID_CHECK[(digits @ _ID_WEIGHTS) % 11] == m[:, 17]
        region_ok = _known_region(_digits_value(m[:, :6]))
        date_ok = valid_dates(_digits_value(m[:, 6:10]), _digits_value(m[:, 10:12]), _digits_value(m[:, 12:14]))
        ok[long_idx] = check_ok & region_ok & date_ok
    short_idx = np.flatnonzero(lengths == 15)
    if short_idx.size:
        m = char_matrix(upper.gather(short_idx), 15)
        region_ok = _known_region(_digits_value(m[:, :6]))
        date_ok = valid_dates(1900 + _digits_value(m[:, 6:8]), _digits_value(m[:, 8:10]), _digits_value(m[:, 10:12]))
        ok[short_idx] = region_ok & date_ok
    return _mask(values, ok)


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


def uscc(values: pl.Series) -> pl.Series:
    """Both check characters, position 1/2 combination, digits in the region code."""
    m = char_matrix(values.str.to_uppercase(), 18)
    vals = _USCC_VALUE[m]
    pair_ok = _USCC_PAIR_OK[m[:, 0], m[:, 1]]
    region_digits = np.all((m[:, 2:8] >= 48) & (m[:, 2:8] <= 57), axis=1)
    check = (31 - (vals[:, :17] @ _USCC_WEIGHTS) % 31) % 31
    check_ok = np.all(vals >= 0, axis=1) & (check == vals[:, 17])
    org = _ORG_VALUE[m[:, 8:16]]
    org_sum = 11 - (org @ _ORG_WEIGHTS) % 11
    expected = np.where(org_sum == 10, ord("X"), np.where(org_sum == 11, ord("0"), org_sum + 48))
    org_ok = np.all(org >= 0, axis=1) & (expected == m[:, 16])
    return _mask(values, pair_ok & region_digits & check_ok & org_ok)


# --- bank cards (Luhn + issuer) ------------------------------------------------------------------


_LUHN_DOUBLE = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)


def luhn(values: pl.Series) -> pl.Series:
    """Luhn check over digit strings of any length up to 19, grouped by length (no padding copies)."""
    ok = np.zeros(len(values), dtype=bool)
    lengths = values.str.len_bytes().to_numpy()
    for width in np.unique(lengths):
        idx = np.flatnonzero(lengths == width)
        sub = values if idx.size == len(values) else values.gather(idx)
        d = char_matrix(sub, int(width)).astype(np.int64) - 48
        if np.any((d < 0) | (d > 9)):
            d = np.where((d < 0) | (d > 9), 0, d)
        # from the right: positions 1, 3, 5, … (0-based) are doubled
        from_right = np.arange(int(width))[::-1]
        doubled = from_right % 2 == 1
        total = d[:, ~doubled].sum(axis=1) + _LUHN_DOUBLE[d[:, doubled]].sum(axis=1)
        ok[idx] = total % 10 == 0
    return _mask(values, ok)


@cache
def _bins_by_width() -> tuple[tuple[int, pl.Series], ...]:
    bins = lexicon.bank_bins()
    return tuple((w, pl.Series([b for b in bins if len(b) == w], dtype=pl.Utf8)) for w in sorted({len(b) for b in bins}))


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


# --- VIN (ISO 3779 / GB 16735 check digit) ------------------------------------------------------

_VIN_VALUE = np.full(256, -1, dtype=np.int64)
for _c in "0123456789":
    _VIN_VALUE[ord(_c)] = ord(_c) - 48
for _c, _v in zip("ABCDEFGHJKLMNPRSTUVWXYZ", [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9], strict=True):
    _VIN_VALUE[ord(_c)] = _v
_VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)


def vin(values: pl.Series) -> pl.Series:
    m = char_matrix(values.str.to_uppercase(), 17)
    vals = _VIN_VALUE[m]
    rem = (vals @ _VIN_WEIGHTS) % 11
    expected = np.where(rem == 10, ord("X"), rem + 48)
    has_letter = np.any(m >= 65, axis=1)  # a 17-digit number is an order number, not a VIN
    return _mask(values, np.all(vals >= 0, axis=1) & (expected == m[:, 8]) & has_letter)


# --- phones -----------------------------------------------------------------------------------


@cache
def _series(name: str) -> pl.Series:
    """Reference sets as Polars Series, built once (is_in on a list converts the list every call)."""
    three, four = lexicon.mobile_prefixes()
    full, short = lexicon.ethnicities()
    data = {
        "mobile3": three, "mobile4": four, "area": lexicon.area_codes(), "ethnicity": full | short,
    }[name]
    return pl.Series(sorted(data), dtype=pl.Utf8)


def mobile(values: pl.Series) -> pl.Series:
    ok = values.str.slice(0, 3).is_in(_series("mobile3").implode())
    if not ok.all():
        ok = ok | values.str.slice(0, 4).is_in(_series("mobile4").implode())
    return ok.alias(values.name)


def landline(values: pl.Series) -> pl.Series:
    """Area code must exist (010, 02x, 0xxx); the local number must start with 2–9."""
    parts = values.str.extract_groups(r"^\(?(0[12][0-9]|0[3-9][0-9]{2})\)?[\s-]?([2-9])")
    area = parts.struct.field("1")
    return (area.is_in(_series("area").implode()) & parts.struct.field("2").is_not_null()).fill_null(False).alias(
        values.name
    )


# --- network ------------------------------------------------------------------------------------


_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"^{_OCTET}(?:\.{_OCTET}){{3}}$"


def ipv4(values: pl.Series) -> pl.Series:
    """Octets 0–255 without leading zeros (one regex pass); 0.0.0.0 is not an address, and 255.… values
    are subnet masks or broadcast addresses, which identify no one."""
    unspecified = values == "0.0.0.0"  # noqa: S104 - a value, not a bind address
    mask = values.str.starts_with("255.")
    return (values.str.contains(_IPV4) & ~unspecified & ~mask).fill_null(False).alias(values.name)


def mac(values: pl.Series) -> pl.Series:
    """Separated forms are accepted as is; a bare 12-hex-digit string must contain a letter a–f."""
    bare = ~values.str.contains(r"[:\-.]")
    has_letter = values.str.contains(r"(?i)[a-f]")
    not_null_mac = ~values.str.contains(r"^(?:0{2}[:\-.]?){5}0{2}$")
    return ((~bare | has_letter) & not_null_mac).alias(values.name)


# --- coordinates -------------------------------------------------------------------------------


def coordinate_pair(values: pl.Series) -> pl.Series:
    """"lon,lat" or "lat,lon" with both inside China's bounding box."""
    parts = values.str.replace_all(r"\s*[,，]\s*|\s+", ",").str.split_exact(",", 1)
    a = parts.struct.field("field_0").cast(pl.Float64, strict=False)
    b = parts.struct.field("field_1").cast(pl.Float64, strict=False)
    lon_lat = a.is_between(73.4, 135.1) & b.is_between(3.5, 53.6)
    lat_lon = b.is_between(73.4, 135.1) & a.is_between(3.5, 53.6)
    return (lon_lat | lat_lon).fill_null(False).alias(values.name)


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
        m = char_matrix(values if idx.size == len(values) else values.gather(idx), width)
        digits_ok = np.all((m[:, [ys, ys + 1, ys + 2, ys + 3, ms, ms + 1, ds, ds + 1]] - 48) <= 9, axis=1)
        y, mo, d = _digits_value(m[:, ys : ys + 4]), _digits_value(m[:, ms : ms + 2]), _digits_value(m[:, ds : ds + 2])
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
    """Values that name a disease from the bundled dictionary (Aho–Corasick containment)."""
    return values.str.contains_any(_disease_list()).fill_null(False).alias(values.name)


@cache
def _disease_list() -> list[str]:
    return list(lexicon.diseases())


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
