"""Masking operators (GB/T 37964 de-identification techniques), pure and vectorized over Polars Series.

An operator is a small pydantic model: its fields are its parameters, validated when it is built (a bad
parameter is a one-line `ConfigError` in the catalogue's language), and ``apply(series) -> series`` masks
one column. Operators are looked up by name (`create("keep_first_last", {"first": 3, "last": 4})`) from
`OPERATORS`; `register` adds one, as Presidio's anonymizer factory does.

Common rules:

* nulls stay null and empty strings stay empty (a blank carries no identity); other values of a
  non-text column are read as text by the text operators (an INTEGER phone column comes out as text);
* the keep/mask/range/before-after operators are Polars string expressions, with no per-value Python;
* keyed operators (pseudonym, tokenize, encrypt, date_shift, noise, fake) need a `MaskingKey`, bound with
  ``op.bind(key)``; every sub-key is derived from the scenario key with HKDF-SM3 and a purpose string,
  so one scenario key gives the same pseudonyms in every table (joins still work) and unrelated keys for
  unrelated purposes. The per-value work of the deterministic keyed operators (HMAC-SM3, SM4) is done
  once per distinct value of a batch and mapped back, so repeated values cost once;
* `reversible` operators (tokenize, encrypt) have ``reverse``; the others raise.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import re
from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any, ClassVar, Literal

import numpy as np
import polars as pl
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from shuan.crypto.kdf import hkdf_sm3
from shuan.crypto.sm3 import hmac_sm3, sm3, sm3_hex
from shuan.crypto.sm4 import sm4_gcm_decrypt, sm4_gcm_encrypt
from shuan.errors import ConfigError, CryptoError
from shuan.messages import msg, validation_reason

__all__ = [
    "OPERATORS",
    "MaskingKey",
    "Operator",
    "apply_frame",
    "create",
    "hmac_sm3_many",
    "register",
]

_KDF_SALT = b"shuan/masking/v1"


# ------------------------------------------------------------------------------------------- keys


class MaskingKey:
    """A scenario's masking secret (16–64 bytes). Operators never see it: they get sub-keys derived for
    one purpose each (HKDF-SM3, `derive`). The material is never shown, logged or put in an event; the
    `fingerprint` (SM3 of a derived value) names the key in audit records."""

    __slots__ = ("_derived", "_secret", "label")

    def __init__(self, secret: bytes, *, label: str = "") -> None:
        if len(secret) < 16:
            raise CryptoError("masking.key_short", length=len(secret))
        if secret == bytes(len(secret)):
            raise CryptoError("masking.key_weak")
        self._secret = bytes(secret)
        self._derived: dict[tuple[str, int], bytes] = {}
        self.label = label

    def derive(self, purpose: str, length: int = 32) -> bytes:
        found = self._derived.get((purpose, length))
        if found is None:
            found = hkdf_sm3(self._secret, salt=_KDF_SALT, info=purpose.encode("utf-8"), length=length)
            self._derived[(purpose, length)] = found
        return found

    @property
    def fingerprint(self) -> str:
        return sm3_hex(self.derive("fingerprint"))[:16]

    def __repr__(self) -> str:
        return f"MaskingKey({self.label or '-'}, <withheld>)"


def hmac_sm3_many(key: bytes, items: Sequence[bytes]) -> list[bytes]:
    """HMAC-SM3 (RFC 2104) of every item under one key: 32-byte tags, equal to `shuan.crypto.sm3.hmac_sm3`.

    The inner and outer pads are hashed once; each item then costs two SM3 compressions from copies of
    those states (OpenSSL through hashlib), about 1.5 µs per short value. Falls back to one
    `cryptography` HMAC per item when the linked OpenSSL has no SM3 in hashlib.
    """
    try:
        inner = hashlib.new("sm3")
        outer = hashlib.new("sm3")
    except ValueError:  # pragma: no cover - depends on the OpenSSL that Python links
        return [hmac_sm3(key, v) for v in items]
    block = (sm3(key) if len(key) > 64 else key).ljust(64, b"\0")
    inner.update(bytes(b ^ 0x36 for b in block))
    outer.update(bytes(b ^ 0x5C for b in block))
    icopy, ocopy = inner.copy, outer.copy
    out: list[bytes] = []
    append = out.append
    for v in items:
        a = icopy()
        a.update(v)
        b = ocopy()
        b.update(a.digest())
        append(b.digest())
    return out


# ---------------------------------------------------------------------------------------- helpers


def _text(values: pl.Series) -> pl.Series:
    """The column as text (Utf8): dates as ISO, numbers in their shortest form, undecodable bytes null."""
    if values.dtype == pl.String:
        return values
    if values.dtype == pl.Null:
        return values.cast(pl.String)
    return values.cast(pl.String, strict=False)


def _frame(values: pl.Series) -> pl.DataFrame:
    return _text(values).alias("v").to_frame()


def _is_numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric()


def _max_chars(text: pl.Series) -> int:
    longest = text.str.len_chars().max()
    return int(longest) if isinstance(longest, int) else 0


def _mask_run(char: str, count: pl.Expr, longest: int) -> pl.Expr:
    """`count` mask characters per row: a slice of one literal as long as the longest value."""
    return pl.lit(char * max(longest, 1)).str.slice(0, count)


def _keep_ends(col: pl.Expr, *, first: int, last: int, min_masked: int, char: str, fixed: int | None,
               longest: int) -> pl.Expr:
    """Keep `first` and `last` characters and mask the middle. A value shorter than first + last +
    min_masked keeps proportionally fewer at each end (a 5-digit value under 3/4 shows 1**45, a one-character
    name under 1/0 shows *), so a short value is never shown almost whole. `fixed` replaces the middle by
    that many characters (hiding the length)."""
    n = col.str.len_chars().cast(pl.Int64)
    nominal = max(first + last + min_masked, 1)
    kf = pl.min_horizontal(pl.lit(first, dtype=pl.Int64), (n * first) // nominal)
    kl = pl.min_horizontal(pl.lit(last, dtype=pl.Int64), (n * last) // nominal)
    hidden = n - kf - kl
    run = _mask_run(char, hidden, longest) if fixed is None else (
        pl.when(hidden > 0).then(pl.lit(char * fixed)).otherwise(pl.lit("")))
    return pl.concat_str([col.str.slice(0, kf), run, col.str.slice(n - kl, kl)])


def _keep_ends_one(value: str, *, first: int, last: int, min_masked: int, char: str, fixed: int | None) -> str:
    """`_keep_ends` for one value (the same arithmetic; a test checks both agree)."""
    n = len(value)
    nominal = max(first + last + min_masked, 1)
    kf = min(first, n * first // nominal)
    kl = min(last, n * last // nominal)
    hidden = n - kf - kl
    run = char * max(hidden, 0) if fixed is None else (char * fixed if hidden > 0 else "")
    return value[:kf] + run + value[n - kl:]


def _blank_kept(original: pl.Series, masked: pl.Series) -> pl.Series:
    """Empty strings stay empty, nulls stay null."""
    text = _text(original)
    return masked.zip_with(text.is_not_null() & (text != ""), text)


#: up to this many rows `_map_distinct` maps through a dictionary (fixed Polars overhead dominates there)
SMALL_SERIES = 256


def _map_distinct(text: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """Apply `fn` (distinct values -> results, same length, Utf8) to each distinct non-blank value once and map
    the results back to every row. Nulls and empty strings are kept as they are.

    The distinct values come from the rows' 64-bit hashes (``np.unique`` with the inverse); the mapping is
    then checked exactly (every row equals the value it was mapped from), and if two different values ever
    share a hash the rows are matched by a join on the values themselves instead.
    """
    if text.len() <= SMALL_SERIES:
        return _map_distinct_small(text, fn)
    valid = text.is_not_null() & (text != "")
    _, first, inverse = np.unique(text.hash().to_numpy(), return_index=True, return_inverse=True)
    uniq = text.gather(pl.Series(first))
    inverse_s = pl.Series(inverse.reshape(-1))
    if not uniq.gather(inverse_s).eq_missing(text).all():
        return _map_by_join(text, valid, fn)
    usable = (uniq.is_not_null() & (uniq != "")).to_numpy()
    if not usable.any():
        return text
    if usable.all():
        mapped = fn(uniq)
    else:
        where = pl.Series(np.flatnonzero(usable))
        mapped = pl.Series([None] * uniq.len(), dtype=pl.String).scatter(where, fn(uniq.gather(where)))
    return mapped.gather(inverse_s).alias(text.name).zip_with(valid, text)


def _map_distinct_small(text: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """`_map_distinct` for a few rows (a data-service answer): a dictionary instead of hashing, so a
    20-row answer costs microseconds rather than a dozen Polars queries. Same result."""
    values: list[str | None] = text.to_list()
    distinct = list(dict.fromkeys(v for v in values if v))
    if not distinct:
        return text
    results: list[str | None] = fn(pl.Series(distinct, dtype=pl.String)).to_list()
    mapped = dict(zip(distinct, results, strict=True))
    return pl.Series(text.name, [mapped[v] if v else v for v in values], dtype=pl.String)


def _map_by_join(text: pl.Series, valid: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    uniq = text.filter(valid).unique(maintain_order=True)
    table = pl.DataFrame({"v": uniq, "m": fn(uniq)})
    joined = text.alias("v").to_frame().join(table, on="v", how="left", maintain_order="left")
    return joined.get_column("m").alias(text.name).zip_with(valid, text)


def _utf8_list(uniq: pl.Series) -> list[bytes]:
    items: list[bytes] = uniq.cast(pl.Binary).to_list()
    return items


_DATE_PARTS = r"^\s*([0-9]{4})([-/.年]?)([0-9]{1,2})([-/.月]?)([0-9]{1,2})((?:[^0-9].*)?)$"
_YEAR_MONTH = r"^\s*([0-9]{4})[-/.年]?([0-9]{1,2})?"


def _date_from_parts(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    """A date from year, month, day texts; null when they are not a real date."""
    text = pl.concat_str([y, pl.lit("-"), m.str.zfill(2), pl.lit("-"), d.str.zfill(2)])
    return text.str.to_date("%Y-%m-%d", strict=False)


def _parse_dates(col: pl.Expr) -> pl.Expr:
    """Dates written as 1985-03-12, 1985/3/12, 19850312, 1985年3月12日 (a time after them is ignored)."""
    parts = col.str.extract_groups(_DATE_PARTS)
    return _date_from_parts(parts.struct.field("1"), parts.struct.field("3"), parts.struct.field("5"))


def _as_dates(values: pl.Series) -> pl.Series:
    if values.dtype == pl.Date:
        return values
    if isinstance(values.dtype, pl.Datetime):
        return values.dt.date()
    return _frame(values).select(_parse_dates(pl.col("v"))).to_series()


def _one_line_error(operator: str, exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err.get("loc", ())) or "-"
    return ConfigError("masking.bad_param", operator=operator, field=field, reason=validation_reason(err))


# ---------------------------------------------------------------------------------------- base


class Operator(BaseModel):
    """A masking operator: parameters as fields, ``apply(series) -> series``.

    Subclasses set `name` (the id used in rules), `label` (Chinese), `reversible`, `keyed` and `technique`
    (the GB/T 37964 family: suppression, pseudonymisation, cryptographic, generalisation, randomisation,
    synthetic).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    technique: ClassVar[str] = ""
    reversible: ClassVar[bool] = False
    keyed: ClassVar[bool] = False

    _key: MaskingKey | None = PrivateAttr(default=None)
    _context: str = PrivateAttr(default="")

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _one_line_error(self.name, exc) from None

    @abstractmethod
    def apply(self, values: pl.Series) -> pl.Series:
        """The masked column (same length, same name)."""

    def reverse(self, values: pl.Series) -> pl.Series:
        raise ConfigError("masking.not_reversible", operator=self.name)

    def bind(self, key: MaskingKey | None, context: str = "") -> Operator:
        """A copy that uses `key` (keyed operators) and knows where it runs (`context`, e.g. TABLE.COLUMN:
        the noise operator seeds its generator with it; pseudonyms ignore it so that they join)."""
        clone = self.model_copy()
        clone._key = key
        clone._context = context
        return clone

    def _subkey(self, purpose: str, length: int = 32) -> bytes:
        if self._key is None:
            raise ConfigError("masking.key_unbound", operator=self.name)
        return self._key.derive(purpose, length)

    def describe(self) -> dict[str, Any]:
        """What the audit record and the plan show: the name and the parameters (never a key)."""
        return {"operator": self.name, **self.model_dump(mode="json")}


OPERATORS: dict[str, type[Operator]] = {}


def register(cls: type[Operator]) -> type[Operator]:
    """Make an operator available to rules by its name (the extension point)."""
    if not cls.name:
        raise ValueError("an operator needs a name")
    OPERATORS[cls.name] = cls
    return cls


def create(name: str, params: Mapping[str, Any] | None = None) -> Operator:
    """The operator `name` with `params`; unknown names and bad parameters are one-line ConfigErrors."""
    cls = OPERATORS.get(name)
    if cls is None:
        raise ConfigError("masking.unknown_operator", operator=name, known="、".join(sorted(OPERATORS)))
    return cls(**dict(params or {}))


def apply_frame(frame: pl.DataFrame, operators: Mapping[str, Operator]) -> pl.DataFrame:
    """``apply(batch) -> batch``: each named column through its operator; other columns unchanged."""
    if not operators:
        return frame
    return frame.with_columns([operators[c].apply(frame.get_column(c)).alias(c) for c in frame.columns
                               if c in operators])


def _single_char(value: str) -> str:
    if len(value) != 1:
        raise ValueError(msg("masking.reason_char"))
    return value


_PREFIX = re.compile(r"^[A-Za-z0-9_\-:]{0,16}$")


def _prefix(value: str) -> str:
    if not _PREFIX.match(value):
        raise ValueError(msg("masking.reason_prefix"))
    return value


Count = Field(default=0, ge=0, le=10_000)


# ------------------------------------------------------------------------------------ suppression


@register
class Retain(Operator):
    """保留原值: the column is copied as it is (e.g. gender in a statistics extract)."""

    name = "retain"
    label = "保留原值"
    technique = "none"

    def apply(self, values: pl.Series) -> pl.Series:
        return values


@register
class Suppress(Operator):
    """置空/替换: every non-null value becomes null (default) or the constant `value`."""

    name = "suppress"
    label = "置空"
    technique = "suppression"
    value: str | None = Field(default=None, max_length=64)

    def apply(self, values: pl.Series) -> pl.Series:
        if self.value is None:
            return values.clear(values.len())
        expr = pl.when(pl.col("v").is_not_null()).then(pl.lit(self.value, dtype=pl.String))
        return _frame(values).select(expr).to_series().alias(values.name)


@register
class KeepFirstLast(Operator):
    """保留前 N 后 M 位，中间遮盖: 138****5678, 张**. A value shorter than first + last + min_masked keeps
    proportionally fewer at each end, so a short value is never shown almost whole. `mask_length` replaces
    the middle by a fixed number of characters (hiding the length too)."""

    name = "keep_first_last"
    label = "保留首尾"
    technique = "suppression"
    first: int = Count
    last: int = Count
    mask_char: str = "*"
    min_masked: int = Field(default=1, ge=0, le=10_000)
    mask_length: int | None = Field(default=None, ge=1, le=64)

    _char = field_validator("mask_char")(_single_char)

    def apply(self, values: pl.Series) -> pl.Series:
        if values.len() <= SMALL_SERIES:  # a data-service answer: Polars' fixed cost would dominate
            return pl.Series(values.name, [None if v is None else _keep_ends_one(
                v, first=self.first, last=self.last, min_masked=self.min_masked, char=self.mask_char,
                fixed=self.mask_length) for v in _text(values).to_list()], dtype=pl.String)
        frame = _frame(values)
        longest = _max_chars(frame.get_column("v"))
        expr = _keep_ends(pl.col("v"), first=self.first, last=self.last, min_masked=self.min_masked,
                          char=self.mask_char, fixed=self.mask_length, longest=longest)
        return frame.select(expr).to_series().alias(values.name)


@register
class MaskRange(Operator):
    """遮盖指定区间: characters [start, end) masked (negative positions count from the end; end None = to
    the end). The birth date inside an ID number: start 6, end 14."""

    name = "mask_range"
    label = "区间遮盖"
    technique = "suppression"
    start: int = Field(default=0, ge=-10_000, le=10_000)
    end: int | None = Field(default=None, ge=-10_000, le=10_000)
    mask_char: str = "*"

    _char = field_validator("mask_char")(_single_char)

    @model_validator(mode="after")
    def _ordered(self) -> MaskRange:
        if self.end is not None and (self.start >= 0) == (self.end >= 0) and self.end <= self.start:
            raise ValueError(msg("masking.reason_range"))
        return self

    def apply(self, values: pl.Series) -> pl.Series:
        frame = _frame(values)
        longest = _max_chars(frame.get_column("v"))
        col = pl.col("v")
        n = col.str.len_chars().cast(pl.Int64)
        zero = pl.lit(0, dtype=pl.Int64)

        def position(p: int) -> pl.Expr:
            raw = pl.lit(p, dtype=pl.Int64) if p >= 0 else n + p
            return pl.min_horizontal(pl.max_horizontal(raw, zero), n)

        s = position(self.start)
        e = n if self.end is None else position(self.end)
        hidden = pl.max_horizontal(e - s, zero)
        expr = pl.concat_str([col.str.slice(0, s), _mask_run(self.mask_char, hidden, longest),
                              col.str.slice(s + hidden)])
        return frame.select(expr).to_series().alias(values.name)


@register
class MaskAround(Operator):
    """遮盖分隔符之前/之后: the part before (or after) the `occurrence`-th `separator` is masked, keeping
    `keep_first`/`keep_last` of its characters: z*******@qq.com, 192.168.****. A value without that
    separator is masked whole (`missing: mask`, the default) or kept (`missing: keep`)."""

    name = "mask_around"
    label = "分隔符前后遮盖"
    technique = "suppression"
    separator: str = Field(default="@", max_length=16)
    side: Literal["before", "after"] = "before"
    occurrence: int = Field(default=1, ge=-64, le=64)
    keep_first: int = Count
    keep_last: int = Count
    mask_char: str = "*"
    missing: Literal["mask", "keep"] = "mask"

    _char = field_validator("mask_char")(_single_char)

    @field_validator("separator")
    @classmethod
    def _separator(cls, value: str) -> str:
        if not value:
            raise ValueError(msg("masking.reason_separator"))
        return value

    @field_validator("occurrence")
    @classmethod
    def _occurrence(cls, value: int) -> int:
        if value == 0:
            raise ValueError(msg("masking.reason_occurrence"))
        return value

    def apply(self, values: pl.Series) -> pl.Series:
        frame = _frame(values)
        longest = _max_chars(frame.get_column("v"))
        col = pl.col("v")
        sep = self.separator

        def masked(part: pl.Expr) -> pl.Expr:
            return _keep_ends(part, first=self.keep_first, last=self.keep_last, min_masked=1,
                              char=self.mask_char, fixed=None, longest=longest)

        if self.occurrence == 1:
            pieces = col.str.splitn(sep, 2)
            parts_b, parts_a = pieces.struct.field("field_0"), pieces.struct.field("field_1")
            parts_f = parts_a.is_not_null()
        else:
            parts = col.str.split(sep)
            count = parts.list.len().cast(pl.Int64)
            k = self.occurrence
            cut = pl.lit(k, dtype=pl.Int64) if k > 0 else count + k
            parts_f = (count - 1) >= abs(k)
            parts_b = parts.list.slice(0, cut).list.join(sep)
            parts_a = parts.list.slice(cut).list.join(sep)
        # the parts are materialised once (an eager select would evaluate them again in every use)
        frame = frame.with_columns(parts_b.alias("b"), parts_a.alias("a"), parts_f.alias("f"))
        before, after, found = pl.col("b"), pl.col("a"), pl.col("f")
        if self.side == "before":
            joined = pl.concat_str([masked(before), pl.lit(sep), after])
        else:
            joined = pl.concat_str([before, pl.lit(sep), masked(after)])
        otherwise = masked(col) if self.missing == "mask" else col
        expr = pl.when(found).then(joined).otherwise(otherwise)
        return frame.select(expr).to_series().alias(values.name)


# ----------------------------------------------------------------------- pseudonyms and encryption


@register
class Pseudonym(Operator):
    """假名化 (HMAC-SM3): `prefix` + the first `length` hex digits of HMAC-SM3(scenario sub-key, value).
    Deterministic per scenario key (and `domain`), so the same person has the same pseudonym in every
    table of every run under that key; not reversible. 20 hex digits (80 bits) keep collisions below
    one in 10^8 for 10^8 distinct values."""

    name = "pseudonym"
    label = "假名化"
    technique = "pseudonymisation"
    keyed = True
    length: int = Field(default=20, ge=8, le=64)
    prefix: str = ""
    domain: str = Field(default="", max_length=64)

    _p = field_validator("prefix")(_prefix)

    def apply(self, values: pl.Series) -> pl.Series:
        key = self._subkey(f"pseudonym:{self.domain}")
        nbytes, length, prefix = (self.length + 1) // 2, self.length, self.prefix

        def fn(uniq: pl.Series) -> pl.Series:
            tags = hmac_sm3_many(key, _utf8_list(uniq))
            if length % 2 == 0:
                return pl.Series([prefix + t[:nbytes].hex() for t in tags], dtype=pl.String)
            return pl.Series([prefix + t[:nbytes].hex()[:length] for t in tags], dtype=pl.String)

        return _map_distinct(_text(values), fn)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@register
class Tokenize(Operator):
    """可逆令牌化 (SM4-SIV): deterministic authenticated encryption, so equal values give equal tokens
    (joins work) and the key holder can reverse them. The synthetic IV is HMAC-SM3(mac key, value)[:16];
    the value is encrypted with SM4-CTR under that IV; the token is `prefix` + base64url(IV ‖ ciphertext).
    `reverse` decrypts and checks the IV again, so an altered token is refused, not mis-decoded."""

    name = "tokenize"
    label = "可逆令牌化"
    technique = "cryptographic"
    keyed = True
    reversible = True
    prefix: str = "tk_"

    _p = field_validator("prefix")(_prefix)

    def _keys(self) -> tuple[bytes, bytes]:
        return self._subkey("tokenize:mac"), self._subkey("tokenize:enc", 16)

    def apply(self, values: pl.Series) -> pl.Series:
        mac_key, enc_key = self._keys()
        prefix = self.prefix
        sm4 = algorithms.SM4(enc_key)

        def fn(uniq: pl.Series) -> pl.Series:
            items = _utf8_list(uniq)
            out: list[str] = []
            for item, tag in zip(items, hmac_sm3_many(mac_key, items), strict=True):
                iv = tag[:16]
                enc = Cipher(sm4, modes.CTR(iv)).encryptor()
                out.append(prefix + _b64url(iv + enc.update(item) + enc.finalize()))
            return pl.Series(out, dtype=pl.String)

        return _map_distinct(_text(values), fn)

    def reverse(self, values: pl.Series) -> pl.Series:
        mac_key, enc_key = self._keys()
        prefix = self.prefix
        sm4 = algorithms.SM4(enc_key)

        def fn(uniq: pl.Series) -> pl.Series:
            out: list[str] = []
            for token in uniq.to_list():
                try:
                    if not token.startswith(prefix):
                        raise ValueError
                    blob = _unb64url(token[len(prefix):])
                    if len(blob) < 16:
                        raise ValueError
                    iv, body = blob[:16], blob[16:]
                    dec = Cipher(sm4, modes.CTR(iv)).decryptor()
                    plain = dec.update(body) + dec.finalize()
                    if not hmac.compare_digest(hmac_sm3(mac_key, plain)[:16], iv):
                        raise ValueError
                    out.append(plain.decode("utf-8"))
                except (ValueError, binascii.Error, UnicodeDecodeError):
                    raise CryptoError("masking.token_invalid", token=token[:40]) from None
            return pl.Series(out, dtype=pl.String)

        return _map_distinct(_text(values), fn)


@register
class Encrypt(Operator):
    """SM4 加密 (SM4-GCM per value, random 96-bit nonce): base64 of nonce ‖ ciphertext ‖ tag. Equal values
    give different ciphertexts (no join, no equality leak); `context` is authenticated (bind a value to its
    column). `reverse` decrypts; an altered value is refused."""

    name = "encrypt"
    label = "SM4 加密"
    technique = "cryptographic"
    keyed = True
    reversible = True
    context: str = Field(default="", max_length=200)

    def apply(self, values: pl.Series) -> pl.Series:
        key = self._subkey("encrypt:sm4-gcm", 16)
        aad = self.context.encode("utf-8")
        text = _text(values)
        out = [None if v is None or v == "" else base64.b64encode(sm4_gcm_encrypt(key, v.encode("utf-8"), aad)).decode(
            "ascii") for v in text.to_list()]
        return _blank_kept(text, pl.Series(values.name, out, dtype=pl.String))

    def reverse(self, values: pl.Series) -> pl.Series:
        key = self._subkey("encrypt:sm4-gcm", 16)
        aad = self.context.encode("utf-8")
        out: list[str | None] = []
        for v in _text(values).to_list():
            if v is None or v == "":
                out.append(v)
                continue
            try:
                blob = base64.b64decode(v, validate=True)
            except (binascii.Error, ValueError):
                raise CryptoError("masking.cipher_invalid", value=v[:40]) from None
            try:
                out.append(sm4_gcm_decrypt(key, blob, aad).decode("utf-8"))
            except UnicodeDecodeError:
                raise CryptoError("masking.cipher_invalid", value=v[:40]) from None
        return pl.Series(values.name, out, dtype=pl.String)


# --------------------------------------------------------------------------------- generalisation


@register
class AgeBand(Operator):
    """年龄分段: ages (numbers), birth dates or ID numbers (the birth date inside) → "30-39", and "80+"
    at `top`. Ages are computed on `as_of` (default: the day the job runs)."""

    name = "age_band"
    label = "年龄分段"
    technique = "generalisation"
    width: int = Field(default=10, ge=1, le=100)
    top: int | None = Field(default=None, ge=1, le=150)
    source: Literal["auto", "age", "birth_date", "resident_id"] = "auto"
    as_of: date | None = None

    def _ages(self, values: pl.Series) -> pl.Series:
        today = self.as_of or date.today()
        if _is_numeric(values.dtype) and self.source in ("auto", "age"):
            return values.cast(pl.Int64, strict=False)
        if values.dtype == pl.Date or isinstance(values.dtype, pl.Datetime):
            births = _as_dates(values)
        else:
            col = pl.col("v").str.strip_chars()
            id18 = col.str.contains(r"^[0-9]{17}[0-9Xx]$")
            id15 = col.str.contains(r"^[0-9]{15}$")
            from_id = (pl.when(id18).then(col.str.slice(6, 8))
                       .when(id15).then(pl.concat_str([pl.lit("19"), col.str.slice(6, 6)])))
            id_birth = from_id.str.to_date("%Y%m%d", strict=False)
            age_text = pl.when(col.str.contains(r"^[0-9]{1,3}$")).then(col.cast(pl.Int64, strict=False))
            if self.source == "age":
                return _frame(values).select(age_text).to_series()
            if self.source == "resident_id":
                births = _frame(values).select(id_birth).to_series()
            elif self.source == "birth_date":
                births = _frame(values).select(_parse_dates(col)).to_series()
            else:
                frame = _frame(values).select(
                    age_text.alias("age"),
                    pl.when(id18 | id15).then(id_birth).otherwise(_parse_dates(col)).alias("birth"))
                ages = self._from_births(frame.get_column("birth"), today)
                return frame.get_column("age").fill_null(ages)
        return self._from_births(births, today)

    @staticmethod
    def _from_births(births: pl.Series, today: date) -> pl.Series:
        frame = births.alias("b").to_frame()
        b = pl.col("b")
        later = (b.dt.month().cast(pl.Int64) * 100 + b.dt.day().cast(pl.Int64)) > (today.month * 100 + today.day)
        age = pl.lit(today.year, dtype=pl.Int64) - b.dt.year().cast(pl.Int64) - later.cast(pl.Int64)
        return frame.select(age).to_series()

    def apply(self, values: pl.Series) -> pl.Series:
        ages = self._ages(values).alias("a")
        a = pl.col("a")
        lo = (a // self.width) * self.width
        band = (pl.concat_str([lo.cast(pl.String), pl.lit("-"), (lo + self.width - 1).cast(pl.String)])
                if self.width > 1 else a.cast(pl.String))
        if self.top is not None:
            band = pl.when(a >= self.top).then(pl.lit(f"{self.top}+")).otherwise(band)
        expr = pl.when((a >= 0) & (a <= 150)).then(band)
        out = ages.to_frame().select(expr).to_series().alias(values.name)
        return out if _is_numeric(values.dtype) else _blank_kept(values, out)


@register
class DateTruncate(Operator):
    """日期泛化: a date (or a text date in any of the usual shapes) → its year "1985" or month "1985-03".
    A text that is not a date becomes null rather than being passed through."""

    name = "date_truncate"
    label = "日期泛化"
    technique = "generalisation"
    level: Literal["year", "month"] = "month"

    def apply(self, values: pl.Series) -> pl.Series:
        fmt = "%Y" if self.level == "year" else "%Y-%m"
        if values.dtype == pl.Date or isinstance(values.dtype, pl.Datetime):
            return values.dt.strftime(fmt).alias(values.name)
        parts = pl.col("v").str.extract_groups(_YEAR_MONTH)
        y = parts.struct.field("1")
        m = parts.struct.field("2")
        year_ok = y.cast(pl.Int64, strict=False).is_between(1800, 2200)
        if self.level == "year":
            expr = pl.when(year_ok).then(y)
        else:
            month_ok = m.cast(pl.Int64, strict=False).is_between(1, 12)
            expr = pl.when(year_ok & month_ok).then(pl.concat_str([y, pl.lit("-"), m.str.zfill(2)]))
        out = _frame(values).select(expr).to_series().alias(values.name)
        return _blank_kept(values, out)


_ADDRESS_SEGMENT = (r"[^0-9０-９\s路街巷道号村组弄楼栋幢室单元座层院里,，;；()（）]{1,12}?"
                    r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|盟|区|县|旗)")
_NOT_DISTRICT = r"(?:小区|社区|园区|校区|厂区|景区|营区|片区|街区|商区|新区[^ ]{2,})$"


@cache
def _admin_names() -> pl.Series:
    from shuan.discovery import lexicon

    return pl.Series(sorted(lexicon.admin_names()), dtype=pl.String)


@register
class AddressDistrict(Operator):
    """地址泛化到区县: 山东省济宁市任城区古槐路12号 → 山东省济宁市任城区.

    The leading run of administrative segments (each ending in 省/自治区/自治州/市/盟/地区/区/县/旗 and
    holding no digit or road word) is cut into segments; a segment is kept when it is a name of the GB/T
    2260 gazetteer bundled with discovery (or one without its 市), or when it is a zone such as 高新区 that
    ends in 区/县/旗 and is not a housing estate (小区, 社区, …). The kept prefix stops at the first other
    segment. When nothing is kept the value becomes null (`fallback: suppress`) or is masked whole
    (`fallback: mask`)."""

    name = "address_district"
    label = "地址泛化到区县"
    technique = "generalisation"
    fallback: Literal["suppress", "mask"] = "suppress"
    mask_char: str = "*"

    _char = field_validator("mask_char")(_single_char)

    def apply(self, values: pl.Series) -> pl.Series:
        names = _admin_names().implode()
        mask_char, fallback = self.mask_char, self.fallback

        def fn(uniq: pl.Series) -> pl.Series:
            chain = pl.col("v").str.extract(rf"^((?:{_ADDRESS_SEGMENT})+)", 1)
            frame = uniq.alias("v").to_frame().with_row_index("i").with_columns(
                chain.str.extract_all(_ADDRESS_SEGMENT).alias("seg"))
            # one row per segment: gazetteer lookups are one hash-set probe each (is_in inside list.eval
            # would copy the gazetteer for every value)
            s = pl.col("seg")
            flat = frame.select("i", "seg").explode("seg").with_columns(
                (s.is_in(names) | (s + "市").is_in(names)
                 | (s.str.contains(r"(?:区|县|旗)$") & ~s.str.contains(_NOT_DISTRICT))).fill_null(False).alias("ok"))
            kept = flat.group_by("i", maintain_order=True).agg(
                pl.col("ok").cast(pl.Int8).cum_min().sum().alias("k"))
            frame = frame.join(kept, on="i", how="left", maintain_order="left")
            k = pl.col("k").fill_null(0)
            prefix = s.list.head(k).list.join("")
            if fallback == "mask":
                other = pl.lit(mask_char * 64).str.slice(0, pl.col("v").str.len_chars())
            else:
                other = pl.lit(None, dtype=pl.String)
            return frame.select(pl.when(k > 0).then(prefix).otherwise(other)).to_series()

        return _map_distinct(_text(values), fn).alias(values.name)


def _numbers(values: pl.Series) -> tuple[pl.Series, bool]:
    """(the column as Float64, whether it was an integer column); text is read as numbers where it is one."""
    if values.dtype.is_integer():
        return values.cast(pl.Float64), True
    if _is_numeric(values.dtype):
        return values.cast(pl.Float64), False
    return _text(values).str.strip_chars().cast(pl.Float64, strict=False), False


def _back(result: pl.Series, original: pl.Series, integral: bool) -> pl.Series:
    """Numbers back to the column's type: integer columns stay integers; in a text column a value written
    as an integer stays an integer ("150" → "100", not "100.0")."""
    if original.dtype.is_integer():
        return result.round(0).cast(pl.Int64).cast(original.dtype)
    if _is_numeric(original.dtype):
        return result.cast(original.dtype) if original.dtype.is_float() else result
    frame = pl.DataFrame({"r": result, "o": _text(original)})
    as_int = pl.col("r").round(0).cast(pl.Int64).cast(pl.String)
    whole = pl.col("o").str.contains(r"^\s*[-+]?[0-9]+\s*$") if not integral else pl.lit(True)
    out = frame.select(pl.when(whole).then(as_int).otherwise(pl.col("r").cast(pl.String))).to_series()
    return _blank_kept(original, out)


@register
class Round(Operator):
    """取整/舍入: numbers to a multiple of `base` (10, 1000, 0.01 …), nearest or down. In a text column
    every number inside a value is rounded and the numbers are joined with a comma ("116.397,39.909"),
    which generalises coordinate pairs; a text without a number becomes null."""

    name = "round"
    label = "数值舍入"
    technique = "generalisation"
    base: float = Field(default=1.0, gt=0, le=1e15)
    mode: Literal["nearest", "down"] = "nearest"

    def _expr(self, x: pl.Expr) -> pl.Expr:
        q = x / self.base
        q = q.round(0) if self.mode == "nearest" else q.floor()
        out = q * self.base
        if self.base < 1:
            out = out.round(max(0, math.ceil(-math.log10(self.base))))
        return out

    def apply(self, values: pl.Series) -> pl.Series:
        integral_base = float(self.base).is_integer()
        if _is_numeric(values.dtype):
            numbers, integral = _numbers(values)
            out = numbers.to_frame("x").select(self._expr(pl.col("x"))).to_series()
            return _back(out, values, integral and integral_base).alias(values.name)
        e = pl.element().cast(pl.Float64)
        rounded = self._expr(e)
        as_text = (rounded.cast(pl.Int64).cast(pl.String) if integral_base else rounded.cast(pl.String))
        found = pl.col("v").str.extract_all(r"-?[0-9]+(?:\.[0-9]+)?")
        expr = found.list.eval(as_text).list.join(",")
        out = _frame(values).select(pl.when(found.list.len() > 0).then(expr)).to_series().alias(values.name)
        return _blank_kept(values, out)


@register
class TopBottom(Operator):
    """顶端/底端编码: numbers above `upper` become `upper`, below `lower` become `lower` (outliers hidden)."""

    name = "top_bottom"
    label = "顶端/底端编码"
    technique = "generalisation"
    lower: float | None = None
    upper: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> TopBottom:
        if (self.lower is None and self.upper is None) or (
                self.lower is not None and self.upper is not None and self.lower > self.upper):
            raise ValueError(msg("masking.reason_bounds"))
        return self

    def apply(self, values: pl.Series) -> pl.Series:
        numbers, integral = _numbers(values)
        out = numbers.clip(self.lower, self.upper)
        whole = all(b is None or float(b).is_integer() for b in (self.lower, self.upper))
        return _back(out, values, integral and whole).alias(values.name)


# ---------------------------------------------------------------------------------- randomisation


def _key_int(key: bytes) -> int:
    return int.from_bytes(key, "big")


@register
class DateShift(Operator):
    """日期偏移: every date moves by one offset of 1..`max_days` days (either way) derived from the scenario
    key and `domain`, so intervals between dates survive and the same key shifts every table alike. Text
    dates keep their shape (1985-03-12, 1985/3/12, 19850312, 1985年3月12日, a time after them is kept);
    a text that is not a date becomes null."""

    name = "date_shift"
    label = "日期偏移"
    technique = "randomisation"
    keyed = True
    max_days: int = Field(default=30, ge=1, le=3650)
    domain: str = Field(default="", max_length=64)

    def offset(self) -> int:
        n = _key_int(self._subkey(f"date_shift:{self.domain}", 8)) % (2 * self.max_days)
        return n - self.max_days if n < self.max_days else n - self.max_days + 1

    def apply(self, values: pl.Series) -> pl.Series:
        days = self.offset()
        if values.dtype == pl.Date or isinstance(values.dtype, pl.Datetime):
            return values.alias("v").to_frame().select(pl.col("v") + pl.duration(days=days)).to_series().alias(
                values.name)
        parts = pl.col("v").str.extract_groups(_DATE_PARTS)
        y, s1, m, s2, d, rest = (parts.struct.field(str(i)) for i in range(1, 7))
        shifted = _date_from_parts(y, m, d) + pl.duration(days=days)

        def width_of(original: pl.Expr, value: pl.Expr) -> pl.Expr:
            text = value.cast(pl.String)
            return pl.when(original.str.len_chars() == 2).then(text.str.zfill(2)).otherwise(text)

        expr = pl.concat_str([shifted.dt.year().cast(pl.String).str.zfill(4), s1,
                              width_of(m, shifted.dt.month()), s2, width_of(d, shifted.dt.day()), rest])
        out = _frame(values).select(expr).to_series().alias(values.name)
        return _blank_kept(values, out)


@register
class Noise(Operator):
    """加噪: Laplace or Gaussian noise of `scale` from a generator seeded by the scenario key, `domain` and
    the column (TABLE.COLUMN), so a rerun under the same key adds the same noise (nothing to average
    away). Integer columns stay integers; `min`/`max` clip the result (ages ≥ 0)."""

    name = "noise"
    label = "加噪"
    technique = "randomisation"
    keyed = True
    distribution: Literal["laplace", "gaussian"] = "laplace"
    scale: float = Field(default=1.0, gt=0, le=1e12)
    domain: str = Field(default="", max_length=64)
    min: float | None = None
    max: float | None = None

    _rng: np.random.Generator | None = PrivateAttr(default=None)

    def _generator(self) -> np.random.Generator:
        if self._rng is None:
            seed = _key_int(self._subkey(f"noise:{self.domain}:{self._context}", 16))
            self._rng = np.random.Generator(np.random.PCG64(seed))
        return self._rng

    def apply(self, values: pl.Series) -> pl.Series:
        numbers, integral = _numbers(values)
        rng = self._generator()
        n = numbers.len()
        draw = rng.laplace(0.0, self.scale, n) if self.distribution == "laplace" else rng.normal(0.0, self.scale, n)
        out = numbers + pl.Series(draw)
        if self.min is not None or self.max is not None:
            out = out.clip(self.min, self.max)
        return _back(out, values, integral).alias(values.name)


# ------------------------------------------------------------------------------------ synthetic


FAKE_KINDS = ("person_name", "cn_mobile", "cn_resident_id", "bank_card", "email")


@cache
def _fake_tables() -> dict[str, pl.Series]:
    """Reference lists for fake values, from the discovery lexicon (so the validators accept them)."""
    from shuan.discovery import lexicon

    surnames = sorted(lexicon.surnames().items(), key=lambda kv: (-kv[1], kv[0]))
    given = sorted(lexicon.given_chars().items(), key=lambda kv: (-kv[1], kv[0]))
    three, _four = lexicon.mobile_prefixes()
    regions = [str(c) for c in lexicon.admin_codes().tolist() if c % 100 and 110000 <= c <= 659999]
    bins = sorted(b for b in lexicon.bank_bins() if b.startswith("62") and len(b) == 6) or ["622202"]
    return {
        "surname": pl.Series([s for s, _ in surnames if len(s) == 1][:200], dtype=pl.String),
        "given": pl.Series([c for c, _ in given][:400], dtype=pl.String),
        "mobile": pl.Series(sorted(p for p in three if p.isdigit()), dtype=pl.String),
        "region": pl.Series(regions, dtype=pl.String),
        "bin": pl.Series(bins, dtype=pl.String),
    }


_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.array(list("10X98765432"))
_LUHN_DOUBLE = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)


def _digit_matrix(text: pl.Series, width: int) -> np.ndarray:
    raw = np.frombuffer(b"".join(_utf8_list(text)), dtype=np.uint8).reshape(-1, width)
    return raw.astype(np.int64) - 48


def _u(tags: np.ndarray, at: int, nbytes: int = 4) -> np.ndarray:
    """Unsigned integers read from bytes [at, at+nbytes) of each tag (row of a (n, 32) uint8 matrix)."""
    out = np.zeros(tags.shape[0], dtype=np.uint64)
    for i in range(nbytes):
        out = (out << np.uint64(8)) | tags[:, at + i].astype(np.uint64)
    return out


def _pick(table: pl.Series, r: np.ndarray) -> pl.Series:
    return table.gather(pl.Series((r % np.uint64(table.len())).astype(np.int64)))


def _digits(r: np.ndarray, width: int) -> pl.Series:
    return pl.Series((r % np.uint64(10**width)).astype(np.int64)).cast(pl.String).str.zfill(width)


def _fake_values(kind: str, tags: np.ndarray) -> pl.Series:
    t = _fake_tables()
    n = tags.shape[0]
    if kind == "person_name":
        surname = _pick(t["surname"], _u(tags, 0))
        g1 = _pick(t["given"], _u(tags, 4))
        g2 = _pick(t["given"], _u(tags, 8))
        two = pl.Series(tags[:, 12] % 10 >= 3)
        frame = pl.DataFrame({"s": surname, "a": g1, "b": g2, "two": two})
        return frame.select(pl.concat_str([pl.col("s"), pl.col("a"),
                                           pl.when(pl.col("two")).then(pl.col("b")).otherwise(pl.lit(""))])).to_series()
    if kind == "cn_mobile":
        frame = pl.DataFrame({"p": _pick(t["mobile"], _u(tags, 0)), "d": _digits(_u(tags, 4, 8), 8)})
        return frame.select(pl.concat_str(["p", "d"])).to_series()
    if kind == "cn_resident_id":
        region = _pick(t["region"], _u(tags, 0))
        start = date(1940, 1, 1).toordinal()
        days = (_u(tags, 4) % np.uint64(365 * 66)).astype(np.int64)
        birth = pl.Series([date.fromordinal(start + int(x)) for x in days], dtype=pl.Date) if n else pl.Series(
            [], dtype=pl.Date)
        seq = _digits(_u(tags, 8), 3)
        first17 = pl.DataFrame({"r": region, "b": birth.dt.strftime("%Y%m%d"), "s": seq}).select(
            pl.concat_str(["r", "b", "s"])).to_series()
        if n == 0:
            return first17
        check = _ID_CHECK[(_digit_matrix(first17, 17) @ _ID_WEIGHTS) % 11]
        return first17 + pl.Series(check.tolist(), dtype=pl.String)
    if kind == "bank_card":
        body = pl.DataFrame({"b": _pick(t["bin"], _u(tags, 0)), "d": _digits(_u(tags, 4, 8), 12)}).select(
            pl.concat_str(["b", "d"])).to_series()
        if n == 0:
            return body
        m = _digit_matrix(body, 18)[:, ::-1]  # the check digit will sit right of these: double odd positions
        total = _LUHN_DOUBLE[m[:, 0::2]].sum(axis=1) + m[:, 1::2].sum(axis=1)
        check = (10 - total % 10) % 10
        return body + pl.Series(check.astype(np.int64)).cast(pl.String)
    if kind == "email":
        return pl.Series(["u" + bytes(row[:6]).hex() + "@example.cn" for row in tags], dtype=pl.String)
    raise ConfigError("masking.fake_kind", kind=kind, known="、".join(FAKE_KINDS))


def _fake_validator(kind: str) -> Callable[[pl.Series], pl.Series] | None:
    from shuan.discovery import validators

    return {
        "person_name": validators.VALIDATORS.get("person_name"),
        "cn_mobile": validators.mobile,
        "cn_resident_id": validators.resident_id,
        "bank_card": validators.bank_card,
    }.get(kind)


@register
class Fake(Operator):
    """仿真替换: a realistic fake of `kind` (姓名, 手机号, 身份证号, 银行卡号, 邮箱) chosen by HMAC-SM3 of the
    value under the scenario key, so one person gets the same fake everywhere; the fakes pass the
    platform's own validators (check digits, allocated segments, known region codes). Different values may
    share a fake name (there are only so many names); numbers collide rarely."""

    name = "fake"
    label = "仿真替换"
    technique = "synthetic"
    keyed = True
    kind: Literal["person_name", "cn_mobile", "cn_resident_id", "bank_card", "email"] | None = None

    def apply(self, values: pl.Series) -> pl.Series:
        if self.kind is None:
            raise ConfigError("masking.fake_kind", kind="-", known="、".join(FAKE_KINDS))
        kind = self.kind
        key = self._subkey(f"fake:{kind}")
        check = _fake_validator(kind)

        def fn(uniq: pl.Series) -> pl.Series:
            items = _utf8_list(uniq)
            tags = np.frombuffer(b"".join(hmac_sm3_many(key, items)), dtype=np.uint8).reshape(-1, 32)
            out = _fake_values(kind, tags)
            if check is None:
                return out
            for attempt in range(1, 8):  # the rare fake a validator refuses is drawn again
                bad = np.flatnonzero(~check(out).fill_null(False).to_numpy())
                if not bad.size:
                    break
                retry = [items[i] + b"\x00" + bytes([attempt]) for i in bad]
                more = np.frombuffer(b"".join(hmac_sm3_many(key, retry)), dtype=np.uint8).reshape(-1, 32)
                out = out.scatter(bad, _fake_values(kind, more))
            return out

        return _map_distinct(_text(values), fn).alias(values.name)


# ------------------------------------------------------------------------------------ free text


@cache
def _detector() -> Any:
    from shuan.discovery.registry import Registry
    from shuan.discovery.text import TextDetector

    return TextDetector(Registry.default())


@register
class RedactText(Operator):
    """自由文本脱敏: identifiers found inside free text (the same recognizers as `shuan detect`) are
    replaced by their type's name in brackets (【手机号】) or masked character for character. `types`
    limits which types are replaced (default: every type)."""

    name = "redact_text"
    label = "自由文本脱敏"
    technique = "suppression"
    style: Literal["label", "mask"] = "label"
    types: list[str] | None = None
    mask_char: str = "*"

    _char = field_validator("mask_char")(_single_char)

    def apply(self, values: pl.Series) -> pl.Series:
        from shuan.discovery.vocabulary import label

        detector = _detector()
        wanted = set(self.types) if self.types is not None else None
        style, char = self.style, self.mask_char

        def fn(uniq: pl.Series) -> pl.Series:
            lines: list[str] = uniq.to_list()
            out: list[str] = []
            for line, spans in zip(lines, detector.detect(lines), strict=True):
                pieces: list[str] = []
                at = 0
                for span in sorted(spans, key=lambda s: s.start):
                    if (wanted is not None and span.type not in wanted) or span.start < at:
                        continue
                    pieces.append(line[at:span.start])
                    pieces.append(f"【{label(span.type)}】" if style == "label" else char * (span.end - span.start))
                    at = span.end
                pieces.append(line[at:])
                out.append("".join(pieces))
            return pl.Series(out, dtype=pl.String)

        return _map_distinct(_text(values), fn).alias(values.name)

